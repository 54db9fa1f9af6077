// Lints a loaded pack (see lint.hpp): written-vs-matched terms, duplicates after
// normalization, untested rules, unused lists, conditions that can never hold, regexes
// that take Vectorscan long to compile.
// Entry point: lint_pack. Tests: tests/test_check.cpp and tests/data/check/.
//
// "Can never hold" comes from a small three-valued simplifier over the AST: constants
// propagate through not/and/or/quantifiers/scopes, and an and-chain holding both X and
// `not X` (compared by their canonical printed form, which the printer guarantees is
// one-to-one with the AST) is false. Everything it cannot decide is "unknown", so every
// warning it gives is true for every notice; it finds the obvious slips, not all of them.
#include "engine/lint.hpp"

#include "engine/compiled.hpp"
#include "engine/normalize.hpp"
#include "grammar/printer.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <chrono>
#include <map>
#include <set>

namespace shiwake::engine {

namespace {

namespace ast = grammar::ast;
using Tagged = ast::x3::position_tagged;

// ---- walking every node of a condition ----

template <class F>
void each_term(const ast::Expr& e, F&& f);

template <class F>
struct TermWalker {
  F& f;
  void operator()(const ast::Term& t) const { f(t); }
  void operator()(const ast::BoolLit&) const {}
  void operator()(const ast::RuleRef&) const {}
  void operator()(const ast::FactTest&) const {}
  void operator()(const ast::Call&) const {}
  template <class T>
  void operator()(const ast::x3::forward_ast<T>& x) const { on(x.get()); }
  void on(const ast::Not& x) const { each_term(x.operand, f); }
  void on(const ast::And& x) const { for (const auto& o : x.operands) each_term(o, f); }
  void on(const ast::Or& x) const { for (const auto& o : x.operands) each_term(o, f); }
  void on(const ast::Quantifier& x) const { for (const auto& o : x.operands) each_term(o, f); }
  void on(const ast::Count& x) const { f(x.term); }
  void on(const ast::Near& x) const { f(x.a), f(x.b); }
  void on(const ast::Before& x) const { f(x.a), f(x.b); }
  void on(const ast::Scope& x) const { each_term(x.inner, f); }
};

// Calls f(term) for every Term of the expression (the parser bounds the depth).
template <class F>
void each_term(const ast::Expr& e, F&& f) {
  TermWalker<std::remove_reference_t<F>> w{f};
  boost::apply_visitor(w, e.get());
}

// ---- terms as written vs as matched ----

// A code point that NFKC case folding changes never occurs in normalized text.
bool folded_away(UChar32 c) { return c >= 0 && u_hasBinaryProperty(c, UCHAR_CHANGES_WHEN_NFKC_CASEFOLDED); }

// The first byte offset of a regex source holding a character the normalized text never
// holds, outside escapes (\D, \p{Lu}, \x{41}) and character classes; npos when none.
// A regex that turns on caseless matching, (?i), is left alone.
std::size_t unmatchable_in_regex(std::string_view re) {
  if (re.find("(?i") != std::string_view::npos) return std::string_view::npos;
  std::int32_t i = 0;
  auto const n = static_cast<std::int32_t>(re.size());
  int class_depth = 0;
  while (i < n) {
    std::int32_t const start = i;
    UChar32 c = 0;
    U8_NEXT(re.data(), i, n, c);
    if (c == '\\') {
      if (i >= n) break;
      char const e = re[i++];
      // \x{..}, \p{..}, \P{..}, \N{..}, \o{..}: skip the braces as well.
      if ((e == 'x' || e == 'p' || e == 'P' || e == 'N' || e == 'o') && i < n && re[i] == '{') {
        while (i < n && re[i] != '}') ++i;
        if (i < n) ++i;
      }
      continue;
    }
    if (class_depth > 0) {
      if (c == '[' && i < n && re[i] == ':') {  // [:alpha:]
        auto close = re.find(":]", static_cast<std::size_t>(i));
        if (close != std::string_view::npos) i = static_cast<std::int32_t>(close + 2);
      } else if (c == ']') {
        --class_depth;
      }
      continue;
    }
    if (c == '[') {
      class_depth = 1;
      if (i < n && re[i] == '^') ++i;
      if (i < n && re[i] == ']') ++i;  // a leading ] is a member
      continue;
    }
    if (c == '(' && i < n && re[i] == '?') {  // (?:, (?=, (?<name>, (?P<name>
      while (i < n && re[i] != ':' && re[i] != ')' && re[i] != '>') ++i;
      continue;
    }
    if (c == '{') {  // a repeat count {2,3}
      while (i < n && re[i] != '}') ++i;
      continue;
    }
    if (folded_away(c)) return static_cast<std::size_t>(start);
  }
  return std::string_view::npos;
}

std::string code_point_at(std::string_view s, std::size_t at) {
  std::int32_t i = static_cast<std::int32_t>(at);
  UChar32 c = 0;
  U8_NEXT(s.data(), i, static_cast<std::int32_t>(s.size()), c);
  return std::string(s.substr(at, static_cast<std::size_t>(i) - at));
}

std::string regex_message(std::string_view re, std::size_t at) {
  std::string ch = code_point_at(re, at);
  return "regex holds '" + ch + "', which the normalized text never does (it reads '" + normalize_term(ch) +
         "'): this part can never match";
}

// Seconds Vectorscan takes to compile one regex alone, as the engine compiles it (start of
// match, UTF-8, the engine's mode); 0 when it does not compile (the compiler reports that).
// The whole pack's database is built on every load, so one slow regex slows every command.
double compile_seconds(const std::string& re) {
  const auto started = std::chrono::steady_clock::now();
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  const bool ok = hs_compile(re.c_str(), HS_FLAG_UTF8 | HS_FLAG_SOM_LEFTMOST, detail::kScanMode, nullptr, &db, &err) ==
                  HS_SUCCESS;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  hs_free_database(db);
  hs_free_compile_error(err);
  return ok ? seconds : 0;
}
// A regex costing this much alone is one the author wants to hear about: a typical regex
// of the shipped pack takes 1 to 10 ms, the whole shipped pack 0.2 s.
constexpr double kSlowRegexSeconds = 0.5;
constexpr const char* kSlowRegexMessage =
    "Vectorscan takes over half a second to compile this regex, on every load of the pack: bounded gaps "
    "such as [^。]{0,20} between alternatives cost the most; split it into terms joined by `before ... within`";

std::string literal_message(std::string_view written, std::string_view matched) {
  return "written \"" + std::string(written) + "\", matched as \"" + std::string(matched) +
         "\": write it as it is matched";
}

// Byte offset, within the expression text, of byte `at` of a regex term's source: the
// source starts after the term's first '/', and the parser dropped the '\' of each '\/'.
std::size_t regex_offset_in_expression(std::string_view expr, grammar::Span span, std::size_t at) {
  std::size_t i = expr.find('/', span.begin);
  if (i == std::string_view::npos || i >= span.end) return span.begin;
  ++i;
  for (std::size_t k = 0; k < at && i < span.end; ++k) i += (expr[i] == '\\' && i + 1 < span.end && expr[i + 1] == '/') ? 2 : 1;
  return i;
}

// ---- conditions that can never hold ----

enum class Truth { unknown, never, always };

struct Never {
  const Tagged* at = nullptr;
  std::string why;
};

class Simplifier {
 public:
  // The truth of `e` for every notice; when never, `why` says where and why.
  Truth eval(const ast::Expr& e, Never& why) {
    return boost::apply_visitor([&](const auto& node) { return this->on(node, why); }, e.get());
  }

