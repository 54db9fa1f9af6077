// Reads gold labels from YAML, each problem a diagnostic with its line. Entry point:
// load_gold. Tests: tests/test_evaluation.cpp.
#include "engine/gold.hpp"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>

namespace shiwake::engine {

namespace {

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (const auto& x : n)
      if (x.IsScalar()) out.push_back(x.Scalar());
  return out;
}

std::optional<grammar::ast::Date> date(const YAML::Node& n) {
  if (!n || !n.IsScalar() || n.Scalar().empty() || n.Scalar() == "null" || n.Scalar() == "~") return std::nullopt;
  grammar::ast::Date d;
  if (std::sscanf(n.Scalar().c_str(), "%d-%d-%d", &d.year, &d.month, &d.day) != 3) return std::nullopt;
  return d;
}

}  // namespace

GoldSet load_gold(const std::string& path) {
  GoldSet out;
  auto diag = [&](unsigned line, std::string message) {
    Diagnostic d;
    d.file = path;
    d.line = line;
    d.column = line ? 1 : 0;
    d.message = std::move(message);
    out.diagnostics.push_back(std::move(d));
  };
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    diag(0, "cannot read the gold file");
    return out;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  YAML::Node root;
  try {
    root = YAML::Load(buf.str());
  } catch (const YAML::Exception& e) {
    diag(e.mark.line + 1, "invalid YAML: " + e.msg);
    return out;
  }
  if (root.IsMap() && root["notices"]) root = root["notices"];
  if (!root.IsSequence()) {
    diag(1, "gold labels are a list of notices with title, categories, tags, severity and facts");
    return out;
  }
  for (const auto& n : root) {
    unsigned line = n.Mark().line + 1;
    if (!n.IsMap() || !n["title"] || !n["title"].IsScalar()) {
      diag(line, "a gold label needs a title");
      continue;
    }
    GoldLabel g;
    g.line = line;
    g.title = n["title"].Scalar();
    if (n["id"] && n["id"].IsScalar()) g.id = n["id"].Scalar();
    g.categories = strings(n["categories"]);
    g.tags = strings(n["tags"]);
    if (n["severity"] && n["severity"].IsScalar()) g.severity = n["severity"].Scalar();
    if (n["reportable"] && n["reportable"].IsScalar()) g.reportable = n["reportable"].as<bool>(false);
    if (const YAML::Node f = n["facts"]; f && f.IsMap()) {
      if (f["affected"]) {
        g.has_affected_key = true;
        if (f["affected"].IsScalar() && f["affected"].Scalar() != "null" && f["affected"].Scalar() != "~") {
          try {
            g.facts.affected = f["affected"].as<double>();
          } catch (const YAML::Exception&) {
            diag(f["affected"].Mark().line + 1, "affected must be a number or null");
          }
        }
      }
      g.facts.data_types = strings(f["data_types"]);
      if (f["leak"] && f["leak"].IsScalar()) g.facts.leak = f["leak"].Scalar();
      g.facts.published = date(f["published"]);
      g.facts.discovered = date(f["discovered"]);
      if (f["outage"] && f["outage"].IsScalar()) g.facts.outage = f["outage"].as<bool>(false);
    }
    if (g.categories.empty()) diag(line, "gold label '" + g.title + "' has no categories");
    out.labels.push_back(std::move(g));
  }
  return out;
}

}  // namespace shiwake::engine
