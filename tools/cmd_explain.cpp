// `shiwake explain [--rules DIR] NOTICE` or `explain --id ID INPUT...`: why a notice got its
// labels. Categories, tags, severity and the policy line that decided; every rule that
// fired or nearly fired as its condition tree with ✓ / ✗ on each sub-expression; the
// original text with the evidence highlighted; the facts with the text they came from.
// Tests: tests/test_explain.cpp (golden output for seed notices).
#include "engine/notice_io.hpp"
#include "tools/commands.hpp"
#include "tools/common.hpp"

#include <unistd.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <map>
#include <set>

namespace shiwake::tools {

namespace {

struct Style {
  bool color = false;
  std::string on(const char* code) const { return color ? std::string("\x1b[") + code + "m" : ""; }
  std::string off() const { return color ? "\x1b[0m" : ""; }
  std::string mark_open() const { return color ? "\x1b[1;33m" : "[["; }
  std::string mark_close() const { return color ? "\x1b[0m" : "]]"; }
};

std::string one_line(std::string s) {
  for (char& c : s)
    if (c == '\n') c = ' ';
  return s;
}

// The condition as a tree: composite nodes by their operator, leaves as written.
void print_tree(std::ostream& out, const engine::Condition& when, const std::vector<engine::Trace::Node>& nodes, const Style& st) {
  if (nodes.empty()) return;
  std::vector<std::vector<int>> kids(nodes.size());
  for (std::size_t i = 0; i < nodes.size(); ++i)
    if (nodes[i].parent >= 0) kids[nodes[i].parent].push_back(static_cast<int>(i));
  std::function<void(int, int)> walk = [&](int i, int depth) {
    const auto& n = nodes[i];
    std::string mark = !n.evaluated ? st.on("2") + "·" + st.off() : n.held ? st.on("32") + "✓" + st.off() : st.on("31") + "✗" + st.off();
    std::string text;
    if (n.ast) {
      grammar::Span sp = when.parsed.span(*n.ast);
      text = one_line(when.text.substr(sp.begin, sp.end - sp.begin));
    }
    bool composite = !kids[i].empty();
    std::string kind = n.kind;
    std::string head = composite && (kind == "and" || kind == "or" || kind == "at_least") ? kind : text;
    if (composite && (kind == "not" || kind == "sentence" || kind == "paragraph")) head = kind + (kind == "not" ? "" : "(…)");
    std::string line = fit(head, std::max(20, 90 - depth * 2));
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out << std::string(4 + depth * 2, ' ') << mark << " " << line << "\n";
    // What was never evaluated has no verdicts below it either: one line says so.
    if (n.evaluated)
      for (int k : kids[i]) walk(k, depth + 1);
  };
  walk(static_cast<int>(nodes.size()) - 1, 0);
}

// Whether a rule that did not fire nearly did. Every rule opens with guards that hold on
// almost any notice (the notice's own voice, no genre title), so a term holding there
// says nothing; what counts is the part that failed: in it, a conjunction where some
// term held and another part did not (the rule was part of the way there), or a
// conjunction that failed only on its `not`s (the rule was vetoed).
class NearMiss {
 public:
  explicit NearMiss(const std::vector<engine::Trace::Node>& nodes) : nodes_(nodes), kids_(nodes.size()) {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (nodes[i].parent >= 0) kids_[nodes[i].parent].push_back(static_cast<int>(i));
  }
  bool operator()() const { return !nodes_.empty() && at_root(static_cast<int>(nodes_.size()) - 1); }

