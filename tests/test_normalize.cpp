// Tests for engine/normalize.cpp: golden input -> normalized pairs (most from the seed
// pages), offsets back to the original, and the round-trip property over seed lines and
// every text file under corpus/.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "engine/normalize.hpp"

using shiwake::engine::normalize;
using shiwake::engine::normalize_term;

namespace {

struct Golden {
  const char* input;
  const char* expected;
};

// Input as found in the seed pages (or the edge case named beside it) and the text the
// rules see.
const Golden kGolden[] = {
    // NFKC + case folding
    {"７万４２３８件", "7万4238件"},
    {"ＤＤｏＳ攻撃", "ddos攻撃"},
    {"DDoS", "ddos"},
    {"ｻｰﾊﾞｰ", "サーバー"},
    {"（第２報）", "(第2報)"},
    {"ランサムウエア", "ランサムウエア"},  // a spelling variant, not a normalization matter
    {"ランサムウェア", "ランサムウェア"},
    {"⑴状況", "(1)状況"},
    {"㈱", "(株)"},
    // white space next to CJK
    {"2023 年 7 月 14 日", "2023年7月14日"},
    {"2023\u3000年\u30007\u3000月", "2023年7月"},
    {"個人情報保護委員会 に", "個人情報保護委員会に"},
    {"約 14,000 件", "約14,000件"},
    {"14,231 人", "14,231人"},
    {"596 万人分", "596万人分"},
    {"米国子会社への不正アクセスについて(第 2 報)", "米国子会社への不正アクセスについて(第2報)"},
    {"株式会社 NTT ドコモ", "株式会社nttドコモ"},
    {"Google フォーム上から", "googleフォーム上から"},
    {"電話番号、 生年月日", "電話番号、生年月日"},
    {"a\u00a0b", "a b"},        // NBSP between Latin letters: one space
    {"日置\u00a0市", "日置市"},  // NBSP inside a Japanese word
    {"Wi-Fi  ネットワーク", "wi-fiネットワーク"},
    {"Munkhtamir   Batbayar", "munkhtamir batbayar"},
    {"3, 605名分", "3, 605名分"},  // digits on both sides: the quantity grammar decides
    {" 先頭", " 先頭"},          // nothing before: kept, so fragments normalize alike
    // line breaks
    {"外部に送信した記録はなく情報流出\nの可能性は低い。", "外部に送信した記録はなく情報流出の可能性は低い。"},
    {"お詫び申し上げます。\n今後", "お詫び申し上げます。\n今後"},
    {"申し上げます。\r\n今後", "申し上げます。\n今後"},
    {"security\ninformation", "security information"},
    {"1. 背景と導入:  \nモバイル", "1.背景と導入:\nモバイル"},
    {"漏えいした情報\n  • 学内教職員…1,191件", "漏えいした情報\n•学内教職員...1,191件"},
    {"経緯\n  1. 2018年4月24日", "経緯\n1. 2018年4月24日"},
    {"経緯\n  2023年4月24日", "経緯2023年4月24日"},
    {"(1)状況\n(2)漏えい件数", "(1)状況\n(2)漏えい件数"},
    {"段落一。\n\n段落二。", "段落一。\n\n段落二。"},
    {"段落一\n \n\n段落二", "段落一\n\n段落二"},
    {"line\r\n\r\nnext", "line\n\nnext"},
    {"四谷大塚\n \n", "四谷大塚\n\n"},
    // dashes and long vowels
    {"2024\u201002\u201029", "2024-02-29"},
    {"A\u2014B\u2015C\u2212D\uff0dE", "a-b-c-d-e"},
    {"サ\u2014バ", "サーバ"},
    {"サ\u2015ビス", "サービス"},
    {"サ-バ", "サーバ"},
    {"セキュリティ\u2500", "セキュリティー"},
    {"カ一ド", "カード"},            // OCR: kanji one between katakana
    {"セット一ヶ月", "セット一ヶ月"},  // ヶ is a counter, 一 stays a numeral
    {"メール一通", "メール一通"},
    {"7月12日\u301c14日", "7月12日~14日"},
    {"2月12日(月)午後 7 時~14 日", "2月12日(月)午後7時~14日"},
    // invalid UTF-8 (the reader repairs it; here it must not crash)
    {"a\xff" "b", "a\xef\xbf\xbd" "b"},
    {"\xe6\xbc", "\xef\xbf\xbd"},
    {"", ""},
};

std::string substr_chars(const std::string& s, std::uint32_t first, std::uint32_t last) {
  std::size_t begin = s.size(), end = s.size();
  std::uint32_t index = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
    if (index == first && begin == s.size()) begin = i;
    if (index == last) {
      end = i;
      break;
    }
    ++index;
  }
  return s.substr(begin, end - begin);
}