  // Alternatives of an or/any that can never hold, while the whole may: dead branches.
  std::vector<Never> dead_alternatives;

 private:
  template <class T>
  Truth on(const ast::x3::forward_ast<T>& f, Never& why) { return on(f.get(), why); }
  Truth on(const ast::Term&, Never&) { return Truth::unknown; }
  Truth on(const ast::RuleRef&, Never&) { return Truth::unknown; }
  Truth on(const ast::FactTest&, Never&) { return Truth::unknown; }
  Truth on(const ast::Call&, Never&) { return Truth::unknown; }
  Truth on(const ast::Near&, Never&) { return Truth::unknown; }
  Truth on(const ast::Before&, Never&) { return Truth::unknown; }

  Truth on(const ast::BoolLit& b, Never& why) {
    if (b.value) return Truth::always;
    why = {&b, "it needs false"};
    return Truth::never;
  }

  Truth on(const ast::Count& c, Never& why) {
    if (c.op == ast::CmpOp::lt && c.n == 0) {
      why = {&c, "a count is never below 0"};
      return Truth::never;
    }
    return Truth::unknown;
  }

  Truth on(const ast::Not& x, Never& why) {
    Never inner;
    switch (eval(x.operand, inner)) {
      case Truth::always:
        why = {&x, "it needs not " + grammar::print(x.operand) + ", which always holds"};
        return Truth::never;
      case Truth::never: return Truth::always;
      default: return Truth::unknown;
    }
  }

