// Skipping prose fast: the number grammars (quantity.cpp, date.cpp) parse only where a few
// characters occur, and most characters of a notice are none of them. CharSkip finds the
// next one without decoding every character. Internal to the grammar library.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace shiwake::grammar::detail {

// ASCII characters and three-byte characters (U+0800 to U+FFFF) to stop at. A three-byte
// character is tested on the 12 payload bits of its last two bytes only, so a few others
// stop the skip as well: the caller tests what it stopped at in full. The three-byte
// characters' leading bytes lie in [LeadLo, LeadHi]: constants, so the test of every
// leading byte costs no load.
template <unsigned char LeadLo, unsigned char LeadHi>
class CharSkip {
 public:
  constexpr CharSkip(std::string_view ascii, std::initializer_list<char32_t> three_byte) {
    for (char c : ascii) ascii_[static_cast<unsigned char>(c)] = true;
    for (char32_t c : three_byte) {
      const auto lead = static_cast<unsigned char>(0xE0 | (c >> 12));
      if (c < 0x800 || c > 0xFFFF || lead < LeadLo || lead > LeadHi) throw "a character outside the leading bytes";
      keys_[(c >> 6) & 63] |= std::uint64_t{1} << (c & 63);
    }
  }

  // The first byte at or after i that starts a character to stop at, or text.size().
  std::size_t next(std::string_view text, std::size_t i) const {
    const auto* p = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size();
    while (i < n) {
      const unsigned char b = p[i];
      if (b < 0x80) {
        if (ascii_[b]) return i;
        ++i;
      } else if (b >= LeadLo && b <= LeadHi && i + 2 < n) {
        if ((keys_[p[i + 1] & 63] >> (p[i + 2] & 63)) & 1) return i;
        i += 3;
      } else {
        i += b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      }
    }
    return n;
  }

 private:
  std::array<bool, 128> ascii_{};
  std::array<std::uint64_t, 64> keys_{};
};

}  // namespace shiwake::grammar::detail
