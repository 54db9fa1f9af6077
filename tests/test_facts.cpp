// Tests for engine/facts.cpp: golden sentences (written for these tests, in the manner of
// real notices) for the affected count and the published / discovered dates, the JNSA
// damage formula, and the issue-5 figures on the corpus with the shipped rules/.
#include <doctest/doctest.h>

#include "engine/evaluation.hpp"
#include "engine/facts.hpp"
#include "engine/gold.hpp"
#include "engine/notice_io.hpp"
#include "support.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace {

using shiwake::engine::Facts;

// Facts of a notice under a pack with no lexicon: only what read_text_facts gives.
Facts facts_of(const std::string& title, const std::string& text, const std::string& published = "") {
  static const auto classifier = shiwake::test::pack_from_yaml(shiwake::test::one_rule_pack("\"x\""));
  REQUIRE(classifier);
  auto scratch = classifier->make_scratch();
  shiwake::engine::Notice n;
  n.id = "t";
  n.title = title;
  n.text = text;
  n.published = published;
  return classifier->classify(n, scratch).facts;
}

std::string iso(const std::optional<shiwake::grammar::ast::Date>& d) { return d ? shiwake::engine::to_iso(*d) : "null"; }

struct AffectedCase {
  const char* text;
  double expected;  // -1: no count
};

}  // namespace

TEST_CASE("affected: the largest count of the best-supported kind") {
  const AffectedCase cases[] = {
      // The count itself, with the context that makes it the affected.
      {"お客様の個人情報(12,345名分)が漏えいした可能性があることが判明しました。", 12345},
      {"漏えいした可能性のある件数は約1万2千件です。", 12000},
      {"対象となる方は７万４２３８件です。", 74238},
      {"流出したおそれのある情報は 3, 210 人分です。", 3210},
      {"合計約 120 万人分の個人データを外部に持ち出した。", 1200000},
      // Total and parts: the total wins, whichever comes first.
      {"個人情報が漏えいした者は675名。うち、職員は650名、私人は25名であった。", 675},
      {"カード情報(410件)が漏えいし、お客様の個人情報(8,900名)が流出した可能性があります。", 8900},
      {"上記に該当する 2,345 名(うちクレジットカード情報 312 名)のお客様に連絡します。", 2345},
      // A heading above a bare number.
      {"(2)漏えい件数\n申込者の氏名、電話番号 58 人分", 58},
      {"<対象>\n\n326件", 326},
      {"情報流出した可能性のあるお客さま数:\n1,234社", 1234},
      // Only data-subject context, no affected word: still the count.
      {"【保存されている個人情報の件数】 約 5,000 件", 5000},
      {"会員 980人に案内メールを送信した際、宛先が見える状態になっていた。", 980},
      {"bccで送信すべきところをtoで送信したため、受信者1,230名のメールアドレスが他の受信者に表示される状態となりました。", 1230},
      {"記録されていた情報:児童生徒 計412名分の氏名\n※本校の在籍者数は650名です。", 412},
      // Not counts of the affected.
      {"全校で約 8,700人の児童が在校している。漏えいしたのは 6人分の個人データである。", 6},
      {"約3万件の外部メールアドレス宛にフィッシングメールが送信されました。", -1},
      {"迷惑メールが約140万通送信されました。個人情報の漏えいは確認されていません。", -1},
      {"当社従業員1名のメールアカウントが不正に利用されました。", -1},
      {"100人を1グループとして送信したため、メールアドレスが閲覧できる状態となった。", -1},
      {"会員1408人に送信した際、宛先に設定された。100人ずつ送信したため、閲覧できる状態となった。", 1408},
      {"市内20校の校務システムを停止しました。パソコン8台を調査しています。", -1},
      {"2024年2月29日に公表しました。電話 03-1234-5678、第2報、法第 147 条、100万円。", -1},
      // People beat organizations; organizations need an affected word.
      {"13社117名の健診結果データが誤って送付され、漏えいが判明した。", 117},
      {"取引先 40社にご案内しました。", -1},
  };
  for (const auto& c : cases) {
    const std::string text = c.text;
    CAPTURE(text);
    Facts f = facts_of("お知らせ", c.text);
    if (c.expected < 0) {
      CHECK_FALSE(f.affected.has_value());
    } else {
      REQUIRE(f.affected.has_value());
      CHECK(*f.affected == doctest::Approx(c.expected));
    }
  }
}

