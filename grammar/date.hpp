// Dates in normalized text: 「2024年2月29日」「2024/2/29」「2024-02-29」「2024.2.29」「令和6年2月29日」
// 「令和元年」「r6.2.29」 (R6.2.29 after case folding) and month-day 「7月12日」 with the year
// inferred. Entry: find_dates (and the X3 rule date() for other grammars). Definition in
// date_def.hpp, instantiated in date.cpp. Tests: tests/test_date.cpp.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "grammar/ast.hpp"

namespace shiwake::grammar {

using Date = ast::Date;  // the DSL's date literal: one date type from text to rule

// A date as written, before its year is known and the calendar is checked.
struct DateParts {
  int era_base = 0;  // year before the era's first: 令和 2018, 平成 1988, 昭和 1925; 0 when western
  int year = 0;      // 0 for month-day
  int month = 0;
  int day = 0;
};

struct DateMatch {
  Date date;
  bool year_inferred = false;  // written as month-day; the year came from the reference
  bool era = false;            // written in a Japanese era (令和, 平成, 昭和, 大正, 明治, or R/H/S)
  std::size_t begin = 0;       // byte range in the normalized text
  std::size_t end = 0;
};

namespace parser {
namespace x3 = boost::spirit::x3;
using date_iterator_type = std::string_view::const_iterator;
using date_context_type = x3::unused_type;

struct date_class;
using date_type = x3::rule<date_class, DateParts>;
BOOST_SPIRIT_DECLARE(date_type)
}  // namespace parser

parser::date_type const& date();

bool is_valid(const Date& d);             // a real Gregorian day (2023-02-29 is not)
std::string to_iso(const Date& d);        // "2024-02-29"
int compare(const Date& a, const Date& b);  // <0, 0, >0

// Every valid date, left to right, not overlapping. A month-day gets the year that puts
// it within 275 days before to 90 days after `reference` (「12月20日」 and 「7月12日」 in a
// notice of 2024-01-15 are 2023-12-20 and 2023-07-12; 「2月1日」 is 2024-02-01); without a
// reference the first full date of the text serves, and without one either month-days
// are skipped. Invalid dates (2023年2月29日) are not reported, nor is their month-day.
// Only Arabic digits: an OCR slip like 「2o24年2月29日」 yields no date (a guessed year
// would be worse than none), nor do 8-digit 20240229 and two-digit years.
std::vector<DateMatch> find_dates(std::string_view normalized, std::optional<Date> reference = std::nullopt);
// The full date find_dates takes as its reference when given none: the first date with a
// year in its scan of `normalized`, found without scanning past it.
std::optional<DateMatch> first_full_date(std::string_view normalized);
// For tests: the same scan, parsing from every digit the date check would skip.
std::vector<DateMatch> find_dates_unfiltered(std::string_view normalized, std::optional<Date> reference = std::nullopt);

}  // namespace shiwake::grammar
