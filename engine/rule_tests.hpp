// Running the `tests:` examples of every rule of a pack, each also in variants that must
// not change the verdict (full-width / half-width, spaces between CJK characters, a line
// break inside a sentence), so normalization regressions surface with the rules.
// Entry point: run_rule_tests. Used by `shiwake test`. Tests: tests/test_rule_tests.cpp.
#pragma once

#include "engine/shiwake.hpp"

#include <string>
#include <vector>

namespace shiwake::engine {

struct ExampleFailure {
  const Rule* rule = nullptr;
  const Example* example = nullptr;
  bool expected_match = false;  // from match: (a FN when it failed) or no_match: (a FP)
  std::string variant;          // empty for the example as written
  std::string variant_text;     // the text that was classified, for variants
  // The rule's top-level sub-expressions with whether each held: "✓ $leak_words"; or why
  // the example was not classified (Result::error).
  std::vector<std::string> decided;
};

struct RuleTally {
  const Rule* rule = nullptr;
  unsigned tp = 0, fp = 0, fn = 0, tn = 0;
  unsigned variant_failures = 0;
};

struct RuleTestReport {
  std::vector<RuleTally> rules;  // pack order
  std::vector<ExampleFailure> failures;
  unsigned examples = 0, variants = 0;
  bool ok() const { return failures.empty(); }
};

// The variants of an example text: (name, text) pairs, only those that differ from it.
std::vector<std::pair<std::string, std::string>> example_variants(const std::string& text);

RuleTestReport run_rule_tests(const Classifier& classifier);

}  // namespace shiwake::engine
