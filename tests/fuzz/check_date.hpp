// The fuzz check of the date grammar (grammar::find_dates) over normalized and raw text,
// with and without a reference date taken from the input: every date is a real day, its
// byte range lies on code-point boundaries inside the text, dates come left to right without
// overlap, and an inferred year puts the date near the reference.
// Used by fuzz_date.cpp and replayed by tests/test_fuzz_replay.cpp.
#pragma once

#include "engine/normalize.hpp"
#include "engine/notice_io.hpp"
#include "grammar/date.hpp"
#include "tests/fuzz/finding.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace shiwake::fuzz {

namespace detail {

// Days since 1970-01-01 of a Gregorian date (H. Hinnant's days_from_civil).
inline long days_from_civil(int y, int m, int d) {
  y -= m <= 2;
  const long era = (y >= 0 ? y : y - 399) / 400;
  const long yoe = y - era * 400;
  const long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline void check_dates_in(const std::string& text, std::optional<grammar::Date> reference) {
  std::size_t prev_end = 0;
  for (const grammar::DateMatch& m : grammar::find_dates(text, reference)) {
    const std::string what = grammar::to_iso(m.date) + " at " + std::to_string(m.begin) + ".." + std::to_string(m.end);
    if (!grammar::is_valid(m.date)) finding("date", "not a real day", text, what);
    if (m.begin >= m.end || m.end > text.size()) finding("date", "a range outside the text", text, what);
    const auto boundary = [&](std::size_t at) {
      return at == text.size() || (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) != 0x80);
    };
    if (!boundary(m.begin) || !boundary(m.end)) finding("date", "a range inside a code point", text, what);
    if (m.begin < prev_end) finding("date", "overlapping or out of order", text, what);
    if (m.year_inferred && reference) {
      const long delta = days_from_civil(m.date.year, m.date.month, m.date.day) -
                         days_from_civil(reference->year, reference->month, reference->day);
      if (delta < -276 || delta > 91) finding("date", "an inferred year far from the reference", text, what);
    }
    prev_end = m.end;
  }
}

}  // namespace detail

inline void check_date(const std::uint8_t* data, std::size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  engine::repair_utf8(raw);
  std::optional<grammar::Date> reference;
  if (size >= 4 && (data[0] & 1)) {
    grammar::Date r;
    r.year = 1990 + data[1] % 50;
    r.month = 1 + data[2] % 12;
    r.day = 1 + data[3] % 28;
    reference = r;
  }
  const std::string normalized = engine::normalize(raw).text();
  detail::check_dates_in(normalized, reference);
  detail::check_dates_in(normalized, std::nullopt);
  detail::check_dates_in(raw, reference);
}

}  // namespace shiwake::fuzz
