// `shiwake import --format blog [-o FILE] PAGE...`: splits pages into notices, one JSONL
// record each (stable ids, reposts merged). Entry point: run_import.
// Tests: tests/test_import_blog.cpp (the library); the corpus is regenerated with it.
#include "tools/commands.hpp"

#include "engine/import_blog.hpp"

#include <boost/program_options.hpp>

#include <fstream>
#include <iostream>

namespace shiwake::tools {

namespace po = boost::program_options;

int run_import(int argc, char** argv) {
  std::string format, output;
  std::vector<std::string> pages;
  po::options_description visible("usage: shiwake import [--format blog] [-o FILE] PAGE...\n"
                                  "Splits pages into notices, one JSONL record each; reposts are merged.\n"
                                  "Options");
  visible.add_options()
      ("help,h", "show this help")
      ("format", po::value(&format)->default_value("blog"), "page format: blog (pages like corpus/pages)")
      ("output,o", po::value(&output)->default_value("-"), "write the JSONL here instead of stdout");
  po::options_description all;
  all.add(visible).add_options()("page", po::value(&pages)->composing());
  po::positional_options_description positional;
  positional.add("page", -1);

  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "shiwake import: " << e.what() << "\n" << visible;
    return 2;
  }
  if (vm.count("help")) {
    std::cout << visible;
    return 0;
  }
  if (format != "blog") {
    std::cerr << "shiwake import: unknown format '" << format << "' (known: blog)\n";
    return 2;
  }
  if (pages.empty()) {
    std::cerr << "shiwake import: no page given\n" << visible;
    return 2;
  }

  auto result = shiwake::engine::import_blog(pages);
  bool failed = false;
  for (const auto& e : result.errors) {
    failed = failed || e.level == shiwake::Level::error;
    std::cerr << e.source << ": " << (e.level == shiwake::Level::error ? "error: " : "warning: ") << e.message << "\n";
  }

  std::ofstream file;
  if (output != "-") {
    file.open(output, std::ios::binary | std::ios::trunc);
    if (!file) {
      std::cerr << "shiwake import: cannot write " << output << "\n";
      return 2;
    }
  }
  std::ostream& out = output == "-" ? std::cout : file;
  for (const auto& n : result.notices) out << shiwake::engine::notice_to_json(n) << '\n';
  out.flush();
  if (!out) {
    std::cerr << "shiwake import: write failed\n";
    return 2;
  }
  return failed ? 2 : 0;
}

}  // namespace shiwake::tools
