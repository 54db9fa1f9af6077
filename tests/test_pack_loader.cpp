// The pack loader: every error with file:line:col inside the YAML file, through plain,
// quoted and block scalars, and loading goes on past a bad rule.
#include "tests/support.hpp"

#include <doctest/doctest.h>

namespace {

std::vector<shiwake::Diagnostic> load(const std::string& yaml) {
  shiwake::engine::LoadedPack loaded;
  shiwake::engine::load_pack_file("p.yaml", yaml, loaded);
  return loaded.diagnostics;
}

}  // namespace

TEST_CASE("a syntax error in a plain scalar points at its column") {
  auto ds = load("rules:\n  - id: a\n    category: x\n    when: $x and and $y\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].file == "p.yaml");
  CHECK(ds[0].line == 4);
  CHECK(ds[0].column == 18);
  CHECK(ds[0].length == 3);
  CHECK(ds[0].source_line == "    when: $x and and $y");
}

TEST_CASE("a syntax error in a block scalar points into its line") {
  auto ds = load("rules:\n  - id: a\n    category: x\n    when: |\n      \"a\" and\n      (\"b\" or\n  - id: b\n");
  REQUIRE(!ds.empty());
  // The expression ends early: the error sits just after its last token, not on the next rule.
  CHECK(ds[0].line == 6);
  CHECK(ds[0].column == 14);
  CHECK(ds[0].source_line == "      (\"b\" or");
}

TEST_CASE("a syntax error in a single-quoted scalar skips the quote") {
  auto ds = load("rules:\n  - id: a\n    category: x\n    when: '\"a\" or )'\n");
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].line == 4);
  CHECK(ds[0].column == 19);
}

TEST_CASE("every bad rule is reported and the good ones load") {
  shiwake::engine::LoadedPack loaded;
  shiwake::engine::load_pack_file("p.yaml", R"(
rules:
  - id: one
    category: x
    when: '"a" and'
  - id: two
    when: '"b"'
  - id: three
    category: y
    when: '"c"'
  - id: four
    category: z
    tag: t
    when: '"d"'
)", loaded);
  CHECK(loaded.diagnostics.size() == 3);
  REQUIRE(loaded.pack.rules.size() == 1);
  CHECK(loaded.pack.rules[0].id == "three");
}

TEST_CASE("semantic errors: unknown list, unknown rule, duplicate id, cycle, misplaced facts") {
  std::vector<shiwake::Diagnostic> ds;
  auto c = shiwake::test::pack_from_yaml(R"(
lists:
  leak: [漏えい]
rules:
  - id: a
    category: x
    when: '$leek or @b'
  - id: b
    category: x
    when: '@c and reportable'
  - id: c
    category: y
    when: '@b'
  - id: a
    category: z
    when: 'has(nothing)'
data_types:
  - id: name
    x: 1
    y: 1
    when: '"氏名" and affected > 3'
)", &ds);
  CHECK_FALSE(c);
  std::string all;
  for (const auto& d : ds) all += shiwake::format(d);
  CHECK(all.find("unknown list '$leek' (did you mean 'leak'?)") != std::string::npos);
  CHECK(all.find("duplicate rule id 'a'") != std::string::npos);
  CHECK(all.find("only the severity policy") != std::string::npos);
  CHECK(all.find("unknown data type 'nothing'") != std::string::npos);
  CHECK(all.find("facts are computed after the lexicon") != std::string::npos);
  CHECK(all.find("cycle: @b -> @c -> @b") != std::string::npos);
}

TEST_CASE("a regex Vectorscan rejects is an error at the term") {
  std::vector<shiwake::Diagnostic> ds;
  auto c = shiwake::test::pack_from_yaml("rules:\n  - id: a\n    category: x\n    when: '\"ok\" or /a(b/'\n", &ds);
  CHECK_FALSE(c);
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].line == 4);
  CHECK(ds[0].column == 20);
  CHECK(ds[0].message.find("regex rejected") == 0);
}
