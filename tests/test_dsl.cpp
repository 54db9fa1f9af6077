// The DSL parser: golden dumps of parsed expressions (RE2's parse_test style), node spans
// from the position cache, the nesting bound, and the syntax-error files under
// tests/data/dsl/errors/ (each .input an expression, each .expect its formatted diagnostic).
#include "grammar/diagnostic.hpp"
#include "grammar/dsl.hpp"
#include "grammar/dump.hpp"

#include <doctest/doctest.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

using shiwake::grammar::dump;
using shiwake::grammar::parse_expression;

std::string dump_or_error(std::string_view text) {
  auto const r = parse_expression(text);
  if (!r.expr) return "error: " + (r.errors.empty() ? std::string("?") : r.errors.front().message);
  return dump(r.expr->root);
}

struct Golden {
  const char* text;
  const char* dump;
};

const Golden kParses[] = {
    // terms
    {R"("漏えい")", R"(lit{"漏えい"})"},
    {R"("a\"b\\c\nd\te")", R"(lit{"a\"b\\c\nd\te"})"},
    {R"("\u{3042}\u{1F600}")", R"(lit{"あ😀"})"},
    {R"(/漏れ(た|て)/)", R"(re{/漏れ(た|て)/})"},
    {R"(/a\/b\d\\/)", R"(re{/a\/b\d\\/})"},
    {R"($leak_words)", R"(list{leak_words})"},
    {R"($a-b_2)", R"(list{a-b_2})"},
    {R"(title:"お詫び")", R"(title:lit{"お詫び"})"},
    {R"(body:/x+/)", R"(body:re{/x+/})"},
    {R"(title: $names)", R"(title:list{names})"},
    // booleans and precedence: not > and > or
    {"true", "true"},
    {"false or true", "or{false,true}"},
    {R"("a" and "b" and "c")", R"(and{lit{"a"},lit{"b"},lit{"c"}})"},
    {R"("a" or "b" and "c")", R"(or{lit{"a"},and{lit{"b"},lit{"c"}}})"},
    {R"("a" and "b" or "c")", R"(or{and{lit{"a"},lit{"b"}},lit{"c"}})"},
    {R"(not "a" and "b")", R"(and{not{lit{"a"}},lit{"b"}})"},
    {R"(not ("a" and "b"))", R"(not{and{lit{"a"},lit{"b"}}})"},
    {R"(not not "a")", R"(not{not{lit{"a"}}})"},
    {R"(("a" or "b") and "c")", R"(and{or{lit{"a"},lit{"b"}},lit{"c"}})"},
    {R"("a" or ("b" or "c"))", R"(or{lit{"a"},or{lit{"b"},lit{"c"}}})"},
    {R"(((("a"))))", R"(lit{"a"})"},
    {"  \"a\"\n\tand\r\n\"b\"  ", R"(and{lit{"a"},lit{"b"}})"},
    // keywords never match a prefix of a name
    {"android", "fact{android}"},
    {"order or notice", "or{fact{order},fact{notice}}"},
    {"anything and tags", "and{fact{anything},fact{tags}}"},
    {"truex", "fact{truex}"},
    {"not-reported", "fact{not-reported}"},
    // quantifiers
    {R"(any($a, "b"))", R"(any{list{a},lit{"b"}})"},
    {R"(all("a", /b/, $c))", R"(all{lit{"a"},re{/b/},list{c}})"},
    {R"(2 of ($a, $b, "c"))", R"(of{2;list{a},list{b},lit{"c"}})"},
    {R"(any("a" and "b", not "c"))", R"(any{and{lit{"a"},lit{"b"}},not{lit{"c"}}})"},
    {R"(any("a"))", R"(any{lit{"a"}})"},
    // counts and proximity
    {R"(count("漏えい") >= 2)", R"(count{lit{"漏えい"} >= 2})"},
    {R"(count(title:$x) != 0)", R"(count{title:list{x} != 0})"},
    {R"(count(/a/)<3)", R"(count{re{/a/} < 3})"},
    {R"(near("a", $b, 30))", R"(near{lit{"a"},list{b},30})"},
    {R"("a" before /b/ within 40)", R"(before{lit{"a"},re{/b/},40})"},
    {R"(not "a" before "b" within 4 and "c")", R"(and{not{before{lit{"a"},lit{"b"},4}},lit{"c"}})"},
    // scopes and references
    {R"(sentence("漏えい" and not /確認されて(い|お)りません/))",
     R"(sentence{and{lit{"漏えい"},not{re{/確認されて(い|お)りません/}}}})"},
    {R"(paragraph(@a or "b"))", R"(paragraph{or{ref{a},lit{"b"}}})"},
    {"@prevention-only", "ref{prevention-only}"},
    {"@v1.2_x", "ref{v1.2_x}"},
    // facts
    {"affected >= 1000", "fact{affected >= num{1000}}"},
    {"affected>=1_000_000", "fact{affected >= num{1000000}}"},
    {"damage >= 6e6", "fact{damage >= num{6000000}}"},
    {"damage > 1.5e3", "fact{damage > num{1500}}"},
    {"damage < 2.5", "fact{damage < num{2.5}}"},
    {"affected >= 3万", "fact{affected >= num{30000}}"},
    {"damage >= 6億", "fact{damage >= num{600000000}}"},
    {"published >= 2024-01-01", "fact{published >= date{2024-01-01}}"},
    {"published < 2024-02-29", "fact{published < date{2024-02-29}}"},
    {"leak == possible", "fact{leak == name{possible}}"},
    {"leak != none", "fact{leak != name{none}}"},
    {"reportable", "fact{reportable}"},
    {"not outage", "not{fact{outage}}"},
    {"has(card)", "call{has,card}"},
    {"category(ransomware)", "call{category,ransomware}"},
    {"tag( advisory )", "call{tag,advisory}"},
    {"has(card) and affected >= 1000 or reportable",
     "or{and{call{has,card},fact{affected >= num{1000}}},fact{reportable}}"},
};

