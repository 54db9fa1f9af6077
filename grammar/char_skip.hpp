// Skipping prose fast: the number grammars (quantity.cpp, date.cpp) parse only where a few
// characters occur, and most characters of a notice are none of them. CharSkip finds the
// next one sixteen bytes at a time, without decoding characters. Internal to the grammar
// library. Tests: tests/test_prefilters.cpp (against a character-by-character walk).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>

namespace shiwake::grammar::detail {

// ASCII characters and three-byte characters (U+0800 to U+FFFF) to stop at. A three-byte
// character is tested on its leading byte's range [LeadLo, LeadHi] and the 12 payload bits
// of its last two bytes, so a few others stop the skip as well: the caller tests what it
// stopped at in full.
//
// A stop is an ASCII byte of the set, or a leading byte in range whose next two bytes
// carry a key of the set. With a few keys, next() tests every byte, sixteen at a time;
// with more, it walks from character to character. In valid UTF-8 a stop always starts a
// character, so from a character's start both find the same; in broken UTF-8 each finds a
// stop where the bytes it reads say so.
template <unsigned char LeadLo, unsigned char LeadHi>
class CharSkip {
 public:
  constexpr CharSkip(std::string_view ascii, std::initializer_list<char32_t> three_byte) {
    int digits = 0;
    for (char c : ascii) {
      ascii_[static_cast<unsigned char>(c)] = true;
      digits += c >= '0' && c <= '9';
    }
    digits_ = digits == 10;
    for (char c : ascii) {
      if (digits_ && c >= '0' && c <= '9') continue;
      if (extra_count_ == extra_.size()) throw "too many ASCII characters besides the digits";
      extra_[extra_count_++] = static_cast<unsigned char>(c);
    }
    for (char32_t c : three_byte) {
      const auto lead = static_cast<unsigned char>(0xE0 | (c >> 12));
      if (c < 0x800 || c > 0xFFFF || lead < LeadLo || lead > LeadHi) throw "a character outside the leading bytes";
      const Key key{static_cast<unsigned char>((c >> 6) & 63), static_cast<unsigned char>(c & 63)};
      if (!is_key(0x80 | key.high, 0x80 | key.low)) ++key_count_;
      key_bits_[key.high] |= std::uint64_t{1} << key.low;
      bool high_known = false;
      for (std::size_t k = 0; k < high_count_; ++k) high_known = high_known || highs_[k] == key.high;
      if (high_known) continue;
      if (high_count_ == highs_.size()) throw "too many three-byte characters";
      highs_[high_count_++] = key.high;
    }
  }

  // The first byte at or after i that is a stop (see above), or text.size().
  std::size_t next(std::string_view text, std::size_t i) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    if (key_count_ > kMaxVectorKeys) return walk(p, n, i);
    // Sixteen positions at a time, while the two bytes after the last are in the text: the
    // ASCII stops, and the leading bytes in range followed by a key's second byte, each
    // then tested on its third.
    for (; i + 18 <= n; i += 16) {
      Bytes b0, b1;
      std::memcpy(&b0, p + i, 16);
      std::memcpy(&b1, p + i + 1, 16);
      Mask ascii{};
      if (digits_) ascii |= (b0 >= Bytes{} + '0') & (b0 <= Bytes{} + '9');
      for (std::size_t k = 0; k < extra_count_; ++k) ascii |= b0 == Bytes{} + extra_[k];
      b1 &= Bytes{} + 63;
      Mask high{};
      for (std::size_t k = 0; k < high_count_; ++k) high |= b1 == Bytes{} + highs_[k];
      const Mask candidate = ascii | (high & (b0 >= Bytes{} + LeadLo) & (b0 <= Bytes{} + LeadHi));
      std::uint64_t half[2];
      std::memcpy(half, &candidate, 16);
      for (int h = 0; h < 2; ++h)
        for (std::uint64_t bits = half[h]; bits; bits &= bits - 1) {
          const std::size_t at = i + 8 * h + static_cast<std::size_t>(__builtin_ctzll(bits)) / 8;
          if (p[at] < 0x80 || is_key(p[at + 1], p[at + 2])) return at;
        }
    }
    for (; i < n; ++i) {
      const unsigned char b = p[i];
      if (b < 0x80 ? ascii_[b]
                   : b >= LeadLo && b <= LeadHi && i + 2 < n && is_key(p[i + 1], p[i + 2]))
        return i;
    }
    return n;
  }

 private:
  using Bytes = unsigned char __attribute__((vector_size(16)));
  using Mask = signed char __attribute__((vector_size(16)));  // a comparison's result: 0 or -1 per byte
  struct Key {
    unsigned char high = 0, low = 0;  // the payloads of the second and third bytes
  };

  // More keys bring more second-byte payloads, some shared with common characters (〇's
  // with 、 and 。): then walking from character to character costs less than testing
  // every candidate.
  static constexpr std::size_t kMaxVectorKeys = 8;  // the date grammar's 5 are; the numerals' 14 are not

  // Character by character from i, testing each by its leading byte: the same stops from a
  // character's start.
  std::size_t walk(const unsigned char* p, std::size_t n, std::size_t i) const {
    while (i < n) {
      const unsigned char b = p[i];
      if (b < 0x80) {
        if (ascii_[b]) return i;
        ++i;
      } else if (b >= LeadLo && b <= LeadHi && i + 2 < n) {
        if (is_key(p[i + 1], p[i + 2])) return i;
        i += 3;
      } else {
        i += b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      }
    }
    return n;
  }

  // Whether the payloads of a character's second and third bytes are a key.
  constexpr bool is_key(unsigned char second, unsigned char third) const {
    return (key_bits_[second & 63] >> (third & 63)) & 1;
  }

  std::array<bool, 128> ascii_{};
  bool digits_ = false;  // all ten digits, tested as a range
  std::array<unsigned char, 4> extra_{};
  std::size_t extra_count_ = 0;
  std::array<std::uint64_t, 64> key_bits_{};  // the keys: bit `low` of key_bits_[high]
  std::size_t key_count_ = 0;
  std::array<unsigned char, 16> highs_{};  // the keys' distinct second-byte payloads
  std::size_t high_count_ = 0;
};

}  // namespace shiwake::grammar::detail
