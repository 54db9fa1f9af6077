// The fuzz check of the normalizer and its offset map (engine::normalize, to_original,
// char_index), the contract of engine/normalize.hpp: valid UTF-8 out; lengths in code
// points; to_original inside the original and monotonic; normalizing the original range
// of a normalized range yields a text containing it; normalize_term is the same pipeline.
// Used by fuzz_normalize.cpp and replayed by tests/test_fuzz_replay.cpp.
#pragma once

#include "engine/normalize.hpp"
#include "engine/notice_io.hpp"
#include "tests/fuzz/finding.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace shiwake::fuzz {

namespace detail {

inline std::uint32_t count_chars(const std::string& s) {
  std::uint32_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

inline std::string substr_chars(const std::string& s, std::uint32_t first, std::uint32_t last) {
  std::size_t begin = s.size(), end = s.size();
  std::uint32_t k = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (k == first) begin = std::min(begin, i);
    if (k == last) {
      end = i;
      break;
    }
    ++k;
  }
  return s.substr(begin, end - begin);
}

}  // namespace detail

inline void check_normalize(const std::uint8_t* data, std::size_t size) {
  using namespace shiwake::engine;
  std::string original(reinterpret_cast<const char*>(data), size);
  // The notice reader repairs every input first; normalize() expects valid UTF-8.
  repair_utf8(original);
  const NormalizedText n = normalize(original);
  const std::string& text = n.text();
  {
    std::string copy = text;
    if (!repair_utf8(copy).empty()) finding("normalize", "invalid UTF-8 out", original, text);
  }
  if (n.original_length() != detail::count_chars(original)) finding("normalize", "original_length is wrong", original);
  if (n.char_count() != detail::count_chars(text)) finding("normalize", "char_count is wrong", original, text);
  if (normalize_term(original) != text)
    finding("normalize", "normalize_term differs from normalize", text, normalize_term(original));

  std::vector<std::size_t> bounds;  // code-point boundaries of the normalized text
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) bounds.push_back(i);
  std::uint32_t prev_first = 0;
  for (std::size_t k = 0; k < bounds.size(); ++k) {
    if (n.char_index(bounds[k]) != k) finding("normalize", "char_index of a boundary is not its index", original, text);
    const auto [first, last] = n.to_original(bounds[k], k + 1 < bounds.size() ? bounds[k + 1] : bounds[k]);
    if (first > last || last > n.original_length()) finding("normalize", "to_original outside the original", original, text);
    if (first < prev_first) finding("normalize", "to_original goes backwards", original, text);
    prev_first = first;
  }
  // Any byte offsets, even inside a code point or past the end, stay in range.
  for (std::size_t b = 0; b < text.size() + 2; b += 1 + text.size() / 16) {
    const auto [first, last] = n.to_original(b, b + 3);
    if (first > last || last > n.original_length()) finding("normalize", "to_original of raw offsets outside", original);
  }

  // The round trip on the whole text and a few ranges picked by the input bytes.
  if (bounds.size() < 2) return;
  for (std::size_t r = 0; r < 4 && r < size; ++r) {
    std::size_t b = bounds[data[r] % bounds.size()], e = bounds[data[size - 1 - r] % bounds.size()];
    if (r == 0) b = 0, e = text.size();
    if (b > e) std::swap(b, e);
    const auto [first, last] = n.to_original(b, e);
    const std::string piece = text.substr(b, e - b);
    const std::string source = detail::substr_chars(original, first, last);
    const std::string again = normalize(source).text();
    if (again.find(piece) == std::string::npos)
      finding("normalize", "normalizing the original range does not give back the range",
              piece + "] from [" + source, again);
  }
}

}  // namespace shiwake::fuzz