TEST_CASE("affected: the trace names the count and its context; evidence points into the original") {
  const std::string body = "このたび、当社サーバーが不正アクセスを受けました。\n\n件数: 漏えい等のおそれ 7万 4238 件";
  Facts f = facts_of("お詫び", body);
  REQUIRE(f.affected.has_value());
  CHECK(*f.affected == 74238);
  CHECK(f.affected_why == "74,238件 near おそれ");
  REQUIRE(f.affected_evidence.size() == 2);
  CHECK(f.affected_evidence[0].field == shiwake::grammar::ast::Field::body);
  CHECK(f.affected_evidence[0].text == "7万 4238 件");
  CHECK(f.affected_evidence[1].text == "おそれ");

  // In the title, with full-width digits: offsets are code points of the original title.
  Facts t = facts_of("顧客情報 約１２万件が流出した可能性", "詳細は調査中です。");
  REQUIRE(t.affected.has_value());
  CHECK(*t.affected == 120000);
  REQUIRE_FALSE(t.affected_evidence.empty());
  CHECK(t.affected_evidence[0].field == shiwake::grammar::ast::Field::title);
  CHECK(t.affected_evidence[0].start == 5);
  CHECK(t.affected_evidence[0].text == "約１２万件");
}

TEST_CASE("published: the title's date, else the body's own date, else the input's") {
  struct Case {
    const char* title;
    const char* body;
    const char* input;
    const char* expected;
  };
  const Case cases[] = {
      {"不正アクセスに関するお知らせ 2023 年 7 月 20 日", "2023年7月3日に判明しました。", "", "2023-07-20"},
      {"個人情報の漏えいについて 2024/2/29", "", "", "2024-02-29"},
      {"システム障害について(第2報) 令和6年3月1日", "", "", "2024-03-01"},
      {"マルウェア感染 2022年7月1日 奈良県", "", "", "2022-07-01"},
      {"検証(2024年3月号)", "本文", "", "null"},
      // Body: a letterhead line, a label, an announcing sentence.
      {"お詫びとお知らせ", "令和6年2月20日\n株式会社サンプル\n\n当社サーバーが攻撃を受けました。", "", "2024-02-20"},
      {"お詫びとお知らせ", "本文です。\n\n以上\n掲載日:2024年5月7日", "", "2024-05-07"},
      {"行政上の対応について", "当委員会は、令和6年2月 15 日に指導等を行いましたので、お知らせいたします。", "", "2024-02-15"},
      // An event date is not the notice's date, even at the top.
      {"お知らせ", "2024年1月10日、不正アクセスを受けたことが判明しましたので、お知らせいたします。", "", "null"},
      {"お知らせ", "本文の途中で 2024年1月10日 と書いてあるだけ。\n\nさらに本文。\n\nさらに本文。\n\n終わり。", "", "null"},
      // Only the first two and the last two non-empty lines are read, blank ones skipped.
      {"お知らせ", "一行目。\n二行目。\n掲載日:2024年5月7日\n四行目。\n五行目。\n六行目。", "", "null"},
      {"お知らせ", "一行目。\n二行目。\n三行目。\n四行目。\n掲載日:2024年5月7日\n \r\n六行目。\n\n", "", "2024-05-07"},
      {"お知らせ", "\n\n一行目。\n \n二行目。\n\n掲載日:2024年5月7日\r\n", "", "2024-05-07"},
      {"お知らせ", "掲載日:2024年5月7日", "", "2024-05-07"},
      // The input's own field, when the text gives none.
      {"お知らせ", "本文。", "2024-03-05", "2024-03-05"},
      {"お知らせ 2024年3月4日", "本文。", "2024-03-05", "2024-03-04"},
  };
  for (const auto& c : cases) {
    const std::string title = c.title, body = c.body;
    CAPTURE(title);
    CAPTURE(body);
    CHECK(iso(facts_of(c.title, c.body, c.input).published) == std::string(c.expected));
  }
}

