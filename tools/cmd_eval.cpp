// `shiwake eval --gold FILE [INPUT...]`: classify notices (or read --results) and score them
// against gold labels; a human table by default, --json for machines, --baseline to fail
// on any drop. Tests: tests/test_cli.cpp, tests/test_regression.cpp.
#include "engine/evaluation.hpp"
#include "engine/pipeline.hpp"
#include "engine/result_json.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace shiwake::tools {

namespace {

using Json = nlohmann::ordered_json;

std::string pct(double v) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << v;
  return o.str();
}

Json report_json(const engine::EvalReport& r) {
  Json j;
  Json m;
  for (const auto& [k, v] : engine::headline_metrics(r)) m[k] = v;
  j["metrics"] = m;
  j["counts"] = {{"results", r.results}, {"scored", r.scored}, {"gold", r.gold}};
  auto prf_table = [](const std::map<std::string, engine::Prf>& t) {
    Json o = Json::object();
    for (const auto& [k, p] : t)
      o[k] = {{"precision", p.precision()}, {"recall", p.recall()}, {"f1", p.f1()}, {"tp", p.tp}, {"fp", p.fp}, {"fn", p.fn}};
    return o;
  };
  j["categories"] = prf_table(r.categories);
  j["tags"] = prf_table(r.tags);
  Json conf = Json::array();
  for (const auto& [k, n] : r.confusion) conf.push_back({{"gold", k.first}, {"predicted", k.second}, {"notices", n}});
  j["confusion"] = conf;
  Json rules = Json::array();
  for (const auto& s : r.rules) {
    Json o = {{"rule", s.rule}, {s.is_tag ? "tag" : "category", s.label}, {"fired", s.fired},
              {"accuracy", s.fired ? double(s.correct) / s.fired : 0.0}};
    o["overlap"] = s.overlap;
    rules.push_back(o);
  }
  j["rules"] = rules;
  Json conflicts = Json::array();
  for (const auto& [id, what] : r.conflicts) conflicts.push_back({{"id", id}, {"conflict", what}});
  j["conflicts"] = conflicts;
  Json notices = Json::array();
  for (const auto& n : r.notices)
    notices.push_back({{"id", n.id}, {"title", n.title}, {"categories", n.categories}, {"tags", n.tags},
                       {"severity", n.severity}, {"exact", n.exact}});
  j["notices"] = notices;
  j["unlabelled"] = r.unlabelled;
  j["missing"] = r.missing;
  return j;
}

void print_prf(std::ostream& out, const char* what, const std::map<std::string, engine::Prf>& t) {
  out << "\n" << fit(what, 22) << "  prec  recall    f1   tp  fp  fn\n";
  for (const auto& [k, p] : t)
    out << fit(k, 22) << " " << pct(p.precision()) << "  " << pct(p.recall()) << "  " << pct(p.f1()) << std::setw(5)
        << p.tp << std::setw(4) << p.fp << std::setw(4) << p.fn << "\n";
}

// The labels given but not in the gold label, and those the gold label has that were
// not given, as sets (order does not matter); nothing when they agree.
void print_set_diff(std::ostream& out, const char* what, const std::vector<std::string>& given,
                    const std::vector<std::string>& gold) {
  std::vector<std::string> extra, missing;
  for (const auto& g : given)
    if (std::find(gold.begin(), gold.end(), g) == gold.end()) extra.push_back(g);
  for (const auto& g : gold)
    if (std::find(given.begin(), given.end(), g) == given.end()) missing.push_back(g);
  if (extra.empty() && missing.empty()) return;
  out << "      " << fit(what, 11) << " ";
  if (!missing.empty()) out << "missing " << join(missing, ",", "-");
  if (!extra.empty()) out << (missing.empty() ? "" : "; ") << "extra " << join(extra, ",", "-");
  out << "\n";
}

void print_report(std::ostream& out, const engine::EvalReport& r) {
  out << "scored " << r.scored << " of " << r.results << " results against " << r.gold << " gold labels\n\n";
  for (const auto& [k, v] : engine::headline_metrics(r)) out << "  " << fit(k, 26) << pct(v) << "\n";
  print_prf(out, "category", r.categories);
  print_prf(out, "tag", r.tags);
  if (!r.confusion.empty()) {
    out << "\nconfusion (gold category missed -> category given instead)\n";
    for (const auto& [k, n] : r.confusion) out << "  " << k.first << " -> " << k.second << "  " << n << "\n";
  }
  out << "\n" << fit("rule", 30) << " " << fit("gives", 22) << " fired  accuracy  overlaps most with\n";
  for (const auto& s : r.rules) {
    std::string top = "-";
    unsigned best = 0;
    for (const auto& [o, n] : s.overlap)
      if (n > best) best = n, top = o + " (" + std::to_string(n) + ")";
    out << fit(s.rule, 30) << " " << fit((s.is_tag ? "tag:" : "") + s.label, 22) << std::setw(6) << s.fired << "  "
        << pct(s.fired ? double(s.correct) / s.fired : 0) << "    " << top << "\n";
  }
  for (const auto& [id, what] : r.conflicts) out << "conflict: " << id << ": " << what << "\n";
  bool header = false;
  for (const auto& n : r.notices) {
    if (n.exact) continue;
    if (!header) out << "\nnotices not labelled exactly: what differs from the gold label\n";
    header = true;
    std::string line = "  " + fit(n.id, 14) + " " + fit_title(n.title, 80);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << line << "\n";
    if (n.severity != n.gold_severity) out << "      severity    " << n.severity << ", gold " << n.gold_severity << "\n";
    print_set_diff(out, "categories", n.categories, n.gold_categories);
    print_set_diff(out, "tags", n.tags, n.gold_tags);
  }
  for (const auto& t : r.unlabelled) out << "no gold label: " << t << "\n";
  for (const auto& t : r.missing) out << "gold label without a notice: " << t << "\n";
}

