// Fusion adaptations of the AST nodes whose fields the grammar fills in order
// (dsl_def.hpp); the other nodes are built by semantic actions.
#pragma once

#include "grammar/ast.hpp"

#include <boost/fusion/include/adapt_struct.hpp>

BOOST_FUSION_ADAPT_STRUCT(shiwake::grammar::ast::Call, function, argument)
BOOST_FUSION_ADAPT_STRUCT(shiwake::grammar::ast::Count, term, op, n)
BOOST_FUSION_ADAPT_STRUCT(shiwake::grammar::ast::Near, a, b, distance)
BOOST_FUSION_ADAPT_STRUCT(shiwake::grammar::ast::Before, a, b, distance)
BOOST_FUSION_ADAPT_STRUCT(shiwake::grammar::ast::Scope, unit, inner)
