// Broken notices through the real pipeline: invalid UTF-8, malformed JSONL lines, empty
// records and files, missing fields, records over the size bound, binary files. Every input
// record yields exactly one output record, read = classified + in error, every bad line is
// named, `shiwake classify` exits 2. Data: tests/data/bad/ (generate.py writes it).
#include "engine/pipeline.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

namespace fs = std::filesystem;
using namespace shiwake;

namespace {

const fs::path kBad = fs::path(SHIWAKE_SOURCE_DIR) / "tests/data/bad";

const char* const kPack = R"(rules:
  - id: leak
    category: leak
    when: '"漏えい"'
  - id: ransomware
    category: ransomware
    when: '"ランサムウェア"'
)";

// What one input record must yield: a result (with the given id, or any id when empty), or
// an error naming `line` of the file whose name ends with `file`.
struct Expected {
  std::string file;
  unsigned line;
  bool ok;
  std::string id;
  const char* message = "";  // a substring of the error message
};

// A scratch folder with the records too large to commit: a JSONL line and a .txt file
// just over kMaxRecordBytes, between two good records.
class Scratch {
 public:
  Scratch() : dir_(test::temp_path("shiwake-bad-input")) {
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "pack");
    std::ofstream(dir_ / "pack/pack.yaml") << kPack;
    const std::string filler(engine::kMaxRecordBytes + 1, 'a');
    {
      std::ofstream huge(dir_ / "huge.jsonl", std::ios::binary);
      huge << R"({"id":"before-huge","title":"前","text":"漏えい"})" << "\n";
      huge << R"({"id":"huge","title":"big","text":")" << filler << "\"}\n";
      huge << R"({"id":"after-huge","title":"後","text":"ランサムウェア"})" << "\n";
    }
    std::ofstream(dir_ / "huge.txt", std::ios::binary) << "title\n" << filler << "\n";
  }
  ~Scratch() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

std::vector<std::string> inputs(const Scratch& s) {
  return {(kBad / "broken.jsonl").string(), (kBad / "binary.jsonl").string(), (kBad / "binary.txt").string(),
          (kBad / "empty.txt").string(),    (kBad / "blank.txt").string(),    (kBad / "ok.txt").string(),
          (s.dir() / "huge.jsonl").string(), (s.dir() / "huge.txt").string()};
}

