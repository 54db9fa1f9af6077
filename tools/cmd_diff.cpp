// `shiwake diff`: what a rule change changed. Two result files, or two rule packs (folders
// or a git revision's rules/) run over the same notices: every notice whose categories,
// tags or severity changed, with the rules that fired before and after, and a summary.
// Tests: tests/test_regression.cpp.
#include "engine/pipeline.hpp"
#include "engine/result_json.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

namespace shiwake::tools {

namespace {

std::vector<std::string> sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// Extracts REV:rules into a temporary folder with `git archive`; empty on failure.
std::string checkout_rules(const std::string& rev, const std::string& rules_path) {
  char tmpl[] = "/tmp/shiwake-rules-XXXXXX";
  if (!mkdtemp(tmpl)) return "";
  std::string dir = tmpl;
  std::string quoted_rev = "'" + rev + "'";
  if (rev.find('\'') != std::string::npos) return "";
  std::string cmd = "git archive --format=tar " + quoted_rev + " -- '" + rules_path + "' | tar -x -C '" + dir + "'";
  if (std::system(cmd.c_str()) != 0) return "";
  return dir + "/" + rules_path;
}

std::vector<std::string> fired_rules(const engine::Result& r) {
  std::vector<std::string> out;
  for (const auto& m : r.matches) out.push_back(m.rule);
  return out;
}

}  // namespace

int run_diff(int argc, char** argv) {
  po::options_description opts("options");
  std::string rules_old, rules_new, rev;
  unsigned threads = 0;
  opts.add_options()("help,h", "show this help")
      ("rules-old", po::value(&rules_old), "the rule pack before the change (a folder)")
      ("rules-new", po::value(&rules_new), "the rule pack after the change (default: ./rules)")
      ("rev", po::value(&rev), "take the old pack from this git revision's rules/ (e.g. HEAD, main~3)")
      ("fail-on-change", "exit 1 when any notice changed")
      ("threads,j", po::value(&threads)->default_value(0), "worker threads (0: all cores)");
  po::options_description hidden;
  po::positional_options_description pos;
  add_inputs(hidden, pos);
  po::variables_map vm;
  const char* usage =
      "shiwake diff OLD.jsonl NEW.jsonl\n"
      "       shiwake diff (--rules-old DIR | --rev REV) [--rules-new DIR] [INPUT...]\n\n"
      "Lists every notice whose categories, tags or severity changed, with the rules that fired\n"
      "before and after, then a summary. With two result files, notices are matched by id. With\n"
      "two rule packs, INPUT (default: corpus/notices.jsonl) is classified with both.\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;
  std::vector<std::string> inputs = inputs_of(vm);

  std::vector<engine::Result> before, after;
  if (!rules_old.empty() || !rev.empty()) {
    if (!rev.empty()) {
      rules_old = checkout_rules(rev, "rules");
      if (rules_old.empty()) {
        std::cerr << "shiwake diff: cannot read rules/ at revision '" << rev << "'\n";
        return 2;
      }
    }
    if (inputs.empty()) inputs.push_back("corpus/notices.jsonl");
    if (!classify_all("diff", rules_old, inputs, threads, before) || !classify_all("diff", rules_dir(rules_new), inputs, threads, after))
      return 2;
  } else {
    if (inputs.size() != 2) {
      std::cerr << "shiwake diff: give two result files, or --rules-old / --rev\n\nusage: " << usage;
      return 2;
    }
    if (!read_results("diff", inputs[0], before) || !read_results("diff", inputs[1], after)) return 2;
  }

  std::map<std::string, const engine::Result*> old_by_id;
  for (const auto& r : before) old_by_id[r.id] = &r;
  unsigned changed = 0, added = 0, same = 0;
  std::map<std::string, unsigned> gained, lost;
  std::set<std::string> seen;
  for (const auto& now : after) {
    seen.insert(now.id);
    auto it = old_by_id.find(now.id);
    if (it == old_by_id.end()) {
      ++added;
      std::cout << "new     " << now.id << " " << fit(now.title, 60) << "\n";
      continue;
    }
    const engine::Result& was = *it->second;
    if (sorted(was.categories) == sorted(now.categories) && sorted(was.tags) == sorted(now.tags) &&
        was.severity == now.severity) {
      ++same;
      continue;
    }
    ++changed;
    std::cout << "changed " << now.id << " " << fit(now.title, 60) << "\n"
              << "  categories " << join(was.categories, ",", "-") << " -> " << join(now.categories, ",", "-") << "\n"
              << "  tags       " << join(was.tags, ",", "-") << " -> " << join(now.tags, ",", "-") << "\n"
              << "  severity   " << was.severity << " -> " << now.severity << "\n";
    auto rb = sorted(fired_rules(was)), ra = sorted(fired_rules(now));
    std::vector<std::string> stopped, started;
    std::set_difference(rb.begin(), rb.end(), ra.begin(), ra.end(), std::back_inserter(stopped));
    std::set_difference(ra.begin(), ra.end(), rb.begin(), rb.end(), std::back_inserter(started));
    if (!stopped.empty()) std::cout << "  rules that no longer fire: " << join(stopped, ",", "-") << "\n";
    if (!started.empty()) std::cout << "  rules that now fire:       " << join(started, ",", "-") << "\n";
    for (const auto& c : now.categories)
      if (std::find(was.categories.begin(), was.categories.end(), c) == was.categories.end()) gained[c]++;
    for (const auto& c : was.categories)
      if (std::find(now.categories.begin(), now.categories.end(), c) == now.categories.end()) lost[c]++;
  }
  unsigned removed = 0;
  for (const auto& r : before)
    if (!seen.count(r.id)) {
      ++removed;
      std::cout << "gone    " << r.id << " " << fit(r.title, 60) << "\n";
    }
  std::cout << "summary: " << changed << " changed, " << same << " unchanged, " << added << " new, " << removed << " gone";
  for (const auto& [c, n] : gained) std::cout << "; +" << c << " " << n;
  for (const auto& [c, n] : lost) std::cout << "; -" << c << " " << n;
  std::cout << "\n";
  return (changed || added || removed) && vm.count("fail-on-change") ? 1 : 0;
}

}  // namespace shiwake::tools
