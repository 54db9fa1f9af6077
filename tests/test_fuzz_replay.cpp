// The fuzz checks (tests/fuzz/check_*.hpp) replayed in the ordinary test run, over every
// seed of tests/fuzz/corpus/<target>/ and every input that once broke a target, kept in
// tests/fuzz/regressions/<target>/. So a fixed crash stays fixed without running a fuzzer.
#include "tests/fuzz/check_date.hpp"
#include "tests/fuzz/check_dsl.hpp"
#include "tests/fuzz/check_jsonl.hpp"
#include "tests/fuzz/check_normalize.hpp"
#include "tests/fuzz/check_pack.hpp"
#include "tests/fuzz/check_quantity.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using Check = std::function<void(const std::uint8_t*, std::size_t)>;

// Replays every file of the target's corpus and regressions; returns how many.
std::size_t replay(const std::string& target, const Check& check) {
  std::size_t n = 0;
  for (const char* where : {"tests/fuzz/corpus/", "tests/fuzz/regressions/"}) {
    const fs::path dir = fs::path(SHIWAKE_SOURCE_DIR) / where / target;
    if (!fs::is_directory(dir)) continue;
    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file()) files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream buf;
      buf << in.rdbuf();
      const std::string data = buf.str();
      CAPTURE(f.string());
      CHECK_NOTHROW(check(reinterpret_cast<const std::uint8_t*>(data.data()), data.size()));
      ++n;
    }
  }
  return n;
}

}  // namespace

TEST_CASE("fuzz replay: DSL parser") { CHECK(replay("fuzz_dsl", shiwake::fuzz::check_dsl) > 10); }
TEST_CASE("fuzz replay: rule-pack loader and compiler") { CHECK(replay("fuzz_pack", shiwake::fuzz::check_pack) > 10); }
TEST_CASE("fuzz replay: notice reader") { CHECK(replay("fuzz_jsonl", shiwake::fuzz::check_jsonl) > 10); }
TEST_CASE("fuzz replay: normalizer and offsets") { CHECK(replay("fuzz_normalize", shiwake::fuzz::check_normalize) > 10); }

TEST_CASE("fuzz replay: quantity grammar") { CHECK(replay("fuzz_quantity", shiwake::fuzz::check_quantity) > 10); }
TEST_CASE("fuzz replay: date grammar") { CHECK(replay("fuzz_date", shiwake::fuzz::check_date) > 10); }
