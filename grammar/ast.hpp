// The rule DSL's abstract syntax tree: what the X3 parser (dsl.cpp) produces, the
// printer (printer.cpp) prints back and the engine (engine/compile.cpp) compiles.
// Every node an error can point at derives x3::position_tagged; ParsedExpr turns the
// parser's position cache into byte offsets into the expression text.
#pragma once

#include <boost/spirit/home/x3/support/ast/position_tagged.hpp>
#include <boost/spirit/home/x3/support/ast/variant.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace shiwake::grammar::ast {

namespace x3 = boost::spirit::x3;

// Which part of a notice a term is matched against.
enum class Field : std::uint8_t { any, title, body };

enum class TermKind : std::uint8_t { literal, regex, list };

enum class CmpOp : std::uint8_t { lt, le, gt, ge, eq, ne };

// "literal", /regex/, $list, each optionally scoped: title:"お詫び".
struct Term : x3::position_tagged {
  Field field = Field::any;
  TermKind kind = TermKind::literal;
  std::string text;  // literal text (escapes resolved), regex source, or list name
};

struct BoolLit : x3::position_tagged {
  bool value = false;
};

// @rule-id: true when that rule fired.
struct RuleRef : x3::position_tagged {
  std::string id;
};

// A fact value: a number (1000, 6e6, 1万), a date (2024-01-01) or a name (possible).
struct Date {
  int year = 0, month = 0, day = 0;
};
struct Value : x3::variant<double, Date, std::string> {
  using base_type::base_type;
  using base_type::operator=;
};

// affected >= 1000, leak == possible, published >= 2024-01-01, or a bare flag: reportable.
struct FactTest : x3::position_tagged {
  std::string fact;
  bool has_comparison = false;
  CmpOp op = CmpOp::eq;
  Value value;
};

// A predicate over a named member of a fact set: has(card), category(ransomware), tag(advisory).
struct Call : x3::position_tagged {
  std::string function;
  std::string argument;
};

struct Not;
struct And;
struct Or;
struct Quantifier;
struct Count;
struct Near;
struct Before;
struct Scope;

struct Expr : x3::variant<BoolLit, Term, RuleRef, FactTest, Call, x3::forward_ast<Not>,
                          x3::forward_ast<And>, x3::forward_ast<Or>, x3::forward_ast<Quantifier>,
                          x3::forward_ast<Count>, x3::forward_ast<Near>, x3::forward_ast<Before>,
                          x3::forward_ast<Scope>> {
  using base_type::base_type;
  using base_type::operator=;
};

struct Not : x3::position_tagged {
  Expr operand;
};

// n-ary; the parser yields one per `and`/`or` chain (a chain of one is its operand).
struct And : x3::position_tagged {
  std::vector<Expr> operands;
};
struct Or : x3::position_tagged {
  std::vector<Expr> operands;
};

// any(a, b), all(a, b), 2 of (a, b, c)
enum class QuantifierKind : std::uint8_t { any, all, at_least };
struct Quantifier : x3::position_tagged {
  QuantifierKind kind = QuantifierKind::any;
  unsigned n = 0;  // for at_least
  std::vector<Expr> operands;
};

// count(term) >= 2: occurrences of the term in the notice (or in the enclosing scope).
struct Count : x3::position_tagged {
  Term term;
  CmpOp op = CmpOp::ge;
  unsigned n = 0;
};

// near(a, b, 30): an occurrence of a and one of b within 30 characters, either order.
struct Near : x3::position_tagged {
  Term a, b;
  unsigned distance = 0;
};

// a before b within 40: an occurrence of a ends, and within 40 characters one of b starts.
struct Before : x3::position_tagged {
  Term a, b;
  unsigned distance = 0;
};

// sentence(expr), paragraph(expr): some single sentence / paragraph satisfies expr.
enum class Unit : std::uint8_t { sentence, paragraph };
struct Scope : x3::position_tagged {
  Unit unit = Unit::sentence;
  Expr inner;
};

}  // namespace shiwake::grammar::ast
