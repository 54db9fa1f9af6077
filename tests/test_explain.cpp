// `shiwake explain` golden output: tests/data/explain/<id>.expect is what
//   shiwake explain --color never --rules rules --id <id> corpus/notices.jsonl
// prints, byte for byte, for seed notices of different categories. Each .expect file
// names its notice; SHIWAKE_UPDATE_GOLDEN=1 rewrites them (an empty <id>.expect adds one).
#include "tests/command.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <vector>

using namespace shiwake::test;
namespace fs = std::filesystem;

TEST_CASE("explain prints the golden output for seed notices") {
  const fs::path dir = fs::path(SHIWAKE_SOURCE_DIR) / "tests/data/explain";
  std::vector<fs::path> goldens;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".expect") goldens.push_back(e.path());
  std::sort(goldens.begin(), goldens.end());
  REQUIRE(goldens.size() >= 3);
  const char* update = std::getenv("SHIWAKE_UPDATE_GOLDEN");
  for (const auto& golden : goldens) {
    const std::string id = golden.stem().string();
    CAPTURE(id);
    CommandResult r =
        run_shiwake("explain --color never --rules rules --id " + shell_quote(id) + " corpus/notices.jsonl 2>&1");
    CHECK(r.exit_code == 0);
    if (update && std::string(update) == "1") write_file(golden, r.out);
    const std::string expected = read_file(golden);
    CHECK(r.out == expected);
  }
}

TEST_CASE("explain without a notice, or with an unknown id, is a usage error") {
  CHECK(run_shiwake("explain --rules rules 2>/dev/null").exit_code == 2);
  CommandResult r = run_shiwake("explain --rules rules --id no-such-id corpus/notices.jsonl 2>&1");
  CHECK(r.exit_code == 2);
  CHECK(r.out.find("no notice with id 'no-such-id' among 54") != std::string::npos);
}

TEST_CASE("explain --rule shows a rule that neither fired nor nearly fired") {
  const std::string cmd = "explain --color never --rules rules --id n-eb73404b6729 corpus/notices.jsonl";
  CommandResult plain = run_shiwake(cmd + " 2>&1");
  CHECK(plain.out.find(" ddos → ddos") == std::string::npos);
  CommandResult asked = run_shiwake(cmd + " --rule ddos 2>&1");
  CHECK(asked.exit_code == 0);
  CHECK(asked.out.find("  not    ddos → ddos  (rules/") != std::string::npos);
  CHECK(run_shiwake(cmd + " --rule no-such-rule 2>/dev/null").exit_code == 2);
}
