// The evaluator's semantics, one line per construct: a rule `t` with a condition and a
// notice, fired or not. Then evidence spans, facts, severity and rule references.
#include "tests/support.hpp"

#include <doctest/doctest.h>

using shiwake::test::fires;

TEST_CASE("terms match the normalized text") {
  CHECK(fires(R"("ddos")", "大規模なＤＤｏＳ攻撃を受けました"));
  CHECK(fires(R"("ddos")", "DDoS"));
  CHECK_FALSE(fires(R"("ddos")", "dos attack"));
  CHECK(fires(R"("2023年7月")", "2023 年 7 月に判明"));
  CHECK(fires(R"(/不正ア[クグ]セス/)", "第三者による不正アクセスを確認"));
  CHECK(fires(R"($leak)", "情報が流出した", "", "  leak: [漏えい, 漏洩, 流出]"));
  CHECK_FALSE(fires(R"($leak)", "問題はありません", "", "  leak: [漏えい, 漏洩, 流出]"));
}

TEST_CASE("boolean operators, constants and quantifiers") {
  CHECK(fires(R"("a" and "b")", "a b"));
  CHECK_FALSE(fires(R"("a" and "b")", "a"));
  CHECK(fires(R"("a" or "b")", "b"));
  CHECK(fires(R"(not "a")", "b"));
  CHECK_FALSE(fires(R"(not "a" and "b")", "a b"));
  CHECK(fires(R"(true)", ""));
  CHECK_FALSE(fires(R"(false or not true)", "x"));
  CHECK(fires(R"(any("a", "b", "c"))", "c"));
  CHECK_FALSE(fires(R"(all("a", "b", "c"))", "a b"));
  CHECK(fires(R"(2 of ("a", "b", "c"))", "a c"));
  CHECK_FALSE(fires(R"(2 of ("a", "b", "c"))", "c"));
}

TEST_CASE("field scopes") {
  CHECK(fires(R"(title:"お詫び")", "本文", "不正アクセスに関するお詫び"));
  CHECK_FALSE(fires(R"(title:"お詫び")", "お詫び申し上げます", "お知らせ"));
  CHECK(fires(R"(body:"お詫び")", "お詫び申し上げます", "お知らせ"));
  CHECK_FALSE(fires(R"(body:"お知らせ")", "本文", "お知らせ"));
}

TEST_CASE("counts and proximity are measured in characters of the normalized text") {
  CHECK(fires(R"(count("漏えい") >= 2)", "漏えい。漏えい。"));
  CHECK_FALSE(fires(R"(count("漏えい") >= 3)", "漏えい。漏えい。"));
  CHECK(fires(R"(count("漏えい") == 0)", "なし"));
  CHECK(fires(R"(near("カード", "漏えい", 5))", "カード情報の漏えい"));
  CHECK(fires(R"(near("漏えい", "カード", 5))", "カード情報の漏えい"));
  CHECK_FALSE(fires(R"(near("カード", "漏えい", 2))", "カード情報の漏えい"));
  CHECK(fires(R"("カード" before "漏えい" within 5)", "カード情報の漏えい"));
  CHECK_FALSE(fires(R"("漏えい" before "カード" within 50)", "カード情報の漏えい"));
}

TEST_CASE("sentence and paragraph scopes: one unit must satisfy the whole inner expression") {
  const std::string text = "個人情報が漏えいしました。詳細は調査中です。\n\n漏えいの事実は確認されておりません。";
  CHECK(fires(R"(sentence("漏えい" and "調査中"))", "漏えいし調査中です。"));
  CHECK_FALSE(fires(R"(sentence("漏えいしました" and "調査中"))", text));
  CHECK(fires(R"(paragraph("漏えいしました" and "調査中"))", text));
  CHECK_FALSE(fires(R"(paragraph("漏えいしました" and "確認されて"))", text));
  CHECK(fires(R"(sentence("漏えい" and not "確認されて"))", text));
  CHECK_FALSE(fires(R"(sentence("漏えい" and not "確認されて"))", "漏えいの事実は確認されておりません。"));
}