TEST_CASE("dsl: golden parse table") {
  for (const auto& g : kParses) {
    CAPTURE(g.text);
    CHECK(dump_or_error(g.text) == g.dump);
  }
}

TEST_CASE("dsl: keywords are not facts") {
  for (const char* word : {"and", "or", "not", "any", "all", "of", "count", "near",
                           "before", "within", "sentence", "paragraph", "has", "category", "tag",
                           "title", "body"}) {
    CAPTURE(word);
    auto const r = parse_expression(word);
    CHECK_FALSE(r.expr);
    CHECK(r.errors.size() == 1);
  }
  CHECK(dump_or_error("x == within") == "error: expected a value (a number, a date YYYY-MM-DD or a name)");
}

TEST_CASE("dsl: spans of nodes are byte ranges into the text") {
  std::string const text = R"(  title:"お詫び" and not count($x) >= 2 or @r)";
  auto const r = parse_expression(text);
  REQUIRE(r.expr);
  auto const& p = *r.expr;
  auto slice = [&](const auto& node) {
    auto const s = p.span(node);
    REQUIRE(s.begin <= s.end);
    REQUIRE(s.end <= text.size());
    return text.substr(s.begin, s.end - s.begin);
  };
  using namespace shiwake::grammar::ast;
  const auto& top = boost::get<x3::forward_ast<Or>>(p.root.get()).get();
  CHECK(slice(top) == R"(title:"お詫び" and not count($x) >= 2 or @r)");
  const auto& conj = boost::get<x3::forward_ast<And>>(top.operands[0].get()).get();
  CHECK(slice(conj) == R"(title:"お詫び" and not count($x) >= 2)");
  CHECK(slice(boost::get<Term>(conj.operands[0].get())) == R"(title:"お詫び")");
  const auto& negation = boost::get<x3::forward_ast<Not>>(conj.operands[1].get()).get();
  CHECK(slice(negation) == "not count($x) >= 2");
  const auto& count = boost::get<x3::forward_ast<Count>>(negation.operand.get()).get();
  CHECK(slice(count) == "count($x) >= 2");
  CHECK(slice(count.term) == "$x");
  CHECK(slice(boost::get<RuleRef>(top.operands[1].get())) == "@r");
}

TEST_CASE("dsl: a parenthesized node keeps its own span") {
  std::string const text = R"(( "a" ))";
  auto const r = parse_expression(text);
  REQUIRE(r.expr);
  auto const s = r.expr->span(boost::get<shiwake::grammar::ast::Term>(r.expr->root.get()));
  CHECK(text.substr(s.begin, s.end - s.begin) == R"("a")");
}

