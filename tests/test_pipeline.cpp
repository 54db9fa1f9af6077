// classify_stream: every record in input order and byte-identical output for any thread
// count and batch size, with the shipped pack over the corpus; counts that add up; and
// classify_each, which the stream uses, against classify.
#include "engine/pipeline.hpp"
#include "engine/result_json.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string run(const shiwake::engine::Classifier& c, const std::vector<std::string>& inputs, unsigned threads,
                std::size_t batch, shiwake::engine::StreamCounts* counts = nullptr) {
  shiwake::engine::NoticeReader reader(inputs);
  shiwake::engine::StreamOptions options;
  options.threads = threads;
  options.batch = batch;
  std::string out;
  auto n = shiwake::engine::classify_stream(c, reader, options, [&](const shiwake::engine::StreamItem& item) {
    out += item.json;
    out += '\n';
  });
  if (counts) *counts = n;
  return out;
}

std::unique_ptr<shiwake::engine::Classifier> shipped() {
  auto loaded = shiwake::engine::load_pack(std::string(SHIWAKE_SOURCE_DIR) + "/rules");
  REQUIRE_FALSE(shiwake::has_errors(loaded.diagnostics));
  std::vector<shiwake::Diagnostic> ds;
  auto c = shiwake::engine::Classifier::compile(std::move(loaded.pack), ds);
  REQUIRE(c);
  return c;
}

}  // namespace

TEST_CASE("output is byte-identical for any thread count and batch size") {
  auto c = shipped();
  const std::string corpus = std::string(SHIWAKE_SOURCE_DIR) + "/corpus/notices.jsonl";
  std::vector<std::string> inputs = {corpus, corpus, corpus};  // 162 notices, repeats included
  shiwake::engine::StreamCounts counts;
  std::string one = run(*c, inputs, 1, 1024, &counts);
  CHECK(counts.read == 162);
  CHECK(counts.classified == 162);
  CHECK(counts.errors == 0);
  CHECK(std::count(one.begin(), one.end(), '\n') == 162);
  for (unsigned threads : {2u, 3u, 8u})
    for (std::size_t batch : {std::size_t(1), std::size_t(7), std::size_t(1024)}) {
      CAPTURE(threads);
      CAPTURE(batch);
      CHECK(run(*c, inputs, threads, batch) == one);
    }
}

TEST_CASE("classify_each gives what classify gives, one notice at a time") {
  // The stream classifies runs of notices together (normalized, then scanned, back to
  // back); each result must be the one a lone classify() gives, whatever the run's length.
  auto c = shipped();
  const std::vector<shiwake::engine::Notice> notices = shiwake::test::corpus_notices();
  REQUIRE(notices.size() >= 50);
  std::vector<std::string> alone;
  auto scratch = c->make_scratch();
  for (const auto& n : notices) alone.push_back(shiwake::engine::result_to_json(c->classify(n, scratch)));
  for (std::size_t run : {std::size_t(1), std::size_t(3), std::size_t(16), notices.size()}) {
    CAPTURE(run);
    auto each_scratch = c->make_scratch();
    for (std::size_t first = 0; first < notices.size(); first += run) {
      const std::size_t n = std::min(run, notices.size() - first);
      std::vector<const shiwake::engine::Notice*> ptrs;
      for (std::size_t k = 0; k < n; ++k) ptrs.push_back(&notices[first + k]);
      std::vector<shiwake::engine::Result> results(n);
      c->classify_each(ptrs.data(), n, results.data(), each_scratch);
      for (std::size_t k = 0; k < n; ++k) CHECK(shiwake::engine::result_to_json(results[k]) == alone[first + k]);
    }
  }
}

TEST_CASE("a notice with more hits than a scratch keeps changes nothing for the notices after it") {
  // A notice's hits share one pool in the scratch; past 2^17 hits the pool is not kept for
  // the next notice. Every hit of the huge notice must be counted, and the notices around
  // it must come out as they do alone.
  auto c = shiwake::test::pack_from_yaml(R"(rules:
  - id: many
    category: many
    when: 'not (count("ab") < 150000)'
  - id: close
    category: close
    when: 'near("cd", "ab", 2)'
)");
  REQUIRE(c);
  std::string huge;
  for (int i = 0; i < 150000; ++i) huge += "ab ";
  huge += "cd";
  std::vector<shiwake::engine::Notice> notices(4);
  const char* texts[] = {"ab cd", nullptr, "xx ab cd", "ab"};
  for (std::size_t k = 0; k < notices.size(); ++k) {
    notices[k].id = std::to_string(k);
    notices[k].text = texts[k] ? texts[k] : huge;
  }
  std::vector<std::string> alone;
  for (const auto& n : notices) {
    auto scratch = c->make_scratch();
    alone.push_back(shiwake::engine::result_to_json(c->classify(n, scratch)));
  }
  CHECK(alone[1].find(R"("many")") != std::string::npos);
  CHECK(alone[2].find(R"("close")") != std::string::npos);
  CHECK(alone[3].find(R"("close")") == std::string::npos);
  auto scratch = c->make_scratch();
  for (int pass = 0; pass < 2; ++pass) {  // the second pass reuses the scratch the first left
    CAPTURE(pass);
    std::vector<const shiwake::engine::Notice*> ptrs;
    for (const auto& n : notices) ptrs.push_back(&n);
    std::vector<shiwake::engine::Result> results(notices.size());
    c->classify_each(ptrs.data(), ptrs.size(), results.data(), scratch);
    for (std::size_t k = 0; k < notices.size(); ++k) CHECK(shiwake::engine::result_to_json(results[k]) == alone[k]);
  }
}

TEST_CASE("records come out in input order, errors in their place") {
  auto c = shipped();
  std::string path = shiwake::test::temp_path("shiwake-test-order.jsonl").string();
  {
    std::ofstream f(path);
    f << R"({"id":"a","title":"t","text":"x"})" << "\n"
      << "not json\n"
      << R"({"id":"b","title":"t","text":"y"})" << "\n";
  }
  shiwake::engine::StreamCounts counts;
  std::string out = run(*c, {path}, 2, 1, &counts);
  std::remove(path.c_str());
  std::istringstream lines(out);
  std::string l1, l2, l3;
  std::getline(lines, l1);
  std::getline(lines, l2);
  std::getline(lines, l3);
  CHECK(l1.find(R"("id":"a")") != std::string::npos);
  CHECK(l2.find(R"("error")") != std::string::npos);
  CHECK(l2.find(R"("line":2)") != std::string::npos);
  CHECK(l3.find(R"("id":"b")") != std::string::npos);
  CHECK(counts.read == 3);
  CHECK(counts.classified + counts.errors == counts.read);
}