 private:
  bool is(int i, const char* kind) const { return std::string(nodes_[i].kind) == kind; }
  // A term held somewhere below i, not under a `not`.
  bool held_term(int i) const {
    if (!nodes_[i].held || is(i, "not")) return false;
    if (is(i, "term")) return true;
    return std::any_of(kids_[i].begin(), kids_[i].end(), [&](int k) { return held_term(k); });
  }
  bool vetoed(int i) const {
    bool any = false;
    for (int k : kids_[i])
      if (!nodes_[k].held) {
        if (!is(k, "not")) return false;
        any = true;
      }
    return any;
  }
  // A failed node of the rule's core: part of the way there.
  bool partial(int i) const {
    if (nodes_[i].held || is(i, "not") || kids_[i].empty()) return false;
    if (is(i, "and") && vetoed(i)) return true;
    return std::any_of(kids_[i].begin(), kids_[i].end(), [&](int k) { return held_term(k) || partial(k); });
  }
  // The root, or an alternative of a root `or`: its held guards do not count.
  bool at_root(int i) const {
    if (nodes_[i].held) return false;
    if (is(i, "or")) return std::any_of(kids_[i].begin(), kids_[i].end(), [&](int k) { return at_root(k); });
    if (is(i, "and"))
      return vetoed(i) || std::any_of(kids_[i].begin(), kids_[i].end(), [&](int k) { return partial(k); });
    return partial(i);
  }
  const std::vector<engine::Trace::Node>& nodes_;
  std::vector<std::vector<int>> kids_;
};

// Lines of the original text holding evidence, the evidence marked.
void print_highlighted(std::ostream& out, const char* label, const std::string& text,
                       std::vector<std::pair<std::uint32_t, std::uint32_t>> spans,
                       const Style& st) {
  if (spans.empty()) return;
  std::sort(spans.begin(), spans.end());
  // Code point offsets to byte offsets.
  std::vector<std::size_t> byte_of;
  for (std::size_t i = 0; i < text.size(); ++i)
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of.push_back(i);
  byte_of.push_back(text.size());
  std::vector<int> depth_at(text.size() + 1, 0);
  std::set<std::size_t> opens, closes;
  for (auto [b, e] : spans) {
    if (b >= byte_of.size() || e >= byte_of.size() || b >= e) continue;
    opens.insert(byte_of[b]);
    closes.insert(byte_of[e]);
  }
  std::size_t line_start = 0;
  unsigned line_no = 1;
  int open = 0;
  while (line_start <= text.size()) {
    std::size_t line_end = text.find('\n', line_start);
    if (line_end == std::string::npos) line_end = text.size();
    bool has = open > 0;
    for (auto it = opens.lower_bound(line_start); it != opens.end() && *it < line_end; ++it) has = true;
    if (has) {
      std::string rendered;
      for (std::size_t i = line_start; i < line_end; ++i) {
        if (closes.count(i) && open > 0) {
          rendered += st.mark_close();
          --open;
        }
        if (opens.count(i)) {
          rendered += st.mark_open();
          ++open;
        }
        rendered += text[i];
      }
      if (closes.count(line_end) && open > 0) {
        rendered += st.mark_close();
        --open;
      }
      out << "  " << label << (text.find('\n') == std::string::npos ? "" : " line " + std::to_string(line_no)) << ": "
          << rendered << "\n";
    }
    if (line_end == text.size()) break;
    line_start = line_end + 1;
    ++line_no;
  }
}

}  // namespace

int run_explain(int argc, char** argv) {
  po::options_description opts("options");
  std::string rules, id, color;
  opts.add_options()("help,h", "show this help")
      ("rules,r", po::value(&rules), "rule pack folder (default: $SHIWAKE_RULES, else ./rules)")
      ("id", po::value(&id), "explain the notice with this id (or title) within INPUT")
      ("rule", po::value<std::vector<std::string>>(), "also show this rule's condition tree (repeatable)")
      ("color", po::value(&color)->default_value("auto"), "auto | always | never");
  po::options_description hidden;
  po::positional_options_description pos;
  add_inputs(hidden, pos);
  po::variables_map vm;
  const char* usage =
      "shiwake explain [--rules DIR] NOTICE\n"
      "       shiwake explain [--rules DIR] --id ID INPUT...\n\n"
      "NOTICE is a .txt file (first line is the title) or a JSONL file with one notice. Prints\n"
      "the labels and the severity policy line that decided, every rule that fired or nearly\n"
      "fired as its condition tree (✓ held, ✗ did not, · not evaluated), the evidence marked in\n"
      "the original text ([[...]], or colors on a terminal), and the facts with their sources.\n"
      "A rule nearly fired when, past the guards every rule shares, some of its terms held but\n"
      "not all it needs, or only a `not` stopped it; --rule ID shows any rule's tree.\n";
  if (!parse_options(argc, argv, opts, pos, vm, usage, &hidden)) return vm.count("help") ? 0 : 2;
  if (!vm.count("input")) {
    std::cerr << "shiwake explain: give a notice file, or --id ID with the corpus\n\nusage: " << usage;
    return 2;
  }
  const std::vector<std::string> show_rules =
      vm.count("rule") ? vm["rule"].as<std::vector<std::string>>() : std::vector<std::string>{};
  Style st;
  st.color = color == "always" || (color == "auto" && isatty(STDOUT_FILENO));
  auto classifier = load_classifier(rules_dir(rules));
  if (!classifier) return 2;

  engine::NoticeReader reader(inputs_of(vm), &std::cin);
  std::optional<engine::Notice> notice;
  unsigned seen = 0;
  while (auto next = reader.next()) {
    if (auto* e = std::get_if<engine::InputError>(&*next)) {
      if (e->level == Level::error) std::cerr << e->source << ":" << e->line << ": " << e->message << "\n";
      continue;
    }
    auto& n = std::get<engine::Notice>(*next);
    ++seen;
    if (id.empty() || n.id == id || n.title == id) {
      notice = std::move(n);
      break;
    }
  }
  if (!notice) {
    std::cerr << "shiwake explain: " << (id.empty() ? "no notice in the input" : "no notice with id '" + id + "' among " + std::to_string(seen)) << "\n";
    return 2;
  }

  auto scratch = classifier->make_scratch();
  engine::Trace trace;
  engine::Result r = classifier->classify(*notice, scratch, &trace);
  if (!r.error.empty()) {
    std::cerr << "shiwake explain: notice " << r.id << ": " << r.error << "\n";
    return 2;
  }
  const engine::Pack& pack = classifier->pack();
  for (const auto& want : show_rules)
    if (std::none_of(pack.rules.begin(), pack.rules.end(), [&](const engine::Rule& r) { return r.id == want; })) {
      std::cerr << "shiwake explain: the pack has no rule '" << want << "'\n";
      return 2;
    }
  std::ostream& out = std::cout;
  out << st.on("1") << notice->title << st.off() << "\n  id " << r.id << "\n\n";
  out << "categories  " << join(r.categories, ", ", "-") << "\ntags        " << join(r.tags, ", ", "-") << "\nseverity    " << st.on("1") << r.severity
      << st.off();
  if (!r.why.where.empty()) out << "  (" << r.why.where << ")" << (r.why.why.empty() ? "" : ": " + r.why.why);
  out << "\nreportable  " << (r.reportable ? "yes" : "no") << "\n";
  // The policy entry that decided, as a tree; the entries before it did not hold. Its
  // trace slot follows the rules, data types, leak entries, outage and reportable.
  for (std::size_t i = 0; i < pack.severity.size(); ++i) {
    Diagnostic at = pack.severity[i].when.where.whole("");
    if (at.file + ":" + std::to_string(at.line) != r.why.where) continue;
    const std::size_t slot = pack.rules.size() + pack.data_types.size() + pack.leak.size() + 2 + i;
    if (slot >= trace.conditions.size()) break;
    out << "\nseverity " << r.severity << " because (the first entry of the policy that held)\n";
    print_tree(out, pack.severity[i].when, trace.conditions[slot], st);
    break;
  }

  out << "\nrules (✓ held, ✗ did not, · not evaluated; \"nearly\": part of the way there, or vetoed by a `not`)\n";
  std::set<std::string> fired;
  for (const auto& m : r.matches) fired.insert(m.rule);
  for (std::size_t i = 0; i < pack.rules.size(); ++i) {
    const engine::Rule& rule = pack.rules[i];
    const auto& nodes = trace.conditions[i];
    bool did = fired.count(rule.id) > 0;
    bool asked = std::find(show_rules.begin(), show_rules.end(), rule.id) != show_rules.end();
    const bool nearly = !did && NearMiss(nodes)();
    if (!did && !asked && !nearly) continue;
    Diagnostic at = rule.where.whole("");
    const char* verdict = did ? "fired " : nearly ? "nearly" : "not   ";
    out << "  " << st.on(did ? "32" : "33") << verdict << st.off() << " " << rule.id << " → "
        << (rule.kind == engine::LabelKind::tag ? "tag " : "") << rule.label << "  (" << at.file << ":" << at.line << ")\n";
    print_tree(out, rule.when, nodes, st);
  }

  std::vector<std::pair<std::uint32_t, std::uint32_t>> title_spans, body_spans;
  auto collect = [&](const std::vector<engine::Evidence>& evs) {
    for (const auto& e : evs) (e.field == grammar::ast::Field::title ? title_spans : body_spans).push_back({e.start, e.end});
  };
  for (const auto& m : r.matches) collect(m.evidence);
  out << "\nevidence in the text\n";
  print_highlighted(out, "title", notice->title, title_spans, st);
  print_highlighted(out, "text", notice->text, body_spans, st);

  out << "\nfacts\n";
  out << "  affected    " << (r.facts.affected ? std::to_string(static_cast<long long>(*r.facts.affected)) : "-")
      << (r.facts.affected_why.empty() ? "" : "  (" + r.facts.affected_why + ")") << "\n";
  for (const auto& e : r.facts.affected_evidence) out << "                « " << e.text << " »\n";
  out << "  data types  " << join(r.facts.data_types, ", ", "-") << "\n  leak        " << r.facts.leak << "\n  published   "
      << (r.facts.published ? engine::to_iso(*r.facts.published) : "-") << "\n  discovered  "
      << (r.facts.discovered ? engine::to_iso(*r.facts.discovered) : "-") << "\n  outage      " << (r.facts.outage ? "yes" : "no")
      << "\n  damage      " << (r.facts.damage_jpy ? "¥" + std::to_string(static_cast<long long>(*r.facts.damage_jpy)) : "-") << "\n";
  for (const auto& [fact, evs] : r.facts.evidence) {
    out << "  " << fact << " from:";
    std::set<std::string> shown;
    for (const auto& e : evs)
      if (shown.insert(e.text).second && shown.size() <= 6) out << " « " << e.text << " »";
    out << "\n";
  }
  return 0;
}

}  // namespace shiwake::tools
