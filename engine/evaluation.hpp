// Scoring results against gold labels: precision / recall / F1 per category and tag,
// micro and macro; severity exact and within one level; confusion between categories;
// per rule coverage, overlap, conflicts and accuracy; fact accuracy. Entry point:
// evaluate_against_gold. Used by `shiwake eval`. Tests: tests/test_evaluation.cpp.
#pragma once

#include "engine/gold.hpp"
#include "engine/result.hpp"

#include <map>
#include <string>
#include <vector>

namespace shiwake::engine {

struct Prf {
  unsigned tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? double(tp) / (tp + fp) : (fn ? 0.0 : 1.0); }
  double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};

struct RuleStats {
  std::string rule, label;
  bool is_tag = false;
  unsigned fired = 0;    // notices it fired on (coverage)
  unsigned correct = 0;  // of those, notices whose gold has its label
  std::map<std::string, unsigned> overlap;  // other rule -> notices both fired on
};

struct NoticeScore {
  std::string id, title;
  std::vector<std::string> categories, tags, gold_categories, gold_tags;
  std::string severity, gold_severity;
  bool exact = false;  // categories, tags and severity all right
};

struct EvalReport {
  unsigned results = 0;       // result records read
  unsigned scored = 0;        // of those, with a gold label
  unsigned gold = 0;          // gold labels
  std::vector<std::string> unlabelled;  // result titles without gold
  std::vector<std::string> missing;     // gold titles without a result
  std::map<std::string, Prf> categories, tags;
  Prf category_micro, tag_micro;
  double category_macro = 0, tag_macro = 0;  // over labels that occur in gold
  unsigned severity_exact = 0, severity_within_one = 0;
  std::map<std::pair<std::string, std::string>, unsigned> confusion;  // (gold missed, predicted instead)
  std::vector<RuleStats> rules;
  std::vector<std::pair<std::string, std::string>> conflicts;  // (notice id, description)
  // Facts.
  unsigned affected_gold = 0, affected_exact = 0;   // notices where gold has a count
  unsigned published_exact = 0;                     // over all scored notices, null == null
  unsigned published_gold = 0, published_gold_exact = 0;
  Prf data_types;
  unsigned leak_exact = 0;
  unsigned reportable_exact = 0;
  std::vector<NoticeScore> notices;

  double severity_exact_share() const { return scored ? double(severity_exact) / scored : 0; }
  double severity_within_one_share() const { return scored ? double(severity_within_one) / scored : 0; }
};

EvalReport evaluate_against_gold(const std::vector<Result>& results, const std::vector<GoldLabel>& gold);

// The headline figures by name, for baselines: higher is better for every one of them.
std::map<std::string, double> headline_metrics(const EvalReport& r);

}  // namespace shiwake::engine
