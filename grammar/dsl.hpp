// The rule DSL's public entry: parse one `when:` expression into a position-tagged AST.
// Entry point: parse_expression. The X3 grammar is declared in dsl_grammar.hpp, defined in
// dsl_def.hpp and instantiated in dsl.cpp. Tests: tests/test_dsl.cpp.
#pragma once

#include "grammar/ast.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiwake::grammar {

// A byte range [begin, end) within the expression text.
struct Span {
  std::uint32_t begin = 0, end = 0;
};

// What a syntax error says and where: "expected ')'" at the offending token.
struct SyntaxError {
  Span where;
  std::string message;
};

struct ParsedExpr {
  ast::Expr root;
  // Byte offsets of the parser's position cache: node.id_first / id_last index into it.
  std::vector<std::uint32_t> positions;

  Span span(const ast::x3::position_tagged& node) const;
};

struct ParseResult {
  std::optional<ParsedExpr> expr;  // set iff errors is empty
  std::vector<SyntaxError> errors;
};

// Nesting deeper than this is a syntax error, never a stack overflow.
inline constexpr unsigned kMaxNesting = 64;

ParseResult parse_expression(std::string_view text);

}  // namespace shiwake::grammar
