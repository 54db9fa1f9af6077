// Evaluates a compiled condition over one scanned notice. Every node is evaluated within a
// window of the scan buffer: the whole notice, a field (title:, body:), or one sentence or
// paragraph inside sentence() / paragraph(); a term holds in a window when one of its hits
// lies wholly inside it. Distances count code points of the normalized text.
// Entry point: evaluate. Tests: tests/test_classify.cpp, tests/test_differential.cpp
// (against the reference evaluator in tests/reference_evaluator.hpp).
#include "engine/compiled.hpp"
#include "engine/normalize.hpp"

#include <boost/container/small_vector.hpp>

#include <algorithm>

namespace shiwake::engine::detail {

namespace {

class Evaluator {
 public:
  Evaluator(const Program& p, EvalState& st)
      : p_(p),
        nodes_(p.pooled_nodes),
        values_(p.pooled_values),
        children_(p.pooled_children),
        st_(st),
        s_(st.scratch) {}

  bool run(std::vector<Hit>* evidence) {
    Window all{0, static_cast<std::uint32_t>(s_.buffer.size())};
    return eval(p_.root, all, evidence);
  }

 private:
  Window field_window(ast::Field f, Window w) const {
    Window r = w;
    if (f == ast::Field::title) r.hi = std::min(r.hi, s_.title_end);
    if (f == ast::Field::body) r.lo = std::max(r.lo, s_.body_begin);
    return r;
  }

  // Calls f with each hit of a set wholly inside w, by start, until f returns false. Every
  // hit looked at is a step of the notice's evaluation; past the bound (or any other) the
  // notice is refused and no more hits are given.
  template <class F>
  void each_hit(std::uint32_t set, Window w, F&& f) {
    const auto& hits = s_.hits_of(set);
    if (hits.empty() || s_.refused != Refusal::none) return;
    auto it = hits.front().start >= w.lo
                  ? hits.begin()
                  : std::lower_bound(hits.begin(), hits.end(), w.lo, [](const Hit& h, std::uint32_t lo) { return h.start < lo; });
    const auto first = it;
    for (; it != hits.end() && it->start < w.hi; ++it)
      if (it->end <= w.hi && !f(*it)) break;
    add_steps(static_cast<std::uint64_t>(it - first) + 1);
  }

  void add_steps(std::uint64_t n) {
    if ((s_.steps += n) > st_.steps_bound) refuse(Refusal::steps);
  }

  std::uint32_t chars_between(std::uint32_t lo, std::uint32_t hi) const {
    return count_chars(reinterpret_cast<const unsigned char*>(s_.buffer.data()) + lo, hi - lo);
  }

  // Gap in characters between two spans; 0 when they touch or overlap.
  bool within(std::uint32_t from, std::uint32_t to, double distance) {
    if (to <= from) return true;
    std::uint32_t bytes = to - from;
    if (bytes <= distance) return true;       // every character is at least one byte
    if (bytes > 4 * distance) return false;   // and at most four
    add_steps(bytes / 64);
    return chars_between(from, to) <= distance;
  }

  // Marks the notice as past one of its bounds; false, to end the loop that found it.
  bool refuse(Refusal why) {
    if (s_.refused == Refusal::none) s_.refused = why;
    return false;
  }

  // Appends a hit to the evidence, if asked for. Evidence a condition gathers and then
  // drops (a count that does not hold) is bounded as hits are; what a rule keeps is
  // bounded after it (classify.cpp).
  bool keep(std::vector<Hit>* ev, const Hit& h) {
    if (!ev) return true;
    if (s_.evidence_spans + ev->size() >= st_.pack.bounds.hits) return refuse(Refusal::evidence);
    ev->push_back(h);
    return true;
  }