// Compares with a baseline written by `eval --json`: every headline metric must be at
// least as high, and the notices whose labels changed are named.
int compare_baseline(const std::string& path, const engine::EvalReport& r, std::ostream& out) {
  std::ifstream in(path);
  Json base = Json::parse(in, nullptr, false);
  if (!in || base.is_discarded() || !base.contains("metrics")) {
    std::cerr << "shiwake eval: cannot read the baseline " << path << " (write one with `shiwake eval --json`)\n";
    return 2;
  }
  int drops = 0;
  for (const auto& [k, v] : engine::headline_metrics(r)) {
    if (!base["metrics"].contains(k)) continue;
    double b = base["metrics"][k].get<double>();
    if (v + 1e-9 < b) {
      out << "REGRESSION " << k << ": " << pct(b) << " -> " << pct(v) << "\n";
      ++drops;
    } else if (v > b + 1e-9) {
      out << "improved   " << k << ": " << pct(b) << " -> " << pct(v) << "\n";
    }
  }
  std::map<std::string, Json> before;
  if (base.contains("notices"))
    for (const auto& n : base["notices"]) before[n.value("id", std::string())] = n;
  unsigned changed = 0;
  for (const auto& n : r.notices) {
    auto it = before.find(n.id);
    if (it == before.end()) continue;
    const Json& b = it->second;
    if (b.value("categories", std::vector<std::string>{}) != n.categories || b.value("tags", std::vector<std::string>{}) != n.tags ||
        b.value("severity", std::string()) != n.severity) {
      ++changed;
      out << "changed " << n.id << " " << fit_title(n.title, 50) << "\n    was " << join(b.value("categories", std::vector<std::string>{}), ",", "-")
          << " [" << join(b.value("tags", std::vector<std::string>{}), ",", "-") << "] " << b.value("severity", std::string())
          << "\n    now " << join(n.categories, ",", "-") << " [" << join(n.tags, ",", "-") << "] " << n.severity
          << (n.exact ? "  (now right)" : b.value("exact", false) ? "  (was right)" : "") << "\n";
    }
  }
  out << "baseline " << path << ": " << drops << " metric" << (drops == 1 ? "" : "s") << " dropped, " << changed
      << " notice" << (changed == 1 ? "" : "s") << " changed\n";
  return drops ? 1 : 0;
}

}  // namespace

int run_eval(int argc, char** argv) {
  po::options_description opts("options");
  std::string gold_path, rules, results_path, baseline;
  unsigned threads = 0;
  opts.add_options()("help,h", "show this help")
      ("gold,g", po::value(&gold_path)->required(), "gold labels (YAML, e.g. corpus/gold.yaml)")
      ("rules,r", po::value(&rules), "rule pack folder (default: $SHIWAKE_RULES, else ./rules)")
      ("results", po::value(&results_path), "score this results JSONL instead of classifying INPUT")
      ("json", "print the report as JSON (a baseline for --baseline)")
      ("baseline", po::value(&baseline), "fail (exit 1) when any headline metric drops below this `eval --json` report")
      ("threads,j", po::value(&threads)->default_value(0), "worker threads (0: all cores)");
  po::options_description hidden;
  po::positional_options_description pos;
  add_inputs(hidden, pos);
  po::variables_map vm;
  const char* usage =
      "shiwake eval --gold FILE [--rules DIR] [--json] [--baseline FILE] [INPUT... | --results FILE]\n\n"
      "Classifies INPUT (notices, as for classify) or reads --results and scores the results\n"
      "against the gold labels (matched by id, else by title): precision, recall and F1 per\n"
      "category and tag, micro and macro; severity exact and within one level; confusion\n"
      "between categories; per rule coverage, overlap, conflicts and accuracy; facts.\n"
      "Refuses to pass (exit 2) when no result or no gold label was read.\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;

  engine::GoldSet gold = engine::load_gold(gold_path);
  print_diagnostics(gold.diagnostics, std::cerr);
  if (gold.labels.empty()) {
    std::cerr << "shiwake eval: no gold labels read from " << gold_path << "; refusing to score\n";
    return 2;
  }
  std::vector<engine::Result> results;
  if (!results_path.empty()) {
    if (!read_results("eval", results_path, results)) return 2;
  } else {
    if (!classify_all("eval", rules_dir(rules), inputs_of(vm, {"-"}), threads, results)) return 2;
  }
  if (results.empty()) {
    std::cerr << "shiwake eval: no results to score; refusing to pass\n";
    return 2;
  }
  engine::EvalReport report = engine::evaluate_against_gold(results, gold.labels);
  if (report.scored == 0) {
    std::cerr << "shiwake eval: none of the " << results.size() << " results has a gold label; refusing to pass\n";
    return 2;
  }
  if (vm.count("json")) std::cout << report_json(report).dump(2, ' ', false, Json::error_handler_t::replace) << "\n";
  else if (baseline.empty()) print_report(std::cout, report);
  if (!baseline.empty()) return compare_baseline(baseline, report, vm.count("json") ? std::cerr : std::cout);
  return 0;
}

}  // namespace shiwake::tools
