// Display width by ICU's East Asian Width property; see text_width.hpp.
// Tests: tests/test_tables.cpp.
#include "engine/text_width.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

namespace shiwake::engine {

namespace {

// Width of one code point; c < 0 is an ill-formed byte.
std::size_t columns(UChar32 c) {
  if (c < 0) return 1;
  switch (u_charType(c)) {
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_FORMAT_CHAR:  // zero width space, joiners, BOM
    case U_CONTROL_CHAR:
      return 0;
    default:
      break;
  }
  int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  return ea == U_EA_WIDE || ea == U_EA_FULLWIDTH ? 2 : 1;
}

}  // namespace

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    w += columns(c);
  }
  return w;
}

std::string fit(std::string_view s, std::size_t width) {
  // First pass: what is drawn, with white space made single-line.
  std::string flat;
  flat.reserve(s.size());
  std::size_t total = 0;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c == '\n' || c == '\r' || c == '\t') {
      flat += ' ';
      ++total;
    } else if (c >= 0 && u_charType(c) == U_CONTROL_CHAR) {
      continue;  // escape sequences and the like would move the cursor
    } else {
      flat.append(s.data() + start, i - start);
      total += columns(c);
    }
  }
  if (total <= width) return flat + std::string(width - total, ' ');
  if (width == 0) return {};
  // Cut: keep a column for the ellipsis.
  std::string out;
  std::size_t w = 0, room = width - 1;
  i = 0, n = static_cast<int32_t>(flat.size());
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(flat.data(), i, n, c);
    std::size_t cw = columns(c);
    if (w + cw > room) break;
    out.append(flat.data() + start, i - start);
    w += cw;
  }
  // Combining marks after the cut belong to the last kept character, but dropping
  // them only loses an accent; the width stays exact either way.
  out += "…";
  ++w;
  return out + std::string(width - w, ' ');
}

std::string fit_title(std::string_view title, std::size_t width) {
  constexpr std::string_view kOpen = "【", kClose = "】";
  if (display_width(title) > width && title.substr(0, kOpen.size()) == kOpen) {
    std::size_t close = title.find(kClose);
    if (close != std::string_view::npos) {
      std::string_view rest = title.substr(close + kClose.size());
      while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
      if (!rest.empty()) return fit(rest, width);
    }
  }
  return fit(title, width);
}

}  // namespace shiwake::engine