  // The index of the first hit of `set` from which on a hit may end at or after `pos`: every
  // hit before it ends before pos. From the running maximum of the hits' ends, built once per
  // notice for the sets near() asks it of.
  std::size_t first_ending_from(std::uint32_t set, std::uint32_t pos) {
    const auto hits = s_.hits_of(set);
    if (s_.max_end_stamp[set] != s_.generation) {
      s_.max_end_at[set] = s_.max_end_pool.size();
      std::uint32_t running = 0;
      for (const Hit& h : hits) s_.max_end_pool.push_back(running = std::max(running, h.end));
      s_.max_end_stamp[set] = s_.generation;
      add_steps(hits.size());
    }
    const std::uint32_t* m = s_.max_end_pool.data() + s_.max_end_at[set];
    return static_cast<std::size_t>(std::lower_bound(m, m + hits.size(), pos) - m);
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

  const std::vector<std::uint32_t>& units(Op op) {
    if (op == Op::paragraph) {
      if (!s_.paragraphs_ready) compute_paragraphs();
      return s_.paragraph_bounds;
    }
    return sentence_bounds(s_);
  }

  // The unit holding byte `pos`: a paragraph from the paragraph bounds, a sentence from its
  // line alone (see sentence_around).
  Window unit_around(Op op, std::uint32_t pos) {
    if (op == Op::sentence) return sentence_around(s_, pos);
    const auto& b = units(op);
    const auto j = static_cast<std::size_t>(std::upper_bound(b.begin(), b.end(), pos) - b.begin());
    if (j == 0 || j >= b.size()) return {};
    return {b[j - 1], b[j]};
  }

  void compute_paragraphs() {
    auto& b = s_.paragraph_bounds;
    b.assign(1, 0);
    const std::string& t = s_.buffer;
    for (std::size_t i = t.find("\n\n"); i != std::string::npos; i = t.find("\n\n", i)) {
      std::size_t j = i;
      while (j < t.size() && t[j] == '\n') ++j;
      b.push_back(static_cast<std::uint32_t>(j));
      i = j;
    }
    if (b.back() != t.size()) b.push_back(static_cast<std::uint32_t>(t.size()));
    s_.paragraphs_ready = true;
  }

  bool any_hit(std::uint32_t set, Window w) {
    bool found = false;
    each_hit(set, w, [&](const Hit&) { return !(found = true); });
    return found;
  }

  // False only when node i holds in no window inside w. Sound because a hit wholly inside
  // a smaller window is wholly inside w: terms, counts from below and proximity can only
  // lose hits as the window shrinks, and `not` is bounded by true.
  bool possible(std::uint32_t i, Window w) {
    const RunNode& n = nodes_[i];
    const std::uint32_t* kids = children_ + n.first;
    switch (n.op) {
      case Op::term: return any_hit(n.set, field_window(n.field, w));
      case Op::not_: return true;
      case Op::and_:
        for (std::uint32_t k = 0; k < n.count; ++k)
          if (!possible(kids[k], w)) return false;
        return true;
      case Op::or_:
        for (std::uint32_t k = 0; k < n.count; ++k)
          if (possible(kids[k], w)) return true;
        return false;
      case Op::at_least: {
        std::uint32_t held = 0;
        for (std::uint32_t k = 0; k < n.count && held < n.index; ++k) held += possible(kids[k], w);
        return held >= n.index;
      }
      case Op::count: {
        if (n.cmp != ast::CmpOp::ge && n.cmp != ast::CmpOp::gt && n.cmp != ast::CmpOp::eq) return true;
        const double number = values_[i].number;
        double c = 0;
        each_hit(n.set, field_window(n.field, w), [&](const Hit&) { return ++c <= number; });
        return n.cmp == ast::CmpOp::gt ? c > number : c >= number;
      }
      case Op::near:
      case Op::before:
        return any_hit(n.set, field_window(n.field, w)) && any_hit(n.set_b, field_window(n.field_b, w));
      case Op::sentence:
      case Op::paragraph: return possible(kids[0], w);
      default: return eval_node(i, w, nullptr);  // constants, rules, facts: no window
    }
  }

  // Terms one of whose hits the node needs: in any window where node i holds, some hit
  // of one of them lies wholly inside field_window(field, window). For `and`, the child
  // with the fewest hits; for `or`, every child's.
  struct Anchor {
    std::uint32_t set = 0;
    ast::Field field = ast::Field::any;
  };
  // Few terms anchor a scope, and few units hold their hits: both stay off the heap.
  using Anchors = boost::container::small_vector<Anchor, 16>;
  using Units = boost::container::small_vector<Window, 16>;
  bool anchors(std::uint32_t i, Anchors& out) {
    const RunNode& n = nodes_[i];
    const std::uint32_t* kids = children_ + n.first;
    switch (n.op) {
      case Op::term:
      case Op::near:
      case Op::before:
        out.push_back({n.set, n.field});
        return true;
      case Op::count:
        if (const double number = values_[i].number;
            !((n.cmp == ast::CmpOp::ge || n.cmp == ast::CmpOp::eq) ? number >= 1 : n.cmp == ast::CmpOp::gt && number >= 0))
          return false;
        out.push_back({n.set, n.field});
        return true;
      case Op::and_: {
        // Each child's anchors are appended after the best so far, then either replace
        // it or are dropped: `out` past `base` only ever holds the best child's.
        const std::size_t base = out.size();
        std::size_t best_hits = 0;
        bool found = false;
        for (std::uint32_t k = 0; k < n.count; ++k) {
          const std::size_t begin = out.size();
          if (!anchors(kids[k], out) || out.size() == begin) {
            out.resize(begin);
            continue;
          }
          std::size_t hits = 0;
          for (std::size_t a = begin; a < out.size(); ++a) hits += s_.hits_of(out[a].set).size();
          if (!found || hits < best_hits) {
            out.erase(out.begin() + std::ptrdiff_t(base), out.begin() + std::ptrdiff_t(begin));
            best_hits = hits;
            found = true;
          } else {
            out.resize(begin);
          }
        }
        return found;
      }
      case Op::or_:
      case Op::at_least:
        if (n.op == Op::at_least && n.index == 0) return false;
        for (std::uint32_t k = 0; k < n.count; ++k)
          if (!anchors(kids[k], out)) return false;
        return n.count > 0;
      case Op::sentence:
      case Op::paragraph: return anchors(kids[0], out);
      default: return false;
    }
  }

  bool eval(std::uint32_t i, Window w, std::vector<Hit>* ev) {
    // A shared subexpression over the whole notice is evaluated once per notice. A false
    // verdict gives no evidence, so it is reused as is; a true one is evaluated again only
    // when its evidence is wanted. A trace records every node, so it never reuses.
    const std::uint32_t memo = nodes_[i].memo;
    if (memo != kNoMemo && !st_.trace && w.lo == 0 && w.hi == s_.buffer.size()) {
      if (s_.memo_stamp[memo] == s_.generation && (!ev || !s_.memo_value[memo])) return s_.memo_value[memo];
      const bool r = eval_node(i, w, ev);
      s_.memo_stamp[memo] = s_.generation;
      s_.memo_value[memo] = r;
      return r;
    }
    bool r = eval_node(i, w, ev);
    if (st_.trace) {
      auto& t = (*st_.trace)[i];
      t.evaluated = true;
      t.held = t.held || r;
    }
    return r;
  }

  bool eval_node(std::uint32_t i, Window w, std::vector<Hit>* ev) {
    const RunNode& n = nodes_[i];
    const std::uint32_t* kids = children_ + n.first;
    switch (n.op) {
      case Op::constant: return n.value;
      case Op::term: {
        bool found = false;
        each_hit(n.set, field_window(n.field, w), [&](const Hit& h) {
          found = true;
          keep(ev, h);
          return false;
        });
        return found;
      }
      case Op::rule_ref: return (*st_.rule_fired)[n.index] == 1;
      case Op::call:
        switch (n.call) {
          case CallKind::has: return (*st_.data_type_held)[n.index] != 0;
          case CallKind::category:
          case CallKind::tag: return (*st_.label_fired)[n.index] != 0;
        }
        return false;
      case Op::fact: return eval_fact(n, values_[i]);
      case Op::not_: return !eval(kids[0], w, nullptr);
      case Op::and_: {
        std::size_t mark = ev ? ev->size() : 0;
        for (std::uint32_t k = 0; k < n.count; ++k)
          if (!eval(kids[k], w, ev)) {
            if (ev) ev->resize(mark);
            return false;
          }
        return true;
      }
      case Op::or_:
        for (std::uint32_t k = 0; k < n.count; ++k)
          if (eval(kids[k], w, ev)) return true;
        return false;
      case Op::at_least: {
        std::uint32_t held = 0;
        std::size_t mark = ev ? ev->size() : 0;
        for (std::uint32_t k = 0; k < n.count; ++k) held += eval(kids[k], w, ev);
        if (held < n.index && ev) ev->resize(mark);
        return held >= n.index;
      }
      case Op::count: {
        const Window cw = field_window(n.field, w);
        const double number = values_[i].number;
        if (!ev) {
          // Without evidence, a count only needs to know whether it passes the number: a
          // window to the buffer's end holds every hit from its start on, and otherwise the
          // hits are counted up to one past the number (every comparison is decided then).
          const auto hits = s_.hits_of(n.set);
          if (cw.hi == s_.buffer.size() && !hits.empty()) {
            add_steps(1);
            const auto from = std::lower_bound(hits.begin(), hits.end(), cw.lo,
                                               [](const Hit& h, std::uint32_t lo) { return h.start < lo; });
            return compare(static_cast<double>(hits.end() - from), n.cmp, number);
          }
          double c = 0;
          each_hit(n.set, cw, [&](const Hit&) { return ++c <= number; });
          return compare(c, n.cmp, number);
        }
        std::uint32_t c = 0;
        std::size_t mark = ev->size();
        each_hit(n.set, cw, [&](const Hit& h) {
          ++c;
          return keep(ev, h);
        });
        bool r = compare(c, n.cmp, number);
        if (!r || c == 0) ev->resize(mark);
        return r;
      }
      case Op::near:
      case Op::before: {
        bool found = false;
        const Window wb = field_window(n.field_b, w);
        const double distance = values_[i].number;
        // A character takes 1 to 4 bytes, so a gap of more than `reach` bytes is too far.
        const std::uint64_t reach = distance <= 0 ? 0 : distance >= 1e9 ? std::uint64_t(1) << 32 : std::uint64_t(4 * distance);
        // For near(), a b close enough to a ends at or after a.start - reach: the b's before
        // the first that may (first_ending_from) are skipped. Only worth it for many hits.
        constexpr std::size_t kFewHits = 16;
        const auto hits_b = s_.hits_of(n.set_b);
        const bool skip_behind = n.op == Op::near && hits_b.size() > kFewHits;
        each_hit(n.set, field_window(n.field, w), [&](const Hit& a) {
          // A `before` needs b to start at or after a's end.
          Window from_a = wb;
          if (n.op == Op::before) {
            from_a.lo = std::max(wb.lo, a.end);
          } else if (skip_behind && a.start > reach) {
            const std::size_t j = first_ending_from(n.set_b, static_cast<std::uint32_t>(a.start - reach));
            if (j == hits_b.size()) return true;  // no b ends late enough, before a or after it
            from_a.lo = std::max(wb.lo, hits_b[j].start);
          }
          each_hit(n.set_b, from_a, [&](const Hit& b) {
            // Hits come by start: past a's end, the gap only grows, so the first b there
            // that is too far ends the search.
            const bool after = b.start >= a.end;
            if (after && b.start - a.end > reach) return false;
            bool ok = n.op == Op::near ? within(std::min(a.end, b.end), std::max(a.start, b.start), distance)
                                        : a.end <= b.start && within(a.end, b.start, distance);
            if (ok) {
              found = true;
              keep(ev, a);
              keep(ev, b);
            }
            return !ok && !after;
          });
          return !found && s_.refused == Refusal::none;
        });
        return found;
      }
      case Op::sentence:
      case Op::paragraph: {
        // Without a trace to fill, skip what cannot hold: no unit at all when the inner
        // expression cannot hold anywhere in w (then the boundaries are not even computed),
        // and only the units holding a hit of a term the inner expression requires. Units
        // are still tried in text order, so the first that holds and its evidence are the
        // same as when every unit is tried.
        if (!st_.trace && !possible(kids[0], w)) return false;
        if (Anchors as; !st_.trace && anchors(kids[0], as)) {
          Units candidates;  // units holding an anchor hit wholly
          for (const Anchor& a : as)
            each_hit(a.set, field_window(a.field, w), [&](const Hit& h) {
              if (!candidates.empty() && h.start >= candidates.back().lo && h.start < candidates.back().hi) {
                return true;  // same unit as the hit before: holds it wholly only if that did
              }
              const Window unit = unit_around(n.op, h.start);
              if (unit.lo < unit.hi && h.end <= unit.hi) candidates.push_back(unit);
              return true;
            });
          std::sort(candidates.begin(), candidates.end(), [](const Window& a, const Window& b) { return a.lo < b.lo; });
          candidates.erase(std::unique(candidates.begin(), candidates.end(),
                                       [](const Window& a, const Window& b) { return a.lo == b.lo; }),
                           candidates.end());
          for (const Window& unit : candidates) {
            Window u{std::max(unit.lo, w.lo), std::min(unit.hi, w.hi)};
            if (u.lo < u.hi && eval(kids[0], u, ev)) return true;
          }
          return false;
        }
        const auto& b = units(n.op);
        auto it = std::upper_bound(b.begin(), b.end(), w.lo);
        std::uint32_t lo = it == b.begin() ? 0 : *(it - 1);
        for (; lo < w.hi && it != b.end(); lo = *it++) {
          Window u{std::max(lo, w.lo), std::min(*it, w.hi)};
          if (u.lo >= u.hi) continue;
          if (eval(kids[0], u, ev)) return true;
        }
        return false;
      }
    }
    return false;
  }

  bool eval_fact(const RunNode& n, const NodeValue& v) const {
    const Facts& f = *st_.facts;
    auto date_number = [](const std::optional<grammar::ast::Date>& d) -> std::optional<double> {
      if (!d) return std::nullopt;
      return d->year * 10000.0 + d->month * 100 + d->day;
    };
    std::optional<double> value;
    switch (n.fact) {
      case Fact::affected: value = f.affected; break;
      case Fact::damage: value = f.damage_jpy; break;
      case Fact::published: value = date_number(f.published); break;
      case Fact::discovered: value = date_number(f.discovered); break;
      case Fact::leak: return (v.name && f.leak == v.name) == (n.cmp == ast::CmpOp::eq);
      case Fact::outage: return f.outage;
      case Fact::reportable: return st_.reportable;
    }
    return value && compare(*value, n.cmp, v.number);
  }

  const Program& p_;
  const RunNode* nodes_;
  const NodeValue* values_;
  const std::uint32_t* children_;
  EvalState& st_;
  ScratchState& s_;
};

}  // namespace

bool evaluate(const Program& p, EvalState& st, std::vector<Hit>* evidence) {
  // A traced evaluation records every node it visits, so it never takes the shortcut.
  if (!st.trace) {
    const std::uint32_t* stamp = st.scratch.stamp.data();
    const std::uint32_t generation = st.scratch.generation;
    const std::uint32_t* r = p.pooled_needs;
    for (std::uint32_t k = *r++; k > 0; --k) {
      const std::uint32_t* const end = r + 1 + *r;
      bool met = false;
      for (++r; r != end && !met; ++r) met = stamp[*r] == generation;
      if (!met) return false;
      r = end;
    }
  }
  return Evaluator(p, st).run(evidence);
}

}  // namespace shiwake::engine::detail
