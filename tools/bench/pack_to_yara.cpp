// Writes a pack as YARA rules, for the benchmark's comparison with YARA: every rule, data
// type, leak status and the outage condition become a YARA rule over the same literals
// and the same boolean structure, as far as YARA can express it. Used by tools/bench.
//
// Usage: shiwake_pack_to_yara [--equivalent | --literal] RULES_DIR > pack.yar
//        shiwake_pack_to_yara --terms [--equivalent | --literal] RULES_DIR > terms.yar
//        shiwake_pack_to_yara --term-hits RULES_DIR INPUT.jsonl > hits.txt
//
// YARA reads the raw notice; shiwake matches a normalized one. Two translations of a
// "literal" differ in how they bridge that:
// - --equivalent (the default): a YARA regex matching every raw spelling that the engine's
//   normalizer turns into the literal, so YARA finds what shiwake finds. The spellings are
//   derived from the normalizer itself, not listed by hand: for each character of the
//   normalized literal, every BMP code point (and every kana + voiced-mark pair) that
//   normalizes to it in the literal's context (「サ—バ」 has a long vowel, 「A-1」 a hyphen);
//   between two characters, the white space and line breaks the normalizer drops there
//   (「個人 情報」, 「個人\n情報」). Not covered: one raw character that normalizes to
//   several (㈱), and ignorable characters NFKC_Casefold deletes (soft hyphen, ZWSP).
// - --literal: the normalized literal as a plain YARA text string (nocase when it has
//   ASCII letters). Fast, but blind to full-width, half-width and spaced spellings, so
//   YARA does less work than shiwake and misses what the raw text spells differently.
// --terms writes one rule t_N per distinct literal of the pack instead, and
// --term-hits prints, per notice of INPUT, "index t_N ..." for the literals its normalized
// text contains: the benchmark compares the two to show the translations agree.
//
// The rest of the translation, construct by construct:
// - /regex/ -> a YARA regex over the normalized spelling, byte-oriented, so a class
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
#include "engine/notice_io.hpp"
#include "engine/pack.hpp"

#include <algorithm>
#include <cstring>
#include <cstdio>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <variant>
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

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += char(c);
  } else if (c < 0x800) {
    out += char(0xC0 | (c >> 6)), out += char(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += char(0xE0 | (c >> 12)), out += char(0x80 | ((c >> 6) & 0x3F)), out += char(0x80 | (c & 0x3F));
  } else {
    out += char(0xF0 | (c >> 18)), out += char(0x80 | ((c >> 12) & 0x3F));
    out += char(0x80 | ((c >> 6) & 0x3F)), out += char(0x80 | (c & 0x3F));
  }
  return out;
}

// The UTF-8 characters of a string.
std::vector<std::string> characters(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = std::min(utf8_length(static_cast<unsigned char>(s[i])), s.size() - i);
    out.emplace_back(s.substr(i, len));
    i += len;
  }
  return out;
}

// Bytes as a YARA regex matches them literally: ASCII letters and digits as they are,
// every other byte as \xHH.
std::string regex_bytes(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c)) {
      out += char(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    }
  }
  return out;
}

// The raw spellings of a normalized literal, derived from the normalizer (see the header).
class RawSpellings {
 public:
  RawSpellings() {
    for (char32_t c = 0x20; c < 0x10000; ++c) {
      if (c >= 0xD800 && c <= 0xDFFF) continue;
      const std::string raw = utf8(c);
      const std::string norm = engine::normalize_term(raw);
      if (!norm.empty() && characters(norm).size() == 1) sources_[norm].push_back(raw);
      // A character read differently next to katakana (a dash is the long vowel there).
      if (engine::normalize_term("ア" + raw + "ア") != "ア" + norm + "ア") contextual_.push_back(raw);
    }
    // Kana written as a base and a separate voiced mark (half-width ｶﾞ, or combining).
    std::vector<std::string> bases;
    for (const auto& [norm, raws] : sources_)
      if (norm >= "ぁ" && norm <= "ヿ") bases.insert(bases.end(), raws.begin(), raws.end());
    for (const std::string& base : bases)
      for (char32_t mark : {U'\u3099', U'\u309A', U'\uFF9E', U'\uFF9F'}) {
        const std::string norm = engine::normalize_term(base + utf8(mark));
        if (characters(norm).size() == 1 && norm != engine::normalize_term(base))
          sources_[norm].push_back(base + utf8(mark));
      }
  }

  // A YARA regex (without slashes) for the raw spellings of `literal` (normalized). YARA
  // refuses a regex with 128 or more branch points (alternatives and repetitions); a
  // literal that long loses its two-character spellings (a kana and a separate voiced mark),
  // which `approximated()` counts.
  std::string regex(std::string_view literal) const {
    std::string out = regex(literal, true);
    if (branches(out) < 128) return out;
    ++approximated_;
    return regex(literal, false);
  }

  std::size_t approximated() const { return approximated_; }

