// finite_language: the strings of regexes inside its subset, nullopt for everything
// outside it or past the bound. Then the engine with regexes scanned as their strings
// against the engine with every regex scanned as a regex: the same results, byte for byte,
// for the shipped pack over the corpus and for regexes whose strings end one another, in
// every construct that reads positions (counts, proximity, order, sentences, fields).
#include "engine/finite_regex.hpp"
#include "engine/result_json.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace {

using Strings = std::vector<std::string>;

std::unique_ptr<shiwake::engine::Classifier> compile(shiwake::engine::LoadedPack loaded, bool expand) {
  REQUIRE_FALSE(shiwake::has_errors(loaded.diagnostics));
  shiwake::engine::Classifier::Options options;
  options.expand_finite_regexes = expand;
  auto c = shiwake::engine::Classifier::compile(std::move(loaded.pack), loaded.diagnostics, options);
  REQUIRE(c);
  return c;
}

std::unique_ptr<shiwake::engine::Classifier> compile_yaml(const std::string& yaml, bool expand) {
  shiwake::engine::LoadedPack loaded;
  shiwake::engine::load_pack_file("test.yaml", yaml, loaded);
  return compile(std::move(loaded), expand);
}

// Every notice's result line from both compilations of one pack.
void check_same_results(const std::unique_ptr<shiwake::engine::Classifier>& expanded,
                        const std::unique_ptr<shiwake::engine::Classifier>& regexes,
                        const std::vector<shiwake::engine::Notice>& notices) {
  CHECK(expanded->patterns().size() > regexes->patterns().size());  // some regex became strings
  auto a = expanded->make_scratch(), b = regexes->make_scratch();
  int matched = 0;
  for (const auto& n : notices) {
    CAPTURE(n.id);
    const auto ra = expanded->classify(n, a), rb = regexes->classify(n, b);
    CHECK(shiwake::engine::result_to_json(ra) == shiwake::engine::result_to_json(rb));
    matched += !ra.matches.empty();
  }
  CHECK(matched > 0);
}

}  // namespace

TEST_CASE("finite_language: the strings of alternations, options, repeats and classes") {
  using shiwake::engine::finite_language;
  CHECK(finite_language("abc", 64) == Strings{"abc"});
  CHECK(finite_language("判明|発覚", 64) == Strings{"判明", "発覚"});
  CHECK(finite_language("(不正|不審)(アクセス|ログイン)", 64) ==
        Strings{"不審アクセス", "不審ログイン", "不正アクセス", "不正ログイン"});
  CHECK(finite_language("(内の|の)?管理番号", 64) == Strings{"の管理番号", "内の管理番号", "管理番号"});
  CHECK(finite_language("(?:ab|a)c", 64) == Strings{"abc", "ac"});
  CHECK(finite_language("所属[、,・)]", 64) == Strings{"所属)", "所属,", "所属、", "所属・"});
  CHECK(finite_language("x[0-3]", 64) == Strings{"x0", "x1", "x2", "x3"});
  CHECK(finite_language("[-a]b", 64) == Strings{"-b", "ab"});
  CHECK(finite_language("a{2}", 64) == Strings{"aa"});
  CHECK(finite_language("ab{1,3}", 64) == Strings{"ab", "abb", "abbb"});
  CHECK(finite_language("宛(に|て|先)", 64) == Strings{"宛て", "宛に", "宛先"});
  CHECK(finite_language("a\\.b\\|c\\x41\\n", 64) == Strings{"a.b|cA\n"});
  CHECK(finite_language("第 ?[0-9] ?報", 64)->size() == 40);
  CHECK(finite_language("a(|b)", 64) == Strings{"a", "ab"});
  CHECK(finite_language("お名前", 1) == Strings{"お名前"});
}

TEST_CASE("finite_language: nullopt outside the subset or past the bound") {
  using shiwake::engine::finite_language;
  for (const char* re : {"a.b", "ab*", "ab+", "^ab", "ab$", "[^a]b", "\\d", "\\w", "\\s", "\\bab", "a??", "a{2,}",
                         "a{,2}", "a{9}", "(?i)ab", "(?=a)b", "a)b", "(ab", "[ab", "a]", "a}", "{2}", "?a", "a|",
                         "(a|)?", "[[:alpha:]]", "[a-]x[", "[z-a]", "\\x{41}", "\\x80", "\\x00", "\\", "\\Q", "",
                         "[あ-い]", "a\xE3\x81", "\xBFx", "a*?", "a{1,2}+"}) {
    CAPTURE(re);
    CHECK_FALSE(finite_language(re, 64));
  }
  CHECK_FALSE(finite_language("[0-9][0-9][0-9]", 64));  // 1000 strings
  CHECK(finite_language("[0-9][0-9]", 100));
  CHECK_FALSE(finite_language("[0-9][0-9]", 99));
  CHECK_FALSE(finite_language("(a|b|c)(d|e)", 5));
}

TEST_CASE("the shipped pack gives the same results with its regexes scanned as strings") {
  auto notices = shiwake::test::corpus_notices();
  REQUIRE(notices.size() >= 40);
  const std::string rules = std::string(SHIWAKE_SOURCE_DIR) + "/rules";
  check_same_results(compile(shiwake::engine::load_pack(rules), true), compile(shiwake::engine::load_pack(rules), false),
                     notices);
}

TEST_CASE("regexes whose strings end one another report the leftmost start, in every construct") {
  // Each regex has strings that are suffixes of others (の / 内の / 内での), so a match of
  // the short one ends where the long one's does; the regex reports the long one's start.
  const std::string yaml = R"(lists:
  suffixes: ['/(内での|内の|の|で)?(情報|個人情報)/', '/(不正|正)?アクセス/']
  plain: ['/(漏えい|流出)(した|の)/']
rules:
  - id: plain
    category: a
    when: '$suffixes'
  - id: counted
    category: b
    when: 'count($suffixes) >= 2 and count(/(お|)客様/) >= 1'
  - id: near
    category: c
    when: 'near($suffixes, $plain, 30)'
  - id: before
    category: d
    when: '/(が|は)?(漏えい|流出)/ before /(可能性|の可能性)/ within 40'
  - id: scoped
    category: e
    when: 'sentence($suffixes and $plain) or title:/(お知らせ|のお知らせ)/'
  - id: title
    category: f
    when: 'body:/(お詫び|のお詫び)/ and not title:$suffixes'
)";
  auto notices = shiwake::test::corpus_notices();
  REQUIRE(notices.size() >= 40);
  // Texts built to put the strings side by side.
  for (const char* text : {"社内での情報と内の個人情報が不正アクセスで漏えいした。顧客様とお客様の情報が流出の可能性。",
                           "のの情報情報、内内の個人情報。正アクセスの不正アクセス。漏えいの可能性があります。"}) {
    shiwake::engine::Notice n;
    n.id = "made";
    n.title = "個人情報のお知らせとお詫び";
    n.text = text;
    notices.push_back(n);
  }
  check_same_results(compile_yaml(yaml, true), compile_yaml(yaml, false), notices);
}
