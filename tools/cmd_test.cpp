// `shiwake test [DIR]`: runs every rule's tests: examples and their normalization variants;
// per rule TP / FP / FN, every failing example with the sub-expressions that decided.
// Exit 0 all pass, 1 failures, 2 the pack does not load. Tests: tests/test_cli.cpp.
#include "engine/rule_tests.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <iostream>

namespace shiwake::tools {

int run_test(int argc, char** argv) {
  po::options_description opts("options");
  std::string dir;
  opts.add_options()("help,h", "show this help")("verbose,v", "list every rule, not only failing ones");
  po::options_description hidden;
  hidden.add_options()("dir", po::value(&dir), "");
  po::positional_options_description pos;
  pos.add("dir", 1);
  po::variables_map vm;
  const char* usage =
      "shiwake test [DIR]\n\n"
      "Runs the tests: examples of every rule in the pack DIR (default: $SHIWAKE_RULES, else\n"
      "./rules). A match: example must fire the rule, a no_match: example must not. Each passing\n"
      "example is run again full-width, half-width, with spaces between CJK characters and with\n"
      "a line break inside a sentence: the verdict must not change.\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;
  dir = rules_dir(dir);
  auto classifier = load_classifier(dir);
  if (!classifier) return 2;
  engine::RuleTestReport report = engine::run_rule_tests(*classifier);

  for (const auto& f : report.failures) {
    Diagnostic at = f.example->where.whole("");
    std::cout << at.file << ":" << at.line << ": " << f.rule->id << ": "
              << (f.expected_match ? "FN (should match, did not)" : "FP (should not match, did)");
    if (!f.variant.empty()) std::cout << " in the variant with " << f.variant;
    std::cout << "\n    " << (f.example->title.empty() ? "" : "[" + f.example->title + "] ")
              << (f.variant.empty() ? f.example->text : f.variant_text) << "\n";
    for (const auto& d : f.decided) std::cout << "      " << d << "\n";
  }
  unsigned tp = 0, fp = 0, fn = 0, tn = 0, untested = 0;
  for (const auto& t : report.rules) {
    tp += t.tp, fp += t.fp, fn += t.fn, tn += t.tn;
    bool bad = t.fp || t.fn || t.variant_failures;
    if (t.tp + t.tn + t.fp + t.fn == 0) ++untested;
    if (bad || vm.count("verbose"))
      std::cout << (bad ? "FAIL " : "ok   ") << t.rule->id << "  TP " << t.tp << "  FP " << t.fp << "  FN " << t.fn
                << "  TN " << t.tn << (t.variant_failures ? "  variants failing " + std::to_string(t.variant_failures) : "")
                << "\n";
  }
  std::cout << report.rules.size() << " rules, " << report.examples << " examples, " << report.variants
            << " variants: TP " << tp << ", FP " << fp << ", FN " << fn << ", TN " << tn << "; "
            << report.failures.size() << " failure" << (report.failures.size() == 1 ? "" : "s");
  if (untested) std::cout << "; " << untested << " rule" << (untested == 1 ? "" : "s") << " without tests";
  std::cout << "\n";
  return report.ok() ? 0 : 1;
}

}  // namespace shiwake::tools
