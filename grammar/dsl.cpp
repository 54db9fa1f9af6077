// The one heavy translation unit of the DSL: instantiates the X3 grammar (dsl_def.hpp)
// and wraps it as parse_expression(), which turns every failure into a SyntaxError value.
// Tests: tests/test_dsl.cpp, tests/data/dsl/errors/.
#include "grammar/dsl.hpp"

#include "grammar/config.hpp"
#include "grammar/dsl_def.hpp"

#include <unicode/utf8.h>

#include <exception>
#include <functional>

namespace shiwake::grammar {

namespace parser {

BOOST_SPIRIT_INSTANTIATE(expression_type, iterator_type, context_type);

namespace {

bool is_name_byte(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
}

// The end of the token that starts at `first`, so an error underlines the whole token:
// a quoted string, a regex, a word or number, a comparison operator, a run of non-ASCII
// text (usually an unquoted term), or else one character.
iterator_type token_end(iterator_type first, iterator_type last) {
  if (first == last) return last;
  char const c = *first;
  auto closing = [&](char quote) {
    for (auto i = first + 1; i != last && *i != '\n'; ++i) {
      if (*i == '\\' && i + 1 != last) {
        ++i;
      } else if (*i == quote) {
        return i + 1;
      }
    }
    return first + 1;  // unterminated: the opening quote alone
  };
  if (c == '"' || c == '/') return closing(c);
  if (c == '$' || c == '@' || is_name_byte(c)) {
    auto i = first + 1;
    while (i != last && is_name_byte(*i)) ++i;
    return i;
  }
  if ((c == '<' || c == '>' || c == '=' || c == '!') && first + 1 != last && first[1] == '=')
    return first + 2;
  if (static_cast<unsigned char>(c) >= 0x80) {
    auto i = first;
    while (i != last && static_cast<unsigned char>(*i) >= 0x80) ++i;
    return i;
  }
  return first + 1;
}

}  // namespace

Span ErrorHandler::span_of(iterator_type first, iterator_type last) const {
  auto const base = cache_.first();
  return {static_cast<std::uint32_t>(first - base), static_cast<std::uint32_t>(last - base)};
}

void ErrorHandler::expected(iterator_type where, std::string const& what) {
  // X3 reports where the parser stood, before any blanks: step over them to the token, but
  // when the input ends there, stay just after the last token, on its line.
  auto const last = cache_.last();
  auto token = where;
  while (token != last && is_blank(*token)) ++token;
  if (token != last) where = token;
  errors_.push_back({span_of(where, token_end(where, last)), "expected " + what});
}

void ErrorHandler::fail(SyntaxFailure const& failure) {
  auto const end = failure.first == failure.last ? token_end(failure.first, cache_.last()) : failure.last;
  errors_.push_back({span_of(failure.first, end), failure.message});
}

std::vector<std::uint32_t> ErrorHandler::positions() const {
  std::vector<std::uint32_t> offsets;
  offsets.reserve(cache_.get_positions().size());
  for (auto const position : cache_.get_positions())
    offsets.push_back(static_cast<std::uint32_t>(position - cache_.first()));
  return offsets;
}

}  // namespace parser

parser::expression_type const& expression() { return parser::expression; }

namespace {

// Offsets are 32-bit and the parser recurses per level of nesting, so inputs are bounded
// before the parser sees them.
constexpr std::size_t kMaxExpressionBytes = 1u << 20;

// The byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t invalid_utf8_at(std::string_view text) {
  std::int32_t i = 0;
  auto const length = static_cast<std::int32_t>(text.size());
  while (i < length) {
    std::int32_t const at = i;
    UChar32 c = 0;
    U8_NEXT(text.data(), i, length, c);
    if (c < 0) return static_cast<std::size_t>(at);
  }
  return std::string_view::npos;
}

}  // namespace

Span ParsedExpr::span(const ast::x3::position_tagged& node) const {
  if (node.id_first < 0 || node.id_last < 0 ||
      static_cast<std::size_t>(node.id_last) >= positions.size())
    return {};
  return {positions[static_cast<std::size_t>(node.id_first)],
          positions[static_cast<std::size_t>(node.id_last)]};
}

ParseResult parse_expression(std::string_view text) {
  ParseResult result;
  if (text.size() > kMaxExpressionBytes) {
    result.errors.push_back({{0, 0}, "expression longer than " +
                                         std::to_string(kMaxExpressionBytes) + " bytes"});
    return result;
  }
  if (auto const bad = invalid_utf8_at(text); bad != std::string_view::npos) {
    auto const at = static_cast<std::uint32_t>(bad);
    result.errors.push_back({{at, at + 1}, "invalid UTF-8"});
    return result;
  }

  parser::iterator_type first = text.data();
  parser::iterator_type const last = text.data() + text.size();
  parser::ErrorHandler handler(first, last);
  // This context must be exactly config.hpp's context_type, the one dsl.cpp instantiates.
  auto const entry =
      x3::with<parser::error_handler_tag>(std::ref(handler))[grammar::expression()];
  ast::Expr root;
  bool ok = false;
  try {
    ok = x3::phrase_parse(first, last, entry, x3::ascii::space, root);
  } catch (parser::SyntaxFailure const& failure) {
    handler.fail(failure);
  } catch (std::exception const& e) {
    result.errors.push_back({{0, 0}, std::string("internal parser error: ") + e.what()});
    return result;
  } catch (...) {
    result.errors.push_back({{0, 0}, "internal parser error"});
    return result;
  }
  result.errors = handler.errors();
  if (ok && result.errors.empty()) {
    result.expr = ParsedExpr{std::move(root), handler.positions()};
  } else if (result.errors.empty()) {
    result.errors.push_back({{0, static_cast<std::uint32_t>(text.size())}, "expected an expression"});
  }
  return result;
}

}  // namespace shiwake::grammar
