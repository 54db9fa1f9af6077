// The structural dump (see dump.hpp); terms and values appear in their printed form.
// Tests: tests/test_dsl.cpp, tests/test_printer.cpp.
#include "grammar/dump.hpp"

#include "grammar/printer.hpp"

namespace shiwake::grammar {

namespace {

struct Dumper {
  std::string& out;

  void expr(const ast::Expr& e) {
    boost::apply_visitor([&](const auto& node) { visit(node); }, e.get());
  }
  void operands(const std::vector<ast::Expr>& es) {
    for (std::size_t i = 0; i < es.size(); ++i) {
      if (i) out += ',';
      expr(es[i]);
    }
  }
  void term(const ast::Term& t) {
    if (t.field == ast::Field::title) out += "title:";
    if (t.field == ast::Field::body) out += "body:";
    ast::Term bare = t;
    bare.field = ast::Field::any;
    switch (t.kind) {
      case ast::TermKind::literal: out += "lit{" + print(bare) + "}"; break;
      case ast::TermKind::regex: out += "re{" + print(bare) + "}"; break;
      case ast::TermKind::list: out += "list{" + t.text + "}"; break;
    }
  }

  template <typename T>
  void visit(const ast::x3::forward_ast<T>& node) {
    visit(node.get());
  }
  void visit(const ast::BoolLit& b) { out += b.value ? "true" : "false"; }
  void visit(const ast::Term& t) { term(t); }
  void visit(const ast::RuleRef& r) { out += "ref{" + r.id + "}"; }
  void visit(const ast::FactTest& f) {
    out += "fact{" + f.fact;
    if (f.has_comparison) {
      out += std::string(" ") + print(f.op) + " ";
      switch (f.value.get().which()) {
        case 0: out += "num{"; break;
        case 1: out += "date{"; break;
        default: out += "name{"; break;
      }
      out += print(f.value) + "}";
    }
    out += '}';
  }
  void visit(const ast::Call& c) { out += "call{" + c.function + "," + c.argument + "}"; }
  void visit(const ast::Not& n) {
    out += "not{";
    expr(n.operand);
    out += '}';
  }
  void visit(const ast::And& a) {
    out += "and{";
    operands(a.operands);
    out += '}';
  }
  void visit(const ast::Or& o) {
    out += "or{";
    operands(o.operands);
    out += '}';
  }
  void visit(const ast::Quantifier& q) {
    switch (q.kind) {
      case ast::QuantifierKind::any: out += "any{"; break;
      case ast::QuantifierKind::all: out += "all{"; break;
      case ast::QuantifierKind::at_least: out += "of{" + std::to_string(q.n) + ";"; break;
    }
    operands(q.operands);
    out += '}';
  }
  void visit(const ast::Count& c) {
    out += "count{";
    term(c.term);
    out += std::string(" ") + print(c.op) + " " + std::to_string(c.n) + "}";
  }
  void visit(const ast::Near& n) {
    out += "near{";
    term(n.a);
    out += ',';
    term(n.b);
    out += "," + std::to_string(n.distance) + "}";
  }
  void visit(const ast::Before& b) {
    out += "before{";
    term(b.a);
    out += ',';
    term(b.b);
    out += "," + std::to_string(b.distance) + "}";
  }
  void visit(const ast::Scope& s) {
    out += s.unit == ast::Unit::sentence ? "sentence{" : "paragraph{";
    expr(s.inner);
    out += '}';
  }
};

}  // namespace

std::string dump(const ast::Expr& e) {
  std::string out;
  Dumper{out}.expr(e);
  return out;
}

}  // namespace shiwake::grammar
