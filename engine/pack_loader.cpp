// Loads a rule pack from YAML: every file of the folder, every error reported with its
// file:line:col, loading going on past a bad rule. Entry points: load_pack, load_pack_file.
// Tests: tests/test_pack_loader.cpp and the golden diagnostics in tests/data/check/.
//
// Positions: yaml-cpp gives the byte offset where a scalar starts in the file, not where
// each character of its value came from. SourceSpan aligns the value with the raw file
// text from that offset on, character by character, skipping what YAML removed (quotes,
// escapes' backslashes, block indentation, folded line breaks). That is exact for plain,
// quoted and block scalars as analysts write them, and degrades to the scalar's start.
#include "engine/pack.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>
#include <unicode/utf8.h>

namespace shiwake::engine {

namespace {

unsigned count_code_points(std::string_view s) {
  unsigned n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// The grammar reads `label(x)` as the fact `label` followed by a stray '('. When a syntax
// error sits on a '(' right after a name, say what the author meant: an unknown function,
// underlining the name. nullopt for every other error.
std::optional<std::string> unknown_function(std::string_view text, grammar::Span& at) {
  std::size_t paren = at.begin;
  if (paren >= text.size() || text[paren] != '(') return std::nullopt;
  std::size_t end = paren;
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  std::size_t begin = end;
  auto ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; };
  while (begin > 0 && ident(text[begin - 1])) --begin;
  if (begin == end || std::isdigit(static_cast<unsigned char>(text[begin]))) return std::nullopt;
  std::string_view name = text.substr(begin, end - begin);
  for (const char* keyword : {"and", "or", "not", "of", "before", "within"})
    if (name == keyword) return std::nullopt;
  at = {static_cast<std::uint32_t>(begin), static_cast<std::uint32_t>(end)};
  return "unknown function '" + std::string(name) +
         "' (functions: any, all, count, near, sentence, paragraph, has, category, tag)";
}

}  // namespace

SourceSpan::SourceSpan(std::shared_ptr<const std::string> file_text, std::string file,
                       std::size_t scalar_pos, std::string_view value)
    : file_text_(std::move(file_text)), file_(std::move(file)) {
  const std::string& raw = *file_text_;
  raw_offset_.reserve(value.size() + 1);
  std::size_t i = std::min(scalar_pos, raw.size());
  // How far the alignment may skip ahead looking for a value byte before giving up.
  constexpr std::size_t kMaxSkip = 512;
  bool const double_quoted = i < raw.size() && raw[i] == '"';
  if (double_quoted) ++i;  // the opening quote is not part of the value
  for (std::size_t k = 0; k < value.size(); ++k) {
    char const c = value[k];
    // An escape of a double-quoted scalar (\u200B, \x41, \t) wrote this code point: map
    // all its bytes to the backslash and go on after the escape.
    if (double_quoted && c != '\\' && i < raw.size() && raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] != c) {
      char const kind = raw[i + 1];
      std::size_t const digits = kind == 'x' ? 2 : kind == 'u' ? 4 : kind == 'U' ? 8 : 0;
      std::size_t const bytes = 1 + U8_COUNT_TRAIL_BYTES(static_cast<unsigned char>(c));
      // The code point's last byte maps to the escape's last character, so a range ending
      // there underlines the whole escape.
      std::size_t const last = std::min(raw.size() - 1, i + 1 + digits);
      for (std::size_t b = 0; b < bytes && k + b < value.size(); ++b)
        raw_offset_.push_back(static_cast<std::uint32_t>(b + 1 == bytes ? last : i));
      k += bytes - 1;
      i = std::min(raw.size(), i + 2 + digits);
      continue;
    }
    std::size_t j = i;
    while (j < raw.size() && j - i < kMaxSkip && raw[j] != c) ++j;
    if (j < raw.size() && raw[j] == c) {
      raw_offset_.push_back(static_cast<std::uint32_t>(j));
      i = j + 1;
    } else {
      raw_offset_.push_back(static_cast<std::uint32_t>(std::min(i, raw.size())));
    }
  }
  // The end of the value maps to just after its last visible character, so an error at
  // the end of a block scalar lands on its last line and not on whatever follows it.
  std::size_t end = std::min(i, raw.size());
  for (std::size_t k = value.size(); k-- > 0;) {
    if (value[k] != ' ' && value[k] != '\n' && value[k] != '\t' && value[k] != '\r') {
      end = raw_offset_[k] + 1;
      break;
    }
  }
  raw_offset_.push_back(static_cast<std::uint32_t>(end));
  if (raw_offset_.size() == 1) raw_offset_[0] = static_cast<std::uint32_t>(std::min(scalar_pos, raw.size()));
}

