// Normalization: the text every rule term and every fact grammar sees, and the map from
// it back to the original text. Entry points: normalize (a notice's text, with offsets)
// and normalize_term (a rule literal). Tests: tests/test_normalize.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shiwake::engine {

// A normalized text and, for every byte offset in it, where it came from.
class NormalizedText {
 public:
  const std::string& text() const { return text_; }

  // The original code-point range [first, second) that produced the normalized byte
  // range [begin, end). Exact: normalizing that original range yields the matched text
  // (or a text containing it when one original character expanded to several).
  std::pair<std::uint32_t, std::uint32_t> to_original(std::size_t begin, std::size_t end) const;

  // Code-point index of a normalized byte offset: distances in the DSL are in characters.
  std::uint32_t char_index(std::size_t byte) const;

 private:
  friend NormalizedText normalize(std::string_view);
  std::string text_;
  std::vector<std::uint32_t> orig_begin_;  // per normalized byte: original code point where its edit starts
  std::vector<std::uint32_t> orig_end_;    // per normalized byte: original code point where its edit ends
  std::vector<std::uint32_t> char_index_;  // per normalized byte (+1): code point index in text_
};

// NFKC with case folding, then white space between two CJK characters removed, line
// breaks inside a sentence joined, dash and long-vowel variants folded. `original` must
// be valid UTF-8 (the notice reader repairs it first).
NormalizedText normalize(std::string_view original);

// The same pipeline for a rule literal, without offsets.
std::string normalize_term(std::string_view literal);

}  // namespace shiwake::engine
