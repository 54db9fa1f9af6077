// The shiwake program end to end: every command answers --help, classify works as a
// filter on stdin, exit codes follow the rule (0 ok, 1 findings, 2 usage or input errors).
#include "tests/command.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

TEST_CASE("every command answers --help with its usage") {
  for (const char* c : {"classify", "explain", "test", "eval", "diff", "import", "check", "report"}) {
    CAPTURE(c);
    auto r = shiwake::test::run_shiwake(std::string(c) + " --help");
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("usage") != std::string::npos);
  }
  CHECK(shiwake::test::run_shiwake("--help").exit_code == 0);
  CHECK(shiwake::test::run_shiwake("frobnicate 2>/dev/null").exit_code == 2);
  CHECK(shiwake::test::run_shiwake("classify --no-such-option 2>/dev/null").exit_code == 2);
}

TEST_CASE("classify is a filter: stdin JSONL to stdout JSONL, one record per line") {
  auto r = shiwake::test::run_shiwake("classify --rules rules - 2>/dev/null <<'EOF'\n"
             R"({"id":"x1","title":"当社サーバーへの不正アクセスについて","text":"第三者による不正アクセスを受け、ランサムウェアによりファイルが暗号化されたことが判明しました。"})" "\n"
             R"({"id":"x2","title":"安く旅する方法","text":"格安航空券の探し方を紹介します。"})" "\n"
             "EOF");
  CHECK(r.exit_code == 0);
  CHECK(r.out.find(R"("id":"x1")") < r.out.find(R"("id":"x2")"));
  CHECK(r.out.find("ransomware") != std::string::npos);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
}

TEST_CASE("classify exits 2 when a record is in error, and still writes every record") {
  auto r = shiwake::test::run_shiwake("classify --rules rules - 2>/dev/null <<'EOF'\n"
             R"({"id":"ok","title":"t","text":"x"})" "\n"
             "{broken\n"
             "EOF");
  CHECK(r.exit_code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
  CHECK(r.out.find(R"("line":2)") != std::string::npos);
}

TEST_CASE("a missing input or rule pack is a usage error") {
  CHECK(shiwake::test::run_shiwake("classify --rules rules no-such-file.jsonl 2>/dev/null").exit_code == 2);
  CHECK(shiwake::test::run_shiwake("classify --rules no-such-dir corpus/notices.jsonl 2>/dev/null").exit_code == 2);
}
