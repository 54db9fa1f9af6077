// What several commands share: finding and compiling the rule pack with its diagnostics
// printed, option parsing with clear usage errors, display-width text for tables.
#pragma once

#include "engine/shiwake.hpp"
#include "engine/text_width.hpp"

#include <boost/program_options.hpp>

#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace shiwake::tools {

namespace po = boost::program_options;

// The rule pack folder: the one given, else $SHIWAKE_RULES, else ./rules.
std::string rules_dir(const std::string& given);

// Loads and compiles a pack, printing every diagnostic to stderr. nullptr on errors.
std::unique_ptr<engine::Classifier> load_classifier(const std::string& dir, bool show_warnings = false);

void print_diagnostics(const std::vector<Diagnostic>& ds, std::ostream& out, bool show_warnings = true);

// Parses a command's options; prints the error and usage and returns false on bad input.
// `help` is set when --help was asked for (the usage is printed to stdout then).
bool parse_options(int argc, char** argv, const po::options_description& visible,
                   const po::positional_options_description& positional, po::variables_map& vm,
                   const char* usage_line, const po::options_description* hidden = nullptr);

// Table cells by display width (engine/text_width.hpp).
using engine::display_width;
using engine::fit;
using engine::fit_title;

bool stderr_is_terminal();

// Classifies every notice of `inputs` with the pack in `rules` into `out`; a record that
// cannot be read is reported on stderr with its place. False when the pack does not compile.
bool classify_all(const std::string& command, const std::string& rules, const std::vector<std::string>& inputs,
                  unsigned threads, std::vector<engine::Result>& out);

// Reads a results JSONL file (what classify writes); a line that is not a result is
// reported on stderr with its line number and skipped. False when the file cannot be read.
bool read_results(const std::string& command, const std::string& path, std::vector<engine::Result>& out);

// xs joined by sep; `if_empty` when there is nothing to join ("-" in human tables).
std::string join(const std::vector<std::string>& xs, const char* sep = ",", const char* if_empty = "");

// The INPUT... arguments of the commands that read notices: a hidden positional option.
void add_inputs(po::options_description& hidden, po::positional_options_description& positional);
std::vector<std::string> inputs_of(const po::variables_map& vm, std::vector<std::string> if_none = {});

}  // namespace shiwake::tools
