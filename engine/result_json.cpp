// Results to and from JSONL. Entry points: result_to_json, error_to_json,
// result_from_json. Tests: tests/test_result_json.cpp.
#include "engine/result_json.hpp"

#include <nlohmann/json.hpp>
#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace shiwake::engine {

namespace {

using Json = nlohmann::ordered_json;

std::optional<grammar::ast::Date> parse_date(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  grammar::ast::Date d;
  if (std::sscanf(j.get<std::string>().c_str(), "%d-%d-%d", &d.year, &d.month, &d.day) != 3) return std::nullopt;
  return d;
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

const char* field_name(grammar::ast::Field f) { return f == grammar::ast::Field::title ? "title" : "text"; }

}  // namespace

namespace {

// Writes JSON text straight into a string: the output is byte for byte what nlohmann's
// dump(-1) of the equivalent ordered_json gives, without building that tree per notice
// (one result per notice makes the tree's allocations a visible cost of `classify`).
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  // Keys are this file's own names: plain ASCII, nothing to escape.
  JsonWriter& key(std::string_view k) {
    separate();
    out_ += '"';
    out_ += k;
    out_ += "\":";
    after_key_ = true;
    return *this;
  }
  // Text that is already JSON (a value this writer wrote before).
  JsonWriter& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }
  JsonWriter& value(std::string_view v) {
    separate();
    string_value(v);
    return *this;
  }
  JsonWriter& value(const char* v) { return value(std::string_view(v)); }
  JsonWriter& value(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  JsonWriter& value(std::uint64_t v) {
    separate();
    integer(v);
    return *this;
  }
  JsonWriter& null() {
    separate();
    out_ += "null";
    return *this;
  }
  // Integral values as integers, others as nlohmann writes doubles.
  JsonWriter& number(double v) {
    separate();
    if (std::isfinite(v) && std::fabs(v) < 9e15 && v == std::floor(v)) integer(static_cast<std::int64_t>(v));
    else out_ += dump(Json(v));
    return *this;
  }
  JsonWriter& strings(const std::vector<std::string>& xs) {
    begin_array();
    for (const auto& x : xs) value(x);
    return end_array();
  }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  template <class Integer>
  void integer(Integer v) {
    char digits[24];
    out_.append(digits, std::to_chars(digits, digits + sizeof digits, v).ptr);
  }
  void separate() {
    if (after_key_) {
      after_key_ = false;
    } else {
      if (!first_) out_ += ',';
      first_ = false;
    }
  }

  // The same definition as U8_NEXT's (shortest form, no surrogates, at most U+10FFFF).
  static bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

  // The first byte at or after i that JSON escapes (", \ or a control character), or
  // s.size(). Sixteen bytes at a time: evidence and conditions are mostly plain text.
  static std::size_t next_special(std::string_view s, std::size_t i) {
    using Bytes = unsigned char __attribute__((vector_size(16)));
    for (; i + 16 <= s.size(); i += 16) {
      Bytes v;
      std::memcpy(&v, s.data() + i, 16);
      const auto hit = (v < Bytes{} + 0x20) | (v == Bytes{} + '"') | (v == Bytes{} + '\\');
      std::uint64_t half[2];
      std::memcpy(half, &hit, 16);
      if (half[0] | half[1]) break;
    }
    for (; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (c < 0x20 || c == '"' || c == '\\') return i;
    }
    return s.size();
  }

  // nlohmann's escaping with ensure_ascii off: ", \ and control characters; other bytes
  // as they are. Invalid UTF-8 goes through nlohmann's own replacement.
  void string_value(std::string_view s) {
    if (!valid_utf8(s)) {
      out_ += dump(Json(std::string(s)));
      return;
    }
    out_ += '"';
    std::size_t plain = 0;
    for (std::size_t i = next_special(s, 0); i < s.size(); i = next_special(s, i + 1)) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      out_.append(s, plain, i - plain);
      plain = i + 1;
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default: {
          static const char* const kHex = "0123456789abcdef";
          out_ += "\\u00";
          out_ += kHex[c >> 4];
          out_ += kHex[c & 15];
        }
      }
    }
    out_.append(s, plain, s.size() - plain);
    out_ += '"';
  }

  std::string& out_;
  bool first_ = true;
  bool after_key_ = false;
};

// A severity entry's `why` is the same for every notice the entry decides, and it is about
// half of a result line (the condition is written out): its JSON is kept, per thread, for
// the last few distinct ones.
const std::string& why_json(const SeverityWhy& why) {
  struct Kept {
    SeverityWhy why;
    std::string json;
  };
  constexpr std::size_t kKept = 16;
  thread_local std::vector<Kept> kept;
  for (const Kept& k : kept)
    if (k.why == why) return k.json;
  std::string json;
  JsonWriter w(json);
  w.begin_object();
  w.key("level").value(why.level);
  w.key("policy").value(why.where);
  w.key("when").value(why.condition);
  w.key("why").value(why.why);
  w.key("facts").strings(why.facts_used);
  w.end_object();
  if (kept.size() == kKept) kept.erase(kept.begin());
  kept.push_back({why, std::move(json)});
  return kept.back().json;
}

