// Diagnostic formatting: location forms, levels, and the caret placed by display width
// (East Asian wide characters take two columns) with ^ then ~ across the token.
#include "grammar/diagnostic.hpp"

#include <doctest/doctest.h>

namespace {

shiwake::Diagnostic at(unsigned column, unsigned length, std::string line) {
  shiwake::Diagnostic d;
  d.file = "rules/a.yaml";
  d.line = 7;
  d.column = column;
  d.length = length;
  d.message = "expected ')' to close '('";
  d.source_line = std::move(line);
  return d;
}

TEST_CASE("diagnostic: ASCII line, caret under the token") {
  CHECK(shiwake::format(at(9, 3, "    when: (a or b")) ==
        "rules/a.yaml:7:9: error: expected ')' to close '('\n"
        "      when: (a or b\n"
        "          ^~~\n");
}

TEST_CASE("diagnostic: a single caret for length 1 and for length 0") {
  CHECK(shiwake::format(at(1, 1, "x")) ==
        "rules/a.yaml:7:1: error: expected ')' to close '('\n  x\n  ^\n");
  CHECK(shiwake::format(at(1, 0, "x")) ==
        "rules/a.yaml:7:1: error: expected ')' to close '('\n  x\n  ^\n");
}

TEST_CASE("diagnostic: wide characters count two columns") {
  // The token "流出" is code point 7; before it `"漏えい" ` takes 1 + 6 + 1 + 1 columns,
  // and the token itself 1 + 4 + 1.
  CHECK(shiwake::format(at(7, 4, R"("漏えい" "流出")")) ==
        "rules/a.yaml:7:7: error: expected ')' to close '('\n"
        "  \"漏えい\" \"流出\"\n"
        "           ^~~~~~\n");
}

TEST_CASE("diagnostic: fullwidth forms are wide, halfwidth katakana and combining marks are not") {
  // ＤＤｏＳ: four fullwidth letters; ｶﾅ: two halfwidth; e + U+0301 is one column.
  CHECK(shiwake::format(at(5, 1, "ＤＤｏＳx")).ends_with("\n  " + std::string(8, ' ') + "^\n"));
  CHECK(shiwake::format(at(3, 1, "ｶﾅx")).ends_with("\n    ^\n"));
  CHECK(shiwake::format(at(3, 1, "e\u0301x")).ends_with("\n   ^\n"));
}

TEST_CASE("diagnostic: tabs before the token are kept so the caret lines up") {
  CHECK(shiwake::format(at(3, 1, "\t\tx")) ==
        "rules/a.yaml:7:3: error: expected ')' to close '('\n  \t\tx\n  \t\t^\n");
}

TEST_CASE("diagnostic: a column past the end points just after the line") {
  CHECK(shiwake::format(at(4, 1, "abc")).ends_with("\n  abc\n     ^\n"));
  CHECK(shiwake::format(at(3, 5, "abc")).ends_with("\n  abc\n    ^\n"));
}

TEST_CASE("diagnostic: location forms and levels") {
  shiwake::Diagnostic d;
  d.file = "gold.yaml";
  d.message = "no notices";
  CHECK(shiwake::format(d) == "gold.yaml: error: no notices\n");
  d.level = shiwake::Level::warning;
  d.line = 3;
  CHECK(shiwake::format(d) == "gold.yaml:3: warning: no notices\n");
  d.level = shiwake::Level::note;
  d.column = 2;
  CHECK(shiwake::format(d) == "gold.yaml:3:2: note: no notices\n");  // no source line: no caret
}

TEST_CASE("diagnostic: has_errors ignores warnings and notes") {
  std::vector<shiwake::Diagnostic> ds(2);
  ds[0].level = shiwake::Level::warning;
  ds[1].level = shiwake::Level::note;
  CHECK_FALSE(shiwake::has_errors(ds));
  CHECK_FALSE(shiwake::has_errors({}));
  ds.emplace_back();
  CHECK(shiwake::has_errors(ds));
}

}  // namespace
