// `shiwake check` and lint_pack: the golden diagnostics of tests/data/check/<case>/ (a small
// pack, an optional `args` file, and `expect`: the exact output, stderr then stdout),
// one-line lint assertions, and the deliberately broken pack reporting every error.
// SHIWAKE_UPDATE_GOLDEN=1 rewrites the expect files (read every change before committing).
#include "engine/lint.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace {

namespace fs = std::filesystem;

struct Run {
  int code = -1;
  std::string out;
};

// Runs `shiwake check` from the repository root, so the paths it prints are relative.
Run check(const std::string& args) {
  std::string cmd = "cd " SHIWAKE_SOURCE_DIR " && " SHIWAKE_BINARY " check " + args + " 2>&1";
  Run r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

// Lint warnings of a one-file pack, formatted, one string.
std::string lint(const std::string& yaml) {
  shiwake::engine::LoadedPack loaded;
  shiwake::engine::load_pack_file("p.yaml", yaml, loaded);
  REQUIRE(loaded.diagnostics.empty());
  std::string all;
  for (const auto& d : shiwake::engine::lint_pack(loaded.pack)) {
    CHECK(d.level == shiwake::Level::warning);
    all += format(d);
  }
  return all;
}

bool never_fires(const std::string& when) {
  std::string warnings = lint(shiwake::test::one_rule_pack(when) +
                              "    tests: {match: [x], no_match: [y]}\n");
  return warnings.find("can never fire") != std::string::npos;
}

}  // namespace

TEST_CASE("golden diagnostics: shiwake check on every tests/data/check case") {
  fs::path const root = fs::path(SHIWAKE_SOURCE_DIR) / "tests/data/check";
  bool const update = std::getenv("SHIWAKE_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 40);
  std::size_t errors_seen = 0, warnings_seen = 0;
  for (const auto& dir : cases) {
    std::string const name = dir.filename().string();
    CAPTURE(name);
    std::string args = fs::exists(dir / "args") ? trimmed(read_file(dir / "args")) + " " : "";
    Run r = check(args + "tests/data/check/" + name);
    bool const has_error = r.out.find(": error: ") != std::string::npos;
    bool const has_warning = r.out.find(", 0 warnings") == std::string::npos;
    errors_seen += has_error;
    warnings_seen += !has_error && has_warning;
    // The exit code follows from the output: 2 with errors, 1 for warnings under --strict.
    CHECK(r.code == (has_error ? 2 : has_warning && args.find("--strict") != std::string::npos ? 1 : 0));
    if (update) {
      std::ofstream(dir / "expect", std::ios::binary) << r.out;
      continue;
    }
    REQUIRE_MESSAGE(fs::exists(dir / "expect"), "no expect file; run with SHIWAKE_UPDATE_GOLDEN=1 and read it");
    CHECK(r.out == read_file(dir / "expect"));
  }
  CHECK(errors_seen >= 25);
  CHECK(warnings_seen >= 6);
}

TEST_CASE("the broken pack: every error with file:line:col and a caret, exit 2") {
  Run r = check("tests/data/check/broken-pack");
  CHECK(r.code == 2);
  std::string const p = "tests/data/check/broken-pack/";
  // One per error planted in the pack, load stage and compile stage, across four files.
  const char* const expected[] = {
      "10-lists.yaml:7:7: error: regex rejected: Zero-width assertions are not supported.",
      "10-lists.yaml:9:5: error: list 'not_a_list' must be a sequence of terms",
      "20-rules.yaml:7:24: error: expected an expression after 'or'",
      "20-rules.yaml:11:25: error: unknown list '$leek_words' (did you mean 'leak_words'?)",
      "20-rules.yaml:18:28: error: unknown fact 'afected' (did you mean 'affected'?)",
      "20-rules.yaml:19:9: error: duplicate rule id 'leak'",
      "20-rules.yaml:24:21: error: unknown data type 'crad'",
      "20-rules.yaml:25:9: error: rules refer to each other in a cycle: @a -> @b -> @a",
      "20-rules.yaml:33:10: error: rule 'both' has both a category and a tag",
      "30-lexicon.yaml:4:8: error: data type 'card' needs y between 1 and 3",
      "30-lexicon.yaml:9:21: error: facts are computed after the lexicon",
      "30-lexicon.yaml:11:13: error: leak status must be confirmed, possible or none",
      "30-lexicon.yaml:14:12: error: unknown severity level 'severe'",
      "30-lexicon.yaml:17:27: error: leak is one of confirmed, possible, none, unknown",
      "40-invalid.yaml:7:7: error: invalid YAML: end of sequence flow not found",
  };
  for (const char* e : expected) {
    CAPTURE(e);
    CHECK(r.out.find(p + e) != std::string::npos);
  }
  // The regex error in a list also points at the rule that uses the list.
  CHECK(r.out.find(p + "20-rules.yaml:24:35: note: '$encrypted' is used here") != std::string::npos);
  // Every error shows its source line and a caret, and no error is said twice or cascades
  // from a definition that failed to load (@ransomware, $not_a_list, the data type card).
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::size_t errors = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find(": error: ") == std::string::npos) continue;
    ++errors;
    CAPTURE(lines[i]);
    REQUIRE(i + 2 < lines.size());
    CHECK(lines[i + 1].rfind("  ", 0) == 0);
    CHECK(lines[i + 2].find_first_not_of(' ') == lines[i + 2].find('^'));
  }
  CHECK(errors == std::size(expected));
  CHECK(r.out.find("'@ransomware'") == std::string::npos);
  CHECK(r.out.find("'$not_a_list'") == std::string::npos);
  CHECK(r.out.find("15 errors") != std::string::npos);
}