  Truth on(const ast::Scope& s, Never& why) { return eval(s.inner, why) == Truth::never ? Truth::never : Truth::unknown; }

  // Conjuncts of nested and-chains and all(...) sit at one level: `a and (b and not a)`.
  static void conjuncts(const ast::Expr& e, std::vector<const ast::Expr*>& out) {
    if (auto* a = boost::get<ast::x3::forward_ast<ast::And>>(&e.get())) {
      for (const auto& o : a->get().operands) conjuncts(o, out);
    } else if (auto* q = boost::get<ast::x3::forward_ast<ast::Quantifier>>(&e.get());
               q && q->get().kind == ast::QuantifierKind::all) {
      for (const auto& o : q->get().operands) conjuncts(o, out);
    } else {
      out.push_back(&e);
    }
  }

  Truth all_of(const Tagged& node, const std::vector<ast::Expr>& operands, Never& why) {
    bool all_true = true;
    for (const auto& o : operands) {
      Never w;
      Truth t = eval(o, w);
      if (t == Truth::never) {
        why = std::move(w);
        return Truth::never;
      }
      all_true = all_true && t == Truth::always;
    }
    std::vector<const ast::Expr*> flat;
    for (const auto& o : operands) conjuncts(o, flat);
    std::set<std::string> positive;
    for (const ast::Expr* e : flat)
      if (!boost::get<ast::x3::forward_ast<ast::Not>>(&e->get())) positive.insert(grammar::print(*e));
    for (const ast::Expr* e : flat)
      if (auto* n = boost::get<ast::x3::forward_ast<ast::Not>>(&e->get())) {
        std::string x = grammar::print(n->get().operand);
        if (positive.count(x)) {
          why = {&node, "it needs both " + x + " and not " + x};
          return Truth::never;
        }
      }
    return all_true ? Truth::always : Truth::unknown;
  }

  Truth at_least(const Tagged& node, unsigned n, const std::vector<ast::Expr>& operands, Never& why) {
    unsigned possible = 0, sure = 0;
    std::vector<Never> dead;
    for (const auto& o : operands) {
      Never w;
      Truth t = eval(o, w);
      if (t == Truth::never) dead.push_back(std::move(w));
      else ++possible;
      sure += t == Truth::always;
    }
    if (possible < n) {
      if (n > operands.size()) {
        why = {&node, "it needs " + std::to_string(n) + " of only " + std::to_string(operands.size()) + " operand" +
                          (operands.size() == 1 ? "" : "s")};
      } else if (n == 1 && operands.size() == 1) {
        why = std::move(dead.front());
      } else {
        why = {&node, n == 1 ? "no alternative can hold"
                             : "fewer than " + std::to_string(n) + " of its operands can hold"};
      }
      return Truth::never;
    }
    if (n == 1)
      for (auto& d : dead) dead_alternatives.push_back(std::move(d));
    return sure >= n ? Truth::always : Truth::unknown;
  }

  Truth on(const ast::And& x, Never& why) { return all_of(x, x.operands, why); }
  Truth on(const ast::Or& x, Never& why) { return at_least(x, 1, x.operands, why); }
  Truth on(const ast::Quantifier& q, Never& why) {
    switch (q.kind) {
      case ast::QuantifierKind::all: return all_of(q, q.operands, why);
      case ast::QuantifierKind::any: return at_least(q, 1, q.operands, why);
      case ast::QuantifierKind::at_least: return at_least(q, q.n, q.operands, why);
    }
    return Truth::unknown;
  }
};

// ---- the linter ----

class Linter {
 public:
  explicit Linter(const Pack& pack) : pack_(pack) {}