std::uint32_t count_chars(const std::string& s) {
  std::uint32_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// normalize(original.substr(to_original(b, e))) contains text.substr(b, e - b), for random
// code-point-aligned ranges of the normalized text. Returns the number of failures.
int check_round_trip(const std::string& original, std::mt19937& rng, int ranges) {
  const auto n = normalize(original);
  const std::string& text = n.text();
  CHECK(n.original_length() == count_chars(original));
  CHECK(n.char_count() == count_chars(text));
  std::vector<std::size_t> bounds;
  for (std::size_t i = 0; i <= text.size(); ++i)
    if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) bounds.push_back(i);
  int failures = 0;
  std::uniform_int_distribution<std::size_t> pick(0, bounds.size() - 1);
  for (int r = 0; r < ranges; ++r) {
    std::size_t b = bounds[pick(rng)], e = bounds[pick(rng)];
    if (b > e) std::swap(b, e);
    if (r == 0) b = 0, e = text.size();
    const auto [first, last] = n.to_original(b, e);
    const std::string piece = text.substr(b, e - b);
    const std::string source = substr_chars(original, first, last);
    const std::string again = normalize(source).text();
    if (first > last || last > n.original_length() || again.find(piece) == std::string::npos) {
      ++failures;
      if (failures <= 3)
        FAIL_CHECK("range [" << b << "," << e << ") of \"" << text << "\" is \"" << piece << "\", original ["
                             << first << "," << last << ") \"" << source << "\" normalizes to \"" << again << "\"");
    }
  }
  return failures;
}

// Seed lines with the phenomena above, for the property test when corpus/ is absent.
const char* const kSeedLines[] = {
    "【セキュリティ事件簿#2023-230】ヤマハ株式会社 米国子会社への不正アクセスについて(第 2 報) 2023 年 7 月 20 日",
    " 【当該パソコン及び親機に保存されている個人情報の件数】 約 14,000 件",
    "  • 当館の業務用パソコン端末は計 5 台。被害当時、5 台のうち当該パソコンと親機の 2 台のみ電源が入った状態で、"
    "2 月 12 日(月)午後 7 時~14 日(水)午前 8 時半の 間、電源が入った状態で外部と接続され、遠隔操作可能な状態にあった。\n"
    " ※稼働していなかったパソコンへの遠隔操作はないことが確認されている。また、当該 パソコンと親機は一時的に遠隔操作が"
    "可能な状態であったが、メールの送受信履歴 やリモート接続ソフトのログ上ではファイルを外部に送信した記録はなく情報流出 "
    "の可能性は低い。",
    "事件の概要\n  • 発生日: 2023年7月12日\n  • 被害校数: 20校\n  • 影響: 校務系システム一時停止、通知票の配布遅延\n事件の経緯",
    "1. 背景と導入:  \nモバイルデバイスは、個人の通信デバイスから企業の主要なツールへと進化してきました。",
    "【セキュリティ事件簿#2023-107】個人情報保護委員会 株式会社 NTT ドコモ及び株式会社 NTT ネクシアに対する 個人情報の保護に関する法律",
    "MIATモンゴル航空は、これらのボーイング787-9をモンゴルの首都ウランバートルからフランクフルト、イスタンブール、ソウルへ",
    "Oneworld Connectは2018年に、アメリカン航空、ブリティッシュエアウェイズ、キャセイパシフィック航空、カンタス航空",
    "研修申込者の氏名、所属、年代、メールアドレス、電話番号 58 人分",
    "約 596 万人分の個人データ\u3000（７万４２３８件）が漏えい\r\nした可能性があります。\r\n\r\n今後",
    "同様の事案が起きることがないよう、改めて確認体制・業務フローの\u2f92直しを\u2f8fいます。",
    "サ\u2014バ\u2015の「ランサムウエア」感染 ｻｰﾊﾞｰ カ一ド Wi\u2010Fi\nsecurity\ninformation (EMM)\n\n\nnext",
    "経緯\n  1. 2018年4月24日(火)に\n  2. 2023年2月1日(水)に\n(1)状況\n(2)漏えい件数\n10.5%\n1.",
    "a\xff" "b\xe6\xbc c\xf0\x9f\x98\x80 ﬁ ß ǅ ẞ İ",
};

}  // namespace

TEST_CASE("normalize: golden table") {
  for (const auto& g : kGolden) {
    const std::string input = g.input;
    CAPTURE(input);
    CHECK(normalize(g.input).text() == g.expected);
    CHECK(normalize_term(g.input) == g.expected);
  }
}