 private:
  static std::size_t branches(std::string_view re) {
    std::size_t n = 0;
    bool in_class = false;
    for (char c : re) {
      if (c == '[') in_class = true;
      else if (c == ']') in_class = false;
      else if (!in_class && (c == '|' || c == '*' || c == '+' || c == '?')) ++n;
    }
    return n;
  }

  std::string regex(std::string_view literal, bool pairs) const {
    const std::vector<std::string> chars = characters(literal);
    std::string out;
    for (std::size_t i = 0; i < chars.size(); ++i) {
      const std::string prev = i > 0 ? chars[i - 1] : "";
      const std::string next = i + 1 < chars.size() ? chars[i + 1] : "";
      if (chars[i] == " ") {
        out += "(" + std::string(kSpace) + ")+";
        continue;
      }
      out += alternatives(prev, chars[i], next, pairs);
      if (!next.empty() && next != " ") out += gap(chars[i], next);
    }
    return out;
  }

  // Horizontal white space and line breaks as raw bytes (NFKC maps U+3000, NBSP and the
  // U+2000 spaces to a space; NEL, LS and PS are line breaks).
  static constexpr const char* kBlank = "[\\x09\\x20]|\\xC2\\xA0|\\xE3\\x80\\x80|\\xE2\\x80[\\x80-\\x8A]";
  static constexpr const char* kBreak = "[\\x0A-\\x0D]|\\xC2\\x85|\\xE2\\x80\\xA8";
  // Both at once, in fewer branches (YARA's limit counts them).
  static constexpr const char* kSpace = "[\\x09-\\x0D\\x20]|\\xC2[\\x85\\xA0]|\\xE3\\x80\\x80|\\xE2\\x80[\\x80-\\x8A\\xA8]";

  // Every raw spelling of `c` between `prev` and `next`.
  std::string alternatives(const std::string& prev, const std::string& c, const std::string& next,
                           bool pairs) const {
    std::vector<std::string> raws;
    const std::string want = prev + c + next;
    auto consider = [&](const std::string& raw) {
      if (!pairs && characters(raw).size() > 1) return;
      if (engine::normalize_term(prev + raw + next) == want) raws.push_back(raw);
    };
    if (auto it = sources_.find(c); it != sources_.end())
      for (const auto& raw : it->second) consider(raw);
    for (const auto& raw : contextual_) consider(raw);
    if (raws.empty()) raws.push_back(c);  // the literal itself, whatever its context
    std::sort(raws.begin(), raws.end());
    raws.erase(std::unique(raws.begin(), raws.end()), raws.end());
    if (raws.size() == 1) return regex_bytes(raws[0]);
    std::string out = "(";
    for (std::size_t k = 0; k < raws.size(); ++k) out += (k ? "|" : "") + regex_bytes(raws[k]);
    return out + ")";
  }

  // The white space the normalizer drops between `a` and `b` (none between Latin letters).
  static std::string gap(const std::string& a, const std::string& b) {
    const std::string joined = engine::normalize_term(a + b);
    const bool blank = engine::normalize_term(a + " " + b) == joined;
    const bool brk = engine::normalize_term(a + "\n" + b) == joined;
    if (blank && brk) return "(" + std::string(kSpace) + ")*";
    if (blank) return "(" + std::string(kBlank) + ")*";
    if (brk) return "(" + std::string(kBreak) + ")?";
    return "";
  }

  std::map<std::string, std::vector<std::string>> sources_;  // normalized char -> raw spellings
  std::vector<std::string> contextual_;
  mutable std::size_t approximated_ = 0;
};

class Writer {
 public:
  // With `spellings`, literals match their raw spellings (--equivalent); without, their
  // normalized text only (--literal).
  Writer(const Pack& pack, const RawSpellings* spellings) : pack_(pack), spellings_(spellings) {
    for (std::size_t i = 0; i < pack.lists.size(); ++i) lists_[pack.lists[i].name] = i;
    for (std::size_t i = 0; i < pack.rules.size(); ++i) {
      rules_[pack.rules[i].id] = i;
      labels_[(pack.rules[i].kind == LabelKind::tag ? "tag:" : "category:") + pack.rules[i].label].push_back(i);
    }
  }

