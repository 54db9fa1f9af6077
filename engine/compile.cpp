// Compiles a loaded pack: resolves names ($list, @rule, facts, data types, labels), checks
// what the parser cannot (unknown names, cycles between rules, facts used where they are
// not known yet, regexes Vectorscan rejects), orders rules by dependency, and builds the
// one Vectorscan database of every term. Entry point: Classifier::compile.
// Tests: tests/test_compile.cpp and the golden diagnostics in tests/data/check/.
#include "engine/compiled.hpp"
#include "engine/facts.hpp"
#include "engine/finite_regex.hpp"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <unordered_map>

namespace shiwake::engine {

namespace detail {

CompiledPack::~CompiledPack() {
  if (scratch_prototype) hs_free_scratch(scratch_prototype);
  if (database) hs_free_database(database);
}

namespace {

// Where a condition is used decides what it may refer to: the lexicon runs before any
// rule, rules before severity.
enum class Stage { lexicon, rule, reportable, severity };

std::string escape_literal(std::string_view s) {
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if (c >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A regex matching at most this many strings is scanned as its strings (build_database).
constexpr std::size_t kMaxRegexStrings = 64;

// Literals whose positions nothing needs report once; regexes need their start.
unsigned scan_flags(const Pattern& p) {
  unsigned f = HS_FLAG_UTF8;
  if (!p.is_literal) f |= HS_FLAG_SOM_LEFTMOST;
  else if (!p.needs_all) f |= HS_FLAG_SINGLEMATCH;
  return f;
}

struct FactInfo {
  const char* name;
  Fact fact;
  enum Kind { number, date, name_value, flag } kind;
};
constexpr FactInfo kFacts[] = {
    {"affected", Fact::affected, FactInfo::number},   {"damage", Fact::damage, FactInfo::number},
    {"published", Fact::published, FactInfo::date},   {"discovered", Fact::discovered, FactInfo::date},
    {"leak", Fact::leak, FactInfo::name_value},       {"outage", Fact::outage, FactInfo::flag},
    {"reportable", Fact::reportable, FactInfo::flag},
};

// The clauses a node needs (see Program::pooled_needs): a term needs a hit of its set, proximity a
// hit of each side, a count of at least one its set; `and` needs what each operand needs;
// `or` and at_least(k >= 1) need a hit of one operand, so one clause of each operand's
// joined; anything else (not, facts, references, constants) needs nothing the scan shows.
// Fields and scopes only narrow where a hit must lie, so ignoring them keeps the test
// sound: a program whose requirement fails cannot hold anywhere.
using Clauses = std::vector<std::vector<std::uint32_t>>;
Clauses clauses_of(const Program& p, std::uint32_t i) {
  constexpr std::size_t kMaxClauses = 4;
  const Node& n = p.nodes[i];
  const std::uint32_t* kids = p.children.data() + n.first;
  switch (n.op) {
    case Op::term: return {{n.set}};
    case Op::near:
    case Op::before: return {{n.set}, {n.set_b}};
    case Op::count: {
      const bool needs_hit = (n.cmp == ast::CmpOp::ge || n.cmp == ast::CmpOp::eq) ? n.number >= 1
                             : n.cmp == ast::CmpOp::gt                              ? n.number >= 0
                                                                                    : false;
      return needs_hit ? Clauses{{n.set}} : Clauses{};
    }
    case Op::and_: {
      Clauses all;
      for (std::uint32_t k = 0; k < n.count; ++k)
        for (auto& c : clauses_of(p, kids[k])) all.push_back(std::move(c));
      // The shortest clauses are the cheapest to test and the likeliest to fail.
      std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.size() < b.size(); });
      if (all.size() > kMaxClauses) all.resize(kMaxClauses);
      return all;
    }
    case Op::or_:
    case Op::at_least: {
      if (n.op == Op::at_least && n.index == 0) return {};
      std::vector<std::uint32_t> joined;
      for (std::uint32_t k = 0; k < n.count; ++k) {
        Clauses c = clauses_of(p, kids[k]);
        if (c.empty()) return {};
        joined.insert(joined.end(), c.front().begin(), c.front().end());
      }
      if (joined.empty()) return {};
      std::sort(joined.begin(), joined.end());
      joined.erase(std::unique(joined.begin(), joined.end()), joined.end());
      return {std::move(joined)};
    }
    case Op::sentence:
    case Op::paragraph: return clauses_of(p, kids[0]);
    default: return {};
  }
}

class Compiler {
 public:
  Compiler(const Pack& pack, CompiledPack& out, std::vector<Diagnostic>& diags, const Classifier::Options& options)
      : pack_(pack), out_(out), diags_(diags), options_(options) {}

