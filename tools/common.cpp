// Shared command plumbing: rule pack loading, option parsing, display width.
#include "tools/common.hpp"

#include <unicode/uchar.h>
#include <unicode/utf8.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
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

std::size_t display_width(std::string_view s) {
  std::size_t w = 0;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c < 0) {
      ++w;
      continue;
    }
    if (u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY) == U_NON_SPACING_MARK) continue;
    int ea = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
    w += (ea == U_EA_WIDE || ea == U_EA_FULLWIDTH) ? 2 : 1;
  }
  return w;
}

std::string fit(std::string_view s, std::size_t width) {
  std::string out;
  std::size_t w = 0;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  bool cut = display_width(s) > width;
  std::size_t room = cut ? width - 1 : width;  // keep a column for the ellipsis
  while (i < n) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
    std::size_t cw = display_width(std::string_view(s.data() + start, i - start));
    if (w + cw > room) break;
    if (c == ' ' && s[start] != ' ') out += ' ';
    else out.append(s.data() + start, i - start);
    w += cw;
  }
  if (cut) {
    out += "…";
    ++w;
  }
  if (w < width) out.append(width - w, ' ');
  return out;
}

bool stderr_is_terminal() { return isatty(STDERR_FILENO); }

}  // namespace shiwake::tools