unsigned SourceSpan::line() const {
  if (!file_text_ || raw_offset_.empty()) return 0;
  const std::string& raw = *file_text_;
  std::size_t at = std::min<std::size_t>(raw_offset_.front(), raw.size());
  return 1 + static_cast<unsigned>(std::count(raw.begin(), raw.begin() + at, '\n'));
}

Diagnostic SourceSpan::at(std::size_t begin, std::size_t end, std::string message, Level level) const {
  Diagnostic d;
  d.level = level;
  d.file = file_;
  d.message = std::move(message);
  if (!file_text_ || raw_offset_.empty()) return d;
  const std::string& raw = *file_text_;
  std::size_t last = raw_offset_.size() - 1;
  if (begin == 0 && end == 0) end = last;
  begin = std::min(begin, last);
  end = std::clamp(end, begin, last);
  std::size_t from = raw_offset_[begin];
  // The raw end: one past the last value byte of the range, on the same line as `from`.
  std::size_t to = end > begin ? raw_offset_[end - 1] + 1 : from;
  std::size_t line_start = raw.rfind('\n', from == 0 ? 0 : from - 1);
  line_start = (line_start == std::string::npos || from == 0) ? 0 : line_start + 1;
  if (from > 0 && raw[from - 1] == '\n') line_start = from;
  std::size_t line_end = raw.find('\n', from);
  if (line_end == std::string::npos) line_end = raw.size();
  to = std::clamp(to, from, line_end);
  d.line = 1 + static_cast<unsigned>(std::count(raw.begin(), raw.begin() + line_start, '\n'));
  d.column = 1 + count_code_points(std::string_view(raw).substr(line_start, from - line_start));
  d.length = std::max(1u, count_code_points(std::string_view(raw).substr(from, to - from)));
  d.source_line = raw.substr(line_start, line_end - line_start);
  if (!d.source_line.empty() && d.source_line.back() == '\r') d.source_line.pop_back();
  return d;
}

Diagnostic Condition::at(const grammar::ast::x3::position_tagged& node, std::string message, Level level) const {
  grammar::Span s = parsed.span(node);
  return where.at(s.begin, s.end, std::move(message), level);
}

namespace {

// Reads one file's YAML tree into the pack. Every problem becomes a diagnostic; nothing throws.
class FileLoader {
 public:
  FileLoader(std::string file, std::string text, LoadedPack& into)
      : file_(std::move(file)), text_(std::make_shared<const std::string>(std::move(text))), out_(into) {}

  void run() {
    YAML::Node root;
    try {
      root = YAML::Load(*text_);
    } catch (const YAML::Exception& e) {
      Diagnostic d = span_at(e.mark.pos, "").whole("invalid YAML: " + e.msg);
      out_.diagnostics.push_back(std::move(d));
      return;
    }
    if (!root || root.IsNull()) return;  // an empty file is an empty pack file
    if (!within_bounds(root)) return;
    if (!root.IsMap()) {
      error(root, "a pack file is a mapping with keys lists, rules, data_types, leak, outage, reportable, severity");
      return;
    }
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.IsScalar() ? it->first.Scalar() : "";
      // A copy (a handle): it->second lives in a proxy that dies with the expression.
      const YAML::Node value = it->second;
      if (key == "lists") read_lists(value);
      else if (key == "rules") read_rules(value);
      else if (key == "data_types") read_data_types(value);
      else if (key == "leak") read_leak(value);
      else if (key == "outage") read_single(value, "outage", out_.pack.outage);
      else if (key == "reportable") read_single(value, "reportable", out_.pack.reportable);
      else if (key == "severity") read_severity(value);
      else error(it->first, "unknown top-level key '" + key +
                                "' (expected lists, rules, data_types, leak, outage, reportable or severity)");
    }
  }

