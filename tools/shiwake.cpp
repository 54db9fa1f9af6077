// shiwake: sorts security-incident notices with a YAML rule pack. This file only
// dispatches to the commands (tools/cmd_*.cpp) and prints the overview.
#include "tools/commands.hpp"

#include <cstring>
#include <iostream>
#include <string>

namespace {

struct Command {
  const char* name;
  int (*run)(int, char**);
  const char* summary;
};

const Command kCommands[] = {
    {"classify", shiwake::tools::run_classify, "classify notices (JSONL, .txt, folders, stdin) with a rule pack"},
    {"explain", shiwake::tools::run_explain, "why a notice got its labels: condition trees, evidence, facts"},
    {"report", shiwake::tools::run_report, "an HTML page: charts, and every notice with its evidence marked"},
    {"check", shiwake::tools::run_check, "load, compile and lint a rule pack: every error and warning"},
    {"test", shiwake::tools::run_test, "run every rule's tests: examples and their variants"},
    {"eval", shiwake::tools::run_eval, "score results against gold labels; --baseline fails on any drop"},
    {"diff", shiwake::tools::run_diff, "what changed between two result files or two rule packs"},
    {"import", shiwake::tools::run_import, "split blog pages into notices (JSONL)"},
};

void usage(std::ostream& out) {
  out << "usage: shiwake <command> [options] [args]\n\n"
         "shiwake sorts security-incident notices (不正アクセス, ランサムウェア, 誤送信, ...) into\n"
         "categories, tags and a severity, with the facts and evidence for each decision.\n\ncommands:\n";
  for (const auto& c : kCommands) out << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  out << "\n`shiwake <command> --help` describes each command. Exit codes: 0 success, 1 findings\n"
         "(failed tests, regressions, changes), 2 usage or input errors.\n";
}

}  // namespace

int main(int argc, char** argv) {
  // Nothing here writes through C's stdio, so the C++ streams need not keep in step with
  // it; unsynchronized, std::cin and std::cout buffer as files do (classify streams both).
  std::ios::sync_with_stdio(false);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "shiwake 0.1.0\n";
    return 0;
  }
  for (const auto& c : kCommands)
    if (!std::strcmp(argv[1], c.name)) {
      try {
        return c.run(argc - 1, argv + 1);
      } catch (const std::exception& e) {
        std::cerr << "shiwake " << c.name << ": " << e.what() << "\n";
        return 2;
      }
    }
  std::cerr << "shiwake: unknown command '" << argv[1] << "'\n\n";
  usage(std::cerr);
  return 2;
}