  bool run() {
    index_names();
    out_.rules.resize(pack_.rules.size());
    for (std::size_t i = 0; i < pack_.rules.size(); ++i) {
      const Rule& r = pack_.rules[i];
      current_rule_ = static_cast<int>(i);
      out_.rules[i].program = compile(r.when, Stage::rule);
      out_.rules[i].label = label_index_.at(label_key(r.kind == LabelKind::tag, r.label));
    }
    current_rule_ = -1;
    for (const auto& d : pack_.data_types) out_.data_types.push_back(compile(d.when, Stage::lexicon));
    for (const auto& l : pack_.leak) out_.leak.push_back(compile(l.when, Stage::lexicon));
    if (pack_.outage) out_.outage = compile(*pack_.outage, Stage::lexicon);
    if (pack_.reportable) out_.reportable = compile(*pack_.reportable, Stage::reportable);
    for (const auto& s : pack_.severity) out_.severity.push_back(compile(s.when, Stage::severity));
    order_rules();
    if (errors_) return false;
    share_subexpressions();
    add_fact_words();
    pool_programs();
    return build_database();
  }

 private:
  static std::string label_key(bool is_tag, const std::string& id) { return (is_tag ? "tag:" : "category:") + id; }

  void error(Diagnostic d) {
    if (d.is_error()) ++errors_;
    diags_.push_back(std::move(d));
  }

  void index_names() {
    for (std::size_t i = 0; i < pack_.lists.size(); ++i) {
      const TermList& l = pack_.lists[i];
      if (!lists_.emplace(l.name, i).second)
        error(l.where.whole("duplicate list '" + l.name + "' (first defined at " + where_of(pack_.lists[lists_[l.name]].where) + ")"));
    }
    for (std::size_t i = 0; i < pack_.rules.size(); ++i) {
      const Rule& r = pack_.rules[i];
      if (!rules_.emplace(r.id, i).second)
        error(r.where.whole("duplicate rule id '" + r.id + "' (first defined at " + where_of(pack_.rules[rules_[r.id]].where) + ")"));
      std::string key = label_key(r.kind == LabelKind::tag, r.label);
      auto [it, inserted] = label_index_.emplace(key, static_cast<std::uint32_t>(out_.labels.size()));
      if (inserted) out_.labels.push_back(Label{r.label, r.kind == LabelKind::tag, {}});
      out_.labels[it->second].rules.push_back(static_cast<std::uint32_t>(i));
    }
    for (std::size_t i = 0; i < pack_.data_types.size(); ++i) {
      const DataTypeDef& d = pack_.data_types[i];
      if (!data_types_.emplace(d.id, i).second) error(d.where.whole("duplicate data type '" + d.id + "'"));
    }
  }

  // Copies every program's nodes, children and requirement (see Program::pooled_needs)
  // into the pack's pools, in the order classify evaluates them: lexicon, rules by
  // dependency, reportable, severity. The programs point into the pools once all are in.
  void pool_programs() {
    std::vector<Program*> order;
    for (auto& p : out_.data_types) order.push_back(&p);
    for (auto& p : out_.leak) order.push_back(&p);
    if (out_.outage) order.push_back(&*out_.outage);
    for (std::uint32_t i : out_.rule_order) order.push_back(&out_.rules[i].program);
    if (out_.reportable) order.push_back(&*out_.reportable);
    for (auto& p : out_.severity) order.push_back(&p);
    struct Offsets {
      std::size_t nodes, children, needs;
    };
    std::vector<Offsets> at;
    for (const Program* p : order) {
      at.push_back({out_.node_pool.size(), out_.child_pool.size(), out_.needs_pool.size()});
      for (const Node& n : p->nodes) {
        out_.node_pool.push_back(RunNode{n.op, n.value, n.field, n.field_b, n.fact, n.call, n.cmp, n.set, n.set_b, n.index,
                                         n.first, n.count, n.memo});
        out_.value_pool.push_back(NodeValue{n.number, n.name});
      }
      out_.child_pool.insert(out_.child_pool.end(), p->children.begin(), p->children.end());
      const Clauses clauses = p->nodes.empty() ? Clauses{} : clauses_of(*p, p->root);
      out_.needs_pool.push_back(static_cast<std::uint32_t>(clauses.size()));
      for (const auto& clause : clauses) {
        out_.needs_pool.push_back(static_cast<std::uint32_t>(clause.size()));
        out_.needs_pool.insert(out_.needs_pool.end(), clause.begin(), clause.end());
      }
    }
    for (std::size_t k = 0; k < order.size(); ++k) {
      order[k]->pooled_nodes = out_.node_pool.data() + at[k].nodes;
      order[k]->pooled_values = out_.value_pool.data() + at[k].nodes;
      order[k]->pooled_children = out_.child_pool.data() + at[k].children;
      order[k]->pooled_needs = out_.needs_pool.data() + at[k].needs;
    }
  }

