// `shiwake report [--rules DIR] [INPUT...] -o report.html` (or `--results FILE [INPUT...]`):
// one self-contained HTML page, no network: counts by category and severity and a timeline
// by published month as inline SVG, the reportable share, and a card per notice with its
// labels, facts and its original text with the evidence marked; a few lines of inline JS
// filter the cards. Entry point: run_report. Tests: tests/test_report.cpp (DOM checks and a
// headless Chromium rendering).
//
// The cards need the notices' texts, which results do not carry, so the command classifies
// notice by notice and keeps each Notice beside its Result rather than going through
// classify_stream. One thread is enough: a page meant for reading holds at most a few
// thousand notices, and classifying those takes well under a second.
#include "engine/notice_io.hpp"
#include "engine/result_json.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace shiwake::tools {

namespace {

// One card: the result, and the notice it came from when the texts are known.
struct Entry {
  engine::Result result;
  std::optional<engine::Notice> notice;
};

// A record that yielded no result: an unreadable input record or results line.
struct Unreadable {
  std::string where, message;
};

// Sigma's levels, most severe first (TAXONOMY.md "Severity").
const char* const kSeverities[] = {"critical", "high", "medium", "low", "informational"};

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  return out;
}

std::string thousands(double v) {
  std::string digits = std::to_string(static_cast<long long>(std::llround(v)));
  std::string out;
  std::size_t lead = digits[0] == '-' ? 1 : 0;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > lead && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string percent(std::size_t part, std::size_t whole) {
  if (!whole) return "0%";
  std::ostringstream o;
  o.precision(part * 1000 / whole >= 100 ? 0 : 1);
  o << std::fixed << 100.0 * part / whole << "%";
  return o.str();
}

// `text` with the code-point spans marked: overlapping spans merge into one <mark> whose
// tooltip names every rule that pointed there; a span that falls outside the text (results
// read back with other texts) is dropped rather than trusted.
struct Span {
  std::uint32_t start, end;
  std::string why;  // rule id, or the fact it supports
  bool fact = false;
};
std::string highlighted(const std::string& text, std::vector<Span> spans) {
  std::vector<std::size_t> byte_of;  // code point index -> byte offset, plus the end
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of.push_back(i);
  byte_of.push_back(text.size());
  const std::uint32_t n = static_cast<std::uint32_t>(byte_of.size() - 1);
  spans.erase(std::remove_if(spans.begin(), spans.end(), [&](const Span& s) { return s.start >= s.end || s.end > n; }),
              spans.end());
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.start < b.start; });
  std::string out;
  std::uint32_t at = 0;
  for (std::size_t i = 0; i < spans.size();) {
    std::uint32_t start = std::max(spans[i].start, at), end = spans[i].end;
    std::set<std::string> why;
    bool only_facts = true;
    for (; i < spans.size() && spans[i].start < end; ++i) {
      end = std::max(end, spans[i].end);
      why.insert(spans[i].why);
      only_facts = only_facts && spans[i].fact;
    }
    if (start >= end) continue;
    out += esc(std::string_view(text).substr(byte_of[at], byte_of[start] - byte_of[at]));
    out += std::string("<mark") + (only_facts ? " class=\"fact\"" : "") + " title=\"" +
           esc(join(std::vector<std::string>(why.begin(), why.end()), ", ")) + "\">";
    out += esc(std::string_view(text).substr(byte_of[start], byte_of[end] - byte_of[start]));
    out += "</mark>";
    at = end;
  }
  out += esc(std::string_view(text).substr(byte_of[at]));
  return out;
}

