// The per-notice bounds (engine::NoticeBounds): a notice past one is not classified, says
// which bound, and changes nothing for the notices around it, in classify, classify_each
// and the stream; and near() / before() over long runs of hits that are never close take
// a step per hit, not one per pair.
#include "engine/pipeline.hpp"
#include "engine/result_json.hpp"
#include "tests/command.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

namespace {

using shiwake::engine::Classifier;
using shiwake::engine::Notice;
using shiwake::engine::NoticeBounds;
using shiwake::engine::Result;

std::unique_ptr<Classifier> compile(const std::string& yaml, const NoticeBounds& bounds = {}) {
  shiwake::engine::LoadedPack loaded;
  shiwake::engine::load_pack_file("test.yaml", yaml, loaded);
  REQUIRE_FALSE(shiwake::has_errors(loaded.diagnostics));
  std::vector<shiwake::Diagnostic> ds;
  Classifier::Options options;
  options.bounds = bounds;
  auto c = Classifier::compile(std::move(loaded.pack), ds, options);
  REQUIRE(c);
  return c;
}

Notice notice(const std::string& id, const std::string& text) {
  Notice n;
  n.id = id;
  n.title = "t";
  n.text = text;
  return n;
}

std::string repeat(const std::string& s, std::size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (std::size_t i = 0; i < n; ++i) out += s;
  return out;
}

// Classifies `middle` between two ordinary notices, one at a time in one scratch and in one
// run; checks that the middle one is refused with `why` and the others come out as they
// do each alone in a fresh scratch. Returns the refused result.
Result refused_between(const Classifier& c, const Notice& middle, const std::string& why, const std::string& fires_on) {
  const Notice before = notice("before", fires_on), after = notice("after", fires_on);
  auto alone = [&](const Notice& n) {
    auto fresh = c.make_scratch();
    return shiwake::engine::result_to_json(c.classify(n, fresh));
  };
  const std::string alone_before = alone(before), alone_after = alone(after);
  CHECK(alone_before.find(R"("categories":["c"])") != std::string::npos);
  CHECK(alone_after.find(R"("categories":["c"])") != std::string::npos);

  auto scratch = c.make_scratch();
  CHECK(shiwake::engine::result_to_json(c.classify(before, scratch)) == alone_before);
  Result r = c.classify(middle, scratch);
  CHECK(shiwake::engine::result_to_json(c.classify(after, scratch)) == alone_after);
  CHECK(r.id == middle.id);
  CHECK(r.categories.empty());
  CHECK(r.matches.empty());
  CHECK(r.error.find(why) != std::string::npos);

  const Notice* run[] = {&before, &middle, &after};
  Result results[3];
  auto run_scratch = c.make_scratch();
  c.classify_each(run, 3, results, run_scratch);
  CHECK(shiwake::engine::result_to_json(results[0]) == alone_before);
  CHECK(results[1].error == r.error);
  CHECK(shiwake::engine::result_to_json(results[2]) == alone_after);
  return r;
}

}  // namespace

TEST_CASE("near() and before() between long runs of hits that are never close take a step per hit") {
  // 100,000 hits of each side: trying every pair would pass the bound of evaluation steps
  // (2^30) and refuse the notice; taking the nearest candidates only, it is classified.
  auto c = compile(R"(rules:
  - id: near1
    category: near1
    when: 'near("a", "b", 1)'
  - id: near10
    category: near10
    when: 'near("a", "b", 10)'
  - id: b-before-a
    category: b-before-a
    when: '"b" before "a" within 10'
  - id: a-before-b
    category: a-before-b
    when: '"a" before "b" within 10000'
)");
  const std::size_t n = 100000;
  auto scratch = c->make_scratch();
  {
    Result r = c->classify(notice("b-then-a", std::string(n, 'b') + std::string(10, 'x') + std::string(n, 'a')), scratch);
    CHECK(r.error == "");
    CHECK(r.categories == std::vector<std::string>{"near10", "b-before-a"});
    REQUIRE(r.matches.size() == 2);
    // The first `a` with a `b` close enough, and the first such `b` by position.
    REQUIRE(r.matches[0].evidence.size() == 2);
    CHECK(r.matches[0].evidence[0].start == n + 10);
    CHECK(r.matches[0].evidence[1].start == n - 1);
  }
  {
    Result r = c->classify(notice("a-then-b", std::string(n, 'a') + std::string(20, 'x') + std::string(n, 'b')), scratch);
    CHECK(r.error == "");
    CHECK(r.categories == std::vector<std::string>{"a-before-b"});
  }
}

TEST_CASE("a notice whose matches pass the bound is refused, and only that one") {
  NoticeBounds bounds;
  bounds.matches = 50000;
  auto c = compile(shiwake::test::one_rule_pack(R"(not (count("ab") < 2))"), bounds);
  const Result r = refused_between(*c, notice("many", repeat("ab ", 60000)), "the per-notice bound of matches", "ab ab");
  CHECK(r.error.find("50000") != std::string::npos);
  // Just under the bound it is classified.
  auto scratch = c->make_scratch();
  CHECK(c->classify(notice("fewer", repeat("ab ", 49999)), scratch).error == "");
}