 private:
  SourceSpan span_at(std::size_t pos, std::string_view value) const { return SourceSpan(text_, file_, pos, value); }
  SourceSpan span_of(const YAML::Node& n) const {
    return span_at(n.Mark().pos, n.IsScalar() ? std::string_view(n.Scalar()) : std::string_view());
  }
  void error(const YAML::Node& n, std::string message) { out_.diagnostics.push_back(span_of(n).whole(std::move(message))); }
  void warning(const YAML::Node& n, std::string message) {
    out_.diagnostics.push_back(span_of(n).whole(std::move(message), Level::warning));
  }

  // yaml-cpp shares an aliased node instead of copying it, but every reader below copies
  // what it reads, so a small file of aliases to aliases (a "billion laughs") would expand
  // without bound. One walk over the tree as the readers see it, stopped at the bound,
  // measures it first; without aliases it is never larger than the file.
  bool within_bounds(const YAML::Node& root) {
    std::size_t nodes = 0, bytes = 0;
    std::vector<YAML::Node> stack{root};
    while (!stack.empty()) {
      YAML::Node n = stack.back();
      stack.pop_back();
      if (++nodes > kMaxYamlNodes || bytes > kMaxPackFileBytes) {
        error(root, "pack file too large with its YAML aliases expanded: more than " + std::to_string(kMaxYamlNodes) +
                        " nodes or " + std::to_string(kMaxPackFileBytes) + " bytes");
        return false;
      }
      if (n.IsScalar()) {
        bytes += n.Scalar().size();
      } else if (n.IsSequence()) {
        for (const YAML::Node& child : n) stack.push_back(child);
      } else if (n.IsMap()) {
        for (auto it = n.begin(); it != n.end(); ++it) {
          stack.push_back(it->first);
          stack.push_back(it->second);
        }
      }
    }
    return true;
  }

  bool budget(const YAML::Node& n) {
    if (++nodes_ <= kMaxYamlNodes) return true;
    if (nodes_ == kMaxYamlNodes + 1) error(n, "pack file too large: more than " + std::to_string(kMaxYamlNodes) + " YAML nodes");
    return false;
  }

  // A scalar string field; reports and returns nullopt when it is missing or not a string.
  std::optional<std::string> scalar(const YAML::Node& map, const char* key, bool required, const YAML::Node& owner) {
    YAML::Node n = map[key];
    if (!n) {
      if (required) error(owner, std::string("missing '") + key + "'");
      return std::nullopt;
    }
    if (!n.IsScalar()) {
      error(n, std::string("'") + key + "' must be a string");
      return std::nullopt;
    }
    return n.Scalar();
  }

  std::optional<Condition> condition(const YAML::Node& n) {
    if (!n.IsScalar()) {
      error(n, "a condition must be a string holding a DSL expression");
      return std::nullopt;
    }
    Condition c;
    c.text = n.Scalar();
    c.where = span_of(n);
    grammar::ParseResult r = grammar::parse_expression(c.text);
    for (const auto& e : r.errors) {
      grammar::Span at = e.where;
      std::string message = unknown_function(c.text, at).value_or(e.message);
      out_.diagnostics.push_back(c.where.at(at.begin, at.end, std::move(message)));
    }
    if (!r.expr) return std::nullopt;
    c.parsed = std::move(*r.expr);
    return c;
  }

  template <class F>
  void each(const YAML::Node& seq, const char* what, F&& f) {
    if (!seq.IsSequence()) {
      error(seq, std::string("'") + what + "' must be a list");
      return;
    }
    for (const YAML::Node& item : seq) {
      if (!budget(item)) return;
      f(item);
    }
  }

