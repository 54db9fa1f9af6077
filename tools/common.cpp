// Shared command plumbing: rule pack loading, option parsing.
#include "tools/common.hpp"

#include "engine/pipeline.hpp"
#include "engine/result_json.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace shiwake::tools {

std::string rules_dir(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("SHIWAKE_RULES"); env && *env) return env;
  return "rules";
}

void print_diagnostics(const std::vector<Diagnostic>& ds, std::ostream& out, bool show_warnings) {
  for (const auto& d : ds)
    if (d.is_error() || show_warnings) out << format(d);
}

std::unique_ptr<engine::Classifier> load_classifier(const std::string& dir, bool show_warnings) {
  engine::LoadedPack loaded = engine::load_pack(dir);
  std::vector<Diagnostic> diags = std::move(loaded.diagnostics);
  std::unique_ptr<engine::Classifier> c;
  if (!has_errors(diags)) c = engine::Classifier::compile(std::move(loaded.pack), diags);
  print_diagnostics(diags, std::cerr, show_warnings);
  if (!c) {
    std::size_t n = 0;
    for (const auto& d : diags) n += d.is_error();
    std::cerr << "shiwake: the rule pack in '" << dir << "' has " << n << " error" << (n == 1 ? "" : "s")
              << "; run `shiwake check " << dir << "` for details\n";
  }
  return c;
}

bool parse_options(int argc, char** argv, const po::options_description& visible,
                   const po::positional_options_description& positional, po::variables_map& vm,
                   const char* usage_line, const po::options_description* hidden) {
  po::options_description all;
  all.add(visible);
  if (hidden) all.add(*hidden);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(positional).run(), vm);
    if (vm.count("help")) {  // before notify, so --help works without the required options
      std::cout << "usage: " << usage_line << "\n" << visible;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    std::cerr << "shiwake " << argv[0] << ": " << e.what() << "\n\nusage: " << usage_line << "\n" << visible;
    return false;
  }
  return true;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO); }

bool classify_all(const std::string& command, const std::string& rules, const std::vector<std::string>& inputs,
                  unsigned threads, std::vector<engine::Result>& out) {
  auto classifier = load_classifier(rules);
  if (!classifier) return false;
  engine::NoticeReader reader(inputs, &std::cin);
  engine::StreamOptions options;
  options.threads = threads;
  options.serialize = false;
  engine::classify_stream(*classifier, reader, options, [&](const engine::StreamItem& item) {
    if (item.result) out.push_back(*item.result);
    else std::cerr << "shiwake " << command << ": " << item.error->source << ":" << item.error->line << ": "
                   << item.error->message << "\n";
  });
  return true;
}

bool read_results(const std::string& command, const std::string& path, std::vector<engine::Result>& out) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "shiwake " << command << ": cannot read " << path << "\n";
    return false;
  }
  std::string line, error;
  unsigned n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    if (auto r = engine::result_from_json(line, error)) out.push_back(std::move(*r));
    else std::cerr << path << ":" << n << ": " << error << "\n";
  }
  return true;
}

std::string join(const std::vector<std::string>& xs, const char* sep, const char* if_empty) {
  std::string out;
  for (const auto& x : xs) out += (out.empty() ? "" : sep) + x;
  return out.empty() ? if_empty : out;
}

void add_inputs(po::options_description& hidden, po::positional_options_description& positional) {
  hidden.add_options()("input", po::value<std::vector<std::string>>(), "");
  positional.add("input", -1);
}

std::vector<std::string> inputs_of(const po::variables_map& vm, std::vector<std::string> if_none) {
  return vm.count("input") ? vm["input"].as<std::vector<std::string>>() : if_none;
}

}  // namespace shiwake::tools
