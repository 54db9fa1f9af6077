// Writes a pack as YARA rules, for the benchmark's comparison with YARA: every rule, data
// type, leak status and the outage condition become a YARA rule over the same literals
// (normalized as the engine matches them) and the same boolean structure, as far as YARA
// can express it. Used by tools/bench. Usage: shiwake_pack_to_yara RULES_DIR > pack.yar
//
// The translation, construct by construct:
// - "literal" -> a text string (nocase when it has ASCII letters: YARA cannot fold width
//   or NFKC, case is what it can fold); /regex/ -> a YARA regex, byte-oriented, so a class
//   of multi-byte characters becomes an alternation ([^。] becomes . with its repetition
//   bounds tripled) and (?: becomes (.
// - $list -> a private rule per list (`any of them`), referenced by name; a list inside
//   count() is spelled out as strings, since YARA counts (#s) only its own strings.
// - and / or / not / true / false -> the same; any / all -> or / and; N of (...) -> YARA's
//   `N of ($a, $b)` when every operand is one string, else the disjunction of every N-subset
//   (or, past 64 subsets, `any`).
// - count(t) >= n -> (#a + #b ...) >= n.
// - near / before -> both terms present (and); sentence(e) / paragraph(e) -> e over the
//   whole notice; title: / body: -> the whole notice. YARA has offsets (@s[i]) but no
//   sentences, and a loop over offset pairs would only make YARA slower: these
//   approximations all favour YARA.
// - @rule -> the rule by name (YARA wants it defined first: rules are written in
//   dependency order); category(x) / tag(x) -> the rules giving x; has(t) -> the data
//   type's rule; facts (affected, damage, dates, leak ==, outage, reportable) -> true.
// The severity policy (facts over results) is left out: it costs nothing in either engine.
#include "engine/normalize.hpp"
#include "engine/pack.hpp"

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace shiwake;
using namespace shiwake::engine;
namespace ast = grammar::ast;

std::string ident(std::string_view prefix, std::string_view id) {
  std::string out(prefix);
  for (char c : id) out += (std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

bool has_ascii_letter(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); });
}

std::string yara_text(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\', out += char(c);
    else if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  out += "\"";
  if (has_ascii_letter(s)) out += " nocase";
  return out;
}

std::size_t utf8_length(unsigned char b) { return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; }

// Vectorscan (PCRE) syntax over UTF-8 characters -> YARA's byte-oriented regex.
std::string yara_regex(const std::string& re) {
  std::string out;
  bool last_was_multibyte_class = false;
  for (std::size_t i = 0; i < re.size();) {
    unsigned char c = static_cast<unsigned char>(re[i]);
    if (c == '\\' && i + 1 < re.size()) {
      out.append(re, i, 2);
      i += 2;
      last_was_multibyte_class = false;
      continue;
    }
    if (c == '(' && re.compare(i, 3, "(?:") == 0) {
      out += '(';
      i += 3;
      continue;
    }
    if (c == '/') {
      out += "\\/";
      ++i;
      continue;
    }
    if (c == '[') {
      std::size_t end = re.find(']', i + 2);
      if (end == std::string::npos) end = re.size() - 1;
      std::string body = re.substr(i + 1, end - i - 1);
      bool multibyte = std::any_of(body.begin(), body.end(), [](char b) { return static_cast<unsigned char>(b) >= 0x80; });
      if (!multibyte) {
        out.append(re, i, end - i + 1);
        last_was_multibyte_class = false;
      } else if (body[0] == '^') {
        out += '.';
        last_was_multibyte_class = true;
      } else {
        // [あい、] -> (あ|い|、) over whole characters; ASCII members stay a class.
        std::string alts, ascii;
        for (std::size_t k = 0; k < body.size();) {
          std::size_t len = utf8_length(static_cast<unsigned char>(body[k]));
          if (len == 1) ascii += body[k];
          else alts += (alts.empty() ? "" : "|") + body.substr(k, len);
          k += len;
        }
        if (!ascii.empty()) alts += "|[" + ascii + "]";
        out += "(" + alts + ")";
        last_was_multibyte_class = false;
      }
      i = end + 1;
      continue;
    }
    if (c == '{' && last_was_multibyte_class) {
      // A repetition of "any character but ...": up to three bytes per character.
      std::size_t end = re.find('}', i);
      std::string inner = re.substr(i + 1, end - i - 1);
      std::size_t comma = inner.find(',');
      std::string lo = comma == std::string::npos ? inner : inner.substr(0, comma);
      std::string hi = comma == std::string::npos ? inner : inner.substr(comma + 1);
      out += "{" + lo + "," + (hi.empty() ? "" : std::to_string(3 * std::stoul(hi))) + "}";
      i = end + 1;
      last_was_multibyte_class = false;
      continue;
    }
    std::size_t len = utf8_length(c);
    // A quantifier after a multi-byte character must apply to the whole character.
    if (len > 1 && i + len < re.size() && std::strchr("?*+{", re[i + len])) {
      out += "(" + re.substr(i, len) + ")";
    } else {
      out.append(re, i, len);
    }
    i += len;
    last_was_multibyte_class = false;
  }
  return "/" + out + "/" + (has_ascii_letter(re) ? " nocase" : "");
}