// A horizontal bar chart: one labelled bar per (label, count), counts at the bar ends.
// `filter` names the card filter a click on a bar sets ("category" or "severity").
std::string bar_chart(const std::string& id, const std::string& caption,
                      const std::vector<std::pair<std::string, std::size_t>>& bars, const char* filter) {
  const int label_w = 170, bar_max = 300, row = 22, top = 8;
  std::size_t most = 1;
  for (const auto& [_, n] : bars) most = std::max(most, n);
  const int height = top * 2 + row * static_cast<int>(bars.size());
  std::ostringstream o;
  o << "<svg id=\"" << id << "\" class=\"chart\" role=\"img\" aria-label=\"" << esc(caption) << "\" viewBox=\"0 0 "
    << label_w + bar_max + 50 << " " << height << "\" width=\"" << label_w + bar_max + 50 << "\" height=\"" << height
    << "\">\n";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& [label, n] = bars[i];
    const int y = top + row * static_cast<int>(i);
    const int w = n ? std::max(2, static_cast<int>(bar_max * n / most)) : 0;
    o << "<g class=\"bar " << filter << "-" << esc(label) << "\" data-" << filter << "=\"" << esc(label) << "\"><title>"
      << esc(label) << ": " << n << "</title>"
      << "<text x=\"" << label_w - 6 << "\" y=\"" << y + 15 << "\" text-anchor=\"end\">" << esc(label) << "</text>"
      << "<rect x=\"" << label_w << "\" y=\"" << y + 3 << "\" width=\"" << w << "\" height=\"" << row - 6 << "\"/>"
      << "<text class=\"n\" x=\"" << label_w + w + 5 << "\" y=\"" << y + 15 << "\">" << n << "</text></g>\n";
  }
  o << "</svg>\n";
  return o.str();
}

// Notices per published month, every month from the first to the last (empty ones too),
// so gaps in time show as gaps; notices without a date are counted beside the chart.
std::string timeline(const std::vector<Entry>& entries) {
  std::map<int, std::size_t> per_month;  // year * 12 + month - 1
  std::size_t undated = 0;
  for (const auto& e : entries)
    if (const auto& d = e.result.facts.published) ++per_month[d->year * 12 + d->month - 1];
    else ++undated;
  const int width = 1100, height = 170, left = 36, bottom = 40, top = 14;
  std::ostringstream o;
  o << "<svg id=\"chart-timeline\" class=\"chart\" role=\"img\" aria-label=\"notices by published month\" viewBox=\"0 0 "
    << width << " " << height << "\" width=\"" << width << "\" height=\"" << height << "\">\n";
  if (!per_month.empty()) {
    const int first = per_month.begin()->first, last = per_month.rbegin()->first, months = last - first + 1;
    std::size_t most = 1;
    for (const auto& [_, n] : per_month) most = std::max(most, n);
    const double slot = double(width - left - 10) / months, plot_h = height - top - bottom;
    const int label_every = std::max(1, static_cast<int>(std::ceil(56.0 / slot)));  // labels ~56 px apart
    o << "<line class=\"axis\" x1=\"" << left << "\" y1=\"" << height - bottom << "\" x2=\"" << width - 10 << "\" y2=\""
      << height - bottom << "\"/>\n"
      << "<text class=\"n\" x=\"" << left - 6 << "\" y=\"" << top + 10 << "\" text-anchor=\"end\">" << most << "</text>\n"
      << "<text class=\"n\" x=\"" << left - 6 << "\" y=\"" << height - bottom << "\" text-anchor=\"end\">0</text>\n";
    for (int m = first; m <= last; ++m) {
      char label[16];
      std::snprintf(label, sizeof label, "%04d-%02d", m / 12, m % 12 + 1);
      const double x = left + slot * (m - first);
      auto it = per_month.find(m);
      const std::size_t n = it == per_month.end() ? 0 : it->second;
      if (n) {
        const double h = plot_h * n / most;
        o << "<rect x=\"" << x + slot * 0.15 << "\" y=\"" << height - bottom - h << "\" width=\"" << slot * 0.7
          << "\" height=\"" << h << "\"><title>" << label << ": " << n << "</title></rect>\n";
      }
      if ((m - first) % label_every == 0)
        o << "<text x=\"" << x + slot / 2 << "\" y=\"" << height - bottom + 16 << "\" text-anchor=\"middle\">" << label
          << "</text>\n";
    }
  } else {
    o << "<text x=\"" << left << "\" y=\"" << height / 2 << "\">no notice has a published date</text>\n";
  }
  o << "<text class=\"n\" x=\"" << left << "\" y=\"" << height - 6 << "\">" << undated
    << " without a published date</text>\n</svg>\n";
  return o.str();
}

