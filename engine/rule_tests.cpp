// Rule examples and their normalization variants. Entry point: run_rule_tests.
// Tests: tests/test_rule_tests.cpp.
#include "engine/rule_tests.hpp"

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

namespace shiwake::engine {

namespace {

bool is_cjk(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript(c, &status);
  return s == USCRIPT_HAN || s == USCRIPT_HIRAGANA || s == USCRIPT_KATAKANA;
}

std::vector<UChar32> code_points(const std::string& s) {
  std::vector<UChar32> out;
  int32_t i = 0, n = static_cast<int32_t>(s.size());
  while (i < n) {
    UChar32 c;
    U8_NEXT(s.data(), i, n, c);
    out.push_back(c < 0 ? 0xFFFD : c);
  }
  return out;
}

void append(std::string& out, UChar32 c) {
  char buf[4];
  int32_t len = 0;
  UBool error = false;
  U8_APPEND(buf, len, 4, c, error);
  if (!error) out.append(buf, len);
}

// The rule's direct sub-expressions with their verdicts, as written in the condition.
std::vector<std::string> decided_by(const Rule& rule, const std::vector<Trace::Node>& nodes) {
  std::vector<std::string> out;
  if (nodes.empty()) return out;
  int root = static_cast<int>(nodes.size()) - 1;
  auto text_of = [&](const Trace::Node& n) {
    if (!n.ast) return std::string("?");
    grammar::Span s = rule.when.parsed.span(*n.ast);
    std::string t = rule.when.text.substr(s.begin, s.end - s.begin);
    for (char& c : t)
      if (c == '\n') c = ' ';
    return t;
  };
  auto mark = [](const Trace::Node& n) { return !n.evaluated ? "- " : n.held ? "✓ " : "✗ "; };
  bool any_child = false;
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].parent == root) {
      out.push_back(mark(nodes[i]) + text_of(nodes[i]));
      any_child = true;
    }
  if (!any_child) out.push_back(mark(nodes[root]) + text_of(nodes[root]));
  return out;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> example_variants(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> out;
  auto cps = code_points(text);
  std::string full, half, spaced, broken;
  for (UChar32 c : cps) {
    if (c > 0x20 && c < 0x7F) append(full, c + 0xFEE0);
    else if (c == ' ') append(full, 0x3000);
    else append(full, c);
    if (c >= 0xFF01 && c <= 0xFF5E) append(half, c - 0xFEE0);
    else if (c == 0x3000) append(half, ' ');
    else append(half, c);
  }
  // Spaces as PDF extraction inserts them: after every third CJK character followed by one.
  unsigned run = 0;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    append(spaced, cps[i]);
    run = is_cjk(cps[i]) ? run + 1 : 0;
    if (run % 3 == 0 && run && i + 1 < cps.size() && is_cjk(cps[i + 1])) spaced += ' ';
  }
  // A line break inside the first sentence, between two CJK characters past its middle.
  std::size_t end = 0;
  while (end < cps.size() && cps[end] != 0x3002 && cps[end] != '\n') ++end;
  bool done = false;
  for (std::size_t i = 0; i < cps.size(); ++i) {
    append(broken, cps[i]);
    if (!done && i >= end / 2 && i + 1 < end && is_cjk(cps[i]) && is_cjk(cps[i + 1])) {
      broken += '\n';
      done = true;
    }
  }
  for (auto& [name, v] : {std::pair<std::string, std::string>{"full-width", full}, {"half-width", half},
                          {"spaces between CJK", spaced}, {"line break in a sentence", broken}})
    if (v != text) out.emplace_back(name, v);
  return out;
}

RuleTestReport run_rule_tests(const Classifier& classifier) {
  RuleTestReport report;
  const Pack& pack = classifier.pack();
  auto scratch = classifier.make_scratch();
  for (std::size_t ri = 0; ri < pack.rules.size(); ++ri) {
    const Rule& rule = pack.rules[ri];
    RuleTally tally;
    tally.rule = &rule;
    auto run = [&](const Example& ex, bool expected) {
      Notice n;
      n.id = rule.id;
      n.title = ex.title;
      n.text = ex.text;
      Trace trace;
      Result r = classifier.classify(n, scratch, &trace);
      ++report.examples;
      if (!r.error.empty()) {  // past a per-notice bound: a failure, saying which
        (expected ? tally.fn : tally.fp)++;
        report.failures.push_back({&rule, &ex, expected, "", "", {r.error}});
        return;
      }
      auto fired_rule = [&](const Result& res) {
        for (const auto& m : res.matches)
          if (m.rule == rule.id) return true;
        return false;
      };
      bool fired = fired_rule(r);
      if (fired == expected) (expected ? tally.tp : tally.tn)++;
      else {
        (expected ? tally.fn : tally.fp)++;
        report.failures.push_back({&rule, &ex, expected, "", "", decided_by(rule, trace.conditions[ri])});
        return;  // variants of a failing example would only repeat it
      }
      for (const auto& field : {0, 1}) {
        const std::string& original = field == 0 ? ex.text : ex.title;
        if (original.empty()) continue;
        for (auto& [name, text] : example_variants(original)) {
          Notice v = n;
          (field == 0 ? v.text : v.title) = text;
          Trace vt;
          Result vr = classifier.classify(v, scratch, &vt);
          ++report.variants;
          if (!vr.error.empty() || fired_rule(vr) != fired) {
            ++tally.variant_failures;
            report.failures.push_back({&rule, &ex, expected, std::string(field ? "title, " : "") + name, text,
                                       vr.error.empty() ? decided_by(rule, vt.conditions[ri]) : std::vector<std::string>{vr.error}});
          }
        }
      }
    };
    for (const auto& ex : rule.match) run(ex, true);
    for (const auto& ex : rule.no_match) run(ex, false);
    report.rules.push_back(tally);
  }
  return report;
}

}  // namespace shiwake::engine