  std::vector<Diagnostic> run() {
    for (const TermList& l : pack_.lists) lint_list(l);
    for (const Rule& r : pack_.rules) {
      lint_condition(r.when, "rule '" + r.id + "' can never fire: ");
      lint_tests(r);
    }
    for (const auto& d : pack_.data_types) lint_condition(d.when, "data type '" + d.id + "' can never hold: ");
    for (const auto& l : pack_.leak) lint_condition(l.when, "leak status '" + l.status + "' can never hold: ");
    if (pack_.outage) lint_condition(*pack_.outage, "the outage condition can never hold: ");
    if (pack_.reportable) lint_condition(*pack_.reportable, "the reportable condition can never hold: ");
    for (const auto& s : pack_.severity) lint_condition(s.when, "severity '" + s.level + "' can never apply: ");
    // A rule that failed to load may have been a list's only user: say nothing then.
    if (pack_.unloaded.empty())
      for (const TermList& l : pack_.lists)
        if (!used_lists_.count(l.name)) warn(l.where.whole("list '$" + l.name + "' is never used", Level::warning));
    return std::move(out_);
  }

 private:
  void warn(Diagnostic d) { out_.push_back(std::move(d)); }

  void lint_list(const TermList& l) {
    std::map<std::string, const ListItem*> seen;  // kind + matched form -> first item
    for (const ListItem& item : l.items) {
      std::string matched;
      if (item.is_regex) {
        matched = item.text;
        if (slow_to_compile(item.text)) warn(item.where.whole(kSlowRegexMessage, Level::warning));
        auto bad = unmatchable_in_regex(item.text);
        if (bad != std::string_view::npos) {
          std::size_t at = bad + 1;  // the value starts with its '/'
          std::size_t len = code_point_at(item.text, bad).size();
          warn(item.where.at(at, at + len, regex_message(item.text, bad), Level::warning));
        }
      } else {
        matched = normalize_term(item.text);
        if (matched.empty()) continue;  // the compiler reports it as an error
        if (matched != item.text) warn(item.where.whole(literal_message(item.text, matched), Level::warning));
      }
      auto [it, inserted] = seen.emplace((item.is_regex ? "r:" : "l:") + matched, &item);
      if (!inserted) {
        const ListItem& first = *it->second;
        std::string shown = item.is_regex ? "/" + first.text + "/" : "\"" + first.text + "\"";
        warn(item.where.whole("duplicate term in list '$" + l.name + "': normalized, it is the same as " + shown +
                                  " (line " + std::to_string(first.where.line()) + ")",
                              Level::warning));
      }
    }
  }

  void lint_condition(const Condition& c, const std::string& never_prefix) {
    each_term(c.parsed.root, [&](const ast::Term& t) {
      switch (t.kind) {
        case ast::TermKind::list: used_lists_.insert(t.text); break;
        case ast::TermKind::literal: {
          std::string matched = normalize_term(t.text);
          if (!matched.empty() && matched != t.text) warn(c.at(t, literal_message(t.text, matched), Level::warning));
          break;
        }
        case ast::TermKind::regex: {
          if (slow_to_compile(t.text)) warn(c.at(t, kSlowRegexMessage, Level::warning));
          auto bad = unmatchable_in_regex(t.text);
          if (bad == std::string_view::npos) break;
          std::size_t at = regex_offset_in_expression(c.text, c.parsed.span(t), bad);
          warn(c.where.at(at, at + code_point_at(t.text, bad).size(), regex_message(t.text, bad), Level::warning));
          break;
        }
      }
    });
    Simplifier s;
    Never why;
    if (s.eval(c.parsed.root, why) == Truth::never) {
      warn(c.at(*why.at, never_prefix + why.why, Level::warning));
      return;
    }
    for (const Never& d : s.dead_alternatives) warn(c.at(*d.at, "this alternative can never hold: " + d.why, Level::warning));
  }

  void lint_tests(const Rule& r) {
    if (r.match.empty() && r.no_match.empty())
      warn(r.where.whole("rule '" + r.id + "' has no tests: add match: and no_match: examples", Level::warning));
    else if (r.match.empty())
      warn(r.where.whole("rule '" + r.id + "' has no match: example", Level::warning));
    else if (r.no_match.empty())
      warn(r.where.whole("rule '" + r.id + "' has no no_match: example", Level::warning));
  }

  // Each distinct regex is compiled once.
  bool slow_to_compile(const std::string& re) {
    auto [it, inserted] = slow_.emplace(re, false);
    if (inserted) it->second = compile_seconds(re) > kSlowRegexSeconds;
    return it->second;
  }

  const Pack& pack_;
  std::vector<Diagnostic> out_;
  std::set<std::string> used_lists_;
  std::map<std::string, bool> slow_;
};

}  // namespace

std::vector<Diagnostic> lint_pack(const Pack& pack) { return Linter(pack).run(); }

}  // namespace shiwake::engine