class Writer {
 public:
  explicit Writer(const Pack& pack) : pack_(pack) {
    for (std::size_t i = 0; i < pack.lists.size(); ++i) lists_[pack.lists[i].name] = i;
    for (std::size_t i = 0; i < pack.rules.size(); ++i) {
      rules_[pack.rules[i].id] = i;
      labels_[(pack.rules[i].kind == LabelKind::tag ? "tag:" : "category:") + pack.rules[i].label].push_back(i);
    }
  }

  void write(std::ostream& out) {
    out << "// Generated by shiwake_pack_to_yara from " << pack_.dir.string() << ": the benchmark's YARA equivalent.\n\n";
    for (const TermList& l : pack_.lists) {
      out << "private rule " << ident("l_", l.name) << "\n{\n  strings:\n";
      std::set<std::string> seen;
      for (const ListItem& item : l.items) {
        std::string s = string_of(item.is_regex, item.text);
        if (!s.empty() && seen.insert(s).second) out << "    $ = " << s << "\n";
      }
      out << "  condition:\n    " << (seen.empty() ? "false" : "any of them") << "\n}\n\n";
    }
    for (std::size_t i = 0; i < pack_.data_types.size(); ++i)
      emit(out, ident("dt_", pack_.data_types[i].id), pack_.data_types[i].when, false);
    std::vector<int> state(pack_.rules.size(), 0);
    std::function<void(std::size_t)> visit = [&](std::size_t r) {
      if (state[r]) return;
      state[r] = 1;
      for (std::size_t d : deps(pack_.rules[r].when.parsed.root)) visit(d);
      emit(out, ident("r_", pack_.rules[r].id), pack_.rules[r].when, false);
      state[r] = 2;
    };
    for (std::size_t r = 0; r < pack_.rules.size(); ++r) visit(r);
    for (std::size_t i = 0; i < pack_.leak.size(); ++i)
      emit(out, ident("leak_", pack_.leak[i].status) + "_" + std::to_string(i), pack_.leak[i].when, false);
    if (pack_.outage) emit(out, "outage", *pack_.outage, false);
  }

 private:
  std::string string_of(bool is_regex, const std::string& text) const {
    if (is_regex) return yara_regex(text);
    std::string norm = engine::normalize_term(text);
    return norm.empty() ? "" : yara_text(norm);
  }

