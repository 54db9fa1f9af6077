// The DSL parser's error handler: it records syntax errors as values (never prints),
// tags AST nodes with their positions and bounds the nesting depth. One ErrorHandler
// lives for one parse_expression() call (dsl.cpp); tests: tests/test_dsl.cpp.
#pragma once

#include "grammar/ast.hpp"
#include "grammar/dsl.hpp"

#include <boost/spirit/home/x3.hpp>
#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/utility/error_reporting.hpp>

#include <string>
#include <type_traits>
#include <vector>

namespace shiwake::grammar::parser {

namespace x3 = boost::spirit::x3;

using iterator_type = char const*;

// The tag X3's annotate/on_error conventions look the handler up by.
using error_handler_tag = x3::error_handler_tag;

// A lexical error the grammar finds itself (an unterminated string, a bad escape, too deep
// nesting). It carries its own span, unlike x3::expectation_failure which knows only
// where the parser stood; parse_expression() catches it.
struct SyntaxFailure {
  iterator_type first, last;
  std::string message;
};

class ErrorHandler {
 public:
  ErrorHandler(iterator_type first, iterator_type last) : cache_(first, last) {}

  // Tags node with [first, last), leading blanks skipped. A node keeps the first (innermost)
  // span it gets: `(a)` leaves the term's span at `a`.
  template <typename Node>
  void tag(Node& node, iterator_type first, iterator_type last) {
    if constexpr (std::is_base_of_v<x3::position_tagged, Node>) {
      if (node.id_first >= 0) return;
      while (first != last && is_blank(*first)) ++first;
      cache_.annotate(node, first, last);
    }
  }

  // An X3 expectation failure at `where`: "expected <what>" over the token found there.
  void expected(iterator_type where, std::string const& what);
  void fail(SyntaxFailure const& failure);

  // Nesting depth of the expression being parsed; see nesting_guard in dsl_def.hpp.
  unsigned depth = 0;

  std::vector<SyntaxError> const& errors() const { return errors_; }
  std::vector<std::uint32_t> positions() const;

 private:
  static bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  }
  Span span_of(iterator_type first, iterator_type last) const;

  x3::position_cache<std::vector<iterator_type>> cache_;
  std::vector<SyntaxError> errors_;
};

// on_error for the entry rule only: inner rules let expectation failures fly up to it,
// so one syntax error is reported once, at the point where the parser committed.
struct error_handler_base {
  template <typename Iterator, typename Exception, typename Context>
  x3::error_handler_result on_error(Iterator&, Iterator const&, Exception const& x,
                                    Context const& context) {
    x3::get<error_handler_tag>(context).get().expected(x.where(), x.which());
    return x3::error_handler_result::fail;
  }
};

// on_success for every rule that yields a node: tag the node (through Expr and
// forward_ast, which x3::annotate_on_success does not look into).
struct annotate_node {
  template <typename Iterator, typename Attribute, typename Context>
  void on_success(Iterator const& first, Iterator const& last, Attribute& attribute,
                  Context const& context) {
    annotate(first, last, attribute, x3::get<error_handler_tag>(context).get());
  }

 private:
  template <typename Iterator, typename Attribute>
  static void annotate(Iterator first, Iterator last, Attribute& attribute, ErrorHandler& handler) {
    if constexpr (std::is_same_v<Attribute, ast::Expr>) {
      boost::apply_visitor([&](auto& node) { annotate(first, last, node, handler); },
                           attribute.get());
    } else if constexpr (std::is_base_of_v<x3::position_tagged, Attribute>) {
      handler.tag(attribute, first, last);
    } else if constexpr (requires { attribute.get(); }) {
      annotate(first, last, attribute.get(), handler);  // x3::forward_ast
    }
  }
};

}  // namespace shiwake::grammar::parser