TEST_CASE("rule references are evaluated in dependency order") {
  auto c = shiwake::test::pack_from_yaml(R"(
rules:
  - id: late
    category: b
    when: '@early and "x"'
  - id: early
    category: a
    when: '"y"'
  - id: by-category
    tag: t
    when: 'category(b)'
)");
  REQUIRE(c);
  auto r = shiwake::test::classify(*c, "", "x y");
  CHECK(r.categories == std::vector<std::string>{"b", "a"});
  CHECK(r.tags == std::vector<std::string>{"t"});
  CHECK(shiwake::test::classify(*c, "", "x").categories.empty());
}

TEST_CASE("evidence points into the original text in code points") {
  auto c = shiwake::test::pack_from_yaml(shiwake::test::one_rule_pack(R"("ランサムウェア" and title:"ddos")"));
  REQUIRE(c);
  auto r = shiwake::test::classify(*c, "ＤＤｏＳのお知らせ", "２０２３年　ランサムウェア被害");
  REQUIRE(r.matches.size() == 1);
  const auto& ev = r.matches[0].evidence;
  REQUIRE(ev.size() == 2);
  CHECK(ev[0].field == shiwake::grammar::ast::Field::body);
  CHECK(ev[0].start == 6);
  CHECK(ev[0].end == 13);
  CHECK(ev[0].text == "ランサムウェア");
  CHECK(ev[1].field == shiwake::grammar::ast::Field::title);
  CHECK(ev[1].start == 0);
  CHECK(ev[1].end == 4);
  CHECK(ev[1].text == "ＤＤｏＳ");
}

TEST_CASE("evidence far into a text of one- to four-byte characters is found at its code point") {
  // The offsets are counted eight bytes at a time; characters of every length, cut by
  // the word boundaries at every place, must still count one each.
  auto c = shiwake::test::pack_from_yaml(shiwake::test::one_rule_pack(R"(count("漏えい") >= 1)"));
  REQUIRE(c);
  const std::vector<std::string> pieces{"a", "é", "あ", "😀", " ", "Ω", "漢"};
  std::string text;
  std::vector<std::size_t> starts;  // code point offsets of each 漏えい
  std::size_t chars = 0;
  for (std::size_t k = 0; k < 700; ++k) {
    const std::string& piece = pieces[(k * 5 + k / 7) % pieces.size()];
    text += piece;
    ++chars;
    if (k % 97 == 96) {
      starts.push_back(chars);
      text += "漏えい";
      chars += 3;
    }
  }
  auto r = shiwake::test::classify(*c, "", text);
  REQUIRE(r.matches.size() == 1);
  const auto& ev = r.matches[0].evidence;
  REQUIRE(ev.size() == starts.size());
  for (std::size_t k = 0; k < ev.size(); ++k) {
    CHECK(ev[k].start == starts[k]);
    CHECK(ev[k].end == starts[k] + 3);
    CHECK(ev[k].text == "漏えい");
  }
}

TEST_CASE("the lexicon, facts and the severity policy") {
  auto c = shiwake::test::pack_from_yaml(R"(
data_types:
  - id: name
    x: 1
    y: 1
    when: 'sentence("氏名" and "漏えい")'
  - id: card
    x: 1
    y: 3
    when: 'sentence("カード" and "漏えい")'
leak:
  - status: possible
    when: '"可能性"'
  - status: confirmed
    when: '"漏えいしました"'
outage: '"停止"'
rules:
  - id: skim
    category: card-skimming
    when: 'has(card) and leak == confirmed'
reportable: 'category(card-skimming) and leak != none'
severity:
  - level: high
    when: 'reportable and outage'
    why: card data and an outage
  - level: low
    when: 'true'
)");
  REQUIRE(c);
  auto r = shiwake::test::classify(*c, "", "氏名とカード番号が漏えいしました。サイトを停止しました。");
  CHECK(r.facts.data_types == std::vector<std::string>{"name", "card"});
  CHECK(r.facts.leak == "confirmed");
  CHECK(r.facts.outage);
  CHECK(r.categories == std::vector<std::string>{"card-skimming"});
  CHECK(r.reportable);
  CHECK(r.severity == "high");
  CHECK(r.why.why == "card data and an outage");
  CHECK(r.why.facts_used == std::vector<std::string>{"outage", "reportable"});
  auto quiet = shiwake::test::classify(*c, "", "氏名が漏えいした可能性があります。");
  CHECK(quiet.facts.data_types == std::vector<std::string>{"name"});
  CHECK(quiet.facts.leak == "possible");
  CHECK(quiet.categories.empty());
  CHECK(quiet.severity == "low");
}
