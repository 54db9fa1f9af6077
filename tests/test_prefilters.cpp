// find_quantities and find_dates skip, before parsing, the numbers that no counter or date
// form can follow. The skip must lose nothing: each finds exactly what the same scan finds
// when it parses every candidate, on the corpus and on random texts dense in numbers,
// counters, date marks and separators. first_full_date, which stops the date scan early,
// is checked on the same texts.
#include "engine/normalize.hpp"
#include "grammar/char_skip.hpp"
#include "grammar/date.hpp"
#include "grammar/quantity.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

namespace {

using shiwake::grammar::find_dates;
using shiwake::grammar::find_dates_unfiltered;
using shiwake::grammar::find_quantities;
using shiwake::grammar::find_quantities_unfiltered;

// The number of texts on which the filtered and the unfiltered scans differ.
int differences(const std::string& text) {
  int bad = 0;
  const auto q = find_quantities(text), qu = find_quantities_unfiltered(text);
  bool same = q.size() == qu.size();
  for (std::size_t k = 0; same && k < q.size(); ++k)
    same = q[k].begin == qu[k].begin && q[k].end == qu[k].end && q[k].value == qu[k].value && q[k].counter == qu[k].counter;
  if (!same) {
    ++bad;
    MESSAGE("quantities differ on: ", text);
  }
  const auto d = find_dates(text), du = find_dates_unfiltered(text);
  same = d.size() == du.size();
  for (std::size_t k = 0; same && k < d.size(); ++k)
    same = d[k].begin == du[k].begin && d[k].end == du[k].end && shiwake::grammar::compare(d[k].date, du[k].date) == 0;
  if (!same) {
    ++bad;
    MESSAGE("dates differ on: ", text);
  }
  // The reference a scan without one takes: its first date with a year.
  const auto first = shiwake::grammar::first_full_date(text);
  auto full = std::find_if(d.begin(), d.end(), [](const auto& m) { return !m.year_inferred; });
  same = first ? full != d.end() && first->begin == full->begin && first->end == full->end &&
                     shiwake::grammar::compare(first->date, full->date) == 0
               : full == d.end();
  if (!same) {
    ++bad;
    MESSAGE("the first full date differs on: ", text);
  }
  return bad;
}

}  // namespace

TEST_CASE("the number prefilters lose nothing on the corpus") {
  const auto notices = shiwake::test::corpus_notices();
  int bad = 0;
  for (const auto& n : notices) bad += differences(shiwake::engine::normalize(n.title + "\n\n" + n.text).text());
  CHECK(notices.size() >= 50);
  CHECK(bad == 0);
}

TEST_CASE("the number prefilters lose nothing on random texts dense in numbers") {
  const std::vector<std::string> palette{"0", "1", "2", "9", "12", "2024", "12345", ",", ".", " ", "  ", "/", "-",
                                         "年", "月", "日", "令和", "平成", "昭和", "大正", "明治", "大", "明", "元", "r", "h", "s", "x", "約", "うち", "計", "合計",
                                         "およそ", "最大", "総数", "延べ", "お", "う", "合", "最",
                                         "〇", "零", "一", "二", "五", "十", "百", "千", "万", "億", "兆", "数", "何", "余",
                                         "人", "名", "件", "社", "人分", "世帯", "アカウント", "か所", "本件", "以上",
                                         "程度", "の", "、", "。", "\n"};
  std::mt19937 rng(11);
  int bad = 0;
  for (int n = 0; n < 20000 && bad < 10; ++n) {
    std::string text;
    for (int k = std::uniform_int_distribution<int>(1, 12)(rng); k > 0; --k)
      text += palette[std::uniform_int_distribution<std::size_t>(0, palette.size() - 1)(rng)];
    bad += differences(text);
  }
  CHECK(bad == 0);
}