TEST_CASE("discovered: the date a sentence ties to 判明/発覚/確認/気づ, not denied") {
  struct Case {
    const char* title;
    const char* body;
    const char* expected;
  };
  const Case cases[] = {
      {"お知らせ 2023年7月14日", "研修当日の7月 12 日に、参加者から問合せがあり、設定の誤りに気付いた。", "2023-07-12"},
      {"お知らせ 2024/2/13", "2月8日、基幹サーバーに障害が発生したことを確認しました。", "2024-02-08"},
      // The date nearest before the word, not the first of the sentence.
      {"お知らせ 2024年3月1日",
       "2024年1月17日9時から2024年2月5日13時までの間、表示されていた可能性があることが、2024年2月5日に判明いたしました。",
       "2024-02-05"},
      // Learning of it from someone else.
      {"お知らせ 2024/2/20", "2023年6月1日、カード会社から漏洩懸念について連絡を受け、決済を停止しました。", "2023-06-01"},
      // Denied: 検知されず is not a discovery.
      {"お知らせ 2022年7月1日", "5月20日 添付ファイルを実行し感染。この時点では検知されず。\n6月23日 感染の痕跡を検出した。",
       "2022-06-23"},
      // Dates that bound a period are not when it was learned.
      {"お知らせ 2024年2月1日", "2024年1月26日17時頃から1月28日11時までの間、改ざんされていた事が判明いたしました。", "null"},
      // A timeline: the date on the line above, or earlier in the same paragraph.
      {"お知らせ 2025/3/7", "1月14日(火)\n\n調査の結果、不正アクセスの痕跡があったことを確認しました。", "2025-01-14"},
      {"お知らせ 2023年6月29日", "2023年6月28日18時47分に一斉に送信しました。その後19時19分に、誤送信が発覚しました。", "2023-06-28"},
      // Never after the notice's date; none stated gives none.
      {"お知らせ 2024年1月5日", "2024年3月1日に確認する予定です。", "null"},
      {"お知らせ 2024年1月5日", "詳細は調査中です。", "null"},
  };
  for (const auto& c : cases) {
    const std::string body = c.body;
    CAPTURE(body);
    CHECK(iso(facts_of(c.title, c.body).discovered) == std::string(c.expected));
  }
}

TEST_CASE("discovered: a discovery word's sentence is the same however far into the body") {
  // Sentences end at 。 ! ? and line breaks, and a run of text without any is cut every
  // 1,024 bytes: the word's sentence, and the date in it, must not depend on how many
  // sentences or runs come before.
  std::string kana;  // 2,100 bytes without a sentence end
  for (int i = 0; i < 700; ++i) kana += "あ";
  struct Case {
    std::string body;
    const char* expected;
  };
  const Case cases[] = {
      {"一文目。二文目!三文目?\n四文目。2024年5月2日、不正アクセスを確認しました。", "2024-05-02"},
      {kana + "。2024年5月3日に判明しました。", "2024-05-03"},
      {kana + "2024年5月4日に判明しました。", "2024-05-04"},
      {kana + "。" + kana + "2024年5月5日に判明しました。", "2024-05-05"},
      // The word's sentence has no date: the last one before it on its line, however far.
      {"2024年5月6日は晴れでした。" + kana + "!その後、判明しました。", "2024-05-06"},
      {"2024年5月7日は晴れでした。\n" + kana + "!その後、判明しました。", "null"},
      // The sentence starts where it starts: a date before the word in it comes first, then
      // one after the word, so a start too late would give the later date.
      {"2024年5月8日に調査し判明したのは2024年5月9日です。", "2024-05-08"},
      {"前置きです。2024年5月8日に調査し判明したのは2024年5月9日です。", "2024-05-08"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.body);
    CHECK(iso(facts_of("お知らせ 2024年6月1日", c.body).discovered) == std::string(c.expected));
  }
}

TEST_CASE("discovered: the scan finds every discovery word, whatever the pack") {
  // The words are patterns of the pack's own scan. A pack that uses one of them as a plain
  // term (first hit only) must still report all of its hits to the facts, and a pack with
  // no rules at all still reads the date.
  const std::string title = "お知らせ 2024年6月3日";
  const std::string body = "不正アクセスは確認されておりません。\n再調査の結果、2024年5月20日に流出を確認しました。";
  for (const std::string& yaml : {shiwake::test::one_rule_pack("\"確認\""), std::string("rules: []\n")}) {
    CAPTURE(yaml);
    auto c = shiwake::test::pack_from_yaml(yaml);
    REQUIRE(c);
    CHECK(c->pattern_count() == (yaml.find("確認") != std::string::npos ? 1u : 0u));  // the pack's own only
    CHECK(iso(shiwake::test::classify(*c, title, body).facts.discovered) == "2024-05-20");
  }
}

