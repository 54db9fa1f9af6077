// A deliberately simple evaluator of DSL expressions: the AST walked directly, every term
// found by plain substring search over the normalized text, no Vectorscan, no compiled
// programs. The differential test (test_differential.cpp) checks the engine against it,
// verdict and evidence spans, on random expressions over the corpus. Literals and lists
// of literals only (regexes are Vectorscan's own business).
#pragma once

#include "engine/normalize.hpp"
#include "engine/result.hpp"
#include "grammar/ast.hpp"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace shiwake::test {

namespace ast = grammar::ast;

class ReferenceEvaluator {
 public:
  struct Span {
    std::uint32_t start, end;
    bool operator<(const Span& o) const { return start != o.start ? start < o.start : end < o.end; }
    bool operator==(const Span& o) const { return start == o.start && end == o.end; }
  };

  ReferenceEvaluator(std::map<std::string, std::vector<std::string>> lists, const std::string& title,
                     const std::string& body)
      : lists_(std::move(lists)), title_(engine::normalize(title)), body_(engine::normalize(body)) {
    text_ = title_.text() + "\n\n" + body_.text();
    title_end_ = static_cast<std::uint32_t>(title_.text().size());
    body_begin_ = title_end_ + 2;
  }

  // The verdict, and the evidence as byte spans of the normalized "title\n\nbody".
  bool run(const ast::Expr& e, std::vector<Span>* evidence) {
    return eval(e, {0, static_cast<std::uint32_t>(text_.size())}, evidence);
  }

  // A span of the normalized text as the engine reports it: field and original code points.
  engine::Evidence to_original(const Span& s) const {
    engine::Evidence e;
    bool in_title = s.start < title_end_;
    const engine::NormalizedText& nt = in_title ? title_ : body_;
    std::uint32_t base = in_title ? 0 : body_begin_;
    auto [b, en] = nt.to_original(s.start - base, s.end - base);
    e.field = in_title ? ast::Field::title : ast::Field::body;
    e.start = b;
    e.end = en;
    return e;
  }

 private:
  struct Window {
    std::uint32_t lo, hi;
  };

