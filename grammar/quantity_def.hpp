// The X3 definition of the quantity grammar declared in quantity.hpp. Included only by
// quantity.cpp, which instantiates it. Tests: tests/test_quantity.cpp.
#pragma once

#include <cmath>

#include "grammar/quantity.hpp"

namespace shiwake::grammar {
namespace parser {
namespace detail {

// Folds numeral pieces the way Japanese reads them: digits (Arabic, or kanji read
// positionally as in 「二〇二四」), 十 百 千 multiply the digits before them (or 1) into
// the current section, 万 億 兆 close the section. 「1万2千」 = 1×10^4 + 2×10^3.
struct NumeralValue {
  double total = 0;
  double section = 0;
  double current = 0;
  bool has_current = false;
  double last_big = INFINITY;  // 億 may not follow 万

  void digits(double v) {
    current = v;
    has_current = true;
  }
  void kanji_digit(int d) {
    current = (has_current ? current * 10 : 0) + d;
    has_current = true;
  }
  void small_unit(int u) {
    section += (has_current ? current : 1) * u;
    current = 0;
    has_current = false;
  }
  bool big_unit(double u) {
    if (u >= last_big) return false;
    last_big = u;
    const double s = section + (has_current ? current : 0);
    total += (s == 0 ? 1 : s) * u;
    section = current = 0;
    has_current = false;
    return true;
  }
  double value() const { return total + section + (has_current ? current : 0); }
};

struct kanji_digits_table : x3::symbols<int> {
  kanji_digits_table() {
    add("〇", 0)("零", 0)("一", 1)("二", 2)("三", 3)("四", 4)("五", 5)("六", 6)("七", 7)("八", 8)("九", 9);
  }
};
struct small_units_table : x3::symbols<int> {
  small_units_table() { add("十", 10)("百", 100)("千", 1000); }
};
struct big_units_table : x3::symbols<double> {
  big_units_table() { add("万", 1e4)("億", 1e8)("兆", 1e12); }
};
// Longest match wins (人分 before 人). 「本」 is not a counter in 「1本件」.
struct counters_table : x3::symbols<std::string> {
  counters_table() {
    for (const char* c : {"人", "名", "件", "社", "通", "校", "台", "本", "枚", "個", "人分", "名分", "件分", "世帯",
                          "団体", "アカウント", "名様", "箇所", "か所", "カ所", "店舗", "法人", "口座", "機関", "自治体",
                          "施設", "ファイル", "レコード"})
      add(c, c);
  }
};

inline const kanji_digits_table kanji_digits;
inline const small_units_table small_units;
inline const big_units_table big_units;
inline const counters_table counters;

// Arabic digits with optional "," groups of three; the text between is kept raw so the
// value is read once at the end.
inline double arabic_value(std::string_view raw) {
  double v = 0, scale = 0;
  for (char c : raw) {
    if (c >= '0' && c <= '9') {
      if (scale == 0) {
        v = v * 10 + (c - '0');
      } else {
        v += (c - '0') * scale;
        scale /= 10;
      }
    } else if (c == '.') {
      scale = 0.1;
    }
  }
  return v;
}

}  // namespace detail

using x3::_attr;
using x3::_pass;
using x3::_val;
using x3::lit;

struct arabic_class;
struct pieces_class;
const x3::rule<arabic_class, double> arabic = "arabic";
const x3::rule<pieces_class, detail::NumeralValue> pieces = "numeral pieces";
const numeral_type numeral = "numeral";
const quantity_type quantity = "quantity";

const auto digit = x3::digit;
const auto arabic_def =
    x3::raw[+digit >> *(',' >> -lit(' ') >> x3::repeat(3)[digit] >> !digit) >> -('.' >> +digit)]
           [([](auto& ctx) {
             const auto& r = _attr(ctx);
             _val(ctx) = detail::arabic_value(std::string_view(&*r.begin(), std::size_t(r.end() - r.begin())));
           })];

const auto on_digits = [](auto& ctx) { _val(ctx).digits(_attr(ctx)); };
const auto on_kanji = [](auto& ctx) { _val(ctx).kanji_digit(_attr(ctx)); };
const auto on_small = [](auto& ctx) { _val(ctx).small_unit(_attr(ctx)); };
const auto on_big = [](auto& ctx) { _pass(ctx) = _val(ctx).big_unit(_attr(ctx)); };

// A numeral starts with a digit or 十 百 千 (「千人」), never with 万 億 兆.
const auto pieces_def = (arabic[on_digits] | detail::kanji_digits[on_kanji] | detail::small_units[on_small]) >>
                        *(arabic[on_digits] | detail::kanji_digits[on_kanji] | detail::small_units[on_small] |
                          detail::big_units[on_big]);
const auto numeral_def = pieces[([](auto& ctx) { _val(ctx) = _attr(ctx).value(); })];

const auto flag = [](bool Quantity::*member) { return [member](auto& ctx) { _val(ctx).*member = true; }; };

const auto prefix = lit("約")[flag(&Quantity::approx)] | lit("およそ")[flag(&Quantity::approx)] |
                    lit("最大")[flag(&Quantity::at_most)] | lit("合計")[flag(&Quantity::total)] |
                    lit("計")[flag(&Quantity::total)] | lit("総数")[flag(&Quantity::total)] |
                    lit("延べ")[flag(&Quantity::total)] | lit("うち")[flag(&Quantity::part)];
const auto suffix = lit("以上")[flag(&Quantity::at_least)] | lit("超")[flag(&Quantity::at_least)] |
                    lit("余り")[flag(&Quantity::at_least)] | lit("余")[flag(&Quantity::at_least)] |
                    lit("程度")[flag(&Quantity::approx)] | lit("前後")[flag(&Quantity::approx)] |
                    lit("ほど")[flag(&Quantity::approx)] | lit("以下")[flag(&Quantity::at_most)] |
                    lit("未満")[flag(&Quantity::at_most)];

const auto quantity_def = x3::repeat(0, 3)[prefix >> -lit(' ')] >> numeral[([](auto& ctx) { _val(ctx).value = _attr(ctx); })] >>
                          -lit(' ') >> -lit("余")[flag(&Quantity::at_least)] >> !lit("本件") >>
                          detail::counters[([](auto& ctx) { _val(ctx).counter = _attr(ctx); })] >> *suffix;

BOOST_SPIRIT_DEFINE(arabic, pieces, numeral, quantity)

}  // namespace parser

}  // namespace shiwake::grammar
