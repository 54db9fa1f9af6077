// Hostile rule packs: deep nesting, huge lists, 100,000 rules, pathological and oversized
// regexes, rule cycles, YAML bombs, stray keys. Each pack is loaded and compiled in a child
// process, so a crash, a hang or a memory blow-up fails that case instead of the test run;
// the child must end within a time bound and a memory bound, with the expected error.
// Data: tests/data/hostile/<case>/ (generate.py writes it; `expect` says what to find).
#include "engine/shiwake.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

namespace fs = std::filesystem;
using namespace shiwake;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kSanitized = true;
#else
constexpr bool kSanitized = false;
#endif
#else
constexpr bool kSanitized = false;
#endif

// A hang detector, not a speed test: generous, and more so under the sanitizers.
constexpr double kTimeLimitSeconds = kSanitized ? 90 : 20;
// Peak resident memory of the child that loads one pack.
constexpr long kMemoryLimitMiB = kSanitized ? 4096 : 1536;

struct Outcome {
  bool exited = false;  // ended by itself with status 0
  int signal = 0;       // the signal that ended it, when one did
  bool timed_out = false;
  double seconds = 0;
  long max_rss_mib = 0;
  std::string report;  // what the child wrote
};

// Runs `work` in a child process and returns what it wrote, with its time and peak memory.
Outcome isolated(const std::function<std::string()>& work) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  const auto started = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    // The test framework's crash handlers would report from the child as if the parent
    // crashed; the parent reports the signal instead.
    for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) ::signal(sig, SIG_DFL);
    if (!kSanitized) {
      // A runaway allocation fails in the child instead of exhausting the machine.
      rlimit as{rlim_t(8) << 30, rlim_t(8) << 30};
      ::setrlimit(RLIMIT_AS, &as);
    }
    std::string report;
    try {
      report = work();
    } catch (const std::exception& e) {
      report = std::string("exception: ") + e.what() + "\n";
    }
    for (std::size_t done = 0; done < report.size();) {
      const ssize_t n = ::write(fds[1], report.data() + done, report.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(0);
  }
  ::close(fds[1]);
  Outcome out;
  char buf[4096];
  for (;;) {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (elapsed > kTimeLimitSeconds) {
      out.timed_out = true;
      ::kill(pid, SIGKILL);
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::read(fds[0], buf, sizeof buf);
    if (n <= 0) break;
    out.report.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  rusage usage{};
  ::wait4(pid, &status, 0, &usage);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  out.exited = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  out.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  out.max_rss_mib = usage.ru_maxrss / 1024;
  return out;
}

// The expectations of one case: "error: <text>" (some error contains text), "errors: N"
// (at least N errors) or "ok" (compiles and classifies a hostile notice).
std::vector<std::string> read_expect(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  return lines;
}

// A notice that gives pathological regexes their worst input: long runs without the
// character that would end a match.
engine::Notice hostile_notice() {
  engine::Notice n;
  n.id = "hostile";
  n.title = std::string(2000, 'a');
  for (int i = 0; i < 2000; ++i) n.text += "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaxxxxxxxxxx漏えい(((";
  n.text += "\n";
  n.text += std::string(200000, 'x');
  return n;
}

// Loads and compiles the pack in `dir`, checks `expect`; one line per failed expectation,
// so an empty report... is not success: "PASS" ends a report whose checks all held.
std::string load_and_check(const fs::path& dir, const std::vector<std::string>& expect) {
  engine::LoadedPack loaded = engine::load_pack(dir);
  std::vector<Diagnostic> diags = loaded.diagnostics;
  std::unique_ptr<engine::Classifier> classifier;
  if (!has_errors(diags)) classifier = engine::Classifier::compile(std::move(loaded.pack), diags);
  std::size_t errors = 0;
  for (const auto& d : diags) errors += d.is_error();
  auto first_errors = [&] {
    std::string s;
    int n = 0;
    for (const auto& d : diags)
      if (d.is_error() && n++ < 3) s += "\n    " + d.message.substr(0, 300);
    return s;
  };

  std::string failures;
  for (const std::string& want : expect) {
    if (want == "ok") {
      if (!classifier) {
        failures += "expected the pack to compile; errors:" + first_errors() + "\n";
        continue;
      }
      auto scratch = classifier->make_scratch();
      engine::Result r = classifier->classify(hostile_notice(), scratch);
      (void)r;
    } else if (want.rfind("errors: ", 0) == 0) {
      const std::size_t n = std::stoul(want.substr(8));
      if (errors < n) failures += "expected at least " + std::to_string(n) + " errors, got " + std::to_string(errors) + "\n";
    } else if (want.rfind("error:", 0) == 0) {
      std::string text = want.substr(6);
      if (!text.empty() && text[0] == ' ') text.erase(0, 1);
      bool found = false;
      for (const auto& d : diags) found = found || (d.is_error() && d.message.find(text) != std::string::npos);
      if (!found) failures += "expected an error containing '" + text + "'; errors:" + first_errors() + "\n";
      if (classifier) failures += "expected the pack to fail, it compiled\n";
    } else {
      failures += "bad expect line: " + want + "\n";
    }
  }
  // Every diagnostic must be printable, caret line included, whatever the input.
  for (const auto& d : diags) (void)format(d);
  return failures + "PASS\n";
}

void check_case(const std::string& name, const fs::path& dir, const std::vector<std::string>& expect) {
  CAPTURE(name);
  const Outcome out = isolated([&] { return load_and_check(dir, expect); });
  INFO("report: " << out.report);
  INFO("seconds: " << out.seconds << ", peak memory: " << out.max_rss_mib << " MiB");
  CHECK_FALSE(out.timed_out);
  CHECK(out.signal == 0);
  CHECK(out.exited);
  CHECK(out.report == "PASS\n");
  CHECK(out.max_rss_mib < kMemoryLimitMiB);
  MESSAGE(name << ": " << out.seconds << " s, " << out.max_rss_mib << " MiB");
}

// A temporary pack folder, removed afterwards.
class TempPack {
 public:
  explicit TempPack(const std::string& name)
      : dir_(shiwake::test::temp_path("shiwake-hostile-" + name)) {
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~TempPack() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }
  std::ofstream file(const std::string& name) const { return std::ofstream(dir_ / name, std::ios::binary); }

 private:
  fs::path dir_;
};

}  // namespace

// The case folders. som_single_byte_repeat and redos_alternation once aborted the process
// inside Vectorscan's block mode; the engine scans in streaming mode since (compile.cpp).
std::vector<fs::path> hostile_cases() {
  const fs::path root = fs::path(SHIWAKE_SOURCE_DIR) / "tests/data/hostile";
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) cases.push_back(e.path());
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST_CASE("hostile packs: every case of tests/data/hostile fails cleanly in bounded time and memory") {
  const auto cases = hostile_cases();
  REQUIRE(cases.size() >= 30);
  for (const auto& dir : cases) {
    auto expect = read_expect(dir / "expect");
    REQUIRE_MESSAGE(!expect.empty(), dir);
    check_case(dir.filename().string(), dir, expect);
  }
}

TEST_CASE("hostile packs: 100,000 rules over 100 files") {
  TempPack pack("many-rules");
  for (int f = 0; f < 100; ++f) {
    auto out = pack.file("rules" + std::to_string(1000 + f) + ".yaml");
    out << "rules:\n";
    for (int r = 0; r < 1000; ++r)
      out << "  - {id: r" << f << "_" << r << ", category: c" << r % 50 << ", when: '\"w" << r << "\" or @r" << f << "_"
          << (r + 1) % 1000 << "'}\n";
  }
  check_case("many_rules", pack.dir(), {"error: more than 20000 rules"});
}

TEST_CASE("hostile packs: a file over the size bound is refused unread") {
  TempPack pack("big-file");
  {
    auto out = pack.file("big.yaml");
    out << "lists:\n  big:\n";
    const std::string item = "    - " + std::string(100, 'x') + "\n";
    for (std::size_t written = 0; written <= engine::kMaxPackFileBytes; written += item.size()) out << item;
  }
  pack.file("ok.yaml") << "rules:\n  - {id: r, category: c, when: '\"x\"'}\n";
  check_case("big_file", pack.dir(), {"error: file too large"});
}

TEST_CASE("hostile packs: millions of distinct terms across files") {
  TempPack pack("many-terms");
  for (int f = 0; f < 4; ++f) {
    auto out = pack.file("terms" + std::to_string(f) + ".yaml");
    out << "lists:\n";
    for (int l = 0; l < 5; ++l) {
      out << "  l" << f << "_" << l << ": [";
      for (int i = 0; i < 60000; ++i) out << (i ? "," : "") << "t" << f << "x" << l << "y" << i;
      out << "]\n";
    }
    out << "rules:\n";
    for (int l = 0; l < 5; ++l) out << "  - {id: r" << f << "_" << l << ", category: c, when: '$l" << f << "_" << l << "'}\n";
  }
  check_case("many_terms", pack.dir(), {"error: terms"});
}

TEST_CASE("hostile packs: 20,000 rules, each with its own regex") {
  TempPack pack("many-regexes");
  for (int f = 0; f < 20; ++f) {
    auto out = pack.file("regexes" + std::to_string(100 + f) + ".yaml");
    out << "rules:\n";
    for (int r = 0; r < 1000; ++r)
      out << "  - {id: r" << f << "_" << r << ", category: c, when: '/q" << f << "z" << r << "[0-9]+(件|人)/'}\n";
  }
  check_case("many_regexes", pack.dir(), {"error: more than 2000 distinct regexes"});
}
