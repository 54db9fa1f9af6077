// `shiwake check [DIR]`: loads, compiles and lints a rule pack and prints every error and
// warning with file:line:col and a caret, then a summary line. Exit 0 clean, 1 warnings
// with --strict, 2 errors. Tests: tests/test_check.cpp (golden outputs in tests/data/check/).
#include "engine/lint.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <algorithm>
#include <iostream>
#include <tuple>

namespace shiwake::tools {

namespace {

// Diagnostics in file and line order; a note stays right after the diagnostic it explains.
std::vector<Diagnostic> in_source_order(std::vector<Diagnostic> ds) {
  std::vector<std::vector<Diagnostic>> groups;
  for (auto& d : ds) {
    if (d.level == Level::note && !groups.empty()) groups.back().push_back(std::move(d));
    else groups.push_back({std::move(d)});
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
    return std::tie(a[0].file, a[0].line, a[0].column) < std::tie(b[0].file, b[0].line, b[0].column);
  });
  std::vector<Diagnostic> out;
  for (auto& g : groups)
    for (auto& d : g) out.push_back(std::move(d));
  return out;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

int run_check(int argc, char** argv) {
  po::options_description opts("options");
  std::string dir;
  opts.add_options()("help,h", "show this help")("strict", "exit 1 when there are warnings")(
      "quiet,q", "print errors only, not warnings");
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&dir), "");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const char* usage =
      "shiwake check [--strict] [--quiet] [DIR]\n\n"
      "Loads, compiles and lints the rule pack DIR (default: $SHIWAKE_RULES, else ./rules) and\n"
      "prints every problem with file:line:col. Errors: YAML and DSL syntax, unknown lists, rules,\n"
      "facts and data types, cycles between @rules, duplicate ids, regexes Vectorscan rejects.\n"
      "Warnings: terms that normalization rewrites or makes duplicate, regexes that can never match\n"
      "the normalized text, rules without tests, unused lists, conditions that can never hold.\n"
      "Exit 0 clean (warnings allowed), 1 warnings with --strict, 2 errors.\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;
  dir = rules_dir(dir);

  engine::LoadedPack loaded = engine::load_pack(dir);
  std::vector<Diagnostic> diags = std::move(loaded.diagnostics);
  std::size_t const rules = loaded.pack.rules.size(), lists = loaded.pack.lists.size();
  // Lint and compile what loaded even when other parts did not: a syntax error in one
  // rule must not hide an unknown list in the next.
  std::vector<Diagnostic> lint = engine::lint_pack(loaded.pack);
  auto classifier = engine::Classifier::compile(std::move(loaded.pack), diags);
  diags.insert(diags.end(), std::make_move_iterator(lint.begin()), std::make_move_iterator(lint.end()));
  diags = in_source_order(std::move(diags));

  std::size_t errors = 0, warnings = 0;
  for (const auto& d : diags) {
    errors += d.level == Level::error;
    warnings += d.level == Level::warning;
  }
  bool const quiet = vm.count("quiet") > 0;
  bool shown = false;  // whether the last error or warning was printed, for its notes
  for (const auto& d : diags) {
    if (d.level != Level::note) shown = d.is_error() || !quiet;
    if (shown) std::cerr << format(d);
  }
  std::cerr.flush();
  std::cout << dir << ": " << plural(rules, "rule") << ", " << plural(lists, "list");
  if (classifier && !errors) std::cout << ", " << plural(classifier->pattern_count(), "pattern");
  std::cout << "; " << plural(errors, "error") << ", " << plural(warnings, "warning")
            << (quiet && warnings ? " (not shown)" : "") << "\n";
  if (errors) return 2;
  return warnings && vm.count("strict") ? 1 : 0;
}

}  // namespace shiwake::tools
