// The canonical printer (see printer.hpp). Recursion is bounded by the parser's nesting
// limit (kMaxNesting) for parsed expressions. Tests: tests/test_printer.cpp.
#include "grammar/printer.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace shiwake::grammar {

namespace {

// Binding strength, loosest first; an operand weaker than its slot gets parentheses.
enum Precedence : int { kAny = 0, kOr = 1, kAnd = 2, kNot = 3, kAtom = 4 };

void print_literal(const std::string& text, std::string& out) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buffer[16];
          std::snprintf(buffer, sizeof buffer, "\\u{%X}", static_cast<unsigned>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// The parser keeps a regex's source verbatim except \/; put that escape back.
void print_regex(const std::string& source, std::string& out) {
  out += '/';
  for (std::size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\\') {
      out += '\\';
      out += i + 1 < source.size() ? source[++i] : '\\';
    } else if (source[i] == '/') {
      out += "\\/";
    } else {
      out += source[i];
    }
  }
  out += '/';
}

void print_number(double value, std::string& out) {
  char buffer[64];
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    std::snprintf(buffer, sizeof buffer, "%.0f", value);
    out += buffer;
    return;
  }
  auto const [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, error == std::errc{} ? end : buffer);
}

struct Printer {
  std::string& out;

  void term(const ast::Term& t) {
    if (t.field == ast::Field::title) out += "title:";
    if (t.field == ast::Field::body) out += "body:";
    switch (t.kind) {
      case ast::TermKind::literal: print_literal(t.text, out); break;
      case ast::TermKind::regex: print_regex(t.text, out); break;
      case ast::TermKind::list: out += '$'; out += t.text; break;
    }
  }

  void value(const ast::Value& v) {
    switch (v.get().which()) {
      case 0: print_number(boost::get<double>(v.get()), out); break;
      case 1: {
        const auto& d = boost::get<ast::Date>(v.get());
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", d.year, d.month, d.day);
        out += buffer;
        break;
      }
      default: out += boost::get<std::string>(v.get()); break;
    }
  }

  void list(const std::vector<ast::Expr>& operands) {
    for (std::size_t i = 0; i < operands.size(); ++i) {
      if (i) out += ", ";
      expr(operands[i], kAny);
    }
  }

  template <typename Chain>
  void chain(const Chain& c, const char* op, int own, int slot, const char* empty) {
    if (c.operands.empty()) {
      out += empty;
      return;
    }
    if (c.operands.size() == 1) return expr(c.operands.front(), slot);
    bool const parens = own < slot;
    if (parens) out += '(';
    for (std::size_t i = 0; i < c.operands.size(); ++i) {
      if (i) out += op;
      expr(c.operands[i], own + 1);
    }
    if (parens) out += ')';
  }

  void expr(const ast::Expr& e, int slot) {
    boost::apply_visitor([&](const auto& node) { visit(node, slot); }, e.get());
  }

  template <typename T>
  void visit(const ast::x3::forward_ast<T>& node, int slot) {
    visit(node.get(), slot);
  }
  void visit(const ast::BoolLit& b, int) { out += b.value ? "true" : "false"; }
  void visit(const ast::Term& t, int) { term(t); }
  void visit(const ast::RuleRef& r, int) { out += '@'; out += r.id; }
  void visit(const ast::FactTest& f, int) {
    out += f.fact;
    if (!f.has_comparison) return;
    out += ' ';
    out += print(f.op);
    out += ' ';
    value(f.value);
  }
  void visit(const ast::Call& c, int) {
    out += c.function;
    out += '(';
    out += c.argument;
    out += ')';
  }
  void visit(const ast::Not& n, int slot) {
    bool const parens = kNot < slot;
    if (parens) out += '(';
    out += "not ";
    expr(n.operand, kNot);
    if (parens) out += ')';
  }
  void visit(const ast::And& a, int slot) { chain(a, " and ", kAnd, slot, "true"); }
  void visit(const ast::Or& o, int slot) { chain(o, " or ", kOr, slot, "false"); }
  void visit(const ast::Quantifier& q, int) {
    switch (q.kind) {
      case ast::QuantifierKind::any: out += "any("; break;
      case ast::QuantifierKind::all: out += "all("; break;
      case ast::QuantifierKind::at_least: out += std::to_string(q.n) + " of ("; break;
    }
    list(q.operands);
    out += ')';
  }
  void visit(const ast::Count& c, int) {
    out += "count(";
    term(c.term);
    out += ") ";
    out += print(c.op);
    out += ' ';
    out += std::to_string(c.n);
  }
  void visit(const ast::Near& n, int) {
    out += "near(";
    term(n.a);
    out += ", ";
    term(n.b);
    out += ", " + std::to_string(n.distance) + ")";
  }
  void visit(const ast::Before& b, int) {
    term(b.a);
    out += " before ";
    term(b.b);
    out += " within " + std::to_string(b.distance);
  }
  void visit(const ast::Scope& s, int) {
    out += s.unit == ast::Unit::sentence ? "sentence(" : "paragraph(";
    expr(s.inner, kAny);
    out += ')';
  }
};

}  // namespace

const char* print(ast::CmpOp op) {
  switch (op) {
    case ast::CmpOp::lt: return "<";
    case ast::CmpOp::le: return "<=";
    case ast::CmpOp::gt: return ">";
    case ast::CmpOp::ge: return ">=";
    case ast::CmpOp::eq: return "==";
    case ast::CmpOp::ne: return "!=";
  }
  return "?";
}

std::string print(const ast::Expr& e) {
  std::string out;
  Printer{out}.expr(e, kAny);
  return out;
}

std::string print(const ast::Term& t) {
  std::string out;
  Printer{out}.term(t);
  return out;
}

std::string print(const ast::Value& v) {
  std::string out;
  Printer{out}.value(v);
  return out;
}

}  // namespace shiwake::grammar