void date_value(JsonWriter& w, const std::optional<grammar::ast::Date>& d) {
  if (d) w.value(to_iso(*d));
  else w.null();
}

}  // namespace

std::string result_to_json(const Result& r) {
  std::string out;
  out.reserve(1024);
  JsonWriter w(out);
  w.begin_object();
  w.key("id").value(r.id);
  w.key("title").value(r.title);
  w.key("categories").strings(r.categories);
  w.key("tags").strings(r.tags);
  w.key("severity").value(r.severity);
  w.key("reportable").value(r.reportable);
  w.key("facts").begin_object();
  w.key("affected");
  if (r.facts.affected) w.number(*r.facts.affected);
  else w.null();
  w.key("data_types").strings(r.facts.data_types);
  w.key("leak").value(r.facts.leak);
  w.key("published");
  date_value(w, r.facts.published);
  w.key("discovered");
  date_value(w, r.facts.discovered);
  w.key("outage").value(r.facts.outage);
  w.key("damage_jpy");
  if (r.facts.damage_jpy) w.number(std::round(*r.facts.damage_jpy));
  else w.null();
  w.end_object();
  w.key("matches").begin_array();
  for (const RuleMatch& m : r.matches) {
    w.begin_object();
    w.key("rule").value(m.rule);
    w.key(m.is_tag ? "tag" : "category").value(m.label);
    w.key("evidence").begin_array();
    for (const Evidence& e : m.evidence) {
      w.begin_object();
      w.key("field").value(field_name(e.field));
      w.key("start").value(std::uint64_t(e.start));
      w.key("end").value(std::uint64_t(e.end));
      w.key("text").value(e.text);
      w.end_object();
    }
    w.end_array();
    w.end_object();
  }
  w.end_array();
  w.key("why").raw(why_json(r.why));
  if (!r.warnings.empty()) w.key("warnings").strings(r.warnings);
  w.end_object();
  return out;
}

std::string error_to_json(const InputError& e) {
  Json j;
  j["error"] = Json{{"source", e.source}, {"line", e.line}, {"offset", e.offset}, {"message", e.message}};
  return dump(j);
}

std::optional<Result> result_from_json(std::string_view line, std::string& error) {
  Json j = Json::parse(line.begin(), line.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    error = "not a JSON object";
    return std::nullopt;
  }
  if (j.contains("error")) {
    error = "an error record: " + (j["error"].is_object() ? j["error"].value("message", std::string()) : std::string());
    return std::nullopt;
  }
  try {
    Result r;
    r.id = j.at("id").get<std::string>();
    r.title = j.value("title", std::string());
    r.categories = j.value("categories", std::vector<std::string>{});
    r.tags = j.value("tags", std::vector<std::string>{});
    r.severity = j.value("severity", std::string("informational"));
    r.reportable = j.value("reportable", false);
    if (j.contains("facts") && j["facts"].is_object()) {
      const Json& f = j["facts"];
      if (f.contains("affected") && f["affected"].is_number()) r.facts.affected = f["affected"].get<double>();
      r.facts.data_types = f.value("data_types", std::vector<std::string>{});
      r.facts.leak = f.value("leak", std::string("unknown"));
      if (f.contains("published")) r.facts.published = parse_date(f["published"]);
      if (f.contains("discovered")) r.facts.discovered = parse_date(f["discovered"]);
      r.facts.outage = f.value("outage", false);
      if (f.contains("damage_jpy") && f["damage_jpy"].is_number()) r.facts.damage_jpy = f["damage_jpy"].get<double>();
    }
    if (j.contains("matches") && j["matches"].is_array())
      for (const Json& m : j["matches"]) {
        RuleMatch rm;
        rm.rule = m.value("rule", std::string());
        rm.is_tag = m.contains("tag");
        rm.label = m.value(rm.is_tag ? "tag" : "category", std::string());
        if (m.contains("evidence") && m["evidence"].is_array())
          for (const Json& e : m["evidence"]) {
            Evidence ev;
            ev.field = e.value("field", std::string()) == "title" ? grammar::ast::Field::title : grammar::ast::Field::body;
            ev.start = e.value("start", 0u);
            ev.end = e.value("end", 0u);
            ev.text = e.value("text", std::string());
            rm.evidence.push_back(std::move(ev));
          }
        r.matches.push_back(std::move(rm));
      }
    if (j.contains("why") && j["why"].is_object()) {
      const Json& w = j["why"];
      r.why.level = w.value("level", std::string());
      r.why.where = w.value("policy", std::string());
      r.why.condition = w.value("when", std::string());
      r.why.why = w.value("why", std::string());
      r.why.facts_used = w.value("facts", std::vector<std::string>{});
    }
    r.warnings = j.value("warnings", std::vector<std::string>{});
    return r;
  } catch (const nlohmann::json::exception& e) {
    error = std::string("not a result record: ") + e.what();
    return std::nullopt;
  }
}

}  // namespace shiwake::engine