TEST_CASE("the facts' sentence end is found sixteen bytes at a time as it is byte by byte") {
  // The reference: every byte in turn, as the rule reads (a sentence ends before a line
  // break, ! or ?, after a 。 that starts in it, and is cut 1024 bytes on).
  auto reference = [](std::string_view s, std::size_t pos) {
    const std::size_t from = pos, limit = std::min(s.size(), pos + 1024);
    for (; pos < std::min(s.size(), limit + 2); ++pos) {
      const char c = s[pos];
      if ((c == '\n' || c == '!' || c == '?') && pos < limit) return pos;
      if (pos >= from + 2 && pos - 2 < limit && s.compare(pos - 2, 3, "。") == 0) return pos + 1;
    }
    return limit;
  };
  // Kana whose UTF-8 ends in 0x82 or holds 0x80, the marks themselves, and 、 (E3 80 81).
  const std::vector<std::string> pieces{"る", "ろ", "タ", "あ", "、", "。", "\n", "!", "?", "a", "漢", "ー"};
  std::mt19937 rng(3);
  for (int round = 0; round < 3000; ++round) {
    std::string text;
    const int length = std::uniform_int_distribution<int>(0, round % 10 == 0 ? 1200 : 60)(rng);
    const int marks = std::uniform_int_distribution<int>(1, 40)(rng);  // how rare the marks are
    for (int k = 0; k < length; ++k) {
      const std::size_t pick = std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng);
      text += pick >= 4 && pick <= 8 && std::uniform_int_distribution<int>(0, marks)(rng) != 0 ? pieces[pick % 4] : pieces[pick];
    }
    for (std::size_t pos = 0; pos <= text.size(); pos += 1 + rng() % 7) {
      CAPTURE(text);
      CAPTURE(pos);
      REQUIRE(shiwake::engine::detail::facts_sentence_end(text, pos) == reference(text, pos));
    }
  }
}

TEST_CASE("jnsa_damage follows TAXONOMY.md's examples") {
  using shiwake::engine::DataTypeDef;
  auto type = [](const char* id, int x, int y) {
    DataTypeDef d;
    d.id = id;
    d.x = x;
    d.y = y;
    return d;
  };
  const DataTypeDef name = type("name", 1, 1), address = type("address", 1, 1), card = type("card", 1, 3),
                    medical = type("medical", 3, 1);
  auto per_person = [](std::vector<const DataTypeDef*> types) { return *shiwake::engine::detail::jnsa_damage(types, 1.0); };
  CHECK(per_person({&name, &address}) == doctest::Approx(6000));
  CHECK(per_person({&card}) == doctest::Approx(13000));             // I = 1: 500 x (1 + 25)
  CHECK(per_person({&name, &address, &card}) == doctest::Approx(78000));
  CHECK(per_person({&name, &address, &medical}) == doctest::Approx(303000));
  CHECK_FALSE(shiwake::engine::detail::jnsa_damage({&name}, std::nullopt).has_value());
  // No data type named: the model's floor, x = y = 1 and I = 1, as the gold labels do.
  CHECK(shiwake::engine::detail::jnsa_damage({}, 10.0) == doctest::Approx(10000));
}

TEST_CASE("corpus: the issue-5 fact figures with the shipped rules") {
  namespace fs = std::filesystem;
  const fs::path root = SHIWAKE_SOURCE_DIR;
  auto loaded = shiwake::engine::load_pack(root / "rules");
  for (const auto& d : loaded.diagnostics) MESSAGE(shiwake::format(d));
  REQUIRE_FALSE(shiwake::has_errors(loaded.diagnostics));
  std::vector<shiwake::Diagnostic> diags;
  auto classifier = shiwake::engine::Classifier::compile(std::move(loaded.pack), diags);
  REQUIRE(classifier);

  std::vector<shiwake::engine::Result> results;
  shiwake::engine::NoticeReader reader({(root / "corpus/notices.jsonl").string()});
  auto scratch = classifier->make_scratch();
  while (auto x = reader.next())
    if (auto* n = std::get_if<shiwake::engine::Notice>(&*x)) results.push_back(classifier->classify(*n, scratch));
  REQUIRE(results.size() >= 50);

  auto gold = shiwake::engine::load_gold((root / "corpus/gold.yaml").string());
  REQUIRE(gold.diagnostics.empty());
  auto report = shiwake::engine::evaluate_against_gold(results, gold.labels);
  REQUIRE(report.scored == results.size());
  REQUIRE(report.affected_gold > 0);

  const double affected = double(report.affected_exact) / report.affected_gold;
  const double published = double(report.published_exact) / report.scored;
  const double data_types = report.data_types.f1();
  const double leak = double(report.leak_exact) / report.scored;
  MESSAGE("affected exact " << report.affected_exact << "/" << report.affected_gold << " = " << affected);
  MESSAGE("published exact " << report.published_exact << "/" << report.scored << " = " << published);
  MESSAGE("data_types micro-F1 " << data_types << " (tp " << report.data_types.tp << ", fp " << report.data_types.fp
                                 << ", fn " << report.data_types.fn << ")");
  MESSAGE("leak exact " << report.leak_exact << "/" << report.scored << " = " << leak);
  CHECK(affected >= 0.85);
  CHECK(published >= 0.95);
  CHECK(data_types >= 0.85);  // the pack's data-type lexicon
  CHECK(leak >= 0.85);        // the pack's leak phrases
}
