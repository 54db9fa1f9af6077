// The fuzz check of the rule-pack loader and compiler (engine::load_pack_file, then
// Classifier::compile and one classification when it compiles): nothing escapes the
// stages, every diagnostic has a message and a line inside the file, and formats. Used by
// fuzz_pack.cpp and replayed over the corpus by tests/test_fuzz_replay.cpp.
#pragma once

#include "engine/notice_io.hpp"
#include "engine/shiwake.hpp"
#include "tests/fuzz/finding.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

namespace shiwake::fuzz {

inline void check_pack(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  engine::LoadedPack loaded;
  engine::load_pack_file("fuzz.yaml", text, loaded);
  std::vector<Diagnostic> diags = loaded.diagnostics;
  std::unique_ptr<engine::Classifier> classifier;
  if (!has_errors(diags)) classifier = engine::Classifier::compile(std::move(loaded.pack), diags);
  const auto lines = static_cast<unsigned>(std::count(text.begin(), text.end(), '\n')) + 1;
  for (const Diagnostic& d : diags) {
    if (d.message.empty()) finding("pack", "a diagnostic without a message", text);
    if (d.line > lines) finding("pack", "a diagnostic past the last line", d.message, std::to_string(d.line));
    (void)format(d);
  }
  if (classifier) {
    auto scratch = classifier->make_scratch();
    engine::Notice n;
    n.id = "fuzz";
    n.title = "不正アクセスによる個人情報漏えいのお知らせ";
    // Over 256 bytes: Vectorscan 5.4's block mode aborted there with some start-of-match
    // regexes (/a+b/); the engine's streaming mode must not.
    n.text = "2024年2月29日、約1万2千件のカード情報が流出。ランサムウェア Emotet aaaaaaaab ";
    for (int i = 0; i < 4; ++i) n.text += n.text;
    (void)classifier->classify(n, scratch);
  }
}

}  // namespace shiwake::fuzz
