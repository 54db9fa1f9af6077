// The engine against the reference evaluator (tests/reference_evaluator.hpp): random
// expressions over every construct of the DSL that works on text, on every notice of the
// corpus; the two must agree on every verdict and every evidence span. Also whole packs
// whose conditions share subexpressions, which the engine evaluates once per notice.
#include "engine/notice_io.hpp"
#include "grammar/dsl.hpp"
#include "tests/reference_evaluator.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <set>

namespace {

const std::vector<std::string> kWords = {"不正アクセス", "漏えい", "漏洩", "個人情報", "可能性", "ランサムウェア", "メール",
                                         "お詫び", "カード", "サーバ", "調査", "確認", "2024年", "氏名", "。", "の",
                                         "ございません", "ウイルス", "第三者", "システム", "USB", "お客様"};
const std::map<std::string, std::vector<std::string>> kLists = {
    {"leak", {"漏えい", "漏洩", "流出"}},
    {"attack", {"不正アクセス", "攻撃", "ランサムウェア", "ウイルス"}},
    {"people", {"お客様", "会員", "氏名", "個人情報"}},
};

// A random expression in the DSL's text, depth-bounded.
class Generator {
 public:
  explicit Generator(unsigned seed) : rng_(seed) {}

  std::string expr(int depth) {
    int pick = depth <= 0 ? 0 : static_cast<int>(rng_() % 11);
    switch (pick) {
      case 0: return term();
      case 1: return expr(depth - 1) + " and " + expr(depth - 1);
      case 2: return expr(depth - 1) + " or " + expr(depth - 1);
      case 3: return "not " + paren(depth - 1);
      case 4: return std::string(rng_() % 2 ? "any(" : "all(") + expr(depth - 1) + ", " + expr(depth - 1) + ", " + expr(depth - 1) + ")";
      case 5: return std::to_string(rng_() % 3 + 1) + " of (" + expr(depth - 1) + ", " + expr(depth - 1) + ", " + expr(depth - 1) + ")";
      case 6: return "count(" + term() + ") " + op() + " " + std::to_string(rng_() % 4);
      case 7: return "near(" + term() + ", " + term() + ", " + std::to_string(rng_() % 60) + ")";
      case 8: return term() + " before " + term() + " within " + std::to_string(rng_() % 60);
      case 9: return std::string(rng_() % 2 ? "sentence(" : "paragraph(") + expr(depth - 1) + ")";
      default: return "(" + expr(depth - 1) + ")";
    }
  }

 private:
  std::string paren(int depth) { return "(" + expr(depth) + ")"; }
  std::string op() {
    static const char* const kOps[] = {"<", "<=", ">", ">=", "==", "!="};
    return kOps[rng_() % 6];
  }
  std::string term() {
    static const char* const kFields[] = {"", "", "", "title:", "body:"};
    std::string f = kFields[rng_() % 5];
    if (rng_() % 4 == 0) {
      auto it = kLists.begin();
      std::advance(it, rng_() % kLists.size());
      return f + "$" + it->first;
    }
    return f + "\"" + kWords[rng_() % kWords.size()] + "\"";
  }
  std::mt19937 rng_;
};

std::string lists_as_yaml() {
  std::string yaml;
  for (const auto& [name, items] : kLists) {
    yaml += "  " + name + ": [";
    for (std::size_t i = 0; i < items.size(); ++i) yaml += (i ? ", \"" : "\"") + items[i] + "\"";
    yaml += "]\n";
  }
  return yaml;
}

// Evidence as "field:start-end" in the original text, each span once: the engine's for a
// rule, and the reference evaluator's spans.
std::string span_key(const shiwake::engine::Evidence& e) {
  return std::to_string(int(e.field)) + ":" + std::to_string(e.start) + "-" + std::to_string(e.end);
}
std::vector<std::string> evidence_of(const shiwake::engine::RuleMatch& m) {
  std::vector<std::string> keys;
  for (const auto& e : m.evidence) keys.push_back(span_key(e));
  return keys;
}
std::vector<std::string> evidence_of(const shiwake::test::ReferenceEvaluator& ref,
                                     const std::vector<shiwake::test::ReferenceEvaluator::Span>& spans) {
  std::vector<std::string> keys;
  std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
  for (const auto& s : spans)
    if (seen.insert({s.start, s.end}).second) keys.push_back(span_key(ref.to_original(s)));
  return keys;
}

// `text` as a single-quoted YAML scalar.
std::string yaml_quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

}  // namespace

