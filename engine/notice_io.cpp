// Notice input and output: the streaming NoticeReader over JSONL / .txt / folders / stdin,
// UTF-8 repair, derived ids and the JSONL writer. The input rules are documented in
// notice_io.hpp. Tests: tests/test_notice_io.cpp.
#include "engine/notice_io.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <istream>

namespace shiwake::engine {

namespace fs = std::filesystem;

Diagnostic InputError::to_diagnostic() const {
  Diagnostic d;
  d.level = level;
  d.file = source;
  d.line = line;
  d.column = 0;
  d.message = offset ? message + " (byte " + std::to_string(offset) + ")" : message;
  return d;
}

std::string derived_id(std::string_view key) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a 64 offset basis
  for (unsigned char c : key) {
    h ^= c;
    h *= 0x100000001b3ull;  // FNV-1a 64 prime
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "n-";
  for (int shift = 60; shift >= 60 - 4 * 11; shift -= 4) id += kHex[(h >> shift) & 0xf];
  return id;
}

std::vector<std::size_t> repair_utf8(std::string& text) {
  std::vector<std::size_t> bad;
  // Most records are clean: simdjson checks that 64 bytes a step (the same definition of
  // valid UTF-8 as U8_NEXT's), and only a record that fails is walked and rebuilt.
  if (simdjson::validate_utf8(text.data(), text.size())) return bad;
  const auto* s = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(std::min<std::size_t>(text.size(), INT32_MAX));
  std::int32_t i = 0;
  while (i < length) {
    std::int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) bad.push_back(static_cast<std::size_t>(start));
  }
  if (bad.empty()) return bad;
  std::string out;
  out.reserve(text.size() + 2 * bad.size());
  i = 0;
  while (i < length) {
    std::int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0)
      out += "\xEF\xBF\xBD";
    else
      out.append(text, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
  }
  text = std::move(out);
  return bad;
}