// The reportable share as one stacked bar.
std::string reportable_chart(std::size_t reportable, std::size_t total) {
  const int width = 520, bar = 470;
  const int w = total ? static_cast<int>(bar * reportable / total) : 0;
  std::ostringstream o;
  o << "<svg id=\"chart-reportable\" class=\"chart\" role=\"img\" aria-label=\"reportable share\" viewBox=\"0 0 " << width
    << " 56\" width=\"" << width << "\" height=\"56\">\n"
    << "<rect class=\"rest\" x=\"0\" y=\"4\" width=\"" << bar << "\" height=\"22\"/>\n"
    << "<rect class=\"reportable\" x=\"0\" y=\"4\" width=\"" << w << "\" height=\"22\"><title>reportable: " << reportable
    << "</title></rect>\n"
    << "<text x=\"0\" y=\"46\">" << reportable << " of " << total << " notices (" << percent(reportable, total)
    << ") meet the APPI reporting triggers</text>\n</svg>\n";
  return o.str();
}

const char* const kStyle = R"css(
:root{--ink:#1d2330;--muted:#5b6475;--line:#dde1e8;--bg:#f5f6f8;--card:#fff;--accent:#3a56c5;
--critical:#b3261e;--high:#e8590c;--medium:#d39e00;--low:#2f7dc1;--informational:#8a94a6}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:15px/1.6 "Noto Sans CJK JP","Noto Sans JP","Hiragino Sans",
"Hiragino Kaku Gothic ProN","Yu Gothic","Meiryo","Source Han Sans JP",system-ui,sans-serif}
header.page{background:#1f2a44;color:#fff;padding:18px 32px}
header.page h1{margin:0;font-size:22px}header.page p{margin:4px 0 0;color:#c9d1e4}
main{padding:20px 32px;max-width:1240px}
.tiles{display:flex;gap:14px;margin-bottom:18px}
.tile{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 18px;min-width:150px}
.tile b{display:block;font-size:26px}.tile span{color:var(--muted);font-size:13px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:14px}
.panel{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
.panel.wide{grid-column:1/-1}.panel h2{font-size:15px;margin:0 0 6px}
svg.chart{max-width:100%;height:auto;font-size:12px}svg.chart text{fill:var(--ink)}svg.chart text.n{fill:var(--muted)}
svg.chart rect{fill:var(--accent)}svg.chart g.bar{cursor:pointer}svg.chart g.bar:hover rect{opacity:.75}
svg.chart .axis{stroke:var(--line)}svg.chart rect.rest{fill:var(--line)}svg.chart rect.reportable{fill:var(--critical)}
.severity-critical rect{fill:var(--critical)!important}.severity-high rect{fill:var(--high)!important}
.severity-medium rect{fill:var(--medium)!important}.severity-low rect{fill:var(--low)!important}
.severity-informational rect{fill:var(--informational)!important}
form.filters{position:sticky;top:0;z-index:1;display:flex;flex-wrap:wrap;gap:16px;align-items:center;background:var(--bg);
padding:12px 0;margin-top:18px;border-bottom:1px solid var(--line)}
form.filters label{white-space:nowrap}#shown{color:var(--muted);margin-left:auto}
.card{background:var(--card);border:1px solid var(--line);border-left:6px solid var(--informational);border-radius:8px;
padding:12px 18px;margin:14px 0}
.card.sev-critical{border-left-color:var(--critical)}.card.sev-high{border-left-color:var(--high)}
.card.sev-medium{border-left-color:var(--medium)}.card.sev-low{border-left-color:var(--low)}
.card h3{margin:0 0 6px;font-size:16px}
.chip{display:inline-block;border-radius:10px;padding:0 9px;margin:0 4px 4px 0;font-size:12px;background:#e8ecf8;color:#26366f}
.chip.tag{background:#eef5ec;color:#2d5a27}.chip.sev{color:#fff;background:var(--informational)}
.chip.sev-critical{background:var(--critical)}.chip.sev-high{background:var(--high)}.chip.sev-medium{background:var(--medium)}
.chip.sev-low{background:var(--low)}.chip.rep{background:#fde8e7;color:var(--critical)}
dl.facts{display:flex;flex-wrap:wrap;gap:2px 6px;margin:6px 0;font-size:13px}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0 16px 0 0}
.why,.rules,.meta{font-size:12px;color:var(--muted);margin:4px 0}
.text{white-space:pre-wrap;font-size:13px;max-height:15em;overflow:auto;border-top:1px solid var(--line);padding-top:6px;
margin-top:6px}
mark{background:#ffe066;border-radius:2px;padding:0 1px}mark.fact{background:#c5e8ff}
ul.unreadable{color:var(--critical)}
)css";

// Filters: the category select, severity checkboxes and "reportable only"; the URL hash
// (#category=x&severity=a,b&reportable=1) sets them on load, and a click on a chart bar
// sets the matching filter.
const char* const kScript = R"js(
(function(){
const cards=[...document.querySelectorAll('article.card')],form=document.getElementById('filters');
const cat=form.elements.category,rep=form.elements.reportable,sevs=[...form.querySelectorAll('input[name=severity]')];
function apply(){
  const on=new Set(sevs.filter(s=>s.checked).map(s=>s.value));let n=0;
  for(const c of cards){
    const cs=c.dataset.categories?c.dataset.categories.split(' '):[];
    const ok=(cat.value===''||(cat.value==='-'?cs.length===0:cs.includes(cat.value)))&&on.has(c.dataset.severity)
      &&(!rep.checked||c.dataset.reportable==='1');
    c.hidden=!ok;n+=ok;
  }
  document.getElementById('shown').textContent=n+' of '+cards.length+' notices shown';
}
const h=new URLSearchParams(location.hash.slice(1));
if(h.has('category'))cat.value=h.get('category');
if(h.has('severity')){const want=h.get('severity').split(',');for(const s of sevs)s.checked=want.includes(s.value);}
if(h.get('reportable')==='1')rep.checked=true;
form.addEventListener('change',apply);
for(const b of document.querySelectorAll('g.bar')){b.addEventListener('click',()=>{
  if(b.dataset.category!==undefined)cat.value=b.dataset.category;
  if(b.dataset.severity!==undefined)for(const s of sevs)s.checked=s.value===b.dataset.severity;
  apply();document.getElementById('notices').scrollIntoView();});}
apply();
})();
)js";

void write_card(std::ostream& o, const Entry& e) {
  const engine::Result& r = e.result;
  std::vector<Span> title_spans, body_spans;
  std::vector<std::string> fired;
  for (const auto& m : r.matches) {
    fired.push_back(m.rule + " → " + (m.is_tag ? "#" : "") + m.label);
    for (const auto& ev : m.evidence)
      (ev.field == grammar::ast::Field::title ? title_spans : body_spans).push_back({ev.start, ev.end, m.rule});
  }
  for (const auto& ev : r.facts.affected_evidence)
    (ev.field == grammar::ast::Field::title ? title_spans : body_spans).push_back({ev.start, ev.end, "affected", true});

  o << "<article class=\"card sev-" << esc(r.severity) << "\" id=\"notice-" << esc(r.id) << "\" data-id=\"" << esc(r.id)
    << "\" data-categories=\"" << esc(join(r.categories, " ")) << "\" data-severity=\"" << esc(r.severity)
    << "\" data-reportable=\"" << (r.reportable ? 1 : 0) << "\">\n<h3>"
    << (e.notice ? highlighted(e.notice->title, title_spans) : esc(r.title)) << "</h3>\n<div class=\"labels\">"
    << "<span class=\"chip sev sev-" << esc(r.severity) << "\">" << esc(r.severity) << "</span>";
  for (const auto& c : r.categories) o << "<span class=\"chip cat\">" << esc(c) << "</span>";
  for (const auto& t : r.tags) o << "<span class=\"chip tag\">#" << esc(t) << "</span>";
  if (r.reportable) o << "<span class=\"chip rep\">reportable</span>";
  o << "</div>\n<dl class=\"facts\">";
  auto fact = [&](const char* name, const std::string& value) {
    o << "<dt>" << name << "</dt><dd>" << (value.empty() ? "–" : esc(value)) << "</dd>";
  };
  fact("affected", r.facts.affected ? thousands(*r.facts.affected) : "");
  fact("data types", join(r.facts.data_types, ", "));
  fact("leak", r.facts.leak);
  fact("published", r.facts.published ? engine::to_iso(*r.facts.published) : "");
  fact("damage", r.facts.damage_jpy ? "¥" + thousands(*r.facts.damage_jpy) + " (JNSA estimate)" : "");
  o << "</dl>\n";
  if (!r.why.level.empty())
    o << "<p class=\"why\">severity " << esc(r.why.level) << ": " << esc(r.why.why) << " <span title=\""
      << esc(r.why.condition) << "\">(" << esc(r.why.where) << ")</span></p>\n";
  if (!fired.empty()) o << "<p class=\"rules\">rules: " << esc(join(fired, ", ")) << "</p>\n";
  if (e.notice) {
    o << "<div class=\"text\">" << highlighted(e.notice->text, body_spans) << "</div>\n";
  } else {
    // Results without their notices: the evidence is all the text there is.
    std::set<std::string> shown;
    o << "<p class=\"text\">";
    for (const auto& m : r.matches)
      for (const auto& ev : m.evidence)
        if (shown.insert(ev.text).second) o << "<mark title=\"" << esc(m.rule) << "\">" << esc(ev.text) << "</mark> ";
    o << "</p>\n";
  }
  o << "<p class=\"meta\">" << esc(r.id);
  if (e.notice && !e.notice->source_file.empty())
    o << " · " << esc(e.notice->source_file) << ":" << e.notice->source_line;
  for (const auto& w : r.warnings) o << " · warning: " << esc(w);
  o << "</p>\n</article>\n";
}

void write_page(std::ostream& o, const std::vector<Entry>& entries, const std::vector<Unreadable>& unreadable,
                const std::vector<std::string>& pack_categories, const std::string& title, const std::string& source) {
  std::map<std::string, std::size_t> by_category, by_severity;
  std::size_t reportable = 0, unlabelled = 0, incidents = 0;
  for (const auto& c : pack_categories) by_category[c];
  for (const auto& e : entries) {
    for (const auto& c : e.result.categories) ++by_category[c];
    ++by_severity[e.result.severity];
    reportable += e.result.reportable;
    unlabelled += e.result.categories.empty();
    const auto& cs = e.result.categories;
    incidents += !cs.empty() && std::find(cs.begin(), cs.end(), "not-incident") == cs.end();
  }
  std::vector<std::pair<std::string, std::size_t>> categories(by_category.begin(), by_category.end());
  std::stable_sort(categories.begin(), categories.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::pair<std::string, std::size_t>> severities;
  for (const char* s : kSeverities) severities.push_back({s, by_severity.count(s) ? by_severity[s] : 0});
  for (const auto& [s, n] : by_severity)
    if (std::find(std::begin(kSeverities), std::end(kSeverities), s) == std::end(kSeverities)) severities.push_back({s, n});

  o << "<!DOCTYPE html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << esc(title) << "</title>\n<style>"
    << kStyle << "</style>\n</head>\n<body>\n<header class=\"page\"><h1>" << esc(title) << "</h1><p>" << esc(source)
    << "</p></header>\n<main>\n<section class=\"tiles\">"
    << "<div class=\"tile\"><b>" << entries.size() << "</b><span>notices</span></div>"
    << "<div class=\"tile\"><b>" << incidents << "</b><span>incidents</span></div>"
    << "<div class=\"tile\"><b>" << percent(reportable, entries.size()) << "</b><span>reportable (" << reportable
    << ")</span></div>"
    << "<div class=\"tile\"><b>" << unreadable.size() << "</b><span>unreadable records</span></div></section>\n"
    << "<section class=\"charts\">\n<div class=\"panel\"><h2>by category</h2>\n"
    << bar_chart("chart-categories", "notices by category", categories, "category") << "</div>\n"
    << "<div class=\"panel\"><h2>by severity</h2>\n" << bar_chart("chart-severity", "notices by severity", severities, "severity")
    << "<h2>reportable to the PPC</h2>\n" << reportable_chart(reportable, entries.size()) << "</div>\n"
    << "<div class=\"panel wide\"><h2>notices by published month</h2>\n" << timeline(entries) << "</div>\n</section>\n";

  if (!unreadable.empty()) {
    o << "<section id=\"unreadable\"><h2>records that could not be read</h2><ul class=\"unreadable\">";
    for (const auto& u : unreadable) o << "<li>" << esc(u.where) << ": " << esc(u.message) << "</li>";
    o << "</ul></section>\n";
  }

  o << "<form id=\"filters\" class=\"filters\" onsubmit=\"return false\"><label>category <select name=\"category\">"
    << "<option value=\"\">all</option>";
  for (const auto& [c, n] : categories)
    if (n) o << "<option value=\"" << esc(c) << "\">" << esc(c) << " (" << n << ")</option>";
  if (unlabelled) o << "<option value=\"-\">(no category) (" << unlabelled << ")</option>";
  o << "</select></label>";
  for (const auto& [s, n] : severities)
    o << "<label><input type=\"checkbox\" name=\"severity\" value=\"" << esc(s) << "\" checked> " << esc(s) << " (" << n
      << ")</label>";
  o << "<label><input type=\"checkbox\" name=\"reportable\"> reportable only</label><span id=\"shown\"></span></form>\n"
    << "<section id=\"notices\">\n";
  for (const auto& e : entries) write_card(o, e);
  o << "</section>\n</main>\n<script>" << kScript << "</script>\n</body>\n</html>\n";
}

}  // namespace

int run_report(int argc, char** argv) {
  po::options_description opts("options");
  std::string rules, results_path, output, title;
  opts.add_options()("help,h", "show this help")
      ("rules,r", po::value(&rules), "rule pack folder (default: $SHIWAKE_RULES, else ./rules)")
      ("results", po::value(&results_path), "render this results JSONL (from classify) instead of classifying INPUT;"
                                              " INPUT, when given, supplies the notices' texts by id")
      ("output,o", po::value(&output)->default_value("report.html"), "the HTML file to write (- for stdout)")
      ("title", po::value(&title)->default_value("shiwake report"), "the page's heading");
  po::options_description hidden;
  po::positional_options_description pos;
  add_inputs(hidden, pos);
  po::variables_map vm;
  const char* usage =
      "shiwake report [--rules DIR] [-o report.html] [INPUT...]\n"
      "       shiwake report --results FILE [-o report.html] [INPUT...]\n\n"
      "Writes one self-contained HTML page (no network): notices by category, severity and\n"
      "published month, the reportable share, and a card per notice with its labels, facts and\n"
      "the evidence marked in its text, with filters. INPUT as for classify (- for stdin, the\n"
      "default without --results). Exit 2 when a record could not be read (the page still lists it).\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;
  std::vector<std::string> inputs = inputs_of(vm);
  if (inputs.empty() && results_path.empty()) inputs.push_back("-");
  for (const auto& in : inputs) {
    std::error_code ec;
    if (in != "-" && !std::filesystem::exists(in, ec)) {
      std::cerr << "shiwake report: no such file or folder: " << in << "\n";
      return 2;
    }
  }

  std::vector<Entry> entries;
  std::vector<Unreadable> unreadable;
  std::vector<std::string> pack_categories;
  std::string source = join(inputs, ", ");

  // The notices, read in input order; warnings belong to the notice that follows them.
  std::vector<engine::Notice> notices;
  std::vector<std::vector<std::string>> notice_warnings;
  {
    engine::NoticeReader reader(inputs, &std::cin);
    std::vector<std::string> pending;
    while (auto next = reader.next()) {
      if (auto* e = std::get_if<engine::InputError>(&*next)) {
        std::string where = e->source + (e->line ? ":" + std::to_string(e->line) : "");
        if (e->level == Level::error) unreadable.push_back({where, e->message});
        else pending.push_back(e->message + " (" + where + ")");
        continue;
      }
      notices.push_back(std::move(std::get<engine::Notice>(*next)));
      notice_warnings.push_back(std::move(pending));
      pending.clear();
    }
  }

  if (results_path.empty()) {
    std::string dir = rules_dir(rules);
    auto classifier = load_classifier(dir);
    if (!classifier) return 2;
    for (const auto& rule : classifier->pack().rules)
      if (rule.kind == engine::LabelKind::category &&
          std::find(pack_categories.begin(), pack_categories.end(), rule.label) == pack_categories.end())
        pack_categories.push_back(rule.label);
    auto scratch = classifier->make_scratch();
    for (std::size_t i = 0; i < notices.size(); ++i) {
      Entry e{classifier->classify(notices[i], scratch), std::move(notices[i])};
      if (!e.result.error.empty()) {  // past a per-notice bound: listed as unreadable records are
        const engine::Notice& n = *e.notice;
        unreadable.push_back({n.source_file + (n.source_line ? ":" + std::to_string(n.source_line) : ""),
                              "notice " + n.id + ": " + e.result.error});
        continue;
      }
      e.result.warnings = std::move(notice_warnings[i]);
      entries.push_back(std::move(e));
    }
    source = std::to_string(entries.size()) + " notices from " + source + " · rules: " + dir;
  } else {
    std::ifstream in(results_path, std::ios::binary);
    if (!in) {
      std::cerr << "shiwake report: cannot read " << results_path << "\n";
      return 2;
    }
    std::map<std::string, std::size_t> by_id;
    for (std::size_t i = 0; i < notices.size(); ++i) by_id.emplace(notices[i].id, i);
    std::string line, error;
    unsigned n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (engine::detail::is_blank(line)) continue;
      auto r = engine::result_from_json(line, error);
      if (!r) {
        unreadable.push_back({results_path + ":" + std::to_string(n), error});
        continue;
      }
      Entry e{std::move(*r), std::nullopt};
      if (auto it = by_id.find(e.result.id); it != by_id.end()) e.notice = notices[it->second];
      entries.push_back(std::move(e));
    }
    source = std::to_string(entries.size()) + " results from " + results_path + (inputs.empty() ? "" : " · texts from " + source);
  }

  std::ofstream file;
  std::ostream* out = &std::cout;
  if (output != "-") {
    file.open(output, std::ios::binary);
    if (!file) {
      std::cerr << "shiwake report: cannot write " << output << "\n";
      return 2;
    }
    out = &file;
  }
  write_page(*out, entries, unreadable, pack_categories, title, source);
  out->flush();
  if (!*out) {
    std::cerr << "shiwake report: writing " << output << " failed\n";
    return 2;
  }
  std::cerr << "shiwake report: " << entries.size() << " notices, " << unreadable.size() << " unreadable"
            << (output == "-" ? "" : "; wrote " + output) << "\n";
  return unreadable.empty() ? 0 : 2;
}

}  // namespace shiwake::tools