TEST_CASE("dsl: nesting is bounded, never a stack overflow") {
  using shiwake::grammar::kMaxNesting;
  auto parens = [](unsigned n) { return std::string(n, '(') + "\"a\"" + std::string(n, ')'); };
  CHECK(parse_expression(parens(kMaxNesting)).expr);
  auto const deep = parse_expression(parens(kMaxNesting + 1));
  REQUIRE(deep.errors.size() == 1);
  CHECK(deep.errors[0].message == "nesting deeper than 64 levels");

  std::string nots;
  for (unsigned i = 0; i < kMaxNesting; ++i) nots += "not ";
  CHECK(parse_expression(nots + "x").expr);
  CHECK_FALSE(parse_expression("not " + nots + "x").expr);

  // Hostile sizes: far beyond any stack, each a clean error.
  for (std::string const& hostile :
       {std::string(200000, '('), std::string(100000, '(') + "a", [] {
          std::string s;
          for (int i = 0; i < 50000; ++i) s += "any(sentence(not ";
          return s;
        }()}) {
    auto const r = parse_expression(hostile);
    CHECK_FALSE(r.expr);
    REQUIRE(r.errors.size() == 1);
    CHECK(r.errors[0].message == "nesting deeper than 64 levels");
  }
}

TEST_CASE("dsl: long flat chains are not nesting") {
  std::string text = "\"a\"";
  for (int i = 0; i < 20000; ++i) text += " and \"a\"";
  auto const r = parse_expression(text);
  REQUIRE(r.expr);
  CHECK(boost::get<shiwake::grammar::ast::x3::forward_ast<shiwake::grammar::ast::And>>(r.expr->root.get())
            .get()
            .operands.size() == 20001);
}

TEST_CASE("dsl: an error at the end of the input stays just after the last token") {
  auto const r = parse_expression("(\"b\" or\n  \n");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].where.begin == 7);
  CHECK(r.errors[0].message == "expected an expression after 'or'");
}

TEST_CASE("dsl: invalid UTF-8 is an error at the bad byte") {
  auto const r = parse_expression("\"ab\xff\" and x");
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].where.begin == 3);
  CHECK(r.errors[0].message == "invalid UTF-8");
}

TEST_CASE("dsl: random inputs never throw and always yield a result or an error") {
  // Fragments of the language glued at random: a cheap stand-in for the fuzz target.
  const char* pieces[] = {"(",   ")",     "\"a\"", "/b/",   "$c",     "@d",  " and ", " or ",
                          "not ", "any(", "2 of (", ",", "count(", ") >= 2", "near(", "before",
                          "within 3", "x", ">=", "2024-01-01", "1e3", "title:", "\"", "/", "\\",
                          "sentence(", "has(", "漏えい", " ", "\n"};
  std::mt19937 rng(1234);
  std::uniform_int_distribution<std::size_t> pick(0, std::size(pieces) - 1);
  std::uniform_int_distribution<int> length(0, 24);
  int parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    for (int n = length(rng); n > 0; --n) text += pieces[pick(rng)];
    auto const r = parse_expression(text);
    CAPTURE(text);
    CHECK(r.expr.has_value() == r.errors.empty());
    for (const auto& e : r.errors) {
      CHECK(e.where.begin <= e.where.end);
      CHECK(e.where.end <= text.size());
      CHECK_FALSE(e.message.empty());
    }
    parsed += r.expr.has_value();
  }
  CHECK(parsed > 0);
}

// The syntax error as a user sees it, for the single-line expressions of the error files.
std::string formatted_error(const std::string& text) {
  auto const r = parse_expression(text);
  if (r.errors.empty()) return "(no error)\n";
  auto const& e = r.errors.front();
  auto code_points = [&](std::uint32_t from, std::uint32_t to) {
    unsigned n = 0;
    std::int32_t i = static_cast<std::int32_t>(from);
    while (i < static_cast<std::int32_t>(to)) {
      UChar32 c;
      U8_NEXT(text.data(), i, static_cast<std::int32_t>(to), c);
      ++n;
    }
    return n;
  };
  shiwake::Diagnostic d;
  d.file = "<expr>";
  d.line = 1;
  d.column = 1 + code_points(0, e.where.begin);
  d.length = std::max(1u, code_points(e.where.begin, e.where.end));
  d.message = e.message;
  d.source_line = text;
  return shiwake::format(d);
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_CASE("dsl: syntax error files (tests/data/dsl/errors)") {
  namespace fs = std::filesystem;
  fs::path const folder = fs::path(SHIWAKE_SOURCE_DIR) / "tests/data/dsl/errors";
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.path().extension() == ".input") inputs.push_back(entry.path());
  std::sort(inputs.begin(), inputs.end());
  REQUIRE(inputs.size() >= 15);
  for (const auto& input : inputs) {
    CAPTURE(input.filename().string());
    std::string text = read_file(input);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    auto expect = input;
    expect.replace_extension(".expect");
    REQUIRE(fs::exists(expect));
    CHECK(formatted_error(text) == read_file(expect));
  }
}

}  // namespace