  void read_lists(const YAML::Node& n) {
    if (!n.IsMap()) return error(n, "'lists' must map list names to lists of terms");
    for (auto it = n.begin(); it != n.end(); ++it) {
      if (!budget(it->second)) return;
      TermList list;
      list.name = it->first.Scalar();
      list.where = span_of(it->first);
      if (!it->second.IsSequence()) {
        error(it->second, "list '" + list.name + "' must be a sequence of terms");
        out_.pack.unloaded.insert("list:" + list.name);
        continue;
      }
      if (it->second.size() > kMaxListItems) {
        error(it->first, "list '" + list.name + "' has " + std::to_string(it->second.size()) +
                             " terms, more than the bound of " + std::to_string(kMaxListItems));
        out_.pack.unloaded.insert("list:" + list.name);
        continue;
      }
      const YAML::Node items = it->second;  // not a reference: see run()
      for (const YAML::Node& item : items) {
        if (!budget(item)) return;
        if (!item.IsScalar()) {
          error(item, "a list term must be a string (\"literal\" or /regex/)");
          continue;
        }
        ListItem li;
        li.where = span_of(item);
        const std::string& s = item.Scalar();
        if (s.size() >= 2 && s.front() == '/' && s.back() == '/') {
          li.is_regex = true;
          li.text = s.substr(1, s.size() - 2);
        } else {
          li.text = s;
        }
        if (li.text.empty()) {
          error(item, "empty term in list '" + list.name + "'");
          continue;
        }
        if (li.text.size() > kMaxTermBytes) {
          error(item, "term longer than " + std::to_string(kMaxTermBytes) + " bytes");
          continue;
        }
        list.items.push_back(std::move(li));
      }
      out_.pack.lists.push_back(std::move(list));
    }
  }

  void read_examples(const YAML::Node& n, std::vector<Example>& into) {
    each(n, "tests", [&](const YAML::Node& item) {
      Example ex;
      ex.where = span_of(item);
      if (item.IsScalar()) {
        ex.text = item.Scalar();
      } else if (item.IsMap()) {
        if (auto t = scalar(item, "title", false, item)) ex.title = *t;
        if (auto t = scalar(item, "text", false, item)) ex.text = *t;
      } else {
        return error(item, "an example is a string or a mapping with title and text");
      }
      into.push_back(std::move(ex));
    });
  }

  void read_rules(const YAML::Node& n) {
    each(n, "rules", [&](const YAML::Node& r) {
      if (!r.IsMap()) return error(r, "a rule is a mapping with id, category or tag, title and when");
      if (out_.pack.rules.size() >= kMaxRules) {
        if (!too_many_rules_) error(r, "more than " + std::to_string(kMaxRules) + " rules in the pack");
        too_many_rules_ = true;
        return;
      }
      Rule rule;
      auto id = scalar(r, "id", true, r);
      if (!id) return;
      rule.id = *id;
      rule.where = span_of(r["id"]);
      auto category = scalar(r, "category", false, r);
      auto tag = scalar(r, "tag", false, r);
      // From here on a failed rule is remembered, so references to it are not errors again.
      std::set<std::string>& unloaded = out_.pack.unloaded;
      unloaded.insert("rule:" + rule.id);
      if (category) unloaded.insert("category:" + *category);
      if (tag) unloaded.insert("tag:" + *tag);
      if (category && tag) return error(r["tag"], "rule '" + rule.id + "' has both a category and a tag");
      if (!category && !tag) return error(r["id"], "rule '" + rule.id + "' needs a category or a tag");
      rule.kind = category ? LabelKind::category : LabelKind::tag;
      rule.label = category ? *category : *tag;
      rule.title = scalar(r, "title", false, r).value_or("");
      rule.description = scalar(r, "description", false, r).value_or("");
      rule.severity_hint = scalar(r, "severity", false, r).value_or("");
      for (auto it = r.begin(); it != r.end(); ++it) {
        static const std::set<std::string> known = {"id", "category", "tag", "title", "description",
                                                    "severity", "when", "tests"};
        if (!known.count(it->first.Scalar()))
          error(it->first, "unknown rule key '" + it->first.Scalar() + "'");
      }
      if (!r["when"]) return error(r["id"], "rule '" + rule.id + "' has no 'when' condition");
      auto when = condition(r["when"]);
      if (YAML::Node tests = r["tests"]) {
        if (!tests.IsMap()) {
          error(tests, "'tests' is a mapping with match and no_match lists");
        } else {
          if (tests["match"]) read_examples(tests["match"], rule.match);
          if (tests["no_match"]) read_examples(tests["no_match"], rule.no_match);
        }
      }
      if (!when) return;
      unloaded.erase("rule:" + rule.id);
      unloaded.erase((category ? "category:" : "tag:") + rule.label);
      rule.when = std::move(*when);
      out_.pack.rules.push_back(std::move(rule));
    });
  }

