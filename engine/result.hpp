// What classifying one notice yields: categories, tags, severity and why, facts, and the
// rules that fired with their evidence in the ORIGINAL text. Serialized by result_json.cpp.
#pragma once

#include "grammar/ast.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace shiwake::engine {

// A span of the original title or text, in code points, and the text it covers.
struct Evidence {
  grammar::ast::Field field = grammar::ast::Field::body;  // title or body
  std::uint32_t start = 0, end = 0;
  std::string text;     // the original text of the span
  std::string matched;  // what matched in the normalized text (not serialized)
};

struct RuleMatch {
  std::string rule;
  bool is_tag = false;
  std::string label;  // the category or tag it gives
  std::vector<Evidence> evidence;
};

struct Facts {
  std::optional<double> affected;
  std::string affected_why;  // the count chosen and the context that decided, for explain
  std::vector<Evidence> affected_evidence;
  std::vector<std::string> data_types;
  std::string leak = "unknown";
  std::optional<grammar::ast::Date> published, discovered;
  bool outage = false;
  std::optional<double> damage_jpy;
  // For explain only (filled when a trace is asked for): the text each lexicon fact came from.
  std::map<std::string, std::vector<Evidence>> evidence;
};

// Which line of the severity policy decided, and the facts it looked at.
struct SeverityWhy {
  std::string level;
  std::string condition;  // the policy entry's `when:` as written
  std::string where;      // file:line of that entry
  std::string why;        // its prose
  std::vector<std::string> facts_used;

  bool operator==(const SeverityWhy&) const = default;
};

struct Result {
  std::string id, title;
  std::vector<std::string> categories, tags;
  std::string severity = "informational";
  bool reportable = false;
  Facts facts;
  std::vector<RuleMatch> matches;
  SeverityWhy why;
  std::vector<std::string> warnings;  // e.g. invalid UTF-8 replaced at a byte offset
  // Non-empty when the notice was not classified because it went past one of the
  // per-notice bounds (shiwake.hpp): why, in words. Nothing else is filled in then but
  // id and title; classify_stream turns such a result into an error record.
  std::string error;
};

std::string to_iso(const grammar::ast::Date& d);

}  // namespace shiwake::engine
