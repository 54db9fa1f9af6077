// Formats diagnostics (see diagnostic.hpp): the location, the message, the source line and
// a caret placed by display width, so it sits under the token for Japanese text too.
// Entry: format(). Tests: tests/test_diagnostic.cpp.
#include "grammar/diagnostic.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <string_view>

namespace shiwake {

namespace {

const char* level_name(Level level) {
  switch (level) {
    case Level::error: return "error";
    case Level::warning: return "warning";
    case Level::note: return "note";
  }
  return "error";
}

// Terminal columns a code point takes: 2 for East Asian wide and fullwidth characters,
// 0 for combining marks and format characters, 1 otherwise (and for invalid bytes).
int display_width(UChar32 c) {
  if (c < 0) return 1;
  auto const width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  if (width == U_EA_WIDE || width == U_EA_FULLWIDTH) return 2;
  auto const type = u_charType(c);
  if (type == U_NON_SPACING_MARK || type == U_ENCLOSING_MARK || type == U_FORMAT_CHAR) return 0;
  return 1;
}

// The caret line: blanks up to code point `column` (1-based), then ^~~ across `length`
// code points. Tabs before the token are copied so the caret lines up wherever the
// terminal's tab stops are.
std::string caret_line(std::string_view line, unsigned column, unsigned length) {
  std::string out;
  std::int32_t i = 0;
  auto const size = static_cast<std::int32_t>(line.size());
  unsigned index = 1;
  for (; i < size && index < column; ++index) {
    UChar32 c = 0;
    U8_NEXT(line.data(), i, size, c);
    if (c == '\t') {
      out += '\t';
    } else {
      out.append(static_cast<std::size_t>(display_width(c)), ' ');
    }
  }
  if (index < column) out.append(column - index, ' ');  // past the end of the line
  int width = 0;
  for (unsigned n = 0; i < size && n < std::max(length, 1u); ++n) {
    UChar32 c = 0;
    U8_NEXT(line.data(), i, size, c);
    width += c == '\t' ? 1 : display_width(c);
  }
  out += '^';
  if (width > 1) out.append(static_cast<std::size_t>(width - 1), '~');
  return out;
}

}  // namespace

std::string format(const Diagnostic& d) {
  std::string out = d.file;
  if (d.line > 0) {
    out += ':' + std::to_string(d.line);
    if (d.column > 0) out += ':' + std::to_string(d.column);
  }
  out += ": ";
  out += level_name(d.level);
  out += ": ";
  out += d.message;
  out += '\n';
  if (d.line > 0 && d.column > 0 && !d.source_line.empty()) {
    out += "  " + d.source_line + "\n";
    out += "  " + caret_line(d.source_line, d.column, d.length) + "\n";
  }
  return out;
}

bool has_errors(const std::vector<Diagnostic>& ds) {
  return std::any_of(ds.begin(), ds.end(), [](const Diagnostic& d) { return d.is_error(); });
}

}  // namespace shiwake