  void read_data_types(const YAML::Node& n) {
    each(n, "data_types", [&](const YAML::Node& d) {
      if (!d.IsMap()) return error(d, "a data type is a mapping with id, x, y and when");
      DataTypeDef def;
      auto id = scalar(d, "id", true, d);
      if (!id) return;
      def.id = *id;
      def.where = span_of(d["id"]);
      out_.pack.unloaded.insert("data_type:" + def.id);
      for (const char* key : {"x", "y"}) {
        int v = 0;
        YAML::Node level = d[key];
        try {
          v = level ? level.as<int>() : 0;
        } catch (const YAML::Exception&) {
          v = 0;
        }
        if (v < 1 || v > 3) {
          error(level ? level : d["id"], std::string("data type '") + def.id + "' needs " + key + " between 1 and 3");
          return;
        }
        (key[0] == 'x' ? def.x : def.y) = v;
      }
      if (!d["when"]) return error(d["id"], "data type '" + def.id + "' has no 'when' condition");
      auto when = condition(d["when"]);
      if (!when) return;
      out_.pack.unloaded.erase("data_type:" + def.id);
      def.when = std::move(*when);
      out_.pack.data_types.push_back(std::move(def));
    });
  }

  void read_leak(const YAML::Node& n) {
    each(n, "leak", [&](const YAML::Node& l) {
      if (!l.IsMap()) return error(l, "a leak entry is a mapping with status and when");
      auto status = scalar(l, "status", true, l);
      if (!status) return;
      if (*status != "confirmed" && *status != "possible" && *status != "none")
        return error(l["status"], "leak status must be confirmed, possible or none (unknown is what remains)");
      if (!l["when"]) return error(l["status"], "leak entry has no 'when' condition");
      auto when = condition(l["when"]);
      if (!when) return;
      out_.pack.leak.push_back(LeakDef{*status, std::move(*when)});
    });
  }

  void read_single(const YAML::Node& n, const char* key, std::optional<Condition>& into) {
    if (into) return error(n, std::string("'") + key + "' is defined twice in the pack");
    if (auto c = condition(n)) into = std::move(*c);
  }

  void read_severity(const YAML::Node& n) {
    each(n, "severity", [&](const YAML::Node& s) {
      if (!s.IsMap()) return error(s, "a severity entry is a mapping with level, when and why");
      auto level = scalar(s, "level", true, s);
      if (!level) return;
      if (std::find(std::begin(kSeverityLevels), std::end(kSeverityLevels), *level) == std::end(kSeverityLevels))
        return error(s["level"], "unknown severity level '" + *level +
                                     "' (expected critical, high, medium, low or informational)");
      if (!s["when"]) return error(s["level"], "severity entry has no 'when' condition");
      auto when = condition(s["when"]);
      if (!when) return;
      out_.pack.severity.push_back(SeverityDef{*level, std::move(*when), scalar(s, "why", false, s).value_or("")});
    });
  }

  std::string file_;
  std::shared_ptr<const std::string> text_;
  LoadedPack& out_;
  std::size_t nodes_ = 0;
  bool too_many_rules_ = false;
};

}  // namespace

void load_pack_file(std::string file_name, std::string text, LoadedPack& into) {
  into.pack.files.push_back(file_name);
  FileLoader(std::move(file_name), std::move(text), into).run();
}

LoadedPack load_pack(const std::filesystem::path& dir) {
  LoadedPack out;
  out.pack.dir = dir;
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    Diagnostic d;
    d.file = dir.string();
    d.message = "not a rule pack folder (expected a folder of *.yaml files)";
    out.diagnostics.push_back(std::move(d));
    return out;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    auto ext = entry.path().extension();
    if (entry.is_regular_file(ec) && (ext == ".yaml" || ext == ".yml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    Diagnostic d;
    d.file = dir.string();
    d.message = "the folder holds no *.yaml rule files";
    out.diagnostics.push_back(std::move(d));
  }
  for (const auto& path : files) {
    std::string name = path.string();
    auto size = std::filesystem::file_size(path, ec);
    if (ec || size > kMaxPackFileBytes) {
      Diagnostic d;
      d.file = name;
      d.message = ec ? "cannot read: " + ec.message()
                     : "file too large (" + std::to_string(size) + " bytes, the bound is " +
                           std::to_string(kMaxPackFileBytes) + ")";
      out.diagnostics.push_back(std::move(d));
      continue;
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream buf;
    buf << in.rdbuf();
    load_pack_file(name, buf.str(), out);
  }
  return out;
}

}  // namespace shiwake::engine