TEST_CASE("lint: conditions that can never hold, and the ones that can") {
  CHECK(never_fires(R"("a" and not "a")"));
  CHECK(never_fires(R"(false and "a")"));
  CHECK(never_fires(R"(2 of ("a"))"));
  CHECK(never_fires(R"("a" and ("b" and not "a"))"));
  CHECK(never_fires(R"(all("a", not "a"))"));
  CHECK(never_fires(R"(not true)"));
  CHECK(never_fires(R"(sentence(false))"));
  CHECK(never_fires(R"(false or ("a" and not ("a")))"));
  CHECK(never_fires(R"(count("a") < 0)"));
  CHECK_FALSE(never_fires(R"("a" and not "b")"));
  CHECK_FALSE(never_fires(R"(title:"a" and not "a")"));
  CHECK_FALSE(never_fires(R"(sentence("a") and not sentence("b"))"));
  CHECK_FALSE(never_fires(R"("a" or not "a")"));
  CHECK_FALSE(never_fires(R"(not ("a" and not "a"))"));
  CHECK_FALSE(never_fires(R"(2 of ("a", "b"))"));
  CHECK_FALSE(never_fires(R"(not "a" or "a" and not "b")"));
}

TEST_CASE("lint: terms as written and as matched") {
  CHECK(lint("lists:\n  x: [\"ＤＤｏＳ\"]\nrules:\n  - {id: t, category: c, when: '$x', tests: {match: [a], no_match: [b]}}\n")
            .find("written \"ＤＤｏＳ\", matched as \"ddos\"") != std::string::npos);
  CHECK(lint(shiwake::test::one_rule_pack("/Emotet/") + "    tests: {match: [a], no_match: [b]}\n")
            .find("p.yaml:4:13: warning: regex holds 'E'") != std::string::npos);
  CHECK(lint(shiwake::test::one_rule_pack(R"(/\w+[A-Z]\p{Lu}\x{41}(?i)E/)") + "    tests: {match: [a], no_match: [b]}\n")
            .empty());
  CHECK(lint(shiwake::test::one_rule_pack(R"("ddos" or /emotet/)") + "    tests: {match: [a], no_match: [b]}\n").empty());
}

TEST_CASE("the shipped pack checks without errors") {
  Run r = check("rules");
  CHECK(r.code == 0);
  CHECK(r.out.find(": error: ") == std::string::npos);
}

TEST_CASE("check: --help, a missing folder, --quiet") {
  Run help = check("--help");
  CHECK(help.code == 0);
  CHECK(help.out.find("usage: shiwake check") != std::string::npos);
  Run missing = check("tests/data/check/no-such-pack");
  CHECK(missing.code == 2);
  CHECK(missing.out.find("tests/data/check/no-such-pack: error: not a rule pack folder") != std::string::npos);
  Run quiet = check("--quiet tests/data/check/never-fires");
  CHECK(quiet.code == 0);
  CHECK(quiet.out.find(": warning: ") == std::string::npos);
  CHECK(quiet.out.find("5 warnings (not shown)") != std::string::npos);
  CHECK(check("--quiet --strict tests/data/check/never-fires").code == 1);
}

TEST_CASE("positions through escapes of a double-quoted scalar") {
  shiwake::engine::LoadedPack loaded;
  shiwake::engine::load_pack_file("p.yaml", "rules:\n  - id: a\n    category: c\n    when: \"\\\"a\\\" and \\t\\\"b\\\" and and\"\n",
                                  loaded);
  REQUIRE(loaded.diagnostics.size() == 1);
  CHECK(loaded.diagnostics[0].line == 4);
  CHECK(loaded.diagnostics[0].column == 34);  // the second `and`, after \" and \t escapes
  CHECK(loaded.diagnostics[0].length == 3);
}