TEST_CASE("a quantity starting with the longest chain of qualifiers is found from its first") {
  // Three of the longest qualifier, each with its space: the farthest a quantity can start
  // before its numeral.
  const std::string text = "計およそ およそ およそ 100人";
  const auto found = find_quantities(text);
  REQUIRE(found.size() == 1);
  CHECK(found[0].begin == std::string("計").size());
  CHECK(found[0].value == 100);
  CHECK(differences(text) == 0);
}

TEST_CASE("dates in every era form are found with and without the prefilter") {
  for (const std::string text : {"s60.1.15に", "(h31/4/30)", "r6-2-1まで", "令和6年2月1日", "平成 元 年 5月1日", "昭和64年1月7日",
                                 "大正15年12月25日", "明治45年7月30日", "2024.2.29"}) {
    CAPTURE(text);
    CHECK(find_dates(text).size() == 1);
    CHECK(differences(text) == 0);
  }
}

TEST_CASE("CharSkip stops where a byte-by-byte search stops") {
  using shiwake::grammar::detail::CharSkip;
  // The date grammar's set (ASCII digits and letters, five kanji: one bucket each) and the
  // numerals' (fourteen kanji sharing seven buckets), each against a search that compares
  // the bytes at every position with every character of the set.
  const std::string_view few_ascii = "0123456789rhs", many_ascii = "0123456789";
  const std::vector<std::string> few_keys{"令", "平", "昭", "大", "明"};
  const std::vector<std::string> many_keys{"〇", "零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千"};
  constexpr CharSkip few{"0123456789rhs", {U'令', U'平', U'昭', U'大', U'明'}};
  constexpr CharSkip many{"0123456789", {U'〇', U'零', U'一', U'二', U'三', U'四', U'五', U'六', U'七', U'八', U'九', U'十',
                                         U'百', U'千'}};
  const auto reference = [](std::string_view text, std::size_t i, std::string_view ascii, const std::vector<std::string>& keys) {
    for (; i < text.size(); ++i) {
      if (static_cast<unsigned char>(text[i]) < 0x80 && ascii.find(text[i]) != std::string_view::npos) return i;
      for (const std::string& k : keys)
        if (text.compare(i, k.size(), k) == 0) return i;
    }
    return text.size();
  };
  // Characters of the sets; others whose bytes share halves with theirs, so that the
  // sixteen-byte test lets them through (U+3000, U+4E4C, U+4E8D, U+5EE4 and U+6EE4, which
  // share 令's last two bytes, U+5007, U+4E0C); other kanji and kana; ASCII letters whose
  // halves the digits' and r h s's make up (b c x); a two-byte and a four-byte character;
  // and bytes of broken UTF-8: a lone continuation byte and a cut three-byte character.
  const std::vector<std::string> palette{"令", "平", "昭", "大", "明", "一", "三", "十", "千", "〇", "零", "百", "丁", "万",
                                         "犬", "本", "の", "ア", "ー", "a", "b", "c", "x", "r", "h", "s", "0", "7", "9", " ",
                                         "\n", "é", "😀", "年", "月", "日", "人", "件", "\u3000", "\u4E4C", "\u4E8D", "\u5EE4",
                                         "\u6EE4", "\u5007", "\u4E0C", "\x80", "\xE4\xB8"};
  std::mt19937 rng(5);
  for (int n = 0; n < 3000; ++n) {
    std::string text;
    for (int k = std::uniform_int_distribution<int>(0, 60)(rng); k > 0; --k)
      text += palette[std::uniform_int_distribution<std::size_t>(0, palette.size() - 1)(rng)];
    CAPTURE(text);
    for (std::size_t i = 0; i <= text.size(); ++i) {
      const std::size_t want_few = reference(text, i, few_ascii, few_keys), want_many = reference(text, i, many_ascii, many_keys);
      REQUIRE(few.next(text, i) == want_few);
      REQUIRE(few.next_bytewise(text, i) == want_few);
      REQUIRE(many.next(text, i) == want_many);
      REQUIRE(many.next_bytewise(text, i) == want_many);
    }
  }
}
