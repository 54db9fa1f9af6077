// The X3 definition of the date grammar declared in date.hpp. Included only by date.cpp,
// which instantiates it. Tests: tests/test_date.cpp.
#pragma once

#include "grammar/date.hpp"

namespace shiwake::grammar {
namespace parser {
namespace detail {

// The year before each era's first year, so era year n is base + n (令和1 = 2019).
struct eras_table : x3::symbols<int> {
  eras_table() { add("令和", 2018)("平成", 1988)("昭和", 1925)("大正", 1911)("明治", 1867); }
};
// R6.2.29, H31.4.30, S64.1.7 (lowercase: the text is case folded).
struct era_letters_table : x3::symbols<int> {
  era_letters_table() { add("r", 2018)("h", 1988)("s", 1925); }
};
inline const eras_table eras;
inline const era_letters_table era_letters;

}  // namespace detail

using x3::_attr;
using x3::_val;
using x3::lit;

const date_type date = "date";

const auto year4 = x3::uint_parser<int, 10, 4, 4>();
const auto small = x3::uint_parser<int, 10, 1, 2>();
const auto sp = x3::repeat(0, 2)[lit(' ')];  // normalization removes most; a few may stay
const auto no_digit = !x3::digit;

const auto set_era = [](auto& ctx) { _val(ctx).era_base = _attr(ctx); };
const auto set_year = [](auto& ctx) { _val(ctx).year = _attr(ctx); };
const auto set_first_year = [](auto& ctx) { _val(ctx).year = 1; };
const auto set_month = [](auto& ctx) { _val(ctx).month = _attr(ctx); };
const auto set_day = [](auto& ctx) { _val(ctx).day = _attr(ctx); };
const auto reset = [](auto& ctx) { _val(ctx) = DateParts{}; };

const auto month_day_kanji = small[set_month] >> sp >> lit("月") >> sp >> small[set_day] >> sp >> lit("日");
// The same separator twice: 2024/2/29, 2024-02-29, 2024.2.29.
const auto numeric_md = [](char sep) { return lit(sep) >> small[set_month] >> lit(sep) >> small[set_day] >> no_digit; };

const auto western = year4[set_year] >> sp >> lit("年") >> sp >> month_day_kanji;
const auto western_numeric = year4[set_year] >> (numeric_md('/') | numeric_md('-') | numeric_md('.'));
const auto era_year = small[set_year] | lit("元")[set_first_year];
const auto japanese = detail::eras[set_era] >> sp >> era_year >> sp >> lit("年") >> sp >> month_day_kanji;
const auto japanese_short = detail::era_letters[set_era] >> small[set_year] >>
                            (numeric_md('.') | numeric_md('/') | numeric_md('-'));

const auto date_def = x3::eps[reset] >> (western | western_numeric | japanese | japanese_short | month_day_kanji);

BOOST_SPIRIT_DEFINE(date)

}  // namespace parser
}  // namespace shiwake::grammar