  // Rules a condition refers to (by @id, category() or tag()).
  std::vector<std::size_t> deps(const ast::Expr& e) const {
    std::vector<std::size_t> out;
    std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& x) {
      boost::apply_visitor(
          [&](const auto& node) {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, ast::RuleRef>) {
              if (auto it = rules_.find(node.id); it != rules_.end()) out.push_back(it->second);
            } else if constexpr (std::is_same_v<T, ast::Call>) {
              if (auto it = labels_.find(node.function + ":" + node.argument); it != labels_.end())
                out.insert(out.end(), it->second.begin(), it->second.end());
            } else if constexpr (std::is_same_v<T, ast::BoolLit> || std::is_same_v<T, ast::Term> ||
                                 std::is_same_v<T, ast::FactTest>) {
            } else {
              children(node.get(), walk);
            }
          },
          x.get());
    };
    walk(e);
    return out;
  }

  template <class F>
  static void children(const ast::Not& n, F& f) { f(n.operand); }
  template <class F>
  static void children(const ast::And& n, F& f) { for (auto& o : n.operands) f(o); }
  template <class F>
  static void children(const ast::Or& n, F& f) { for (auto& o : n.operands) f(o); }
  template <class F>
  static void children(const ast::Quantifier& n, F& f) { for (auto& o : n.operands) f(o); }
  template <class F>
  static void children(const ast::Scope& n, F& f) { f(n.inner); }
  template <class F>
  static void children(const ast::Count&, F&) {}
  template <class F>
  static void children(const ast::Near&, F&) {}
  template <class F>
  static void children(const ast::Before&, F&) {}

  void emit(std::ostream& out, const std::string& name, const Condition& c, bool is_private) {
    strings_.clear();
    string_ids_.clear();
    std::string cond = expr(c.parsed.root);
    names_.insert(name);
    out << (is_private ? "private rule " : "rule ") << name << "\n{\n";
    if (!strings_.empty()) {
      out << "  strings:\n";
      for (const auto& [id, s] : strings_) out << "    " << id << " = " << s << "\n";
    }
    out << "  condition:\n    " << cond << "\n}\n\n";
  }

  // A string of this rule, declared once per rule.
  std::string local(const std::string& s) {
    auto [it, inserted] = string_ids_.emplace(s, "$s" + std::to_string(string_ids_.size()));
    if (inserted) strings_.emplace_back(it->second, s);
    return it->second;
  }

  // The local string ids a term stands for (every item of a list).
  std::vector<std::string> locals(const ast::Term& t) {
    std::vector<std::string> ids;
    if (t.kind == ast::TermKind::list) {
      auto it = lists_.find(t.text);
      if (it == lists_.end()) return ids;
      for (const ListItem& item : pack_.lists[it->second].items) {
        std::string s = string_of(item.is_regex, item.text);
        if (!s.empty()) ids.push_back(local(s));
      }
    } else {
      std::string s = string_of(t.kind == ast::TermKind::regex, t.text);
      if (!s.empty()) ids.push_back(local(s));
    }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
  }

  std::string term(const ast::Term& t) {
    if (t.kind == ast::TermKind::list) return lists_.count(t.text) ? ident("l_", t.text) : "false";
    auto ids = locals(t);
    return ids.empty() ? "false" : ids[0];
  }

  std::string join(const std::vector<std::string>& xs, const char* sep) {
    std::string out;
    for (const auto& x : xs) out += (out.empty() ? "" : sep) + x;
    return out;
  }

  std::string expr(const ast::Expr& e) {
    return boost::apply_visitor([&](const auto& node) { return this->on(node); }, e.get());
  }
  template <class T>
  std::string on(const ast::x3::forward_ast<T>& f) { return on(f.get()); }
  std::string on(const ast::BoolLit& b) { return b.value ? "true" : "false"; }
  std::string on(const ast::Term& t) { return term(t); }
  std::string on(const ast::RuleRef& r) {
    auto it = rules_.find(r.id);
    return it == rules_.end() ? "false" : ident("r_", r.id);
  }
  std::string on(const ast::FactTest&) { return "true"; }
  std::string on(const ast::Call& c) {
    if (c.function == "has") return ident("dt_", c.argument);
    auto it = labels_.find(c.function + ":" + c.argument);
    if (it == labels_.end()) return "false";
    std::vector<std::string> xs;
    for (auto r : it->second) xs.push_back(ident("r_", pack_.rules[r].id));
    return "(" + join(xs, " or ") + ")";
  }
  std::string on(const ast::Not& n) { return "not (" + expr(n.operand) + ")"; }
  std::string operands(const std::vector<ast::Expr>& xs, const char* sep) {
    std::vector<std::string> parts;
    for (const auto& x : xs) parts.push_back("(" + expr(x) + ")");
    return "(" + join(parts, sep) + ")";
  }
  std::string on(const ast::And& a) { return operands(a.operands, " and "); }
  std::string on(const ast::Or& o) { return operands(o.operands, " or "); }
  std::string on(const ast::Quantifier& q) {
    if (q.kind == ast::QuantifierKind::any) return operands(q.operands, " or ");
    if (q.kind == ast::QuantifierKind::all) return operands(q.operands, " and ");
    std::vector<std::string> parts;
    bool all_strings = true;
    for (const auto& x : q.operands) {
      parts.push_back(expr(x));
      all_strings = all_strings && parts.back().rfind("$s", 0) == 0;
    }
    if (q.n == 0) return "true";
    if (q.n > parts.size()) return "false";
    if (all_strings) return std::to_string(q.n) + " of (" + join(parts, ", ") + ")";
    // Every n-subset, while there are few of them.
    std::vector<std::string> subsets;
    std::vector<std::size_t> pick(q.n);
    for (std::size_t i = 0; i < q.n; ++i) pick[i] = i;
    while (subsets.size() <= 64) {
      std::vector<std::string> conj;
      for (auto p : pick) conj.push_back("(" + parts[p] + ")");
      subsets.push_back("(" + join(conj, " and ") + ")");
      std::size_t i = q.n;
      while (i > 0 && pick[i - 1] == parts.size() - q.n + i - 1) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (std::size_t k = i; k < q.n; ++k) pick[k] = pick[k - 1] + 1;
    }
    if (subsets.size() > 64) return "(" + join(parts, " or ") + ")";
    return "(" + join(subsets, " or ") + ")";
  }
  std::string on(const ast::Count& c) {
    auto ids = locals(c.term);
    if (ids.empty()) return "false";
    std::vector<std::string> counts;
    for (auto& id : ids) counts.push_back("#" + id.substr(1));
    static const char* const kOps[] = {"<", "<=", ">", ">=", "==", "!="};
    return "((" + join(counts, " + ") + ") " + kOps[static_cast<int>(c.op)] + " " + std::to_string(c.n) + ")";
  }
  std::string on(const ast::Near& n) { return "(" + term(n.a) + " and " + term(n.b) + ")"; }
  std::string on(const ast::Before& b) { return "(" + term(b.a) + " and " + term(b.b) + ")"; }
  std::string on(const ast::Scope& s) { return expr(s.inner); }

  const Pack& pack_;
  std::map<std::string, std::size_t> lists_, rules_;
  std::map<std::string, std::vector<std::size_t>> labels_;
  std::vector<std::pair<std::string, std::string>> strings_;
  std::map<std::string, std::string> string_ids_;
  std::set<std::string> names_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: shiwake_pack_to_yara RULES_DIR > pack.yar\n");
    return 2;
  }
  engine::LoadedPack loaded = engine::load_pack(argv[1]);
  for (const auto& d : loaded.diagnostics)
    if (d.is_error()) {
      std::fprintf(stderr, "%s\n", format(d).c_str());
      return 2;
    }
  Writer(loaded.pack).write(std::cout);
  return 0;
}