  static std::string where_of(const SourceSpan& s) {
    Diagnostic d = s.whole("");
    return d.file + ":" + std::to_string(d.line);
  }

  Program compile(const Condition& c, Stage stage) {
    Program p;
    condition_ = &c;
    stage_ = stage;
    program_ = &p;
    scope_depth_ = 0;
    p.root = visit(c.parsed.root);
    program_ = nullptr;
    return p;
  }

  std::uint32_t add(Node n, std::vector<std::uint32_t> kids = {}) {
    n.first = static_cast<std::uint32_t>(program_->children.size());
    n.count = static_cast<std::uint32_t>(kids.size());
    program_->children.insert(program_->children.end(), kids.begin(), kids.end());
    program_->nodes.push_back(std::move(n));
    return static_cast<std::uint32_t>(program_->nodes.size() - 1);
  }

  void fail(const ast::x3::position_tagged& at, std::string message) { error(condition_->at(at, std::move(message))); }

  // A name whose definition failed to load was reported by the loader; the pack is still
  // in error, but saying "unknown" again would only bury the first message.
  bool failed_to_load(const std::string& key) {
    if (!pack_.unloaded.count(key)) return false;
    ++errors_;
    return true;
  }

  // An error in a list item: reported once, at the item, with a note at the first use.
  void item_error(const ListItem& item, const ast::Term& use, std::string message) {
    if (!bad_items_.insert(&item).second) return;
    error(item.where.whole(std::move(message)));
    if (noted_uses_.insert(&use).second) error(condition_->at(use, "'$" + use.text + "' is used here", Level::note));
  }

  // The term set a term stands for; needs_all when its positions matter.
  std::uint32_t term_set(const ast::Term& t, bool needs_all) {
    std::vector<std::uint32_t> pats;
    bool cache_list = false;
    auto add_pattern = [&](bool is_regex, const std::string& text, const ListItem* item) {
      // List items are bounded by the loader; a term written in a condition is bounded here.
      if (!item && text.size() > kMaxTermBytes) {
        fail(t, "term longer than " + std::to_string(kMaxTermBytes) + " bytes");
        return;
      }
      Pattern p;
      if (is_regex) {
        p.expression = text;
      } else {
        std::string norm = normalize_term(text);
        if (norm.empty()) {
          if (item) item_error(*item, t, "this term is empty after normalization and can never match");
          else fail(t, "this term is empty after normalization and can never match");
          return;
        }
        p.expression = escape_literal(norm);
        p.is_literal = true;
        p.literal_bytes = static_cast<std::uint32_t>(norm.size());
      }
      std::string key = (is_regex ? "r:" : "l:") + p.expression;
      auto [it, inserted] = pattern_index_.emplace(key, static_cast<std::uint32_t>(out_.patterns.size()));
      if (inserted) {
        if (out_.patterns.size() >= kMaxPatterns) {
          pattern_index_.erase(it);
          if (!too_many_patterns_) fail(t, "the pack has more than " + std::to_string(kMaxPatterns) + " distinct terms");
          too_many_patterns_ = true;
          return;
        }
        // Vectorscan's compile time grows fast with the number of regexes (20,000 take
        // minutes); literals are cheap, so only regexes get a bound of their own.
        if (is_regex && ++regex_count_ > kMaxRegexes) {
          pattern_index_.erase(it);
          if (regex_count_ == kMaxRegexes + 1)
            fail(t, "the pack has more than " + std::to_string(kMaxRegexes) + " distinct regexes");
          return;
        }
        if (is_regex && !check_regex(p.expression, t, item)) {
          pattern_index_.erase(it);
          return;
        }
        out_.patterns.push_back(std::move(p));
      }
      Pattern& stored = out_.patterns[it->second];
      stored.needs_all = stored.needs_all || needs_all;
      pats.push_back(it->second);
    };
    switch (t.kind) {
      case ast::TermKind::literal: add_pattern(false, t.text, nullptr); break;
      case ast::TermKind::regex: add_pattern(true, t.text, nullptr); break;
      case ast::TermKind::list: {
        auto it = lists_.find(t.text);
        if (it == lists_.end()) {
          if (!failed_to_load("list:" + t.text)) fail(t, "unknown list '$" + t.text + "'" + suggest(t.text, lists_));
          break;
        }
        // A list is normalized once, however many conditions use it.
        if (auto cached = list_sets_.find(t.text); cached != list_sets_.end()) {
          if (needs_all)
            for (auto p : out_.sets[cached->second].patterns) out_.patterns[p].needs_all = true;
          return cached->second;
        }
        std::size_t errors_before = errors_;
        for (const ListItem& item : pack_.lists[it->second].items) add_pattern(item.is_regex, item.text, &item);
        if (errors_ == errors_before) cache_list = true;
        break;
      }
    }
    std::sort(pats.begin(), pats.end());
    pats.erase(std::unique(pats.begin(), pats.end()), pats.end());
    auto [it, inserted] = set_index_.emplace(pats, static_cast<std::uint32_t>(out_.sets.size()));
    if (inserted) {
      for (auto p : pats) out_.patterns[p].sets.push_back(it->second);
      out_.sets.push_back(TermSet{pats});
    }
    if (cache_list) list_sets_.emplace(t.text, it->second);
    return it->second;
  }

