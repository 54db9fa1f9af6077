// Scoring results against gold labels. Entry point: evaluate_against_gold.
// Tests: tests/test_evaluation.cpp.
#include "engine/evaluation.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace shiwake::engine {

namespace {

int severity_rank(const std::string& s) {
  static const char* const kLevels[] = {"informational", "low", "medium", "high", "critical"};
  for (int i = 0; i < 5; ++i)
    if (s == kLevels[i]) return i;
  return -10;
}

void score_sets(const std::vector<std::string>& predicted, const std::vector<std::string>& gold,
                std::map<std::string, Prf>& per, Prf& micro) {
  std::set<std::string> p(predicted.begin(), predicted.end()), g(gold.begin(), gold.end());
  for (const auto& x : p) {
    bool hit = g.count(x) > 0;
    (hit ? per[x].tp : per[x].fp)++;
    (hit ? micro.tp : micro.fp)++;
  }
  for (const auto& x : g)
    if (!p.count(x)) {
      per[x].fn++;
      micro.fn++;
    }
}

double macro(const std::map<std::string, Prf>& per) {
  double sum = 0;
  unsigned n = 0;
  for (const auto& [label, prf] : per)
    if (prf.tp + prf.fn > 0) {  // occurs in gold
      sum += prf.f1();
      ++n;
    }
  return n ? sum / n : 0;
}

bool same_date(const std::optional<grammar::ast::Date>& a, const std::optional<grammar::ast::Date>& b) {
  if (!a || !b) return !a && !b;
  return a->year == b->year && a->month == b->month && a->day == b->day;
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  return s.substr(i);
}

}  // namespace

EvalReport evaluate_against_gold(const std::vector<Result>& results, const std::vector<GoldLabel>& gold) {
  EvalReport r;
  r.results = static_cast<unsigned>(results.size());
  r.gold = static_cast<unsigned>(gold.size());
  std::map<std::string, const GoldLabel*> by_id, by_title;
  for (const auto& g : gold) {
    if (!g.id.empty()) by_id[g.id] = &g;
    by_title[trimmed(g.title)] = &g;
  }
  std::set<const GoldLabel*> used;
  std::map<std::string, RuleStats> rules;
  for (const Result& res : results) {
    const GoldLabel* g = nullptr;
    if (auto it = by_id.find(res.id); it != by_id.end()) g = it->second;
    else if (auto it2 = by_title.find(trimmed(res.title)); it2 != by_title.end()) g = it2->second;
    if (!g) {
      r.unlabelled.push_back(res.title);
      continue;
    }
    used.insert(g);
    ++r.scored;
    score_sets(res.categories, g->categories, r.categories, r.category_micro);
    score_sets(res.tags, g->tags, r.tags, r.tag_micro);
    int ps = severity_rank(res.severity), gs = severity_rank(g->severity);
    r.severity_exact += ps == gs;
    r.severity_within_one += std::abs(ps - gs) <= 1;
    for (const auto& missed : g->categories)
      if (std::find(res.categories.begin(), res.categories.end(), missed) == res.categories.end())
        for (const auto& instead : res.categories)
          if (std::find(g->categories.begin(), g->categories.end(), instead) == g->categories.end())
            r.confusion[{missed, instead}]++;
    // Rules: coverage, accuracy, overlap.
    for (const auto& m : res.matches) {
      RuleStats& s = rules[m.rule];
      s.rule = m.rule;
      s.label = m.label;
      s.is_tag = m.is_tag;
      ++s.fired;
      const auto& labels = m.is_tag ? g->tags : g->categories;
      s.correct += std::find(labels.begin(), labels.end(), m.label) != labels.end();
      for (const auto& other : res.matches)
        if (other.rule != m.rule) s.overlap[other.rule]++;
    }
    bool not_incident = std::find(res.categories.begin(), res.categories.end(), "not-incident") != res.categories.end();
    if (not_incident && res.categories.size() > 1)
      r.conflicts.push_back({res.id, "not-incident together with incident categories"});
    // Facts.
    if (g->facts.affected) {
      ++r.affected_gold;
      r.affected_exact += res.facts.affected && std::fabs(*res.facts.affected - *g->facts.affected) < 0.5;
    }
    r.published_exact += same_date(res.facts.published, g->facts.published);
    if (g->facts.published) {
      ++r.published_gold;
      r.published_gold_exact += same_date(res.facts.published, g->facts.published);
    }
    std::map<std::string, Prf> unused;
    score_sets(res.facts.data_types, g->facts.data_types, unused, r.data_types);
    r.leak_exact += res.facts.leak == g->facts.leak;
    r.reportable_exact += g->reportable && res.reportable == *g->reportable;

    NoticeScore ns;
    ns.id = res.id;
    ns.title = res.title;
    ns.categories = res.categories;
    ns.tags = res.tags;
    ns.gold_categories = g->categories;
    ns.gold_tags = g->tags;
    ns.severity = res.severity;
    ns.gold_severity = g->severity;
    auto same = [](std::vector<std::string> a, std::vector<std::string> b) {
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      return a == b;
    };
    ns.exact = same(ns.categories, ns.gold_categories) && same(ns.tags, ns.gold_tags) && ps == gs;
    r.notices.push_back(std::move(ns));
  }
  for (const auto& g : gold)
    if (!used.count(&g)) r.missing.push_back(g.title);
  r.category_macro = macro(r.categories);
  r.tag_macro = macro(r.tags);
  for (auto& [id, s] : rules) r.rules.push_back(std::move(s));
  return r;
}

std::map<std::string, double> headline_metrics(const EvalReport& r) {
  auto share = [&](unsigned n, unsigned of) { return of ? double(n) / of : 0.0; };
  return {
      {"category_micro_f1", r.category_micro.f1()},
      {"category_macro_f1", r.category_macro},
      {"tag_micro_f1", r.tag_micro.f1()},
      {"tag_macro_f1", r.tag_macro},
      {"severity_exact", r.severity_exact_share()},
      {"severity_within_one", r.severity_within_one_share()},
      {"not_incident_precision", r.categories.count("not-incident") ? r.categories.at("not-incident").precision() : 1.0},
      {"not_incident_recall", r.categories.count("not-incident") ? r.categories.at("not-incident").recall() : 1.0},
      {"affected_exact", share(r.affected_exact, r.affected_gold)},
      {"published_exact", share(r.published_exact, r.scored)},
      {"data_types_micro_f1", r.data_types.f1()},
      {"leak_exact", share(r.leak_exact, r.scored)},
  };
}

}  // namespace shiwake::engine