std::string notice_to_json(const Notice& n) {
  nlohmann::ordered_json j;
  j["id"] = n.id;
  j["title"] = n.title;
  j["text"] = n.text;
  if (!n.published.empty()) j["published"] = n.published;
  if (!n.source_file.empty()) j["source_file"] = n.source_file;
  if (n.source_line) j["source_line"] = n.source_line;
  if (!n.also_in.empty()) j["also_in"] = n.also_in;
  // replace: a notice built in memory with bad bytes still serializes (as U+FFFD).
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace detail {

// Reads lines from a stream through a fixed buffer, so a huge line costs at most `limit`
// bytes of memory: the part beyond the limit is skipped, only its length is counted.
class LineReader {
 public:
  explicit LineReader(std::istream& in) : in_(in), buf_(1 << 16) {}

  struct Line {
    std::uint64_t offset = 0;  // byte offset of the line's first byte in the stream
    std::uint64_t length = 0;  // full length without the newline, even when truncated
    unsigned number = 0;       // 1-based
    bool too_long = false;     // `text` holds only the first `limit` bytes
  };

  // False at end of input. A final line without a newline is still a line.
  bool next(std::string& text, std::size_t limit, Line& line) {
    text.clear();
    line = Line{offset_, 0, number_ + 1, false};
    bool any = false;
    for (;;) {
      if (pos_ == end_ && !fill()) break;
      any = true;
      const char* begin = buf_.data() + pos_;
      const char* nl = static_cast<const char*>(std::memchr(begin, '\n', end_ - pos_));
      std::size_t n = nl ? static_cast<std::size_t>(nl - begin) : end_ - pos_;
      line.length += n;
      if (text.size() < limit) text.append(begin, std::min(n, limit - text.size()));
      pos_ += n;
      offset_ += n;
      if (nl) {
        ++pos_;
        ++offset_;
        break;
      }
    }
    if (!any) return false;
    ++number_;
    line.too_long = line.length > limit;
    if (!line.too_long && !text.empty() && text.back() == '\r') {
      text.pop_back();
      --line.length;
    }
    return true;
  }

 private:
  bool fill() {
    if (!in_) return false;
    in_.read(buf_.data(), static_cast<std::streamsize>(buf_.size()));
    pos_ = 0;
    end_ = static_cast<std::size_t>(in_.gcount());
    return end_ > 0;
  }

  std::istream& in_;
  std::vector<char> buf_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t offset_ = 0;
  unsigned number_ = 0;
};

bool is_blank(std::string_view line) {
  // ASCII white space, NBSP and the ideographic space: what a page uses as an empty line.
  std::size_t i = 0;
  while (i < line.size()) {
    if (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' || line[i] == '\f' || line[i] == '\v') {
      ++i;
    } else if (line.compare(i, 2, "\xC2\xA0") == 0) {
      i += 2;
    } else if (line.compare(i, 3, "\xE3\x80\x80") == 0) {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

std::string_view trim(std::string_view s) {
  auto is_space_at_front = [&](std::string_view v) -> std::size_t {
    if (v.empty()) return 0;
    if (v[0] == ' ' || v[0] == '\t' || v[0] == '\r') return 1;
    if (v.substr(0, 2) == "\xC2\xA0") return 2;
    if (v.substr(0, 3) == "\xE3\x80\x80") return 3;
    return 0;
  };
  while (std::size_t n = is_space_at_front(s)) s.remove_prefix(n);
  for (;;) {
    if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
      s.remove_suffix(1);
    } else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") {
      s.remove_suffix(2);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

}  // namespace detail

namespace {

enum class Kind { jsonl, txt };

Kind kind_of(const fs::path& p) { return p.extension() == ".txt" ? Kind::txt : Kind::jsonl; }

const char* type_name(const nlohmann::json& v) { return v.type_name(); }

std::string mib(std::size_t bytes) { return std::to_string(bytes >> 20) + " MiB"; }

// The fields of a JSONL record that the reader knows, as read.
struct Fields {
  bool title = false, text = false, source_file = false;
};

// Reads a well-formed record with simdjson, which is several times faster than nlohmann:
// an object whose known fields all have their types, `source_line` a positive integer
// that fits. Anything else returns false, and the record goes to the nlohmann reader,
// which names the problem in its diagnostics (or accepts the record: `source_line: 0`,
// nesting deeper than simdjson's limit). simdjson validates the whole record, so both
// readers accept exactly the same well-formed records and read the same values; a key
// given twice counts with its last value in both.
bool read_well_formed(simdjson::dom::parser& parser, const std::string& line, Notice& n, Fields& got) {
  simdjson::dom::object record;
  if (parser.parse(line).get(record) != simdjson::SUCCESS) return false;
  for (const auto field : record) {
    const std::string_view key = field.key;
    auto string_into = [&](std::string& out) {
      std::string_view v;
      if (field.value.get(v) != simdjson::SUCCESS) return false;
      out.assign(v);
      return true;
    };
    if (key == "title") {
      if (!(got.title = string_into(n.title))) return false;
    } else if (key == "text") {
      if (!(got.text = string_into(n.text))) return false;
    } else if (key == "id") {
      if (!string_into(n.id)) return false;
    } else if (key == "published") {
      if (!string_into(n.published)) return false;
    } else if (key == "source_file") {
      if (!(got.source_file = string_into(n.source_file))) return false;
    } else if (key == "source_line") {
      // "-0" reads as the integer 0 here but is a signed number to nlohmann: 0 goes there.
      std::int64_t v = 0;
      if (field.value.get(v) != simdjson::SUCCESS || v < 1 || v > std::int64_t{UINT32_MAX}) return false;
      n.source_line = static_cast<unsigned>(v);
    } else if (key == "also_in") {
      simdjson::dom::array list;
      if (field.value.get(list) != simdjson::SUCCESS) return false;
      n.also_in.clear();
      for (const auto item : list) {
        std::string_view v;
        if (item.get(v) != simdjson::SUCCESS) return false;
        n.also_in.emplace_back(v);
      }
    }
  }
  return true;
}

}  // namespace

struct NoticeReader::State {
  std::deque<std::string> inputs;  // not yet opened, in order
  std::istream* stdin_stream = nullptr;
  std::deque<NoticeOrError> ready;  // produced, not yet returned

  // The open input.
  std::string source;
  Kind kind = Kind::jsonl;
  std::unique_ptr<std::ifstream> file;
  std::unique_ptr<detail::LineReader> lines;
  std::string line;
  simdjson::dom::parser json;  // reused: it keeps its buffers
  bool fast_json = true;

  void error(Level level, unsigned line_no, std::uint64_t offset, std::string message) {
    ready.emplace_back(InputError{level, source, line_no, offset, std::move(message)});
  }

  // Repairs a record's bytes and reports the repair; `base` is the record's file offset.
  void repair(std::string& text, unsigned line_no, std::uint64_t base) {
    auto bad = repair_utf8(text);
    if (bad.empty()) return;
    std::string msg = "invalid UTF-8 replaced with U+FFFD";
    if (bad.size() > 1) msg += " (" + std::to_string(bad.size()) + " sequences)";
    error(Level::warning, line_no, base + bad.front(), msg + " at byte " + std::to_string(base + bad.front()));
  }

  bool open_next() {
    while (!inputs.empty()) {
      std::string input = std::move(inputs.front());
      inputs.pop_front();
      source = input;
      file.reset();
      lines.reset();
      if (input == "-") {
        if (!stdin_stream) {
          error(Level::error, 0, 0, "stdin is not available");
          continue;
        }
        kind = Kind::jsonl;
        lines = std::make_unique<detail::LineReader>(*stdin_stream);
        return true;
      }
      std::error_code ec;
      fs::path path(input);
      if (fs::is_directory(path, ec)) {
        expand_folder(path);
        continue;
      }
      auto f = std::make_unique<std::ifstream>(path, std::ios::binary);
      if (!*f) {
        error(Level::error, 0, 0, fs::exists(path, ec) ? "cannot open the file" : "no such file or folder");
        continue;
      }
      kind = kind_of(path);
      file = std::move(f);
      lines = std::make_unique<detail::LineReader>(*file);
      return true;
    }
    return false;
  }

  void expand_folder(const fs::path& folder) {
    std::vector<fs::path> found;
    std::error_code ec;
    auto options = fs::directory_options::skip_permission_denied;
    for (fs::recursive_directory_iterator it(folder, options, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code fec;
      if (!it->is_regular_file(fec)) continue;
      auto ext = it->path().extension();
      if (ext == ".jsonl" || ext == ".txt") found.push_back(it->path());
    }
    if (ec) error(Level::error, 0, 0, "cannot list the folder: " + ec.message());
    std::sort(found.begin(), found.end());
    for (auto it = found.rbegin(); it != found.rend(); ++it) inputs.push_front(it->string());
  }

  // Reads until at least one item is ready or the input ends.
  void read_some() {
    if (kind == Kind::txt) {
      read_txt();
      lines.reset();
      return;
    }
    detail::LineReader::Line info;
    while (ready.empty()) {
      if (!lines->next(line, kMaxRecordBytes, info)) {
        lines.reset();
        return;
      }
      read_jsonl_line(info);
    }
  }

  void read_jsonl_line(const detail::LineReader::Line& info) {
    if (info.too_long) {
      error(Level::error, info.number, info.offset,
            "record too large: " + std::to_string(info.length) + " bytes (limit " + mib(kMaxRecordBytes) + ")");
      return;
    }
    std::uint64_t base = info.offset;
    if (info.number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
      line.erase(0, 3);
      base += 3;
    }
    if (detail::is_blank(line)) return;
    // A line that turns out to be unreadable takes its repair warning with it: a warning
    // always precedes the notice it is about, never the next one.
    const std::size_t mark = ready.size();
    auto fail = [&](std::uint64_t at, std::string message) {
      ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(mark), ready.end());
      error(Level::error, info.number, at, std::move(message));
    };
    repair(line, info.number, base);

    Notice n;
    Fields got;
    if (!fast_json || !read_well_formed(json, line, n, got)) {
      n = Notice{};
      got = Fields{};
      if (!read_with_diagnostics(base, n, got, fail)) return;
    }
    const bool title_missing = !got.title, text_missing = !got.text;
    if (title_missing && text_missing) {
      fail(base, "missing fields \"title\" and \"text\"");
      return;
    }
    if (title_missing) error(Level::warning, info.number, base, "missing field \"title\": read with an empty title");
    if (text_missing) error(Level::warning, info.number, base, "missing field \"text\": read with an empty text");
    if (n.id.empty()) n.id = derived_id(n.title + "\n" + n.text);
    if (!got.source_file) {
      n.source_file = source;
      n.source_line = info.number;
    }
    ready.emplace_back(std::move(n));
  }

  // Reads a record that read_well_formed declined, with nlohmann: false after `fail`
  // reported why it cannot be read.
  template <class Fail>
  bool read_with_diagnostics(std::uint64_t base, Notice& n, Fields& got, Fail&& fail) {
    nlohmann::json j;
    try {
      // Keep the top level and its direct children only: nested values of fields we
      // ignore are discarded while parsing, so they cost no memory.
      j = nlohmann::json::parse(line, [](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
        return depth <= 2;
      });
    } catch (const nlohmann::json::parse_error& e) {
      std::string what = e.what();
      if (auto p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);
      std::uint64_t at = base + (e.byte ? e.byte - 1 : 0);
      fail(at, "malformed JSON: " + what);
      return false;
    } catch (const nlohmann::json::exception& e) {  // out_of_range: a number like 1e999
      std::string what = e.what();
      if (auto p = what.find("] "); p != std::string::npos) what.erase(0, p + 2);
      fail(base, "malformed JSON: " + what);
      return false;
    }
    if (!j.is_object()) {
      fail(base, std::string("record is not a JSON object (got ") + type_name(j) + ")");
      return false;
    }

    std::string problem;
    auto string_field = [&](const char* key, std::string& out) -> bool {
      auto it = j.find(key);
      if (it == j.end()) return false;
      if (!it->is_string()) {
        if (problem.empty())
          problem = std::string("field \"") + key + "\" must be a string (got " + type_name(*it) + ")";
        return false;
      }
      out = std::move(it->get_ref<std::string&>());
      return true;
    };
    got.title = string_field("title", n.title);
    got.text = string_field("text", n.text);
    string_field("id", n.id);
    string_field("published", n.published);
    got.source_file = string_field("source_file", n.source_file);
    if (auto it = j.find("source_line"); it != j.end()) {
      if (it->is_number_unsigned() && it->get<std::uint64_t>() <= UINT32_MAX)
        n.source_line = it->get<unsigned>();
      else if (problem.empty())
        problem = "field \"source_line\" must be a positive integer";
    }
    if (auto it = j.find("also_in"); it != j.end()) {
      bool ok = it->is_array();
      if (ok)
        for (const auto& v : *it) {
          if (!v.is_string()) {
            ok = false;
            break;
          }
          n.also_in.push_back(v.get<std::string>());
        }
      if (!ok && problem.empty()) problem = "field \"also_in\" must be an array of strings";
    }
    if (!problem.empty()) {
      fail(base, problem);
      return false;
    }
    return true;
  }

  void read_txt() {
    Notice n;
    std::size_t budget = kMaxRecordBytes;
    std::string pending_blank;  // blank lines held back until text follows them
    detail::LineReader::Line info;
    bool have_title = false;
    // Errors end the file's notice: drop its warnings, keep what earlier inputs produced.
    const std::size_t mark = ready.size();
    auto fail = [&](unsigned line_no, std::uint64_t at, std::string message) {
      ready.erase(ready.begin() + static_cast<std::ptrdiff_t>(mark), ready.end());
      error(Level::error, line_no, at, std::move(message));
    };
    while (lines->next(line, budget, info)) {
      if (info.too_long || info.length + 1 > budget) {
        fail(0, 0, "file too large for one notice (limit " + mib(kMaxRecordBytes) + ")");
        return;
      }
      budget -= info.length + 1;
      std::uint64_t base = info.offset;
      if (info.number == 1 && line.compare(0, 3, "\xEF\xBB\xBF") == 0) {
        line.erase(0, 3);
        base += 3;
      }
      if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
        auto at = base + static_cast<std::uint64_t>(static_cast<const char*>(nul) - line.data());
        fail(info.number, at, "binary file: NUL byte at byte " + std::to_string(at));
        return;
      }
      repair(line, info.number, base);
      if (!have_title) {
        if (detail::is_blank(line)) continue;
        n.title = std::string(detail::trim(line));
        n.source_line = info.number;
        have_title = true;
        continue;
      }
      if (detail::is_blank(line)) {
        if (!n.text.empty()) pending_blank += "\n";
        continue;
      }
      if (!n.text.empty()) n.text += "\n";
      n.text += pending_blank;
      pending_blank.clear();
      n.text += line;
    }
    if (!have_title) {
      fail(0, 0, "empty file: no notice in it");
      return;
    }
    n.source_file = source;
    n.id = derived_id(n.title + "\n" + n.text);
    ready.emplace_back(std::move(n));
  }
};

NoticeReader::NoticeReader(std::vector<std::string> inputs, std::istream* stdin_stream)
    : state_(std::make_unique<State>()) {
  state_->inputs.assign(std::make_move_iterator(inputs.begin()), std::make_move_iterator(inputs.end()));
  state_->stdin_stream = stdin_stream;
}

NoticeReader::~NoticeReader() = default;
void NoticeReader::use_fast_json(bool on) { state_->fast_json = on; }
NoticeReader::NoticeReader(NoticeReader&&) noexcept = default;
NoticeReader& NoticeReader::operator=(NoticeReader&&) noexcept = default;

std::optional<NoticeOrError> NoticeReader::next() {
  State& s = *state_;
  while (s.ready.empty()) {
    if (!s.lines && !s.open_next()) {
      if (s.ready.empty()) return std::nullopt;
      break;
    }
    if (s.lines) s.read_some();
  }
  NoticeOrError item = std::move(s.ready.front());
  s.ready.pop_front();
  return item;
}

}  // namespace shiwake::engine
