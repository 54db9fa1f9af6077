// The canonical printer: a golden table (spellings of one expression print alike) and
// the round trip parse(print(ast)) == ast, compared as structural dumps, for every construct.
#include "grammar/dsl.hpp"
#include "grammar/dump.hpp"
#include "grammar/printer.hpp"

#include <doctest/doctest.h>

#include <string>

namespace {

using shiwake::grammar::dump;
using shiwake::grammar::parse_expression;
using shiwake::grammar::print;

std::string print_or_error(std::string_view text) {
  auto const r = parse_expression(text);
  if (!r.expr) return "error: " + r.errors.front().message;
  return print(r.expr->root);
}

struct Golden {
  const char* text;
  const char* printed;
};

const Golden kPrinted[] = {
    // spacing
    {R"("a"and"b")", R"("a" and "b")"},
    {"  \"a\"\n\n  or\t\"b\"  ", R"("a" or "b")"},
    {R"(any( $a ,"b" ))", R"(any($a, "b"))"},
    {R"(2   of($a,$b ,  "c"))", R"(2 of ($a, $b, "c"))"},
    {R"(count( "x" )>=2)", R"(count("x") >= 2)"},
    {R"(near("a",$b,30))", R"(near("a", $b, 30))"},
    {"\"a\"  before\n/b/ within   40", R"("a" before /b/ within 40)"},
    {R"(sentence( "a" ))", R"(sentence("a"))"},
    {R"(paragraph("a"or"b"))", R"(paragraph("a" or "b"))"},
    {"has( card )", "has(card)"},
    {"tag(advisory)", "tag(advisory)"},
    {"category( ransomware)", "category(ransomware)"},
    {"affected>=1000", "affected >= 1000"},
    {"leak==possible", "leak == possible"},
    {"leak!=none", "leak != none"},
    {"x<1", "x < 1"},
    {"x<=1", "x <= 1"},
    {"x>1", "x > 1"},
    {"title: \"x\"", "title:\"x\""},
    {"body:   /x/", "body:/x/"},
    {"@ a", "error: expected a rule id after '@'"},
    {"@a.b-c", "@a.b-c"},
    // minimal parentheses
    {R"((("a")))", R"("a")"},
    {R"(("a" and "b") or "c")", R"("a" and "b" or "c")"},
    {R"("a" or ("b" and "c"))", R"("a" or "b" and "c")"},
    {R"(("a" or "b") and "c")", R"(("a" or "b") and "c")"},
    {R"("a" or ("b" or "c"))", R"("a" or ("b" or "c"))"},
    {R"(("a" and "b") and "c")", R"(("a" and "b") and "c")"},
    {R"(not ("a"))", R"(not "a")"},
    {R"(not ("a" and "b"))", R"(not ("a" and "b"))"},
    {R"((not "a") and "b")", R"(not "a" and "b")"},
    {R"(not (not "a"))", R"(not not "a")"},
    {R"(not (count("x") >= 2))", R"(not count("x") >= 2)"},
    {R"(not ("a" before "b" within 3))", R"(not "a" before "b" within 3)"},
    {R"(any(("a" or "b")))", R"(any("a" or "b"))"},
    {R"(sentence((("a"))))", R"(sentence("a"))"},
    // numbers: one spelling each
    {"x >= 1_000", "x >= 1000"},
    {"x >= 1e3", "x >= 1000"},
    {"x >= 1.0e3", "x >= 1000"},
    {"x >= 1万", "x >= 10000"},
    {"x >= 6e6", "x >= 6000000"},
    {"x >= 6億", "x >= 600000000"},
    {"x >= 2.5", "x >= 2.5"},
    {"x >= 1e20", "x >= 1e+20"},
    {"x >= 0.001", "x >= 0.001"},
    {"published >= 2024-01-01", "published >= 2024-01-01"},
    // literals re-escaped
    {R"("a\"b")", R"("a\"b")"},
    {R"("a\\b")", R"("a\\b")"},
    {R"("a\nb\tc")", R"("a\nb\tc")"},
    {R"("\u{3042}")", R"("あ")"},
    {R"("\u{7}")", R"("\u{7}")"},
    {R"("\u{1b}[")", R"("\u{1B}[")"},
    {R"(/a\/b/)", R"(/a\/b/)"},
    {R"(/a\\/)", R"(/a\\/)"},
    {R"(/\d+件/)", R"(/\d+件/)"},
    {R"("ＤＤｏＳ")", R"("ＤＤｏＳ")"},
};

TEST_CASE("printer: golden table") {
  for (const auto& g : kPrinted) {
    CAPTURE(g.text);
    CHECK(print_or_error(g.text) == g.printed);
  }
}

// One expression per construct, and some that combine them.
const char* const kRoundTrip[] = {
    R"("漏えい")",
    R"("a\"\\\n\t\u{1}")",
    R"(/漏れ(た|て)\/x\\/)",
    "$leak_words",
    R"(title:"お詫び")",
    "body:/x/",
    "title:$names",
    "true",
    "false",
    "@rule-id",
    "reportable",
    "affected >= 1000",
    "damage >= 6e6",
    "damage < 1.25",
    "x >= 3万",
    "published >= 2024-02-29",
    "leak == possible",
    "has(card)",
    "category(ransomware)",
    "tag(advisory)",
    R"(not "a")",
    R"(not not "a")",
    R"("a" and "b" and "c")",
    R"("a" or "b" or "c")",
    R"(("a" or "b") or "c")",
    R"("a" and ("b" and "c"))",
    R"(not ("a" or "b") and "c")",
    R"(any($a, "b" and "c", not "d"))",
    R"(all("a", "b"))",
    R"(3 of ("a", "b", "c", "d"))",
    R"(count("x") >= 2)",
    R"(count(title:/x/) != 0)",
    R"(near("a", $b, 30))",
    R"(title:"a" before body:"b" within 40)",
    R"(sentence("漏えい" and not /確認されて(い|お)りません/))",
    R"(paragraph(any("a", sentence("b"))))",
    R"(($a or @b) and not (count($c) < 3 or has(card)) and 2 of (x, y == z, w >= 2024-01-01))",
};

TEST_CASE("printer: round trip is structurally the identity") {
  for (const char* text : kRoundTrip) {
    CAPTURE(text);
    auto const first = parse_expression(text);
    REQUIRE(first.expr);
    std::string const printed = print(first.expr->root);
    CAPTURE(printed);
    auto const second = parse_expression(printed);
    REQUIRE(second.expr);
    CHECK(dump(second.expr->root) == dump(first.expr->root));
    CHECK(print(second.expr->root) == printed);  // printing is a fixed point
  }
}

TEST_CASE("printer: trees the parser never builds still print as valid expressions") {
  namespace ast = shiwake::grammar::ast;
  ast::And empty_and;
  CHECK(print(ast::Expr(empty_and)) == "true");
  ast::Or empty_or;
  CHECK(print(ast::Expr(empty_or)) == "false");
  ast::Term t;
  t.kind = ast::TermKind::literal;
  t.text = "x";
  ast::Or single;
  single.operands.emplace_back(t);
  ast::Not negation;
  negation.operand = single;
  CHECK(print(ast::Expr(negation)) == R"(not "x")");
}

}  // namespace
