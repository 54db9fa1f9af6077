// The fuzz check of the notice reader (engine::NoticeReader) over JSONL from a stream and
// over the same bytes as a .txt file: notices are valid UTF-8 with an id; errors name a
// line of the input; a warning is always followed by its notice; at most one record per
// line; a notice written with notice_to_json reads back the same; a .txt file is exactly
// one record; the fast JSON reader and the diagnosing one give the same records. Used by fuzz_jsonl.cpp and replayed by tests/test_fuzz_replay.cpp.
#pragma once

#include "engine/notice_io.hpp"
#include "tests/fuzz/finding.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace shiwake::fuzz {

namespace detail {

inline bool valid_utf8(std::string s) { return engine::repair_utf8(s).empty(); }

// Reads everything and checks each record; returns the notices.
inline std::vector<engine::Notice> read_checked(engine::NoticeReader& reader, unsigned max_line) {
  std::vector<engine::Notice> notices;
  bool warning_pending = false;
  while (auto item = reader.next()) {
    if (auto* e = std::get_if<engine::InputError>(&*item)) {
      if (e->message.empty()) finding("jsonl", "an error without a message");
      if (e->line > max_line) finding("jsonl", "an error names a line past the end", e->message);
      if (e->level == Level::error && warning_pending) finding("jsonl", "a warning followed by an error", e->message);
      warning_pending = e->level != Level::error;
      continue;
    }
    const engine::Notice& n = std::get<engine::Notice>(*item);
    warning_pending = false;
    if (n.id.empty()) finding("jsonl", "a notice without an id", n.title);
    if (!valid_utf8(n.title) || !valid_utf8(n.text) || !valid_utf8(n.id)) finding("jsonl", "a notice with invalid UTF-8");
    notices.push_back(n);
  }
  if (warning_pending) finding("jsonl", "a warning at the end, with no notice after it");
  return notices;
}

}  // namespace detail

inline void check_jsonl(const std::uint8_t* data, std::size_t size) {
  using namespace shiwake::engine;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const auto lines = static_cast<unsigned>(std::count(bytes.begin(), bytes.end(), '\n')) + 1;

  std::istringstream in(bytes);
  NoticeReader reader({"-"}, &in);
  const std::vector<Notice> notices = detail::read_checked(reader, lines);
  if (notices.size() > lines) finding("jsonl", "more notices than lines");

  // Every record read again by the diagnosing reader alone: the same notices and errors.
  {
    std::istringstream fast_in(bytes), slow_in(bytes);
    NoticeReader fast({"-"}, &fast_in), slow({"-"}, &slow_in);
    slow.use_fast_json(false);
    for (;;) {
      auto a = fast.next(), b = slow.next();
      if (!a || !b) {
        if (a || b) finding("jsonl", "the two JSON readers give a different number of records");
        break;
      }
      if (a->index() != b->index()) {
        finding("jsonl", "a record is a notice for one JSON reader and an error for the other");
      } else if (auto* n = std::get_if<Notice>(&*a)) {
        const Notice& m = std::get<Notice>(*b);
        if (n->id != m.id || n->title != m.title || n->text != m.text || n->published != m.published ||
            n->source_file != m.source_file || n->source_line != m.source_line || n->also_in != m.also_in)
          finding("jsonl", "the two JSON readers read a record differently", notice_to_json(*n), notice_to_json(m));
      } else {
        const InputError& e = std::get<InputError>(*a);
        const InputError& f = std::get<InputError>(*b);
        if (e.message != f.message || e.line != f.line || e.offset != f.offset || e.level != f.level)
          finding("jsonl", "the two JSON readers report a record differently", e.message, f.message);
      }
    }
  }

  // What the writer writes, the reader reads back unchanged.
  std::string written;
  for (const Notice& n : notices) written += notice_to_json(n) + "\n";
  std::istringstream back_in(written);
  NoticeReader back({"-"}, &back_in);
  const std::vector<Notice> again = detail::read_checked(back, static_cast<unsigned>(notices.size()) + 1);
  if (again.size() != notices.size()) finding("jsonl", "the written notices read back as a different number", written);
  for (std::size_t i = 0; i < notices.size(); ++i)
    if (again[i].id != notices[i].id || again[i].title != notices[i].title || again[i].text != notices[i].text ||
        again[i].published != notices[i].published || again[i].also_in != notices[i].also_in)
      finding("jsonl", "a notice changed through notice_to_json", notice_to_json(notices[i]), notice_to_json(again[i]));

  // The same bytes as a .txt file: exactly one record, a notice or an error.
  const char* tmp = std::getenv("TMPDIR");
  const std::string txt = std::string(tmp ? tmp : "/tmp") + "/shiwake-fuzz-jsonl-" + std::to_string(::getpid()) + ".txt";
  {
    std::ofstream out(txt, std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  NoticeReader file_reader({txt});
  std::size_t records = 0;
  bool warning_pending = false;
  while (auto item = file_reader.next()) {
    if (auto* e = std::get_if<InputError>(&*item)) {
      if (e->level != Level::error) {
        warning_pending = true;
        continue;
      }
      if (warning_pending) finding("jsonl", ".txt: a warning followed by an error", e->message);
    } else if (!detail::valid_utf8(std::get<Notice>(*item).title) || !detail::valid_utf8(std::get<Notice>(*item).text)) {
      finding("jsonl", ".txt: a notice with invalid UTF-8");
    }
    warning_pending = false;
    ++records;
  }
  std::remove(txt.c_str());
  if (records != 1) finding("jsonl", ".txt: not exactly one record", std::to_string(records));
}

}  // namespace shiwake::fuzz