// One term in 400 lists, a rule counting each: 100,000 times in a notice, the term is 40
// million hits, past 2^25 (filing them would take 320 MB). `tests` is added to rule r0.
std::string one_term_in_400_lists(const std::string& tests = "") {
  std::string yaml = "lists:\n";
  for (int k = 0; k < 400; ++k) yaml += "  l" + std::to_string(k) + ": [\"ab\", \"zq" + std::to_string(k) + "\"]\n";
  yaml += "rules:\n";
  for (int k = 0; k < 400; ++k)
    yaml += "  - id: r" + std::to_string(k) + "\n    category: c\n    when: 'count($l" + std::to_string(k) + ") >= 2'\n" +
            (k == 0 ? tests : "");
  return yaml;
}

TEST_CASE("a notice whose hits pass the bound is refused before they are filed") {
  auto c = compile(one_term_in_400_lists());
  refused_between(*c, notice("many", repeat("ab ", 100000)), "the per-notice bound of hits", "ab ab");
}

TEST_CASE("a notice whose kept evidence passes the bound is refused; evidence a condition drops does not count") {
  NoticeBounds bounds;
  bounds.evidence_spans = 1000;
  bounds.evidence_spans_per_kib = 0;
  auto c = compile(R"(rules:
  - id: r
    category: c
    when: 'count("ab") >= 1'
  - id: s
    category: c
    when: 'count("ab") >= 2'
)", bounds);
  refused_between(*c, notice("many", repeat("ab ", 600)), "the per-notice bound of evidence", "ab ab");
  auto scratch = c->make_scratch();
  CHECK(c->classify(notice("fewer", repeat("ab ", 500)), scratch).error == "");
  // This rule gathers 2,000 spans for its count, drops them, and keeps one for "zzz".
  auto one_rule = compile(shiwake::test::one_rule_pack(R"(count("ab") < 5 or "zzz")"), bounds);
  auto one_scratch = one_rule->make_scratch();
  const Result r = one_rule->classify(notice("dropped", repeat("ab ", 2000) + "zzz"), one_scratch);
  CHECK(r.error == "");
  REQUIRE(r.matches.size() == 1);
  CHECK(r.matches[0].evidence.size() == 1);
}

TEST_CASE("the bytes of kept evidence are bounded too") {
  NoticeBounds bounds;
  bounds.evidence_bytes = 5000;
  bounds.evidence_bytes_per_byte = 0;
  auto c = compile(shiwake::test::one_rule_pack(R"(count($long) >= 1)", "  long: [\"" + std::string(1000, 'a') + "\"]"),
                   bounds);
  // Six spans of 1,000 bytes: past 5,000.
  refused_between(*c, notice("long", repeat(std::string(1000, 'a') + " ", 6)), "the per-notice bound of evidence",
                  std::string(1000, 'a'));
}

TEST_CASE("a notice whose evaluation would take too many steps is refused") {
  NoticeBounds bounds;
  bounds.evaluation_steps = 100000;
  auto c = compile(shiwake::test::one_rule_pack(R"(near("甲", "乙", 1000))"), bounds);
  // Every 乙 within 4,000 bytes before a 甲 is a candidate, and more than 1,000 characters away.
  refused_between(*c, notice("far", repeat("乙", 3000) + repeat("丙", 1001) + repeat("甲", 3000)),
                  "the per-notice bound of evaluation steps", "乙甲");
}

TEST_CASE("counts without evidence and near() past one long hit take few steps") {
  // Each would look at every hit, or every pair, without its shortcut: with a bound of
  // steps far below that, the notices are classified.
  NoticeBounds bounds;
  bounds.evaluation_steps = 200000;
  std::string rules = "rules:\n";
  for (int k = 0; k < 50; ++k)
    rules += "  - id: r" + std::to_string(k) + "\n    category: c\n    when: 'not (count(\"ab\") >= " +
             std::to_string(1000000 + k) + ")'\n";
  auto counts = compile(rules, bounds);
  auto scratch = counts->make_scratch();
  const Result r = counts->classify(notice("counts", repeat("ab ", 100000)), scratch);
  CHECK(r.error == "");
  CHECK(r.categories == std::vector<std::string>{"c"});

  // One hit of the second term is 4,000 bytes long; the others are one byte, and never
  // within one character of an `a` but at the end.
  auto near = compile(shiwake::test::one_rule_pack(R"(near("a", $bs, 1))", "  bs: [\"b\", \"" + std::string(4000, 'c') + "\"]"),
                      bounds);
  auto near_scratch = near->make_scratch();
  const Result n = near->classify(notice("near", std::string(4000, 'c') + repeat("bxxaxx", 20000) + "ba"), near_scratch);
  CHECK(n.error == "");
  CHECK(n.categories == std::vector<std::string>{"c"});
}

