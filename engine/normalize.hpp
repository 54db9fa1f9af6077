// Normalization: the text every rule term and every fact grammar sees, and the map from
// it back to the original text. Entry points: normalize (a notice's text, with offsets)
// and normalize_term (a rule literal). Tests: tests/test_normalize.cpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shiwake::engine {

namespace detail {
template <bool kTrackOffsets>
class Normalizer;

// Decodes the code point at s[i] and advances i. For valid UTF-8 only, such as the
// normalizer's output (ICU's output for valid UTF-8).
inline char32_t decode(const unsigned char* s, std::size_t& i) {
  const unsigned char b = s[i];
  if (b < 0x80) {
    i += 1;
    return b;
  }
  if (b < 0xE0) {
    const char32_t c = (char32_t(b & 0x1F) << 6) | (s[i + 1] & 0x3F);
    i += 2;
    return c;
  }
  if (b < 0xF0) {
    const char32_t c = (char32_t(b & 0x0F) << 12) | (char32_t(s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F);
    i += 3;
    return c;
  }
  const char32_t c = (char32_t(b & 0x07) << 18) | (char32_t(s[i + 1] & 0x3F) << 12) |
                     (char32_t(s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F);
  i += 4;
  return c;
}

inline bool is_lead_byte(unsigned char b) { return (b & 0xC0) != 0x80; }

// Code points starting in p[0, n): bytes that are not continuation bytes (10xxxxxx),
// eight at a time since this runs over every byte of every notice.
inline std::uint32_t count_chars(const unsigned char* p, std::size_t n) {
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  std::size_t count = n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, p + i, 8);
    const std::uint64_t continuation = w & ~(w << 1) & kHigh;  // bit 7 set, bit 6 clear
    count -= ((continuation >> 7) * 0x0101010101010101ULL) >> 56;
  }
  for (; i < n; ++i) count -= !is_lead_byte(p[i]);
  return std::uint32_t(count);
}

}  // namespace detail

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

  // Number of code points of the normalized text and of the original it came from.
  std::uint32_t char_count() const { return char_count_; }
  std::uint32_t original_length() const { return original_length_; }

 private:
  template <bool kTrackOffsets>
  friend class detail::Normalizer;

  // Consecutive normalized code points [first_char, next segment's first_char) that map
  // either one to one onto consecutive original code points from orig_begin (step 1), or
  // all onto the range [orig_begin, orig_end) (step 0). Most text is copied unchanged, so
  // a notice needs a few segments per line rather than a table entry per byte.
  struct Segment {
    std::uint32_t first_char;
    std::uint32_t orig_begin;
    std::uint32_t orig_end;
    std::uint32_t step;
  };
  static constexpr std::size_t kBlockBits = 6;

  std::pair<std::uint32_t, std::uint32_t> original_of(std::uint32_t char_index) const;

  std::string text_;
  std::vector<Segment> segments_;           // sorted by first_char; orig_end never decreases
  std::vector<std::uint32_t> block_chars_;  // per 64-byte block of text_: code points before it
  std::uint32_t char_count_ = 0;
  std::uint32_t original_length_ = 0;
};

// NFKC with case folding, then white space next to a CJK character removed, line
// breaks inside a sentence joined, dash and long-vowel variants folded, runs of spaces
// collapsed. `original` should be valid UTF-8 (the notice reader repairs it first); any
// ill-formed sequence left is read as U+FFFD, one original code point per sequence.
NormalizedText normalize(std::string_view original);

// The same pipeline for a rule literal, without offsets.
std::string normalize_term(std::string_view literal);

}  // namespace shiwake::engine
