// The date grammar's one heavy translation unit: instantiates the X3 rule, checks dates
// against the calendar and infers the year of month-days. Entry: find_dates.
// Tests: tests/test_date.cpp, tests/test_prefilters.cpp.
#include "grammar/char_skip.hpp"
#include "grammar/date_def.hpp"

#include <array>
#include <cstdio>
#include <cstdint>
#include <cstdlib>

namespace shiwake::grammar {
namespace parser {
BOOST_SPIRIT_INSTANTIATE(date_type, date_iterator_type, date_context_type)
}  // namespace parser

parser::date_type const& date() { return parser::date; }

namespace {

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int days_in_month(int y, int m) {
  static constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[std::size_t(m - 1)];
}

// Days since 1970-01-01 (Howard Hinnant's days_from_civil), to compare distances.
long days_from_civil(const Date& d) {
  const int y = d.year - (d.month <= 2);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = unsigned(y - era * 400);
  const unsigned doy = unsigned((153 * (d.month + (d.month > 2 ? -3 : 9)) + 2) / 5 + d.day - 1);
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return long(era) * 146097 + long(doe) - 719468;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
std::size_t char_length(unsigned char b) { return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; }

// Where a date may start: a digit not inside a number or word, an era name, or an era
// letter standing alone before a digit. Keeps the scan linear.
bool candidate(std::string_view s, std::size_t i) {
  const char c = s[i];
  // Era names start with 令 平 昭 大 明 (lead bytes E4 to E6): skip every other character fast.
  const auto b = static_cast<unsigned char>(c);
  if (b >= 0x80 && (b < 0xE4 || b > 0xE6)) return false;
  const bool after_word = i > 0 && (is_alnum(s[i - 1]) || s[i - 1] == '/' || s[i - 1] == '-');
  if (is_digit(c)) return !after_word;
  if ((c == 'r' || c == 'h' || c == 's') && i + 1 < s.size() && is_digit(s[i + 1])) return !after_word;
  if (b < 0x80 || i + 2 >= s.size()) return false;
  const char32_t first = (char32_t(b & 0x0F) << 12) | (char32_t(s[i + 1] & 0x3F) << 6) | char32_t(s[i + 2] & 0x3F);
  const std::string_view second = s.substr(i + 3, 3);
  switch (first) {
    case U'令': return second == "和";
    case U'平': return second == "成";
    case U'昭': return second == "和";
    case U'大': return second == "正";
    case U'明': return second == "治";
    default: return false;
  }
}

// Whether a date can start with the digits at byte i, decided without the parser: every
// form that starts with a digit (2024年…, 2024/…, 2024-…, 2024.…, 1月…) has one to four
// digits, at most two spaces, then 年, 月 or a separator. Most numbers of a notice fail
// here and are never parsed.
bool may_start_date(std::string_view s, std::size_t i) {
  std::size_t j = i;
  while (j < s.size() && is_digit(s[j])) ++j;
  if (j - i > 4) return false;
  for (int k = 0; k < 2 && j < s.size() && s[j] == ' '; ++k) ++j;
  if (j >= s.size()) return false;
  return s[j] == '/' || s[j] == '-' || s[j] == '.' || s.compare(j, 3, "年") == 0 || s.compare(j, 3, "月") == 0;
}

// Where candidate() may hold: digits, r h s, and the first characters of the era names.
constexpr detail::CharSkip kCandidates{"0123456789rhs", {U'令', U'平', U'昭', U'大', U'明'}};

// A month-day right after 年 belongs to a year-month-day that failed the calendar check.
bool after_year(std::string_view s, std::size_t i) { return i >= 3 && s.substr(i - 3, 3) == "年"; }

// Notices speak mostly of the past and a little of the future (「2月1日から再開」): a
// month-day is taken in the year that puts it at most 275 days before the reference or
// at most 90 days after it. The window is shorter than a year, so at most one year fits.
std::optional<Date> infer_year(int month, int day, const Date& reference) {
  constexpr long kBefore = 275, kAfter = 90;
  const long ref = days_from_civil(reference);
  for (int y = reference.year - 1; y <= reference.year + 1; ++y) {
    const Date d{y, month, day};
    if (!is_valid(d)) continue;
    const long diff = days_from_civil(d) - ref;
    if (diff >= -kBefore && diff <= kAfter) return d;
  }
  return std::nullopt;
}

}  // namespace

bool is_valid(const Date& d) {
  return d.year >= 1 && d.year <= 9999 && d.month >= 1 && d.month <= 12 && d.day >= 1 &&
         d.day <= days_in_month(d.year, d.month);
}

std::string to_iso(const Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

int compare(const Date& a, const Date& b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

namespace {

// With `first_full`, the scan stops at the first full date (the reference it would take).
std::vector<DateMatch> scan_dates(std::string_view text, std::optional<Date> reference, bool prefilter,
                                  bool first_full = false) {
  struct Raw {
    DateParts parts;
    std::size_t begin, end;
  };
  std::vector<Raw> raw;
  std::size_t i = prefilter ? kCandidates.next(text, 0) : 0;
  while (i < text.size()) {
    if (candidate(text, i) && (!prefilter || !is_digit(text[i]) || may_start_date(text, i))) {
      DateParts parts;
      auto first = text.begin() + std::ptrdiff_t(i);
      if (boost::spirit::x3::parse(first, text.end(), parser::date, parts) && !(parts.year == 0 && after_year(text, i))) {
        const std::size_t end = std::size_t(first - text.begin());
        const Date full{parts.era_base + parts.year, parts.month, parts.day};
        if (parts.year == 0 || is_valid(full)) {
          raw.push_back({parts, i, end});
          if (first_full && parts.year != 0) {
            raw = {raw.back()};
            break;
          }
          if (!reference && parts.year != 0) reference = full;
          i = prefilter ? kCandidates.next(text, end) : end;
          continue;
        }
      }
    }
    i += char_length(static_cast<unsigned char>(text[i]));
    if (prefilter) i = kCandidates.next(text, i);
  }

  std::vector<DateMatch> found;
  for (const Raw& r : raw) {
    DateMatch m;
    m.begin = r.begin;
    m.end = r.end;
    m.era = r.parts.era_base != 0;
    if (r.parts.year == 0) {
      if (!reference) continue;
      const auto d = infer_year(r.parts.month, r.parts.day, *reference);
      if (!d) continue;
      m.date = *d;
      m.year_inferred = true;
    } else {
      m.date = {r.parts.era_base + r.parts.year, r.parts.month, r.parts.day};
    }
    found.push_back(m);
  }
  return found;
}

}  // namespace

std::vector<DateMatch> find_dates(std::string_view text, std::optional<Date> reference) {
  return scan_dates(text, reference, true);
}
std::optional<DateMatch> first_full_date(std::string_view text) {
  std::vector<DateMatch> found = scan_dates(text, std::nullopt, true, true);
  if (found.empty()) return std::nullopt;
  return found.back();
}
std::vector<DateMatch> find_dates_unfiltered(std::string_view text, std::optional<Date> reference) {
  return scan_dates(text, reference, false);
}

}  // namespace shiwake::grammar
