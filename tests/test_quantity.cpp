// Tests for grammar/quantity*: a golden table of texts (mostly from the seed pages, run
// through the normalizer first, as the engine does) and their quantities dumped as
// "value counter flags", plus hostile inputs that must stay linear and never crash.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <string>

#include "engine/normalize.hpp"
#include "grammar/quantity.hpp"

using shiwake::grammar::find_quantities;
using shiwake::grammar::Quantity;

namespace {

std::string dump(const Quantity& q) {
  char value[32];
  std::snprintf(value, sizeof value, "%.15g", q.value);
  std::string s = std::string(value) + " " + q.counter;
  if (q.approx) s += " approx";
  if (q.at_least) s += " at_least";
  if (q.at_most) s += " at_most";
  if (q.total) s += " total";
  if (q.part) s += " part";
  return s;
}

std::string dump_all(const std::string& raw) {
  const std::string text = shiwake::engine::normalize(raw).text();
  std::string out;
  for (const Quantity& q : find_quantities(text)) {
    if (!out.empty()) out += "; ";
    out += dump(q);
  }
  return out;
}

struct Golden {
  const char* input;
  const char* expected;
};

const Golden kGolden[] = {
    // from the seed pages
    {"７万４２３８件", "74238 件"},
    {"7万 4238 件", "74238 件"},
    {"約1万2千件", "12000 件 approx"},
    {"約 596 万人分の個人データ", "5960000 人分 approx"},
    {"約140万通", "1400000 通 approx"},
    {"2,312件の流出が", "2312 件"},
    {"14,231 人", "14231 人"},
    {"三十五名", "35 名"},
    {"約 14,000 件", "14000 件 approx"},
    {"電話番号 58 人分", "58 人分"},
    {"約25,000名分が漏洩し", "25000 名分 approx"},
    {"22,234 名(うちクレジットカード", "22234 名"},
    {"3, 605名分", "3605 名分"},  // a PDF line put a space after the comma
    {"2, 533名分", "2533 名分"},
    {"計 5 台。被害当時、5 台のうち", "5 台 total; 5 台"},
    {"お客様2,726名で、漏洩", "2726 名"},
    {"うち2,726件", "2726 件 part"},
    {"市内20校の校務システム", "20 校"},
    {"学内教職員…1,191件", "1191 件"},
    {"8,700人(令和6年", "8700 人"},
    {"1本)が支部", "1 本"},
    {"ボーイング787-9を", ""},
    {"1 本件の概要", ""},
    {"数千人のITプロフェッショナルを雇用", ""},  // vague amounts are not counts
    {"何百件もの問い合わせ", ""},
    {"漏えい件数 58件", "58 件"},                  // but a label ending in 数 is not vague  // 「本件」 is "this matter", not a counter
    {"2023年7月14日", ""},
    {"第 2 報", ""},
    {"午前 11 時頃", ""},
    // composition and kanji numerals
    {"1億2千万人", "120000000 人"},
    {"十万人", "100000 人"},
    {"千人のITプロ", "1000 人"},
    {"二〇二四件", "2024 件"},
    {"百二十三社", "123 社"},
    {"1.5万件", "15000 件"},
    {"1万2万件", ""},  // 万 after 万: not a numeral
    // qualifiers and counters
    {"100件以上", "100 件 at_least"},
    {"1万余件", "10000 件 at_least"},
    {"約100件余り", "100 件 approx at_least"},
    {"最大 3万件程度", "30000 件 approx at_most"},
    {"合計1,234件", "1234 件 total"},
    {"1,000人超", "1000 人 at_least"},
    {"500名前後", "500 名 approx"},
    {"100アカウント", "100 アカウント"},
    {"4世帯", "4 世帯"},
    {"3団体", "3 団体"},
    {"10枚、2個", "10 枚; 2 個"},
    {"1,234件分", "1234 件分"},
    {"一人お一人に", "1 人; 1 人"},
    // hostile and odd
    {"約約約約1件", "1 件 approx"},  // at most three qualifiers
    {"2o24件", "24 件"},             // an OCR slip: the digits after the letter still count
    {"12,34件", ""},                 // not a group of three: ambiguous, so no quantity
    {"", ""},
};

}  // namespace

TEST_CASE("quantity: golden table") {
  for (const auto& g : kGolden) {
    const std::string input = g.input;
    CAPTURE(input);
    CHECK(dump_all(input) == g.expected);
  }
}

TEST_CASE("quantity: byte range covers qualifiers and counter") {
  const std::string text = shiwake::engine::normalize("流出は約1万2千件以上です").text();
  const auto qs = find_quantities(text);
  REQUIRE(qs.size() == 1);
  CHECK(text.substr(qs[0].begin, qs[0].end - qs[0].begin) == "約1万2千件以上");
}

TEST_CASE("quantity: the numeral rule on its own") {
  namespace x3 = boost::spirit::x3;
  for (auto [in, want] : {std::pair<std::string_view, double>{"7万4238", 74238}, {"三十五", 35}, {"2,312", 2312},
                          {"1億", 1e8}, {"百", 100}, {"〇", 0}}) {
    double v = -1;
    auto first = in.begin();
    CAPTURE(in);
    CHECK(x3::parse(first, in.end(), shiwake::grammar::numeral(), v));
    CHECK(first == in.end());
    CHECK(v == want);
  }
}

TEST_CASE("quantity: long hostile inputs stay linear") {
  // Each would take minutes if the scan retried the grammar inside a number.
  for (const std::string unit : {"1", "約", "一", "十", "1,", "1万", "約1", "万"}) {
    std::string s;
    while (s.size() < 300000) s += unit;
    CAPTURE(unit);
    CHECK(find_quantities(s).empty());
    CHECK(find_quantities(s + "件").size() <= 1);
  }
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes += char(i * 7919 % 256);
  CHECK_NOTHROW(find_quantities(bytes));  // not even valid UTF-8: no crash, no hang
}

TEST_CASE("every counter is found after a numeral, also after 余 and a space") {
  // find_quantities skips numbers that no counter can follow, by the counters' first
  // characters: a counter added to the grammar must be found too.
  const auto words = shiwake::grammar::counter_words();
  CHECK(words.size() >= 20);
  for (const std::string& w : words)
    for (const std::string numeral : {"3", "1,234", "二十", "5 ", "100余"}) {
      const std::string text = "合わせて" + numeral + w + "が対象です";
      CAPTURE(text);
      const auto qs = find_quantities(text);
      REQUIRE(qs.size() == 1);
      CHECK(qs[0].counter == w);
    }
}
