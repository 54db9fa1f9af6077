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
// carry a key of the set. With a few keys, next() tests every byte, sixteen at a time; with
// more, a compare per key costs more than walking from character to character. In valid
// UTF-8 a stop always starts a character, so from a character's start both find the same;
// in broken UTF-8 each finds a stop where the bytes it reads say so.
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
      bool known = false;
      for (std::size_t k = 0; k < key_count_; ++k) known = known || (keys_[k].high == key.high && keys_[k].low == key.low);
      if (known) continue;
      if (key_count_ == keys_.size()) throw "too many three-byte characters";
      keys_[key_count_++] = key;
      key_bits_[key.high] |= std::uint64_t{1} << key.low;
    }
  }

  // The first byte at or after i that is a stop (see above), or text.size().
  std::size_t next(std::string_view text, std::size_t i) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    return key_count_ > kMaxVectorKeys ? walk(p, n, i) : vector_next(p, n, i);
  }

 private:
  // Sixteen positions at a time, while the two bytes after the last are in the text, then
  // byte by byte.
  std::size_t vector_next(const unsigned char* p, std::size_t n, std::size_t i) const {
    for (; i + 18 <= n; i += 16) {
      Bytes b0, b1, b2;
      std::memcpy(&b0, p + i, 16);
      std::memcpy(&b1, p + i + 1, 16);
      std::memcpy(&b2, p + i + 2, 16);
      Mask stop{};
      if (digits_) stop |= (b0 >= Bytes{} + '0') & (b0 <= Bytes{} + '9');
      for (std::size_t k = 0; k < extra_count_; ++k) stop |= b0 == Bytes{} + extra_[k];
      b1 &= Bytes{} + 63;
      b2 &= Bytes{} + 63;
      Mask keyed{};
      for (std::size_t k = 0; k < key_count_; ++k) keyed |= (b1 == Bytes{} + keys_[k].high) & (b2 == Bytes{} + keys_[k].low);
      stop |= keyed & (b0 >= Bytes{} + LeadLo) & (b0 <= Bytes{} + LeadHi);
      std::uint64_t half[2];
      std::memcpy(half, &stop, 16);
      if (half[0]) return i + static_cast<std::size_t>(__builtin_ctzll(half[0])) / 8;
      if (half[1]) return i + 8 + static_cast<std::size_t>(__builtin_ctzll(half[1])) / 8;
    }
    for (; i < n; ++i) {
      const unsigned char b = p[i];
      if (b < 0x80 ? ascii_[b]
                   : b >= LeadLo && b <= LeadHi && i + 2 < n && is_key(p[i + 1], p[i + 2]))
        return i;
    }
    return n;
  }

  using Bytes = unsigned char __attribute__((vector_size(16)));
  using Mask = signed char __attribute__((vector_size(16)));  // a comparison's result: 0 or -1 per byte
  struct Key {
    unsigned char high = 0, low = 0;  // the payloads of the second and third bytes
  };

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
  bool is_key(unsigned char second, unsigned char third) const { return (key_bits_[second & 63] >> (third & 63)) & 1; }

  std::array<bool, 128> ascii_{};
  bool digits_ = false;  // all ten digits, tested as a range
  std::array<unsigned char, 4> extra_{};
  std::size_t extra_count_ = 0;
  std::array<Key, 16> keys_{};
  std::array<std::uint64_t, 64> key_bits_{};  // the keys as bits, for one character at a time
  std::size_t key_count_ = 0;
};

}  // namespace shiwake::grammar::detail