TEST_CASE("the engine agrees with the reference evaluator on random expressions over the corpus") {
  auto notices = shiwake::test::corpus_notices();
  REQUIRE(notices.size() >= 40);
  const std::string lists_yaml = lists_as_yaml();
  Generator gen(20261122);
  int fired = 0, compared = 0;
  for (int round = 0; round < 150; ++round) {
    std::string when = gen.expr(1 + round % 4);
    CAPTURE(when);
    auto parsed = shiwake::grammar::parse_expression(when);
    REQUIRE(parsed.expr);
    std::vector<shiwake::Diagnostic> ds;
    auto c = shiwake::test::pack_from_yaml(shiwake::test::one_rule_pack(when, lists_yaml), &ds);
    REQUIRE(c);
    auto scratch = c->make_scratch();
    for (const auto& n : notices) {
      CAPTURE(n.id);
      auto r = c->classify(n, scratch);
      shiwake::test::ReferenceEvaluator ref(kLists, n.title, n.text);
      std::vector<shiwake::test::ReferenceEvaluator::Span> spans;
      bool expected = ref.run(parsed.expr->root, &spans);
      REQUIRE(!r.matches.empty() == expected);
      ++compared;
      if (!expected) continue;
      ++fired;
      CHECK(evidence_of(r.matches[0]) == evidence_of(ref, spans));
    }
  }
  MESSAGE("compared " << compared << " verdicts, " << fired << " fired");
  CHECK(fired > 100);               // the expressions are not all trivially false
  CHECK(fired < compared - 100);    // nor all trivially true
}

TEST_CASE("conditions that share subexpressions agree with the reference evaluator, rule by rule") {
  // Rules and data types built from a small pool of subexpressions, so the same
  // subexpression occurs in many conditions of one pack (and is evaluated once per notice):
  // every rule's verdict and evidence, and every data type's verdict, must still be what
  // the reference evaluator gives for that condition alone.
  auto notices = shiwake::test::corpus_notices();
  REQUIRE(notices.size() >= 40);
  Generator gen(20261206);
  std::mt19937 rng(5);
  int fired = 0, compared = 0;
  for (int round = 0; round < 12; ++round) {
    std::vector<std::string> pool;
    for (int k = 0; k < 5; ++k) pool.push_back("(" + gen.expr(2 + k % 2) + ")");
    auto pick = [&] { return pool[rng() % pool.size()]; };
    std::vector<std::string> conditions;
    for (int k = 0; k < 10; ++k) {
      switch (rng() % 4) {
        case 0: conditions.push_back(pick() + " and " + pick()); break;
        case 1: conditions.push_back(pick() + " or not " + pick()); break;
        case 2: conditions.push_back("sentence(" + pick() + ") or " + pick()); break;
        default: conditions.push_back(pick() + " and (" + gen.expr(1) + ")"); break;
      }
    }
    std::string yaml = "lists:\n" + lists_as_yaml() + "\nrules:\n";
    for (std::size_t k = 0; k < conditions.size(); ++k)
      yaml += "  - id: r" + std::to_string(k) + "\n    category: c" + std::to_string(k) + "\n    when: " +
              yaml_quoted(conditions[k]) + "\n";
    yaml += "data_types:\n";
    for (std::size_t k = 0; k < conditions.size(); ++k)
      yaml += "  - id: d" + std::to_string(k) + "\n    x: 1\n    y: 1\n    when: " + yaml_quoted(conditions[k]) + "\n";
    CAPTURE(yaml);
    std::vector<shiwake::Diagnostic> ds;
    auto c = shiwake::test::pack_from_yaml(yaml, &ds);
    REQUIRE(c);
    CHECK(c->shared_subexpression_count() > 0);
    auto scratch = c->make_scratch();
    for (const auto& n : notices) {
      CAPTURE(n.id);
      const auto r = c->classify(n, scratch);
      for (std::size_t k = 0; k < conditions.size(); ++k) {
        CAPTURE(conditions[k]);
        auto parsed = shiwake::grammar::parse_expression(conditions[k]);
        REQUIRE(parsed.expr);
        shiwake::test::ReferenceEvaluator ref(kLists, n.title, n.text);
        std::vector<shiwake::test::ReferenceEvaluator::Span> spans;
        const bool expected = ref.run(parsed.expr->root, &spans);
        const std::string id = "r" + std::to_string(k);
        auto match = std::find_if(r.matches.begin(), r.matches.end(), [&](const auto& m) { return m.rule == id; });
        REQUIRE((match != r.matches.end()) == expected);
        const bool held = std::find(r.facts.data_types.begin(), r.facts.data_types.end(), "d" + std::to_string(k)) !=
                          r.facts.data_types.end();
        CHECK(held == expected);
        ++compared;
        if (!expected) continue;
        ++fired;
        CHECK(evidence_of(*match) == evidence_of(ref, spans));
      }
    }
  }
  MESSAGE("compared " << compared << " verdicts, " << fired << " fired");
  CHECK(fired > 100);
  CHECK(fired < compared - 100);
}
