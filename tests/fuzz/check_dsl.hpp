// The fuzz check of the rule DSL parser (grammar::parse_expression): a result or errors,
// never both; every error span and position inside the text; the printer's promise that
// parse(print(e)) gives back e, compared by dump(). Used by fuzz_dsl.cpp and replayed over
// the corpus by tests/test_fuzz_replay.cpp.
#pragma once

#include "grammar/dsl.hpp"
#include "grammar/dump.hpp"
#include "grammar/printer.hpp"
#include "tests/fuzz/finding.hpp"

#include <cstdint>
#include <string>

namespace shiwake::fuzz {

inline void check_dsl(const std::uint8_t* data, std::size_t size) {
  using namespace shiwake::grammar;
  const std::string text(reinterpret_cast<const char*>(data), size);
  const ParseResult r = parse_expression(text);
  if (r.expr.has_value() == !r.errors.empty()) finding("dsl", "a result and errors, or neither", text);
  for (const SyntaxError& e : r.errors) {
    if (e.where.begin > e.where.end || e.where.end > size) finding("dsl", "error span outside the text", text, e.message);
    if (e.message.empty()) finding("dsl", "an error without a message", text);
  }
  if (!r.expr) return;
  for (std::uint32_t p : r.expr->positions)
    if (p > size) finding("dsl", "a position outside the text", text);

  const std::string printed = print(r.expr->root);
  const ParseResult again = parse_expression(printed);
  if (!again.expr) finding("dsl", "the printed expression does not parse", text, printed + "  -> " + again.errors[0].message);
  const std::string before = dump(r.expr->root), after = dump(again.expr->root);
  if (before != after) finding("dsl", "print then parse changes the tree", before, after);
}

}  // namespace shiwake::fuzz
