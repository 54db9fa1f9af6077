// Declaration of the DSL's X3 grammar: the entry rule `expression`, defined in
// dsl_def.hpp and instantiated in dsl.cpp (the one heavy translation unit). Most code
// wants grammar/dsl.hpp's parse_expression() instead. Tests: tests/test_dsl.cpp.
#pragma once

#include "grammar/ast.hpp"

#include <boost/spirit/home/x3.hpp>

namespace shiwake::grammar {

namespace x3 = boost::spirit::x3;

namespace parser {
struct expression_class;
using expression_type = x3::rule<expression_class, ast::Expr>;
BOOST_SPIRIT_DECLARE(expression_type);
}  // namespace parser

// A whole `when:` expression up to the end of the input.
parser::expression_type const& expression();

}  // namespace shiwake::grammar
