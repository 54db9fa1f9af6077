// Skipping prose fast: the number grammars (quantity.cpp, date.cpp) parse only where a few
// characters occur, and most characters of a notice are none of them. CharSkip finds the
// next one sixteen bytes at a time, without decoding characters. Internal to the grammar
// library. Tests: tests/test_prefilters.cpp (against a byte-by-byte search).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define SHIWAKE_CHAR_SKIP_SSSE3 1
#endif

namespace shiwake::grammar::detail {

// ASCII characters and three-byte characters (U+0800 to U+FFFF) to stop at. A stop is a
// byte that is an ASCII character of the set, or the first of three bytes that spell a
// three-byte character of the set in UTF-8. In valid UTF-8 a stop always starts a
// character; in broken UTF-8 it is where the bytes say so.
//
// Sixteen positions are tested at once by classifying each position's byte and the two
// after it (SSSE3's byte shuffle, as Vectorscan's Shufti and Teddy do): each byte's two
// halves look up an eight-bit mask of buckets, a position is a candidate when some bucket
// holds for all three bytes, and a candidate is then tested in full. The characters share
// eight buckets (the ASCII digits one, the other ASCII characters one, the three-byte ones
// the rest, neighbours in code point order together), so a few other characters are
// candidates too. Without SSSE3, every byte is tested in full.
class CharSkip {
 public:
  constexpr CharSkip(std::string_view ascii, std::initializer_list<char32_t> three_byte) {
    std::uint8_t digit_bucket = 0, other_bucket = 0, next_bucket = 1;
    for (char c : ascii) {
      const auto b = static_cast<unsigned char>(c);
      if (b >= 0x80) throw "not an ASCII character";
      ascii_[b] = true;
      std::uint8_t& bucket = b >= '0' && b <= '9' ? digit_bucket : other_bucket;
      if (bucket == 0) {
        bucket = next_bucket;
        next_bucket = static_cast<std::uint8_t>(next_bucket << 1);
      }
      add(0, b, bucket);
      for (int j = 1; j < 3; ++j)  // whatever follows
        for (int half = 0; half < 16; ++half) {
          low_[j][half] |= bucket;
          high_[j][half] |= bucket;
        }
    }
    for (char32_t c : three_byte) {
      if (c < 0x800 || c > 0xFFFF || (c >= 0xD800 && c <= 0xDFFF)) throw "not a three-byte character";
      if (key_count_ == keys_.size()) throw "too many three-byte characters";
      keys_[key_count_++] = {static_cast<unsigned char>(0xE0 | (c >> 12)), static_cast<unsigned char>(0x80 | ((c >> 6) & 63)),
                             static_cast<unsigned char>(0x80 | (c & 63))};
      key_bits_[(c >> 6) & 63] |= std::uint64_t{1} << (c & 63);
    }
    // Sorted, so that a bucket's characters share leading bytes: fewer others match them.
    for (std::size_t k = 1; k < key_count_; ++k)
      for (std::size_t j = k; j > 0 && keys_[j] < keys_[j - 1]; --j) std::swap(keys_[j], keys_[j - 1]);
    std::size_t buckets = 0;  // left after the ASCII characters' two at most: six or more
    for (std::uint8_t b = next_bucket; b != 0; b = static_cast<std::uint8_t>(b << 1)) ++buckets;
    for (std::size_t k = 0; k < key_count_; ++k) {
      const std::size_t slot = key_count_ <= buckets ? k : k * buckets / key_count_;
      const auto bucket = static_cast<std::uint8_t>(next_bucket << slot);
      for (int j = 0; j < 3; ++j) add(j, keys_[k][j], bucket);
    }
  }

  // The first stop (see above) at or after byte i, or text.size().
  std::size_t next(std::string_view text, std::size_t i) const {
#ifdef SHIWAKE_CHAR_SKIP_SSSE3
    if (has_ssse3()) i = skip_blocks(reinterpret_cast<const unsigned char*>(text.data()), text.size(), i);
#endif
    return next_bytewise(text, i);
  }

  // The same, testing every byte in full: what next() does without SSSE3, and near the
  // end of the text.
  std::size_t next_bytewise(std::string_view text, std::size_t i) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    for (; i < text.size(); ++i)
      if (stops_at(p, text.size(), i)) return i;
    return text.size();
  }

 private:
  using Key = std::array<unsigned char, 3>;  // a character's UTF-8 bytes

  constexpr void add(int j, unsigned char byte, std::uint8_t bucket) {
    low_[j][byte & 15] |= bucket;
    high_[j][byte >> 4] |= bucket;
  }

  bool stops_at(const unsigned char* p, std::size_t n, std::size_t i) const {
    const unsigned char b = p[i];
    if (b < 0x80) return ascii_[b];
    if ((b & 0xF0) != 0xE0 || i + 2 >= n || !((key_bits_[p[i + 1] & 63] >> (p[i + 2] & 63)) & 1)) return false;
    for (std::size_t k = 0; k < key_count_; ++k)
      if (keys_[k][0] == b && keys_[k][1] == p[i + 1] && keys_[k][2] == p[i + 2]) return true;
    return false;
  }

#ifdef SHIWAKE_CHAR_SKIP_SSSE3
  static bool has_ssse3() {
    static const bool has = [] {
      __builtin_cpu_init();
      return __builtin_cpu_supports("ssse3") != 0;
    }();
    return has;
  }

  // From i, sixteen positions at a time while the two bytes after the last are in the
  // text: the first stop, or where fewer than eighteen bytes are left.
  __attribute__((target("ssse3"))) std::size_t skip_blocks(const unsigned char* p, std::size_t n, std::size_t i) const {
    const __m128i halves = _mm_set1_epi8(0x0F);
    __m128i low[3], high[3];
    for (int j = 0; j < 3; ++j) {
      low[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(low_[j].data()));
      high[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(high_[j].data()));
    }
    for (; i + 18 <= n; i += 16) {
      __m128i held = _mm_set1_epi8(-1);
      for (int j = 0; j < 3; ++j) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i + j));
        const __m128i lo = _mm_and_si128(bytes, halves), hi = _mm_and_si128(_mm_srli_epi16(bytes, 4), halves);
        held = _mm_and_si128(held, _mm_and_si128(_mm_shuffle_epi8(low[j], lo), _mm_shuffle_epi8(high[j], hi)));
      }
      const auto none = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(held, _mm_setzero_si128())));
      for (unsigned bits = ~none & 0xFFFF; bits; bits &= bits - 1) {
        const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(bits));
        if (stops_at(p, n, at)) return at;
      }
    }
    return i;
  }
#endif

  std::array<bool, 128> ascii_{};
  std::array<Key, 16> keys_{};
  std::size_t key_count_ = 0;
  std::array<std::uint64_t, 64> key_bits_{};  // a quick test: bit (third & 63) of [second & 63]
  // Per byte of a position (itself, the next, the one after), the buckets each value of
  // its low and its high half allows.
  std::array<std::array<std::uint8_t, 16>, 3> low_{}, high_{};
};

}  // namespace shiwake::grammar::detail
