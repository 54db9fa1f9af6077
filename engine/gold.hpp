// Gold labels (corpus/gold.yaml, the format of the seed labels): per notice, keyed by its
// title line, the categories, tags, severity, reportable and facts an expert gave it.
// Entry point: load_gold. Tests: tests/test_evaluation.cpp.
#pragma once

#include "engine/result.hpp"
#include "grammar/diagnostic.hpp"

#include <optional>
#include <string>
#include <vector>

namespace shiwake::engine {

struct GoldLabel {
  std::string title;
  std::string id;  // optional in the file; notices are matched by id, else by title
  std::vector<std::string> categories, tags;
  std::string severity;
  std::optional<bool> reportable;
  Facts facts;
  bool has_affected_key = false;
  unsigned line = 0;
};

struct GoldSet {
  std::vector<GoldLabel> labels;
  std::vector<Diagnostic> diagnostics;
};

GoldSet load_gold(const std::string& path);

}  // namespace shiwake::engine