TEST_CASE("normalize: offsets point into the original in code points") {
  // 「ＤＤｏＳ攻撃 の 被害」: full-width letters map one to one, removed spaces map nowhere.
  const std::string original = "ＤＤｏＳ攻撃 の 被害";
  const auto n = normalize(original);
  REQUIRE(n.text() == "ddos攻撃の被害");
  CHECK(n.to_original(0, 4) == std::pair<std::uint32_t, std::uint32_t>{0, 4});      // ddos
  CHECK(n.to_original(4, 10) == std::pair<std::uint32_t, std::uint32_t>{4, 6});     // 攻撃
  CHECK(n.to_original(10, 13) == std::pair<std::uint32_t, std::uint32_t>{7, 8});    // の
  CHECK(n.to_original(4, 19) == std::pair<std::uint32_t, std::uint32_t>{4, 11});    // 攻撃の被害
  CHECK(n.to_original(13, 19) == std::pair<std::uint32_t, std::uint32_t>{9, 11});   // 被害
  CHECK(n.to_original(19, 19) == std::pair<std::uint32_t, std::uint32_t>{11, 11});  // the end
  CHECK(n.to_original(5, 6) == std::pair<std::uint32_t, std::uint32_t>{4, 5});      // inside 攻
  CHECK(n.char_index(0) == 0);
  CHECK(n.char_index(4) == 4);
  CHECK(n.char_index(7) == 5);
  CHECK(n.char_index(19) == 9);
  CHECK(n.char_count() == 9);
  CHECK(n.original_length() == 11);

  // One original character that expands: ㈱ -> (株) maps every piece to the whole ㈱.
  const auto k = normalize("x㈱y");
  REQUIRE(k.text() == "x(株)y");
  CHECK(k.to_original(1, 2) == std::pair<std::uint32_t, std::uint32_t>{1, 2});
  CHECK(k.to_original(2, 5) == std::pair<std::uint32_t, std::uint32_t>{1, 2});
  CHECK(k.to_original(6, 7) == std::pair<std::uint32_t, std::uint32_t>{2, 3});

  // CR LF is one break; a kept line break maps to the whole run of white space.
  const auto c = normalize("終了。 \r\n次");
  REQUIRE(c.text() == "終了。\n次");
  CHECK(c.to_original(9, 10) == std::pair<std::uint32_t, std::uint32_t>{3, 6});
  CHECK(c.to_original(10, 13) == std::pair<std::uint32_t, std::uint32_t>{6, 7});

  // Long blocks (the char index is kept per 64-byte block).
  std::string long_text;
  for (int i = 0; i < 100; ++i) long_text += "漏えい ";
  const auto l = normalize(long_text);
  CHECK(l.char_count() == 301);  // spaces between CJK are gone; the last has nothing after it
  CHECK(l.char_index(l.text().size()) == l.char_count());
}

TEST_CASE("normalize: long-vowel folding maps to the katakana it looked at") {
  const auto n = normalize("サ—バ");
  REQUIRE(n.text() == "サーバ");
  CHECK(n.to_original(3, 6) == std::pair<std::uint32_t, std::uint32_t>{0, 2});
}

TEST_CASE("normalize: round trip over seed lines") {
  std::mt19937 rng(20240229);
  int failures = 0;
  for (const char* line : kSeedLines) failures += check_round_trip(line, rng, 200);
  CHECK(failures == 0);
}

TEST_CASE("normalize: round trip over every line of the corpus and the seeds") {
  // corpus/ holds the seed notices; SHIWAKE_SEED_DIR may name the raw seed pages too.
  std::vector<std::filesystem::path> dirs{std::filesystem::path(SHIWAKE_SOURCE_DIR) / "corpus"};
  if (const char* extra = std::getenv("SHIWAKE_SEED_DIR")) dirs.emplace_back(extra);
  std::mt19937 rng(7);
  int lines = 0, failures = 0;
  for (const auto& dir : dirs) {
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".txt" && ext != ".jsonl")) continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::string line, window;
      std::vector<std::string> last;
      while (std::getline(in, line)) {
        ++lines;
        failures += check_round_trip(line, rng, 8);
        // Three lines at a time, so line joins and paragraph breaks are covered too.
        last.push_back(line);
        if (last.size() > 3) last.erase(last.begin());
        window = last[0];
        for (std::size_t i = 1; i < last.size(); ++i) window += "\n" + last[i];
        failures += check_round_trip(window, rng, 4);
      }
    }
  }
  MESSAGE("round trip over " << lines << " corpus lines");
  CHECK(failures == 0);
}

TEST_CASE("normalize: hostile input never crashes") {
  std::mt19937 rng(1);
  std::uniform_int_distribution<int> byte(0, 255);
  const std::string alphabet[] = {"\xe3\x80\x80", "\n", "\r", " ", "\xe2\x80\x94", "ー", "一", "カ", "a", "1",
                                  "\xe2\x80\xa8", "\xc2\x85", "\x0c", "•", "(", ")", ".", "。", "\xe3\x80\x9c", "-"};
  for (int round = 0; round < 300; ++round) {
    std::string s;
    const int len = round % 60;
    for (int i = 0; i < len; ++i) {
      if (round % 3 == 0)
        s += char(byte(rng));
      else
        s += alphabet[std::size_t(byte(rng)) % std::size(alphabet)];
    }
    const auto n = normalize(s);
    CHECK(n.char_count() == count_chars(n.text()));
    CHECK(n.to_original(0, n.text().size()).second <= n.original_length());
    if (round % 3 != 0) check_round_trip(s, rng, 10);
  }
}