  bool check_regex(const std::string& expr, const ast::Term& t, const ListItem* item) {
    // Vectorscan reads a C string: a NUL would silently cut the regex short.
    if (expr.find('\0') != std::string::npos) {
      if (item) item_error(*item, t, "a regex cannot contain a NUL character");
      else fail(t, "a regex cannot contain a NUL character");
      return false;
    }
    hs_expr_info_t* info = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_expression_info(expr.c_str(), HS_FLAG_UTF8 | HS_FLAG_SOM_LEFTMOST, &info, &err) != HS_SUCCESS) {
      std::string message = "regex rejected: " + std::string(err ? err->message : "unknown error");
      hs_free_compile_error(err);
      if (item) item_error(*item, t, message);
      else fail(t, message);
      return false;
    }
    bool empty = info->min_width == 0;
    free(info);
    if (empty) {
      std::string message = "regex can match the empty string; every text would match it";
      if (item) item_error(*item, t, message);
      else fail(t, message);
      return false;
    }
    return true;
  }

  template <class Map>
  std::string suggest(const std::string& name, const Map& known) {
    // The closest known name by edit distance, when it is close enough to be a typo. The
    // search costs |name| x |k| per known name; a hostile pack of many long unknown names
    // would make that quadratic in the pack, so the pack gets a budget of cells.
    std::string best;
    std::size_t best_d = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const auto& [k, v] : known) {
      if ((k.size() > name.size() ? k.size() - name.size() : name.size() - k.size()) >= best_d) continue;
      const std::size_t cells = (name.size() + 1) * (k.size() + 1);
      if (cells > suggest_budget_) break;
      suggest_budget_ -= cells;
      std::vector<std::size_t> prev(k.size() + 1), cur(k.size() + 1);
      for (std::size_t j = 0; j <= k.size(); ++j) prev[j] = j;
      for (std::size_t i = 1; i <= name.size(); ++i) {
        cur[0] = i;
        for (std::size_t j = 1; j <= k.size(); ++j)
          cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (name[i - 1] != k[j - 1])});
        std::swap(prev, cur);
      }
      if (prev[k.size()] < best_d) best_d = prev[k.size()], best = k;
    }
    return best.empty() ? "" : " (did you mean '" + best + "'?)";
  }

  std::uint32_t visit(const ast::Expr& e) {
    return boost::apply_visitor([this](const auto& node) { return this->on(node); }, e.get());
  }
  template <class T>
  std::uint32_t on(const ast::x3::forward_ast<T>& f) { return on(f.get()); }

  std::uint32_t on(const ast::BoolLit& b) {
    Node n;
    n.op = Op::constant;
    n.value = b.value;
    n.source = &b;
    return add(n);
  }

  std::uint32_t on(const ast::Term& t) {
    Node n;
    n.op = Op::term;
    n.field = t.field;
    n.set = term_set(t, scope_depth_ > 0 || t.field != ast::Field::any);
    n.source = &t;
    return add(n);
  }

  std::uint32_t on(const ast::RuleRef& r) {
    Node n;
    n.op = Op::rule_ref;
    n.source = &r;
    if (stage_ == Stage::lexicon) {
      fail(r, "the data-type, leak and outage conditions run before any rule: '@" + r.id + "' is not known there");
    } else if (auto it = rules_.find(r.id); it == rules_.end()) {
      if (!failed_to_load("rule:" + r.id)) fail(r, "unknown rule '@" + r.id + "'" + suggest(r.id, rules_));
    } else {
      n.index = static_cast<std::uint32_t>(it->second);
      if (current_rule_ >= 0) deps_[current_rule_].insert(n.index);
    }
    return add(n);
  }

  std::uint32_t on(const ast::FactTest& f) {
    Node n;
    n.op = Op::fact;
    n.source = &f;
    const FactInfo* info = nullptr;
    for (const auto& k : kFacts)
      if (f.fact == k.name) info = &k;
    if (!info) {
      std::map<std::string, int> names;
      for (const auto& k : kFacts) names[k.name] = 0;
      fail(f, "unknown fact '" + f.fact + "'" + suggest(f.fact, names) +
                  " (facts: affected, damage, published, discovered, leak, outage, reportable)");
      return add(n);
    }
    n.fact = info->fact;
    if (stage_ == Stage::lexicon) fail(f, "facts are computed after the lexicon: '" + f.fact + "' is not known here");
    if ((stage_ == Stage::rule || stage_ == Stage::reportable) && info->fact == Fact::reportable)
      fail(f, "'reportable' depends on the categories, so only the severity policy can use it");
    n.has_comparison = f.has_comparison;
    n.cmp = f.op;
    if (!f.has_comparison) {
      if (info->kind != FactInfo::flag)
        fail(f, "'" + f.fact + "' needs a comparison, e.g. " + f.fact +
                    (info->kind == FactInfo::date ? " >= 2024-01-01" : info->kind == FactInfo::number ? " >= 1000" : " == possible"));
      return add(n);
    }
    const ast::Value& v = f.value;
    switch (info->kind) {
      case FactInfo::number:
        if (auto* d = boost::get<double>(&v.get())) n.number = *d;
        else fail(f, "'" + f.fact + "' is a number");
        break;
      case FactInfo::date:
        if (auto* d = boost::get<ast::Date>(&v.get())) n.number = d->year * 10000.0 + d->month * 100 + d->day;
        else fail(f, "'" + f.fact + "' is a date, written 2024-01-31");
        break;
      case FactInfo::name_value:
        if (auto* s = boost::get<std::string>(&v.get())) {
          const auto status = std::find(std::begin(kLeakStatuses), std::end(kLeakStatuses), *s);
          if (status == std::end(kLeakStatuses)) fail(f, "leak is one of confirmed, possible, none, unknown");
          else n.name = *status;
          if (f.op != ast::CmpOp::eq && f.op != ast::CmpOp::ne) fail(f, "leak compares with == or !=");
        } else {
          fail(f, "leak is one of confirmed, possible, none, unknown");
        }
        break;
      case FactInfo::flag: fail(f, "'" + f.fact + "' is true or false: write it alone or with not"); break;
    }
    return add(n);
  }

  std::uint32_t on(const ast::Call& c) {
    Node n;
    n.op = Op::call;
    n.source = &c;
    if (stage_ == Stage::lexicon) {
      fail(c, "'" + c.function + "(...)' is not known in the lexicon, which runs first");
      return add(n);
    }
    if (c.function == "has") {
      n.call = CallKind::has;
      auto it = data_types_.find(c.argument);
      if (it == data_types_.end()) {
        if (!failed_to_load("data_type:" + c.argument))
          fail(c, "unknown data type '" + c.argument + "'" + suggest(c.argument, data_types_));
      }
      else n.index = static_cast<std::uint32_t>(it->second);
    } else if (c.function == "category" || c.function == "tag") {
      bool is_tag = c.function == "tag";
      n.call = is_tag ? CallKind::tag : CallKind::category;
      auto it = label_index_.find(label_key(is_tag, c.argument));
      if (it == label_index_.end()) {
        if (!failed_to_load(c.function + ":" + c.argument))
          fail(c, "no rule gives the " + c.function + " '" + c.argument + "'");
      } else {
        n.index = it->second;
        if (current_rule_ >= 0)
          for (auto r : out_.labels[it->second].rules) deps_[current_rule_].insert(r);
      }
    } else {
      fail(c, "unknown function '" + c.function + "' (has, category, tag)");
    }
    return add(n);
  }

  std::uint32_t on(const ast::Not& x) {
    Node n;
    n.op = Op::not_;
    n.source = &x;
    return add(n, {visit(x.operand)});
  }

  std::uint32_t list_of(const std::vector<ast::Expr>& xs, Node n) {
    std::vector<std::uint32_t> kids;
    for (const auto& x : xs) kids.push_back(visit(x));
    return add(std::move(n), std::move(kids));
  }

  std::uint32_t on(const ast::And& x) {
    if (x.operands.size() == 1) return visit(x.operands[0]);
    Node n;
    n.op = Op::and_;
    n.source = &x;
    return list_of(x.operands, n);
  }
  std::uint32_t on(const ast::Or& x) {
    if (x.operands.size() == 1) return visit(x.operands[0]);
    Node n;
    n.op = Op::or_;
    n.source = &x;
    return list_of(x.operands, n);
  }
  std::uint32_t on(const ast::Quantifier& q) {
    Node n;
    n.source = &q;
    switch (q.kind) {
      case ast::QuantifierKind::any: n.op = Op::or_; break;
      case ast::QuantifierKind::all: n.op = Op::and_; break;
      case ast::QuantifierKind::at_least:
        n.op = Op::at_least;
        n.index = q.n;  // n > operands can never hold: lint_pack warns
        break;
    }
    return list_of(q.operands, n);
  }
  std::uint32_t on(const ast::Count& c) {
    Node n;
    n.op = Op::count;
    n.source = &c;
    n.field = c.term.field;
    n.set = term_set(c.term, true);
    n.cmp = c.op;
    n.number = c.n;
    return add(n);
  }
  template <class Pair>
  std::uint32_t proximity(const Pair& x, Op op) {
    Node n;
    n.op = op;
    n.source = &x;
    n.field = x.a.field;
    n.field_b = x.b.field;
    n.set = term_set(x.a, true);
    n.set_b = term_set(x.b, true);
    n.number = x.distance;
    return add(n);
  }
  std::uint32_t on(const ast::Near& x) { return proximity(x, Op::near); }
  std::uint32_t on(const ast::Before& x) { return proximity(x, Op::before); }
  std::uint32_t on(const ast::Scope& s) {
    Node n;
    n.op = s.unit == ast::Unit::sentence ? Op::sentence : Op::paragraph;
    n.source = &s;
    program_->uses_units = true;
    if (n.op == Op::sentence) out_.uses_sentences = true;
    ++scope_depth_;
    std::uint32_t inner = visit(s.inner);
    --scope_depth_;
    return add(n, {inner});
  }

  // Kahn's algorithm over @rule and category()/tag() references; what is left is a cycle.
  void order_rules() {
    std::size_t n = pack_.rules.size();
    std::vector<std::size_t> indegree(n, 0);
    std::vector<std::vector<std::uint32_t>> users(n);
    for (auto& [r, ds] : deps_)
      for (auto d : ds) {
        ++indegree[r];
        users[d].push_back(static_cast<std::uint32_t>(r));
      }
    std::vector<std::uint32_t> ready;
    for (std::size_t i = n; i-- > 0;)
      if (indegree[i] == 0) ready.push_back(static_cast<std::uint32_t>(i));
    // Pop the lowest index first so independent rules keep pack order.
    while (!ready.empty()) {
      auto it = std::min_element(ready.begin(), ready.end());
      std::uint32_t r = *it;
      ready.erase(it);
      out_.rule_order.push_back(r);
      for (auto u : users[r])
        if (--indegree[u] == 0) ready.push_back(u);
    }
    if (out_.rule_order.size() == n) return;
    // Spell out one cycle: walk dependencies among the rules left until one repeats.
    std::vector<int> pos(n, -1);
    std::vector<std::uint32_t> path;
    std::uint32_t cur = 0;
    while (indegree[cur] == 0) ++cur;
    while (pos[cur] < 0) {
      pos[cur] = static_cast<int>(path.size());
      path.push_back(cur);
      for (auto d : deps_[cur])
        if (indegree[d] > 0) {
          cur = d;
          break;
        }
    }
    std::string cycle;
    for (std::size_t i = pos[cur]; i < path.size(); ++i) cycle += "@" + pack_.rules[path[i]].id + " -> ";
    cycle += "@" + pack_.rules[cur].id;
    error(pack_.rules[cur].where.whole("rules refer to each other in a cycle: " + cycle));
  }

  // Conditions repeat one another: the data types share a gate, rules share scopes. A
  // subexpression that reads only the text (terms, counts, proximity, scopes and the
  // logic over them) and occurs more than once in the pack gets a memo slot: its verdict
  // over the whole notice is computed once per notice (Evaluator::eval). Two nodes are the
  // same subexpression when their operations, operands and children are; children come
  // before their parents in a program, so one pass in node order finds them.
  void share_subexpressions() {
    std::vector<Program*> programs;
    for (auto& r : out_.rules) programs.push_back(&r.program);
    for (auto* group : {&out_.data_types, &out_.leak, &out_.severity})
      for (auto& p : *group) programs.push_back(&p);
    for (auto* p : {&out_.outage, &out_.reportable})
      if (*p) programs.push_back(&**p);

    std::map<std::vector<std::uint64_t>, std::uint32_t> ids;  // subexpression -> id
    std::vector<std::uint32_t> uses;                          // per id
    std::vector<std::vector<std::uint32_t>> id_of(programs.size());
    std::vector<std::vector<bool>> text_only(programs.size());
    for (std::size_t k = 0; k < programs.size(); ++k) {
      const Program& p = *programs[k];
      id_of[k].resize(p.nodes.size());
      text_only[k].resize(p.nodes.size());
      for (std::size_t i = 0; i < p.nodes.size(); ++i) {
        const Node& n = p.nodes[i];
        bool reads_text = n.op != Op::rule_ref && n.op != Op::call && n.op != Op::fact;
        std::uint64_t number_bits = 0;
        std::memcpy(&number_bits, &n.number, sizeof number_bits);
        std::vector<std::uint64_t> key{static_cast<std::uint64_t>(n.op), n.value, static_cast<std::uint64_t>(n.field),
                                       static_cast<std::uint64_t>(n.field_b), static_cast<std::uint64_t>(n.cmp),
                                       n.set, n.set_b, n.index, number_bits};
        for (std::uint32_t c = 0; c < n.count; ++c) {
          const std::uint32_t kid = p.children[n.first + c];
          key.push_back(id_of[k][kid]);
          reads_text = reads_text && text_only[k][kid];
        }
        const auto [it, added] = ids.emplace(std::move(key), static_cast<std::uint32_t>(uses.size()));
        if (added) uses.push_back(0);
        id_of[k][i] = it->second;
        text_only[k][i] = reads_text;
        if (reads_text) ++uses[it->second];
      }
    }
    // A term or a constant is a lookup already: only the rest is worth a slot.
    std::vector<std::uint32_t> slot_of(uses.size(), kNoMemo);
    for (std::size_t k = 0; k < programs.size(); ++k)
      for (std::size_t i = 0; i < programs[k]->nodes.size(); ++i) {
        Node& n = programs[k]->nodes[i];
        const std::uint32_t id = id_of[k][i];
        if (!text_only[k][i] || uses[id] < 2 || n.op == Op::term || n.op == Op::constant) continue;
        if (slot_of[id] == kNoMemo) slot_of[id] = out_.memo_slots++;
        n.memo = slot_of[id];
      }
  }

  // The words the facts look for (facts.cpp) join the one scan, after the pack's own
  // patterns: each gets a term set, whose hits the facts read instead of searching the
  // text again. A word the pack also uses shares its pattern.
  void add_fact_words() {
    out_.pack_patterns = static_cast<std::uint32_t>(out_.patterns.size());
    for (std::string_view word : discovery_words()) {
      Pattern p;
      const std::string norm = normalize_term(word);
      p.expression = escape_literal(norm);
      p.is_literal = true;
      p.literal_bytes = static_cast<std::uint32_t>(norm.size());
      auto [at, added] = pattern_index_.emplace("l:" + p.expression, static_cast<std::uint32_t>(out_.patterns.size()));
      if (added) out_.patterns.push_back(std::move(p));
      out_.patterns[at->second].needs_all = true;
      const std::vector<std::uint32_t> pats{at->second};
      auto [set, new_set] = set_index_.emplace(pats, static_cast<std::uint32_t>(out_.sets.size()));
      if (new_set) {
        out_.patterns[at->second].sets.push_back(set->second);
        out_.sets.push_back(TermSet{pats});
      }
      out_.discovery_word_sets.push_back(set->second);
    }
  }

  bool build_database() {
    if (out_.patterns.empty()) return true;
    // Each pattern is one expression, but a regex of a few strings is its strings.
    for (std::size_t i = 0; i < out_.patterns.size(); ++i) {
      const Pattern& p = out_.patterns[i];
      MatchTarget t{static_cast<std::uint32_t>(out_.target_sets.size()), static_cast<std::uint32_t>(p.sets.size()),
                    p.literal_bytes, p.is_literal};
      out_.target_sets.insert(out_.target_sets.end(), p.sets.begin(), p.sets.end());
      std::optional<std::vector<std::string>> strings;
      if (!p.is_literal && options_.expand_finite_regexes) strings = finite_language(p.expression, kMaxRegexStrings);
      if (!strings) {
        out_.targets.push_back(t);
        out_.expressions.emplace_back(p.expression, scan_flags(p));
        continue;
      }
      // Two strings end at the same byte only when one is a suffix of the other: without
      // such a pair, every match of a string is the regex's own.
      const bool suffixes = std::any_of(strings->begin(), strings->end(), [&](const std::string& a) {
        return std::any_of(strings->begin(), strings->end(), [&](const std::string& b) {
          return b.size() < a.size() && a.compare(a.size() - b.size(), b.size(), b) == 0;
        });
      });
      for (const std::string& text : *strings) {
        Pattern literal;
        literal.is_literal = true;
        literal.needs_all = p.needs_all;
        MatchTarget st = t;
        st.is_literal = true;
        st.is_regex_string = suffixes;
        st.literal_bytes = static_cast<std::uint32_t>(text.size());
        st.pattern = static_cast<std::uint32_t>(i);
        out_.targets.push_back(st);
        out_.expressions.emplace_back(escape_literal(text), scan_flags(literal));
      }
    }
    std::vector<const char*> exprs;
    std::vector<unsigned> flags, ids;
    for (std::size_t i = 0; i < out_.expressions.size(); ++i) {
      exprs.push_back(out_.expressions[i].first.c_str());
      flags.push_back(out_.expressions[i].second);
      ids.push_back(static_cast<unsigned>(i));
    }
    hs_compile_error_t* err = nullptr;
    // Streaming mode, although each notice is one buffer: Vectorscan 5.4's block mode aborts
    // ("buffer overflow detected") scanning a few hundred bytes with some start-of-match
    // regexes such as /a+b/; its streaming mode with a large SOM horizon does not
    // (tests/data/hostile/som_single_byte_repeat). scan.cpp resets the stream per notice.
    if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), kScanMode,
                         nullptr, &out_.database, &err) != HS_SUCCESS) {
      Diagnostic d;
      d.file = pack_.dir.string();
      d.message = "the scan database could not be built: " + std::string(err ? err->message : "unknown error");
      if (err && err->expression >= 0) d.message += " (pattern /" + out_.expressions[err->expression].first + "/)";
      hs_free_compile_error(err);
      error(std::move(d));
      return false;
    }
    if (hs_alloc_scratch(out_.database, &out_.scratch_prototype) != HS_SUCCESS) {
      Diagnostic d;
      d.file = pack_.dir.string();
      d.message = "cannot allocate scan scratch space";
      error(std::move(d));
      return false;
    }
    return true;
  }

  const Pack& pack_;
  CompiledPack& out_;
  std::vector<Diagnostic>& diags_;
  const Classifier::Options& options_;
  std::size_t errors_ = 0;
  std::map<std::string, std::size_t> lists_, rules_, data_types_;
  std::map<std::string, std::uint32_t> label_index_;
  std::unordered_map<std::string, std::uint32_t> pattern_index_;
  std::map<std::vector<std::uint32_t>, std::uint32_t> set_index_;
  std::unordered_map<std::string, std::uint32_t> list_sets_;  // list name -> its term set
  std::map<std::size_t, std::set<std::uint32_t>> deps_;
  std::set<const ListItem*> bad_items_;
  std::set<const ast::Term*> noted_uses_;
  const Condition* condition_ = nullptr;
  Program* program_ = nullptr;
  Stage stage_ = Stage::rule;
  int current_rule_ = -1;
  int scope_depth_ = 0;
  std::size_t suggest_budget_ = std::size_t(200) << 20;  // edit-distance cells for "did you mean"
  bool too_many_patterns_ = false;
  std::size_t regex_count_ = 0;
};

}  // namespace
}  // namespace detail

Classifier::Classifier(std::unique_ptr<detail::CompiledPack> impl) : impl_(std::move(impl)) {}
Classifier::~Classifier() = default;

const Pack& Classifier::pack() const { return *impl_->pack; }
std::size_t Classifier::pattern_count() const { return impl_->pack_patterns; }
std::size_t Classifier::shared_subexpression_count() const { return impl_->memo_slots; }

std::vector<std::pair<std::string, unsigned>> Classifier::patterns() const { return impl_->expressions; }

std::unique_ptr<Classifier> Classifier::compile(Pack pack, std::vector<Diagnostic>& diagnostics, const Options& options) {
  auto impl = std::make_unique<detail::CompiledPack>();
  impl->owned_pack = std::make_unique<Pack>(std::move(pack));
  impl->pack = impl->owned_pack.get();
  impl->bounds = options.bounds;
  detail::Compiler compiler(*impl->pack, *impl, diagnostics, options);
  if (!compiler.run()) return nullptr;
  detail::prepare_severity_why(*impl);
  return std::unique_ptr<Classifier>(new Classifier(std::move(impl)));
}

}  // namespace shiwake::engine
