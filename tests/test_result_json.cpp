// result_to_json writes, byte for byte, what nlohmann's dump(-1) of the same record gives:
// strings with every character JSON escapes (at any position, inside and past the writer's
// 16-byte blocks), invalid UTF-8, numbers, and a severity `why` the writer keeps between
// results, interleaved so that a kept one is reused only for an equal `why`. Then
// result_from_json reads every line back.
#include "engine/result_json.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

using shiwake::engine::Evidence;
using shiwake::engine::Result;
using shiwake::engine::RuleMatch;
using shiwake::engine::SeverityWhy;
using Json = nlohmann::ordered_json;

// The record as nlohmann writes it: the reference the writer must equal.
std::string reference(const Result& r) {
  Json j;
  j["id"] = r.id;
  j["title"] = r.title;
  j["categories"] = r.categories;
  j["tags"] = r.tags;
  j["severity"] = r.severity;
  j["reportable"] = r.reportable;
  Json f;
  f["affected"] = r.facts.affected ? Json(static_cast<std::int64_t>(*r.facts.affected)) : Json(nullptr);
  f["data_types"] = r.facts.data_types;
  f["leak"] = r.facts.leak;
  f["published"] = r.facts.published ? Json(shiwake::engine::to_iso(*r.facts.published)) : Json(nullptr);
  f["discovered"] = r.facts.discovered ? Json(shiwake::engine::to_iso(*r.facts.discovered)) : Json(nullptr);
  f["outage"] = r.facts.outage;
  f["damage_jpy"] = r.facts.damage_jpy ? Json(static_cast<std::int64_t>(std::round(*r.facts.damage_jpy))) : Json(nullptr);
  j["facts"] = f;
  j["matches"] = Json::array();
  for (const RuleMatch& m : r.matches) {
    Json jm;
    jm["rule"] = m.rule;
    jm[m.is_tag ? "tag" : "category"] = m.label;
    jm["evidence"] = Json::array();
    for (const Evidence& e : m.evidence)
      jm["evidence"].push_back(Json{{"field", e.field == shiwake::grammar::ast::Field::title ? "title" : "text"},
                                    {"start", e.start},
                                    {"end", e.end},
                                    {"text", e.text}});
    j["matches"].push_back(jm);
  }
  j["why"] = Json{{"level", r.why.level},
                  {"policy", r.why.where},
                  {"when", r.why.condition},
                  {"why", r.why.why},
                  {"facts", r.why.facts_used}};
  if (!r.warnings.empty()) j["warnings"] = r.warnings;
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

SeverityWhy why(std::string level, std::string condition) {
  return SeverityWhy{level, condition, "rules/severity.yaml:3", "the policy's prose", {"damage", "has(card)"}};
}

Result result(std::string text, SeverityWhy w) {
  Result r;
  r.id = "n-" + text.substr(0, 3);
  r.title = text;
  r.categories = {"unauthorized-access", text};
  r.severity = w.level;
  r.facts.affected = 1234;
  r.facts.damage_jpy = 61234567.5;
  r.facts.published = shiwake::grammar::ast::Date{2024, 5, 1};
  RuleMatch m{"rule-a", false, "unauthorized-access", {}};
  m.evidence.push_back(Evidence{shiwake::grammar::ast::Field::body, 3, 9, text, ""});
  m.evidence.push_back(Evidence{shiwake::grammar::ast::Field::title, 0, 2, "不正", ""});
  r.matches.push_back(m);
  r.why = std::move(w);
  return r;
}

}  // namespace

TEST_CASE("result_to_json writes what nlohmann writes, escapes anywhere in a string") {
  const std::string plain16 = "0123456789abcdef", japanese = "個人情報が漏えいした可能性";
  static constexpr char kControls[] = "nul\0byte and \x01\x1f";
  std::vector<std::string> texts = {"",
                                    "plain",
                                    japanese,
                                    "\"quoted\" and back\\slash",
                                    plain16 + "\"" + plain16,
                                    plain16 + plain16 + "\\",
                                    japanese + "\n" + japanese + "\t\r\b\f",
                                    std::string(kControls, sizeof kControls - 1) + plain16,
                                    plain16.substr(0, 15) + "\x7f" + "\x1e",
                                    "broken \xE3\x81 UTF-8 " + plain16 + "\"",
                                    std::string(200, 'x') + "\"" + std::string(31, 'y')};
  for (const std::string& t : texts) {
    CAPTURE(t);
    const Result r = result(t, why("high", "sentence($x and " + t + ")"));
    CHECK(shiwake::engine::result_to_json(r) == reference(r));
  }
}

TEST_CASE("result_to_json: a kept severity why is reused only for an equal one") {
  // Whys that differ in one field each, written in turns, more of them than are kept.
  std::vector<SeverityWhy> whys;
  for (int k = 0; k < 20; ++k) whys.push_back(why("medium", "category(c" + std::to_string(k) + ")"));
  whys.push_back(why("low", "category(c0)"));
  SeverityWhy other_where = whys[0];
  other_where.where = "rules/severity.yaml:9";
  whys.push_back(other_where);
  SeverityWhy other_facts = whys[0];
  other_facts.facts_used.push_back("outage");
  whys.push_back(other_facts);
  SeverityWhy other_prose = whys[0];
  other_prose.why = "other prose with a \"quote\"";
  whys.push_back(other_prose);
  for (int round = 0; round < 3; ++round)
    for (std::size_t k = 0; k < whys.size(); ++k) {
      const Result r = result("notice " + std::to_string(k), whys[(k * 7 + round) % whys.size()]);
      const std::string line = shiwake::engine::result_to_json(r);
      CHECK(line == reference(r));
      std::string error;
      auto back = shiwake::engine::result_from_json(line, error);
      REQUIRE(back);
      CHECK(back->why.condition == r.why.condition);
      CHECK(back->why.where == r.why.where);
      CHECK(back->why.facts_used == r.why.facts_used);
      CHECK(back->why.why == r.why.why);
      CHECK(back->why.level == r.why.level);
    }
}
