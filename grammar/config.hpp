// The types the DSL grammar is instantiated with: the iterator, the skipper and the
// context the error handler rides in. dsl.cpp instantiates with context_type and
// parse_expression() must build exactly this context (see there).
#pragma once

#include "grammar/error_handler.hpp"

#include <boost/spirit/home/x3.hpp>

#include <functional>

namespace shiwake::grammar::parser {

using phrase_context_type = x3::phrase_parse_context<x3::ascii::space_type>::type;

using context_type =
    x3::context<error_handler_tag, std::reference_wrapper<ErrorHandler>, phrase_context_type>;

}  // namespace shiwake::grammar::parser
