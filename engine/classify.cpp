// Classifies one notice: scan, lexicon (data types, leak, outage), text facts (counts and
// dates), rules in dependency order, damage and reportability, then the severity policy.
// Entry point: Classifier::classify. Tests: tests/test_classify.cpp.
#include "engine/compiled.hpp"
#include "engine/facts.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace shiwake::engine {

std::string to_iso(const grammar::ast::Date& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

namespace {

using detail::EvalState;
using detail::Hit;
using detail::Program;

std::vector<Trace::Node>* trace_slot(Trace* trace, std::size_t index, const Program& p) {
  if (!trace) return nullptr;
  if (trace->conditions.size() <= index) trace->conditions.resize(index + 1);
  auto& slot = trace->conditions[index];
  slot.assign(p.nodes.size(), Trace::Node{});
  static const char* const kKinds[] = {"constant", "term", "rule", "fact", "call", "not", "and", "or",
                                       "at_least", "count", "near", "before", "sentence", "paragraph"};
  for (std::size_t i = 0; i < p.nodes.size(); ++i) {
    slot[i].ast = p.nodes[i].source;
    slot[i].kind = kKinds[static_cast<int>(p.nodes[i].op)];
    for (std::uint32_t k = 0; k < p.nodes[i].count; ++k) slot[p.children[p.nodes[i].first + k]].parent = static_cast<int>(i);
  }
  return &slot;
}

// The facts a severity entry looked at, by name, for `why`.
std::vector<std::string> facts_used(const Program& p, const Pack& pack, const detail::CompiledPack& cp) {
  static const char* const kNames[] = {"affected", "damage", "published", "discovered", "leak", "outage", "reportable"};
  std::set<std::string> names;
  for (const auto& n : p.nodes) {
    if (n.op == detail::Op::fact) names.insert(kNames[static_cast<int>(n.fact)]);
    if (n.op == detail::Op::call) {
      if (n.call == detail::CallKind::has) names.insert("has(" + pack.data_types[n.index].id + ")");
      else names.insert((n.call == detail::CallKind::tag ? "tag(" : "category(") + cp.labels[n.index].id + ")");
    }
    if (n.op == detail::Op::rule_ref) names.insert("@" + pack.rules[n.index].id);
  }
  return {names.begin(), names.end()};
}

}  // namespace

namespace detail {

void prepare_severity_why(CompiledPack& cp) {
  cp.severity_why.clear();
  for (std::size_t i = 0; i < cp.severity.size(); ++i) {
    const SeverityDef& def = cp.pack->severity[i];
    SeverityWhy& why = cp.severity_why.emplace_back();
    why.level = def.level;
    why.condition = def.when.text;
    const Diagnostic at = def.when.where.whole("");
    why.where = at.file + ":" + std::to_string(at.line);
    why.why = def.why;
    why.facts_used = facts_used(cp.severity[i], *cp.pack, cp);
  }
}

}  // namespace detail

namespace {

// Why a notice past one of its bounds (NoticeBounds) is not classified.
std::string refusal_message(detail::Refusal why, const NoticeBounds& b) {
  switch (why) {
    case detail::Refusal::none: break;
    case detail::Refusal::matches:
      return "not classified: the pack's terms match " + std::to_string(b.matches) +
             " times or more in this notice (the per-notice bound of matches)";
    case detail::Refusal::hits:
      return "not classified: the matches in this notice, filed under every list that holds their term, pass " +
             std::to_string(b.hits) + " hits (the per-notice bound of hits)";
    case detail::Refusal::evidence:
      return "not classified: the rules' evidence in this notice passes the per-notice bound of evidence (" +
             std::to_string(b.evidence_spans) + " spans plus " + std::to_string(b.evidence_spans_per_kib) +
             " per KiB of the notice, and " + std::to_string(b.evidence_bytes) + " bytes of spans plus " +
             std::to_string(b.evidence_bytes_per_byte) + " per byte; a condition may gather " + std::to_string(b.hits) +
             " spans at once)";
    case detail::Refusal::steps:
      return "not classified: evaluating the rules would take more than " + std::to_string(b.evaluation_steps) +
             " steps in this notice (the per-notice bound of evaluation steps: a hit looked at, or 64 bytes "
             "counted for near())";
  }
  return {};
}

// Adds a rule's evidence to the notice's; false when it passes the notice's bound.
bool keep_evidence(const detail::CompiledPack& cp, detail::ScratchState& s, const std::vector<Hit>& hits) {
  const NoticeBounds& b = cp.bounds;
  const std::size_t notice_bytes = s.buffer.size();
  s.evidence_spans += hits.size();
  for (const Hit& h : hits) s.evidence_bytes += h.end - h.start;
  return s.evidence_spans <= b.evidence_spans + notice_bytes / 1024 * b.evidence_spans_per_kib &&
         s.evidence_bytes <= b.evidence_bytes + notice_bytes * b.evidence_bytes_per_byte;
}

Result refused(const detail::CompiledPack& cp, const Notice& notice, detail::Refusal why) {
  Result r;
  r.id = notice.id;
  r.title = notice.title;
  r.error = refusal_message(why, cp.bounds);
  return r;
}

// Everything after the scan: the notice's hits are in `s`.
Result classify_scanned(const detail::CompiledPack& cp, detail::ScratchState& s, const Notice& notice, Trace* trace) {
  if (s.refused != detail::Refusal::none) return refused(cp, notice, s.refused);
  const Pack& pack = *cp.pack;
  Result r;
  r.id = notice.id;
  r.title = notice.title;

  // Trace slots: rules first, then data types, leak, outage, reportable, severity.
  const std::size_t data_type_slot = pack.rules.size(), leak_slot = data_type_slot + cp.data_types.size(),
                    outage_slot = leak_slot + cp.leak.size(), reportable_slot = outage_slot + 1,
                    severity_slot = reportable_slot + 1;
  EvalState st{cp, s};
  st.steps_bound = trace ? 4 * cp.bounds.evaluation_steps : cp.bounds.evaluation_steps;
  auto run = [&](const Program& p, std::size_t slot) {
    st.trace = trace_slot(trace, slot, p);
    return detail::evaluate(p, st, nullptr);
  };
  // Each span once, in the order the evaluation gave them. Most evidence is a few spans,
  // compared pairwise; a count over a common term can give thousands, which go through a set.
  auto to_evidence = [&](const std::vector<Hit>& hits) {
    constexpr std::size_t kPairwise = 16;
    std::vector<Evidence> out;
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
    for (auto h = hits.begin(); h != hits.end(); ++h) {
      const bool first = hits.size() <= kPairwise
                             ? std::none_of(hits.begin(), h, [&](const Hit& e) { return e.start == h->start && e.end == h->end; })
                             : seen.insert({h->start, h->end}).second;
      if (first) out.push_back(detail::to_evidence(s, *h, notice.title, notice.text));
    }
    return out;
  };

  // Lexicon: it sees only the text.
  // The text a lexicon fact came from, only when explaining.
  auto fact_evidence = [&](const std::string& fact, const Program& p) {
    if (!trace) return;
    std::vector<Hit> hits;
    st.trace = nullptr;
    const std::uint64_t steps = s.steps;  // what classify does not do is not counted
    detail::evaluate(p, st, &hits);
    s.steps = steps;
    auto& into = r.facts.evidence[fact];
    for (auto& e : to_evidence(hits)) into.push_back(std::move(e));
  };
  std::vector<std::uint8_t>& data_type_held = s.data_type_held;
  data_type_held.assign(cp.data_types.size(), 0);
  for (std::size_t i = 0; i < cp.data_types.size(); ++i)
    if ((data_type_held[i] = run(cp.data_types[i], data_type_slot + i))) {
      r.facts.data_types.push_back(pack.data_types[i].id);
      fact_evidence("data type " + pack.data_types[i].id, cp.data_types[i]);
    }
  for (std::size_t i = 0; i < cp.leak.size(); ++i)
    if (run(cp.leak[i], leak_slot + i)) {
      r.facts.leak = pack.leak[i].status;
      fact_evidence("leak " + pack.leak[i].status, cp.leak[i]);
      break;
    }
  if (cp.outage && (r.facts.outage = run(*cp.outage, outage_slot))) fact_evidence("outage", *cp.outage);
  detail::read_text_facts(cp, s, notice, r.facts);

  // Damage by the JNSA model needs the data types and the count only.
  std::vector<const DataTypeDef*> exposed;
  for (std::size_t i = 0; i < data_type_held.size(); ++i)
    if (data_type_held[i]) exposed.push_back(&pack.data_types[i]);
  r.facts.damage_jpy = detail::jnsa_damage(exposed, r.facts.affected);

  // Rules, each after those it refers to.
  std::vector<std::int8_t>& fired = s.rule_fired;
  fired.assign(pack.rules.size(), -1);
  std::vector<std::uint8_t>& label_fired = s.label_fired;
  label_fired.assign(cp.labels.size(), 0);
  st.facts = &r.facts;
  st.rule_fired = &fired;
  st.label_fired = &label_fired;
  st.data_type_held = &data_type_held;
  // Without a trace, one evaluation gives the verdict and the evidence together; a traced
  // evaluation is repeated without its trace for the evidence (the trace would record it).
  std::vector<std::vector<Hit>>& rule_hits = s.rule_hits;
  rule_hits.resize(pack.rules.size());
  for (auto& hits : rule_hits) {
    if (hits.capacity() > detail::kKeepCapacity) hits = {};
    hits.clear();
  }
  for (std::uint32_t i : cp.rule_order) {
    if (trace) {
      if ((fired[i] = run(cp.rules[i].program, i) ? 1 : 0)) {
        st.trace = nullptr;
        const std::uint64_t steps = s.steps;  // the same evaluation again: counted once
        detail::evaluate(cp.rules[i].program, st, &rule_hits[i]);
        s.steps = steps;
      }
    } else {
      st.trace = nullptr;
      fired[i] = detail::evaluate(cp.rules[i].program, st, &rule_hits[i]) ? 1 : 0;
    }
    if (fired[i]) label_fired[cp.rules[i].label] = 1;
    if (!keep_evidence(cp, s, rule_hits[i]) && s.refused == detail::Refusal::none) s.refused = detail::Refusal::evidence;
    if (s.refused != detail::Refusal::none) return refused(cp, notice, s.refused);
  }
  // Each label once, in the order of the first rule that gave it.
  std::vector<std::uint8_t>& label_given = s.label_given;
  label_given.assign(cp.labels.size(), 0);
  for (std::size_t i = 0; i < pack.rules.size(); ++i) {
    if (fired[i] != 1) continue;
    const Rule& rule = pack.rules[i];
    r.matches.push_back(RuleMatch{rule.id, rule.kind == LabelKind::tag, rule.label, to_evidence(rule_hits[i])});
    if (!std::exchange(label_given[cp.rules[i].label], 1))
      (rule.kind == LabelKind::tag ? r.tags : r.categories).push_back(rule.label);
  }

  if (cp.reportable) r.reportable = run(*cp.reportable, reportable_slot);
  st.reportable = r.reportable;
  for (std::size_t i = 0; i < cp.severity.size(); ++i) {
    if (!run(cp.severity[i], severity_slot + i)) continue;
    r.severity = pack.severity[i].level;
    r.why = cp.severity_why[i];
    break;
  }
  // The lexicon's, reportable's and severity's conditions can pass the bound of steps too.
  if (s.refused != detail::Refusal::none) return refused(cp, notice, s.refused);
  return r;
}

}  // namespace

Result Classifier::classify(const Notice& notice, Scratch& scratch, Trace* trace) const {
  detail::scan_notice(*impl_, *scratch.state_, notice.title, notice.text);
  return classify_scanned(*impl_, *scratch.state_, notice, trace);
}

void Classifier::classify_each(const Notice* const* notices, std::size_t n, Result* results, Scratch& scratch) const {
  detail::ScratchState& s = *scratch.state_;
  if (s.prescans.size() < n) s.prescans.resize(n);
  for (std::size_t k = 0; k < n; ++k) detail::prepare(s.prescans[k], notices[k]->title, notices[k]->text);
  // Notices are scanned ahead while their matches together stay under kAheadMatches (so a
  // few huge notices do not hold theirs all at once), then filed and evaluated; a huge
  // notice's matches are let go as soon as it is done.
  constexpr std::size_t kAheadMatches = std::size_t(1) << 22;
  for (std::size_t scanned = 0, done = 0; done < n;) {
    for (std::size_t held = 0; scanned < n && (scanned == done || held < kAheadMatches); ++scanned) {
      detail::scan(*impl_, s, s.prescans[scanned]);
      held += s.prescans[scanned].matches.size();
    }
    for (; done < scanned; ++done) {
      detail::load(*impl_, s, s.prescans[done]);
      results[done] = classify_scanned(*impl_, s, *notices[done], nullptr);
      if (s.prescans[done].matches.capacity() > detail::kKeepCapacity) s.prescans[done].matches = {};
    }
  }
  // A run of huge notices would leave every slot holding their buffers: only slots of
  // ordinary size are kept for their capacity.
  constexpr std::size_t kKeepBytes = 1 << 20;
  for (detail::Prescan& p : s.prescans)
    if (p.buffer.capacity() > kKeepBytes || p.title.text().capacity() > kKeepBytes || p.body.text().capacity() > kKeepBytes)
      p = detail::Prescan{};
}

}  // namespace shiwake::engine
