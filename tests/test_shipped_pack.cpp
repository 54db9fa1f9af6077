// The shipped pack's own bar: every rule carries at least 3 match and 3 no_match examples,
// and every category and tag of TAXONOMY.md has a rule.
#include "engine/pack.hpp"

#include <doctest/doctest.h>

#include <set>

TEST_CASE("shipped pack: every rule has at least 3 match and 3 no_match examples") {
  auto loaded = shiwake::engine::load_pack(std::string(SHIWAKE_SOURCE_DIR) + "/rules");
  REQUIRE_FALSE(shiwake::has_errors(loaded.diagnostics));
  REQUIRE(loaded.pack.rules.size() >= 26);
  for (const auto& r : loaded.pack.rules) {
    CAPTURE(r.id);
    CHECK(r.match.size() >= 3);
    CHECK(r.no_match.size() >= 3);
  }
}

TEST_CASE("shipped pack: a rule for every category and tag of the taxonomy") {
  auto loaded = shiwake::engine::load_pack(std::string(SHIWAKE_SOURCE_DIR) + "/rules");
  std::set<std::string> labels;
  for (const auto& r : loaded.pack.rules) labels.insert(r.label);
  for (const char* id : {"support-scam", "phishing", "bec", "emotet", "ransomware", "malware", "card-skimming",
                         "web-defacement", "unauthorized-access", "account-takeover", "vulnerability-exploit", "ddos",
                         "mis-send", "bcc-exposure", "misconfiguration", "mis-publication", "system-bug", "loss", "theft",
                         "insider-misuse", "not-incident", "supply-chain", "regulatory-action", "follow-up", "advisory",
                         "public-sector"}) {
    CAPTURE(id);
    CHECK(labels.count(id) == 1);
  }
  std::set<std::string> types;
  for (const auto& d : loaded.pack.data_types) types.insert(d.id);
  CHECK(types.size() == 17);
}