  // Every distinct literal of the pack (lists and conditions), normalized.
  std::vector<std::string> literals() const {
    std::set<std::string> out;
    auto add = [&](const ast::Term& t) {
      if (t.kind != ast::TermKind::list && t.kind != ast::TermKind::regex) out.insert(engine::normalize_term(t.text));
    };
    std::function<void(const ast::Expr&)> walk = [&](const ast::Expr& x) {
      boost::apply_visitor(
          [&](const auto& node) {
            using T = std::decay_t<decltype(node)>;
            if constexpr (std::is_same_v<T, ast::Term>) {
              add(node);
            } else if constexpr (std::is_same_v<T, ast::BoolLit> || std::is_same_v<T, ast::RuleRef> ||
                                 std::is_same_v<T, ast::Call> || std::is_same_v<T, ast::FactTest>) {
            } else {
              const auto& n = node.get();
              using N = std::decay_t<decltype(n)>;
              if constexpr (std::is_same_v<N, ast::Count>) {
                add(n.term);
              } else if constexpr (std::is_same_v<N, ast::Near> || std::is_same_v<N, ast::Before>) {
                add(n.a), add(n.b);
              } else {
                children(n, walk);
              }
            }
          },
          x.get());
    };
    for (const TermList& l : pack_.lists)
      for (const ListItem& item : l.items)
        if (!item.is_regex) out.insert(engine::normalize_term(item.text));
    for (const Rule& r : pack_.rules) walk(r.when.parsed.root);
    for (const DataTypeDef& d : pack_.data_types) walk(d.when.parsed.root);
    for (const LeakDef& l : pack_.leak) walk(l.when.parsed.root);
    if (pack_.outage) walk(pack_.outage->parsed.root);
    out.erase("");
    return {out.begin(), out.end()};
  }

  void write(std::ostream& out) {
    out << "// Generated by shiwake_pack_to_yara from " << pack_.dir.string() << " ("
        << (spellings_ ? "raw spellings" : "normalized literals") << "): the benchmark's YARA side.\n\n";
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
    if (norm.empty()) return "";
    return spellings_ ? "/" + spellings_->regex(norm) + "/" : yara_text(norm);
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
  const RawSpellings* spellings_;
  std::map<std::string, std::size_t> lists_, rules_;
  std::map<std::string, std::vector<std::size_t>> labels_;
  std::vector<std::pair<std::string, std::string>> strings_;
  std::map<std::string, std::string> string_ids_;
  std::set<std::string> names_;
};

int usage() {
  std::fprintf(stderr,
               "usage: shiwake_pack_to_yara [--equivalent | --literal] RULES_DIR > pack.yar\n"
               "       shiwake_pack_to_yara --terms [--equivalent | --literal] RULES_DIR > terms.yar\n"
               "       shiwake_pack_to_yara --term-hits RULES_DIR INPUT.jsonl > hits.txt\n");
  return 2;
}

// --term-hits: per record, its index and the literals its normalized title and text
// contain (as the engine scans them: title, blank line, text). A record the reader
// refuses keeps its index, with no literal, so the indices stay those of the input lines.
int term_hits(const std::vector<std::string>& literals, const std::string& input) {
  engine::NoticeReader reader({input});
  std::size_t index = 0;
  std::string buf;
  int status = 0;
  while (auto next = reader.next()) {
    if (auto* e = std::get_if<engine::InputError>(&*next)) {
      std::fprintf(stderr, "%s\n", format(e->to_diagnostic()).c_str());
      if (e->level == Level::error) std::printf("%zu\n", index++), status = 1;
      continue;
    }
    const auto& n = std::get<engine::Notice>(*next);
    buf = engine::normalize(n.title).text() + "\n\n" + engine::normalize(n.text).text();
    std::printf("%zu", index++);
    for (std::size_t t = 0; t < literals.size(); ++t)
      if (buf.find(literals[t]) != std::string::npos) std::printf(" t_%zu", t);
    std::printf("\n");
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  bool literal = false, terms = false, hits = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--equivalent") literal = false;
    else if (a == "--literal") literal = true;
    else if (a == "--terms") terms = true;
    else if (a == "--term-hits") hits = true;
    else if (!a.empty() && a[0] == '-') return usage();
    else args.push_back(a);
  }
  if (args.size() != (hits ? 2u : 1u) || (hits && terms)) return usage();
  engine::LoadedPack loaded = engine::load_pack(args[0]);
  for (const auto& d : loaded.diagnostics)
    if (d.is_error()) {
      std::fprintf(stderr, "%s\n", format(d).c_str());
      return 2;
    }
  if (hits) {
    return term_hits(Writer(loaded.pack, nullptr).literals(), args[1]);
  }
  std::optional<RawSpellings> spellings;
  if (!literal) spellings.emplace();
  Writer writer(loaded.pack, spellings ? &*spellings : nullptr);
  if (!terms) {
    writer.write(std::cout);
  } else {
    const std::vector<std::string> literals = writer.literals();
    std::cout << "// Generated by shiwake_pack_to_yara --terms: one rule per literal ("
              << (literal ? "normalized literals" : "raw spellings") << ").\n\n";
    for (std::size_t t = 0; t < literals.size(); ++t)
      std::cout << "rule t_" << t << " { strings: $t = "
                << (spellings ? "/" + spellings->regex(literals[t]) + "/" : yara_text(literals[t]))
                << " condition: $t }\n";
  }
  if (spellings && spellings->approximated())
    std::fprintf(stderr, "shiwake_pack_to_yara: %zu literal(s) written without kana + voiced-mark spellings "
                 "(YARA's limit of 128 branches per regex)\n", spellings->approximated());
  return 0;
}
