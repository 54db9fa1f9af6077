// The shiwake program end to end: every command answers --help, classify works as a
// filter on stdin, exit codes follow the rule (0 ok, 1 findings, 2 usage or input errors).
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

struct Run {
  int code;
  std::string out;
};

// Runs a shell command line with the shiwake binary first; captures stdout.
Run sh(const std::string& args) {
  std::string cmd = "cd " SHIWAKE_SOURCE_DIR " && " SHIWAKE_BINARY " " + args;
  Run r{-1, ""};
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.out.append(buf.data(), n);
  int status = pclose(p);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

}  // namespace

TEST_CASE("every command answers --help with its usage") {
  for (const char* c : {"classify", "explain", "test", "eval", "diff", "import"}) {
    CAPTURE(c);
    Run r = sh(std::string(c) + " --help");
    CHECK(r.code == 0);
    CHECK(r.out.find("usage") != std::string::npos);
  }
  CHECK(sh("--help").code == 0);
  CHECK(sh("frobnicate 2>/dev/null").code == 2);
  CHECK(sh("classify --no-such-option 2>/dev/null").code == 2);
}

TEST_CASE("classify is a filter: stdin JSONL to stdout JSONL, one record per line") {
  Run r = sh("classify --rules rules - 2>/dev/null <<'EOF'\n"
             R"({"id":"x1","title":"当社サーバーへの不正アクセスについて","text":"第三者による不正アクセスを受け、ランサムウェアによりファイルが暗号化されたことが判明しました。"})" "\n"
             R"({"id":"x2","title":"安く旅する方法","text":"格安航空券の探し方を紹介します。"})" "\n"
             "EOF");
  CHECK(r.code == 0);
  CHECK(r.out.find(R"("id":"x1")") < r.out.find(R"("id":"x2")"));
  CHECK(r.out.find("ransomware") != std::string::npos);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
}

TEST_CASE("classify exits 2 when a record is in error, and still writes every record") {
  Run r = sh("classify --rules rules - 2>/dev/null <<'EOF'\n"
             R"({"id":"ok","title":"t","text":"x"})" "\n"
             "{broken\n"
             "EOF");
  CHECK(r.code == 2);
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 2);
  CHECK(r.out.find(R"("line":2)") != std::string::npos);
}

TEST_CASE("a missing input or rule pack is a usage error") {
  CHECK(sh("classify --rules rules no-such-file.jsonl 2>/dev/null").code == 2);
  CHECK(sh("classify --rules no-such-dir corpus/notices.jsonl 2>/dev/null").code == 2);
}