TEST_CASE("the stream writes a refused notice as an error record in its place and goes on") {
  NoticeBounds bounds;
  bounds.matches = 1000;
  auto c = compile(shiwake::test::one_rule_pack(R"(count("ab") >= 1)"), bounds);
  const std::string path = shiwake::test::temp_path("shiwake-test-bounds.jsonl").string();
  {
    std::ofstream f(path);
    f << R"({"id":"a","title":"t","text":"ab"})" << "\n"
      << R"({"id":"many","title":"t","text":")" << repeat("ab ", 2000) << "\xff\"}\n"  // a byte repaired on reading
      << R"({"id":"b","title":"t","text":"ab"})" << "\n";
  }
  for (unsigned threads : {1u, 2u}) {
    CAPTURE(threads);
    shiwake::engine::NoticeReader reader({path});
    shiwake::engine::StreamOptions options;
    options.threads = threads;
    std::vector<std::string> lines;
    const auto counts = shiwake::engine::classify_stream(
        *c, reader, options, [&](const shiwake::engine::StreamItem& item) { lines.push_back(item.json); });
    REQUIRE(lines.size() == 3);
    CHECK(lines[0].find(R"("id":"a")") != std::string::npos);
    CHECK(lines[1].find(R"({"error":{"source":")") == 0);
    CHECK(lines[1].find(R"("line":2)") != std::string::npos);
    CHECK(lines[1].find("notice many: not classified") != std::string::npos);
    CHECK(lines[1].find("read with a warning: invalid UTF-8") != std::string::npos);
    CHECK(lines[2].find(R"("id":"b")") != std::string::npos);
    CHECK(counts.read == 3);
    CHECK(counts.classified == 2);
    CHECK(counts.errors == 1);
  }
  std::remove(path.c_str());
}

TEST_CASE("a run of notices with many matches is scanned in parts, with the same results") {
  // classify_each scans ahead only while the run's matches stay under 2^22: 64 notices of
  // about 80,000 matches each are taken in parts, and each must come out as it does alone.
  auto c = compile(R"(lists:
  as: ["a", "aa"]
rules:
  - id: r
    category: c
    when: 'not (count($as) < 79999) and near("a", "c", 3)'
)");
  std::vector<Notice> notices;
  for (int k = 0; k < 64; ++k)
    notices.push_back(notice(std::to_string(k), std::string(40000 - (k % 2), 'a') + (k % 3 ? "c" : "")));
  std::vector<std::string> alone;
  auto scratch = c->make_scratch();
  for (const auto& n : notices) alone.push_back(shiwake::engine::result_to_json(c->classify(n, scratch)));
  CHECK(alone[1].find(R"("categories":["c"])") == std::string::npos);
  CHECK(alone[2].find(R"("categories":["c"])") != std::string::npos);
  CHECK(alone[3].find(R"("categories":["c"])") == std::string::npos);
  std::vector<const Notice*> run;
  for (const auto& n : notices) run.push_back(&n);
  std::vector<Result> results(notices.size());
  c->classify_each(run.data(), run.size(), results.data(), scratch);
  for (std::size_t k = 0; k < notices.size(); ++k) {
    CAPTURE(k);
    CHECK(shiwake::engine::result_to_json(results[k]) == alone[k]);
  }
}

TEST_CASE("explain, report and test say that a notice past a bound is not classified") {
  using shiwake::test::run_shiwake;
  using shiwake::test::shell_quote;
  shiwake::test::TempDir dir;
  std::filesystem::create_directories(dir / "pack");
  const std::string huge = repeat("ab ", 100000);
  shiwake::test::write_file(dir / "pack" / "pack.yaml",
                            one_term_in_400_lists("    tests:\n      match:\n        - \"" + huge + "\"\n"));
  shiwake::test::write_file(dir / "huge.jsonl", R"({"id":"huge","title":"t","text":")" + huge + "\"}\n");
  const std::string pack = shell_quote((dir / "pack").string()), input = shell_quote((dir / "huge.jsonl").string());

  const auto explained = run_shiwake("explain --rules " + pack + " " + input + " 2>&1");
  CHECK(explained.exit_code == 2);
  CHECK(explained.out.find("notice huge: not classified") != std::string::npos);
  CHECK(explained.out.find("per-notice bound of hits") != std::string::npos);

  const auto reported =
      run_shiwake("report --rules " + pack + " -o " + shell_quote((dir / "report.html").string()) + " " + input + " 2>&1");
  CHECK(reported.exit_code == 2);
  const std::string page = shiwake::test::read_file(dir / "report.html");
  CHECK(page.find("per-notice bound of hits") != std::string::npos);

  const auto tested = run_shiwake("test " + pack + " 2>&1");
  CHECK(tested.exit_code != 0);
  CHECK(tested.out.find("per-notice bound of hits") != std::string::npos);
}