const std::vector<Expected> kExpected = {
    {"broken.jsonl", 1, true, "ok-1"},
    {"broken.jsonl", 3, true, "bad-utf8"},
    {"broken.jsonl", 4, false, "", "malformed JSON"},
    {"broken.jsonl", 6, false, "", "missing fields"},
    {"broken.jsonl", 7, false, "", "not a JSON object"},
    {"broken.jsonl", 8, false, "", "not a JSON object"},
    {"broken.jsonl", 9, true, "title-only"},
    {"broken.jsonl", 10, true, "text-only"},
    {"broken.jsonl", 11, false, "", "must be a string"},
    {"broken.jsonl", 12, false, "", "malformed JSON"},
    {"broken.jsonl", 13, false, "", "malformed JSON"},
    {"broken.jsonl", 14, true, "deep-extra"},
    {"broken.jsonl", 15, false, "", "not a JSON object"},
    {"broken.jsonl", 16, false, "", "malformed JSON"},
    {"broken.jsonl", 17, false, "", "malformed JSON"},
    {"broken.jsonl", 18, true, "crlf"},
    {"broken.jsonl", 19, false, "", "also_in"},
    {"broken.jsonl", 20, false, "", "missing fields"},
    {"broken.jsonl", 21, false, "", "number overflow"},
    {"broken.jsonl", 22, true, "ok-last"},
    {"binary.jsonl", 1, false, "", "malformed JSON"},
    {"binary.jsonl", 2, false, "", "malformed JSON"},
    {"binary.jsonl", 3, false, "", "malformed JSON"},
    {"binary.jsonl", 4, false, "", "malformed JSON"},
    {"binary.txt", 3, false, "", "binary file"},
    {"empty.txt", 0, false, "", "empty file"},
    {"blank.txt", 0, false, "", "empty file"},
    {"ok.txt", 1, true, ""},
    {"huge.jsonl", 1, true, "before-huge"},
    {"huge.jsonl", 2, false, "", "record too large"},
    {"huge.jsonl", 3, true, "after-huge"},
    {"huge.txt", 0, false, "", "too large"},
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Run {
  std::vector<engine::StreamItem> items;
  engine::StreamCounts counts;
};

Run run_pipeline(const engine::Classifier& c, const std::vector<std::string>& in, unsigned threads, std::size_t batch) {
  engine::NoticeReader reader(in);
  engine::StreamOptions options;
  options.threads = threads;
  options.batch = batch;
  Run run;
  run.counts = engine::classify_stream(c, reader, options, [&](const engine::StreamItem& item) { run.items.push_back(item); });
  return run;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("bad notices: one output record per input record, every bad line named") {
  Scratch scratch;
  std::vector<Diagnostic> ds;
  auto classifier = test::pack_from_yaml(kPack, &ds);
  REQUIRE(classifier);

  const Run run = run_pipeline(*classifier, inputs(scratch), 2, 3);
  REQUIRE(run.items.size() == kExpected.size());
  std::size_t errors = 0;
  for (std::size_t i = 0; i < kExpected.size(); ++i) {
    const Expected& want = kExpected[i];
    const engine::StreamItem& got = run.items[i];
    CAPTURE(i);
    CAPTURE(want.file);
    CAPTURE(want.line);
    CHECK(got.result.has_value() != got.error.has_value());
    if (want.ok) {
      REQUIRE(got.result);
      if (!want.id.empty()) CHECK(got.result->id == want.id);
      CHECK(nlohmann::json::parse(got.json)["id"] == got.result->id);
    } else {
      ++errors;
      REQUIRE(got.error);
      CHECK(ends_with(got.error->source, want.file));
      CHECK(got.error->line == want.line);
      CHECK(got.error->message.find(want.message) != std::string::npos);
      const auto j = nlohmann::json::parse(got.json);
      CHECK(j["error"]["line"] == want.line);
      CHECK(ends_with(j["error"]["source"].get<std::string>(), want.file));
    }
  }
  CHECK(run.counts.read == kExpected.size());
  CHECK(run.counts.errors == errors);
  CHECK(run.counts.classified + run.counts.errors == run.counts.read);
}

TEST_CASE("bad notices: repairs are classified and warned about, on the notice they belong to") {
  Scratch scratch;
  auto classifier = test::pack_from_yaml(kPack);
  REQUIRE(classifier);
  const Run run = run_pipeline(*classifier, {(kBad / "broken.jsonl").string()}, 1, 1024);
  auto result = [&](const std::string& id) -> const engine::Result& {
    for (const auto& item : run.items)
      if (item.result && item.result->id == id) return *item.result;
    FAIL("no result " << id);
    throw std::logic_error("unreachable");
  };
  const engine::Result& repaired = result("bad-utf8");
  REQUIRE(repaired.warnings.size() == 1);
  CHECK(repaired.warnings[0].find("invalid UTF-8") != std::string::npos);
  CHECK(repaired.warnings[0].find("byte") != std::string::npos);
  CHECK(repaired.warnings[0].find(":3") != std::string::npos);  // names its line
  CHECK(repaired.title.find("\xEF\xBF\xBD") != std::string::npos);
  CHECK(repaired.categories == std::vector<std::string>{"leak"});  // classified anyway

  REQUIRE(result("title-only").warnings.size() == 1);
  CHECK(result("title-only").warnings[0].find("missing field \"text\"") != std::string::npos);
  REQUIRE(result("text-only").warnings.size() == 1);
  CHECK(result("text-only").categories == std::vector<std::string>{"leak"});
  // Line 17 had invalid UTF-8 and then failed to parse: its warning dies with it.
  CHECK(result("crlf").warnings.empty());
  CHECK(result("ok-1").warnings.empty());
  CHECK(result("ok-last").categories == std::vector<std::string>{"leak"});
  CHECK(run.counts.warnings == 3);
}

TEST_CASE("bad notices: the same records for any thread count and batch size") {
  Scratch scratch;
  auto classifier = test::pack_from_yaml(kPack);
  REQUIRE(classifier);
  const Run one = run_pipeline(*classifier, inputs(scratch), 1, 1024);
  for (auto [threads, batch] : {std::pair<unsigned, std::size_t>{2, 1}, {3, 4}, {2, 7}}) {
    const Run many = run_pipeline(*classifier, inputs(scratch), threads, batch);
    REQUIRE(many.items.size() == one.items.size());
    for (std::size_t i = 0; i < one.items.size(); ++i) CHECK(many.items[i].json == one.items[i].json);
  }
}

TEST_CASE("bad notices: shiwake classify prints one line per record, the counts, and exits 2") {
  Scratch scratch;
  const fs::path out = scratch.dir() / "out.jsonl", err = scratch.dir() / "err.txt";
  std::string command = std::string("'") + SHIWAKE_BINARY + "' classify --no-progress --threads 2 --rules '" +
                        (scratch.dir() / "pack").string() + "'";
  for (const auto& in : inputs(scratch)) command += " '" + in + "'";
  command += " > '" + out.string() + "' 2> '" + err.string() + "'";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);

  std::istringstream lines(read_file(out));
  std::string line;
  std::size_t n = 0, errors = 0;
  while (std::getline(lines, line)) {
    REQUIRE(n < kExpected.size());
    const auto j = nlohmann::json::parse(line);
    CAPTURE(n);
    if (kExpected[n].ok) {
      CHECK(j.contains("categories"));
      if (!kExpected[n].id.empty()) CHECK(j["id"] == kExpected[n].id);
    } else {
      ++errors;
      CHECK(j["error"]["line"] == kExpected[n].line);
    }
    ++n;
  }
  CHECK(n == kExpected.size());
  const std::string summary = read_file(err);
  std::smatch m;
  REQUIRE(std::regex_search(summary, m, std::regex(R"((\d+) read, (\d+) classified, (\d+) in error)")));
  CHECK(std::stoul(m[1]) == kExpected.size());
  CHECK(std::stoul(m[2]) + std::stoul(m[3]) == std::stoul(m[1]));
  CHECK(std::stoul(m[3]) == errors);
}

TEST_CASE("bad notices: a binary file on stdin is all error records and exit 2") {
  Scratch scratch;
  const fs::path out = scratch.dir() / "out.jsonl";
  std::string command = std::string("'") + SHIWAKE_BINARY + "' classify --no-progress --rules '" +
                        (scratch.dir() / "pack").string() + "' - < '" + (kBad / "binary.jsonl").string() + "' > '" +
                        out.string() + "' 2>/dev/null";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  std::istringstream lines(read_file(out));
  std::string line;
  unsigned n = 0;
  while (std::getline(lines, line)) {
    const auto j = nlohmann::json::parse(line);
    CHECK(j["error"]["source"] == "-");
    CHECK(j["error"]["line"] == ++n);
  }
  CHECK(n == 4);
}
