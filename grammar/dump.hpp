// A structural dump of a DSL AST, one node per brace: `and{lit{"a"},not{list{x}}}`.
// Unlike print() it shows the tree as built (chains, nesting), so the parser and printer
// tests compare trees by comparing dumps. Entry: dump(). Tests: tests/test_dsl.cpp.
#pragma once

#include "grammar/ast.hpp"

#include <string>

namespace shiwake::grammar {

std::string dump(const ast::Expr& e);

}  // namespace shiwake::grammar
