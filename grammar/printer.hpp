// The canonical printer of the rule DSL: single spaces, the fewest parentheses the
// precedence (not > and > or) allows, literals re-escaped. parse_expression(print(e))
// gives back e. Entry: print(). Tests: tests/test_printer.cpp.
#pragma once

#include "grammar/ast.hpp"

#include <string>

namespace shiwake::grammar {

std::string print(const ast::Expr& e);
std::string print(const ast::Term& t);
std::string print(const ast::Value& v);
const char* print(ast::CmpOp op);

}  // namespace shiwake::grammar
