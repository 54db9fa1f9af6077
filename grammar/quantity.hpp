// Quantities in normalized text: 「約1万2千件」「14,231人」「三十五名」「約596万人分」, with their
// counter word and qualifiers. Entry: find_quantities (and the X3 rule quantity() for
// other grammars). Definition in quantity_def.hpp, instantiated in quantity.cpp.
// Tests: tests/test_quantity.cpp.
#pragma once

#include <boost/spirit/home/x3.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shiwake::grammar {

// One counted amount. Qualifiers are kept as the text says them, so the facts stage can
// decide (「最大」 bounds from above, 「うち」 is a part of an earlier total).
struct Quantity {
  double value = 0;
  std::string counter;    // 人 名 件 社 通 校 台 本 枚 個 人分 名分 件分 世帯 団体 アカウント ...
  bool approx = false;    // 約, およそ, 程度, 前後, ほど
  bool at_least = false;  // 以上, 超, 余, 余り
  bool at_most = false;   // 最大, 以下, 未満
  bool total = false;     // 計, 合計, 総数, 延べ
  bool part = false;      // うち
  std::size_t begin = 0;  // byte range in the normalized text, qualifiers included
  std::size_t end = 0;
};

namespace parser {
namespace x3 = boost::spirit::x3;
using iterator_type = std::string_view::const_iterator;
using context_type = x3::unused_type;

struct quantity_class;
using quantity_type = x3::rule<quantity_class, Quantity>;
BOOST_SPIRIT_DECLARE(quantity_type)

// A numeral: Arabic with "," groups (a PDF may put a space after the comma), kanji digits
// and 十 百 千 万 億 兆 in any mix: 「7万4238」「1万2千」「三十五」「2,312」「1.5万」.
struct numeral_class;
using numeral_type = x3::rule<numeral_class, double>;
BOOST_SPIRIT_DECLARE(numeral_type)
}  // namespace parser

parser::quantity_type const& quantity();
parser::numeral_type const& numeral();

// Every quantity with a counter word, left to right, not overlapping. Tries the grammar
// only where a qualifier or a numeral starts (not inside a number), so the work is
// linear in the text.
std::vector<Quantity> find_quantities(std::string_view normalized);

// For tests: the same scan, parsing every candidate the counter check would skip.
std::vector<Quantity> find_quantities_unfiltered(std::string_view normalized);

// Every counter word the grammar knows (人, 件, アカウント…), for tests.
std::vector<std::string> counter_words();

}  // namespace shiwake::grammar
