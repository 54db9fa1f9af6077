// A rule pack as written: lists, rules, the data-type lexicon, leak terms, the outage
// condition and the severity policy, each condition parsed and tied to its place in the
// YAML file. Entry point: load_pack (pack_loader.cpp). Tests: tests/test_pack_loader.cpp.
#pragma once

#include "grammar/diagnostic.hpp"
#include "grammar/dsl.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace shiwake::engine {

// Where something was written: maps byte offsets of a YAML scalar's value back to
// file:line:col, through block indentation, quotes and folding.
class SourceSpan {
 public:
  SourceSpan() = default;
  SourceSpan(std::shared_ptr<const std::string> file_text, std::string file, std::size_t scalar_pos,
             std::string_view value);

  // A diagnostic at bytes [begin, end) of the value (the whole scalar when begin == end == 0).
  Diagnostic at(std::size_t begin, std::size_t end, std::string message, Level level = Level::error) const;
  Diagnostic whole(std::string message, Level level = Level::error) const { return at(0, 0, std::move(message), level); }
  const std::string& file() const { return file_; }
  unsigned line() const;

 private:
  std::shared_ptr<const std::string> file_text_;
  std::string file_;
  std::vector<std::uint32_t> raw_offset_;  // per value byte (+1): byte offset in the file
};

// A DSL condition (`when:`) with its text, AST and source position.
struct Condition {
  std::string text;
  grammar::ParsedExpr parsed;
  SourceSpan where;

  Diagnostic at(const grammar::ast::x3::position_tagged& node, std::string message,
                Level level = Level::error) const;
};

// One term of a list: a literal, or a regex when written /.../.
struct ListItem {
  bool is_regex = false;
  std::string text;
  SourceSpan where;
};

struct TermList {
  std::string name;
  std::vector<ListItem> items;
  SourceSpan where;
};

struct Example {
  std::string title;
  std::string text;
  SourceSpan where;
};

enum class LabelKind : std::uint8_t { category, tag };

struct Rule {
  std::string id;
  LabelKind kind = LabelKind::category;
  std::string label;  // the category or tag id
  std::string title;
  std::string description;
  std::string severity_hint;
  Condition when;
  std::vector<Example> match, no_match;
  SourceSpan where;  // the rule's id
};

struct DataTypeDef {
  std::string id;
  int x = 1, y = 1;  // JNSA mental-distress and economic-loss levels
  Condition when;
  SourceSpan where;
};

struct LeakDef {
  std::string status;  // confirmed | possible | none
  Condition when;
};

struct SeverityDef {
  std::string level;  // critical | high | medium | low | informational
  Condition when;
  std::string why;
};

struct Pack {
  std::filesystem::path dir;
  std::vector<std::string> files;  // the YAML files read, in load order
  std::vector<TermList> lists;
  std::vector<Rule> rules;
  std::vector<DataTypeDef> data_types;
  std::vector<LeakDef> leak;
  std::optional<Condition> outage;
  std::optional<Condition> reportable;  // the APPI triggers, over facts and categories
  std::vector<SeverityDef> severity;
  // What failed to load ("rule:ID", "list:NAME", "data_type:ID", "category:ID", "tag:ID"):
  // the compiler does not report references to these again, so one error is said once.
  std::set<std::string> unloaded;
};

inline const char* const kSeverityLevels[] = {"critical", "high", "medium", "low", "informational"};
inline const char* const kLeakStatuses[] = {"confirmed", "possible", "none", "unknown"};

// Bounds on what a pack may contain: a hostile pack gets an error, not an exhausted machine.
inline constexpr std::size_t kMaxPackFileBytes = 8u << 20;
inline constexpr std::size_t kMaxRules = 20000;
inline constexpr std::size_t kMaxListItems = 100000;
inline constexpr std::size_t kMaxTermBytes = 4096;
inline constexpr std::size_t kMaxYamlNodes = 2000000;
inline constexpr std::size_t kMaxPatterns = 200000;  // distinct terms in the scan database
inline constexpr std::size_t kMaxRegexes = 2000;     // of which regexes

struct LoadedPack {
  Pack pack;
  std::vector<Diagnostic> diagnostics;  // every problem found, in file order
};

// Reads every *.yaml / *.yml file of `dir` (sorted, not recursive) and goes on past bad
// rules, so one run reports every error of the pack.
LoadedPack load_pack(const std::filesystem::path& dir);

// Loads a pack from YAML text held in memory (tests, fuzzing, `shiwake test` on one file).
void load_pack_file(std::string file_name, std::string text, LoadedPack& into);

}  // namespace shiwake::engine
