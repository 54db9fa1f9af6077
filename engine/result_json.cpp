// Results to and from JSONL. Entry points: result_to_json, error_to_json,
// result_from_json. Tests: tests/test_result_json.cpp.
#include "engine/result_json.hpp"

#include <nlohmann/json.hpp>

#include <cmath>

namespace shiwake::engine {

namespace {

using Json = nlohmann::ordered_json;

Json number(double v) {
  if (std::isfinite(v) && std::fabs(v) < 9e15 && v == std::floor(v)) return Json(static_cast<std::int64_t>(v));
  return Json(v);
}

Json date(const std::optional<grammar::ast::Date>& d) { return d ? Json(to_iso(*d)) : Json(nullptr); }

std::optional<grammar::ast::Date> parse_date(const Json& j) {
  if (!j.is_string()) return std::nullopt;
  grammar::ast::Date d;
  if (std::sscanf(j.get<std::string>().c_str(), "%d-%d-%d", &d.year, &d.month, &d.day) != 3) return std::nullopt;
  return d;
}

std::string dump(const Json& j) { return j.dump(-1, ' ', false, Json::error_handler_t::replace); }

const char* field_name(grammar::ast::Field f) { return f == grammar::ast::Field::title ? "title" : "text"; }

}  // namespace

std::string result_to_json(const Result& r) {
  Json j;
  j["id"] = r.id;
  j["title"] = r.title;
  j["categories"] = r.categories;
  j["tags"] = r.tags;
  j["severity"] = r.severity;
  j["reportable"] = r.reportable;
  Json f;
  f["affected"] = r.facts.affected ? number(*r.facts.affected) : Json(nullptr);
  f["data_types"] = r.facts.data_types;
  f["leak"] = r.facts.leak;
  f["published"] = date(r.facts.published);
  f["discovered"] = date(r.facts.discovered);
  f["outage"] = r.facts.outage;
  f["damage_jpy"] = r.facts.damage_jpy ? number(std::round(*r.facts.damage_jpy)) : Json(nullptr);
  j["facts"] = std::move(f);
  Json matches = Json::array();
  for (const RuleMatch& m : r.matches) {
    Json mj;
    mj["rule"] = m.rule;
    mj[m.is_tag ? "tag" : "category"] = m.label;
    Json ev = Json::array();
    for (const Evidence& e : m.evidence)
      ev.push_back(Json{{"field", field_name(e.field)}, {"start", e.start}, {"end", e.end}, {"text", e.text}});
    mj["evidence"] = std::move(ev);
    matches.push_back(std::move(mj));
  }
  j["matches"] = std::move(matches);
  Json why;
  why["level"] = r.why.level;
  why["policy"] = r.why.where;
  why["when"] = r.why.condition;
  why["why"] = r.why.why;
  why["facts"] = r.why.facts_used;
  j["why"] = std::move(why);
  if (!r.warnings.empty()) j["warnings"] = r.warnings;
  return dump(j);
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
