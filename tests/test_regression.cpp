// Regression-testing a rule change end to end: a copy of the shipped pack with one term
// dropped (ランサムウェア from the ransomware names) must be caught by `shiwake test` (the
// rule's examples fail), by `shiwake eval --baseline` (a metric drops, the notices are
// named) and by `shiwake diff` (the notices and the rule that stopped firing).
#include "tests/command.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace fs = std::filesystem;

namespace {

// Runs shiwake from the source root, stderr joined to stdout.
shiwake::test::CommandResult sh(const std::string& args) { return shiwake::test::run_shiwake(args + " 2>&1"); }

// A copy of rules/ with the list item `- ランサムウェア` removed.
fs::path broken_pack() {
  fs::path dir = shiwake::test::temp_path("shiwake-regression-pack");
  fs::remove_all(dir);
  fs::copy(fs::path(SHIWAKE_SOURCE_DIR) / "rules", dir, fs::copy_options::recursive);
  std::ifstream in(dir / "lists.yaml");
  std::stringstream all;
  all << in.rdbuf();
  in.close();
  std::string text = all.str();
  std::string edited = std::regex_replace(text, std::regex("\n *- ランサムウェア *\n"), "\n");
  REQUIRE(edited != text);
  std::ofstream(dir / "lists.yaml") << edited;
  return dir;
}

// Ids of corpus notices the shipped pack labels ransomware.
std::vector<std::string> ransomware_notices() {
  auto r = sh("classify --rules rules corpus/notices.jsonl");
  std::vector<std::string> ids;
  std::istringstream lines(r.out);
  std::string line;
  std::regex id_re("\"id\":\"([^\"]+)\"");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (line.find("\"categories\":[") != std::string::npos &&
        line.substr(0, line.find("\"tags\"")).find("\"ransomware\"") != std::string::npos &&
        std::regex_search(line, m, id_re))
      ids.push_back(m[1]);
  }
  return ids;
}

}  // namespace

TEST_CASE("dropping a term is reported by test, eval --baseline and diff") {
  fs::path pack = broken_pack();
  std::vector<std::string> affected = ransomware_notices();
  REQUIRE(!affected.empty());

  auto test = sh("test " + pack.string());
  CHECK(test.exit_code == 1);
  CHECK(test.out.find("ransomware: FN") != std::string::npos);
  CHECK(test.out.find("FAIL ransomware") != std::string::npos);

  auto eval = sh("eval --rules " + pack.string() + " --gold corpus/gold.yaml --baseline corpus/baseline.json corpus/notices.jsonl");
  CHECK(eval.exit_code == 1);
  CHECK(eval.out.find("REGRESSION category_micro_f1") != std::string::npos);
  auto diff = sh("diff --rules-old rules --rules-new " + pack.string() + " corpus/notices.jsonl");
  CHECK(diff.exit_code == 0);
  auto diff_fail = sh("diff --fail-on-change --rules-old rules --rules-new " + pack.string() + " corpus/notices.jsonl");
  CHECK(diff_fail.exit_code == 1);
  CHECK(diff.out.find("rules that no longer fire: ransomware") != std::string::npos);
  unsigned named_by_eval = 0, named_by_diff = 0;
  for (const auto& id : affected) {
    named_by_eval += eval.out.find("changed " + id) != std::string::npos;
    named_by_diff += diff.out.find("changed " + id) != std::string::npos;
  }
  MESSAGE(affected.size() << " ransomware notices; eval names " << named_by_eval << ", diff names " << named_by_diff);
  CHECK(named_by_eval >= 1);
  CHECK(named_by_eval == named_by_diff);
  fs::remove_all(pack);
}

TEST_CASE("eval refuses to pass on zero notices or zero gold labels") {
  CHECK(sh("eval --rules rules --gold corpus/gold.yaml /dev/null").exit_code == 2);
  fs::path empty = shiwake::test::temp_path("shiwake-empty-gold.yaml");
  std::ofstream(empty) << "[]\n";
  CHECK(sh("eval --rules rules --gold " + empty.string() + " corpus/notices.jsonl").exit_code == 2);
  fs::remove(empty);
}
