// Display width of UTF-8 text in terminal columns, and cutting text to a width, for the
// aligned tables of `classify --format table`, `eval` and `explain`. Entry points:
// display_width, fit. Tests: tests/test_tables.cpp.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace shiwake::engine {

// Columns a terminal gives `s`: East Asian Wide and Fullwidth characters (ICU's
// UCHAR_EAST_ASIAN_WIDTH) take 2, combining marks, format and control characters 0,
// everything else 1 (Ambiguous too, as terminals outside a CJK locale draw it).
// An ill-formed byte counts 1, as it is drawn as one replacement character.
std::size_t display_width(std::string_view s);

// `s` in exactly `width` columns: line breaks and tabs become spaces, control characters
// are dropped, text that does not fit is cut at a character boundary and ends in "…",
// and the rest is padded with spaces (a wide character that would straddle the edge is
// left out, so the column is never overrun).
std::string fit(std::string_view s, std::size_t width);

}  // namespace shiwake::engine

namespace shiwake::engine {

// fit() for a headline: when it is wider than `width`, a leading 【…】 label (a series
// or genre such as 【速報】 or 【セキュリティ事件簿#2023-268】) goes first, since what
// follows it says what happened.
std::string fit_title(std::string_view title, std::size_t width);

}  // namespace shiwake::engine