  std::vector<Span> hits(const ast::Term& t) {
    std::vector<std::string> literals;
    if (t.kind == ast::TermKind::literal) literals.push_back(t.text);
    else if (t.kind == ast::TermKind::list) literals = lists_.at(t.text);
    else throw std::logic_error("the reference evaluator has no regexes");
    std::vector<Span> out;
    for (const auto& lit : literals) {
      std::string n = engine::normalize_term(lit);
      for (std::size_t p = text_.find(n); !n.empty() && p != std::string::npos; p = text_.find(n, p + 1))
        out.push_back({static_cast<std::uint32_t>(p), static_cast<std::uint32_t>(p + n.size())});
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  Window field(ast::Field f, Window w) const {
    if (f == ast::Field::title) w.hi = std::min(w.hi, title_end_);
    if (f == ast::Field::body) w.lo = std::max(w.lo, body_begin_);
    return w;
  }

  std::vector<Span> inside(const ast::Term& t, Window w) {
    w = field(t.field, w);
    std::vector<Span> out;
    for (const Span& s : hits(t))
      if (s.start >= w.lo && s.end <= w.hi) out.push_back(s);
    return out;
  }

  std::uint32_t chars(std::uint32_t lo, std::uint32_t hi) const {
    std::uint32_t n = 0;
    for (std::uint32_t i = lo; i < hi; ++i) n += (static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80;
    return n;
  }

  std::vector<std::uint32_t> sentence_bounds() {
    std::vector<std::uint32_t> b{0};
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> it(icu::BreakIterator::createSentenceInstance(icu::Locale::getJapanese(), status));
    UText* ut = utext_openUTF8(nullptr, text_.data(), static_cast<int64_t>(text_.size()), &status);
    it->setText(ut, status);
    for (int32_t p = it->next(); p != icu::BreakIterator::DONE; p = it->next()) b.push_back(static_cast<std::uint32_t>(p));
    utext_close(ut);
    b.push_back(body_begin_);
    b.push_back(static_cast<std::uint32_t>(text_.size()));
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return b;
  }

  std::vector<std::uint32_t> paragraph_bounds() const {
    std::vector<std::uint32_t> b{0};
    for (std::uint32_t i = 0; i + 1 < text_.size(); ++i)
      if (text_[i] == '\n' && text_[i + 1] == '\n') {
        std::uint32_t j = i;
        while (j < text_.size() && text_[j] == '\n') ++j;
        b.push_back(j);
        i = j - 1;
      }
    b.push_back(static_cast<std::uint32_t>(text_.size()));
    b.erase(std::unique(b.begin(), b.end()), b.end());
    return b;
  }

  static bool compare(double a, ast::CmpOp op, double b) {
    switch (op) {
      case ast::CmpOp::lt: return a < b;
      case ast::CmpOp::le: return a <= b;
      case ast::CmpOp::gt: return a > b;
      case ast::CmpOp::ge: return a >= b;
      case ast::CmpOp::eq: return a == b;
      case ast::CmpOp::ne: return a != b;
    }
    return false;
  }

  bool eval(const ast::Expr& e, Window w, std::vector<Span>* ev) {
    return boost::apply_visitor([&](const auto& n) { return this->on(n, w, ev); }, e.get());
  }
  template <class T>
  bool on(const ast::x3::forward_ast<T>& f, Window w, std::vector<Span>* ev) { return on(f.get(), w, ev); }

  bool on(const ast::BoolLit& b, Window, std::vector<Span>*) { return b.value; }
  bool on(const ast::Term& t, Window w, std::vector<Span>* ev) {
    auto hs = inside(t, w);
    if (!hs.empty() && ev) ev->push_back(hs.front());
    return !hs.empty();
  }
  bool on(const ast::RuleRef&, Window, std::vector<Span>*) { throw std::logic_error("no rule references here"); }
  bool on(const ast::FactTest&, Window, std::vector<Span>*) { throw std::logic_error("no facts here"); }
  bool on(const ast::Call&, Window, std::vector<Span>*) { throw std::logic_error("no calls here"); }
  bool on(const ast::Not& n, Window w, std::vector<Span>*) { return !eval(n.operand, w, nullptr); }
  bool all_of(const std::vector<ast::Expr>& xs, Window w, std::vector<Span>* ev) {
    std::size_t mark = ev ? ev->size() : 0;
    for (const auto& x : xs)
      if (!eval(x, w, ev)) {
        if (ev) ev->resize(mark);
        return false;
      }
    return true;
  }
  bool any_of(const std::vector<ast::Expr>& xs, Window w, std::vector<Span>* ev) {
    for (const auto& x : xs)
      if (eval(x, w, ev)) return true;
    return false;
  }
  bool on(const ast::And& a, Window w, std::vector<Span>* ev) { return all_of(a.operands, w, ev); }
  bool on(const ast::Or& o, Window w, std::vector<Span>* ev) { return any_of(o.operands, w, ev); }
  bool on(const ast::Quantifier& q, Window w, std::vector<Span>* ev) {
    if (q.kind == ast::QuantifierKind::any) return any_of(q.operands, w, ev);
    if (q.kind == ast::QuantifierKind::all) return all_of(q.operands, w, ev);
    std::size_t mark = ev ? ev->size() : 0;
    unsigned held = 0;
    for (const auto& x : q.operands) held += eval(x, w, ev);
    if (held < q.n && ev) ev->resize(mark);
    return held >= q.n;
  }
  bool on(const ast::Count& c, Window w, std::vector<Span>* ev) {
    auto hs = inside(c.term, w);
    bool r = compare(static_cast<double>(hs.size()), c.op, c.n);
    if (r && ev) ev->insert(ev->end(), hs.begin(), hs.end());
    return r;
  }
  template <class P>
  bool pair(const P& p, Window w, std::vector<Span>* ev, bool ordered) {
    for (const Span& a : inside(p.a, w))
      for (const Span& b : inside(p.b, w)) {
        bool ok;
        if (ordered) {
          ok = a.end <= b.start && chars(a.end, b.start) <= p.distance;
        } else {
          std::uint32_t from = std::min(a.end, b.end), to = std::max(a.start, b.start);
          ok = to <= from || chars(from, to) <= p.distance;
        }
        if (ok) {
          if (ev) {
            ev->push_back(a);
            ev->push_back(b);
          }
          return true;
        }
      }
    return false;
  }
  bool on(const ast::Near& n, Window w, std::vector<Span>* ev) { return pair(n, w, ev, false); }
  bool on(const ast::Before& b, Window w, std::vector<Span>* ev) { return pair(b, w, ev, true); }
  bool on(const ast::Scope& s, Window w, std::vector<Span>* ev) {
    auto b = s.unit == ast::Unit::sentence ? sentence_bounds() : paragraph_bounds();
    for (std::size_t i = 0; i + 1 < b.size(); ++i) {
      Window u{std::max(b[i], w.lo), std::min(b[i + 1], w.hi)};
      if (u.lo >= u.hi) continue;
      if (eval(s.inner, u, ev)) return true;
    }
    return false;
  }

  std::map<std::string, std::vector<std::string>> lists_;
  engine::NormalizedText title_, body_;
  std::string text_;
  std::uint32_t title_end_ = 0, body_begin_ = 0;
};

}  // namespace shiwake::test
