// Builds the benchmark's larger packs: the shipped pack plus FACTOR-1 synthetic copies of
// its rules. Copy k keeps every rule's structure (the same mix of and/or/not, lists,
// regexes, counts, proximity, sentence scopes, field scopes and @references, which point
// at copy k's own rules) with every term replaced by a distinct realistic one: n-grams of
// 3 to 6 Japanese characters drawn from the normalized corpus, so the new literals hit
// real text as often as real ones do. Each list gets a copy of the same size; a regex
// becomes an alternation of n-grams, until the pack would pass the loader's bound on
// regexes (kMaxRegexes): past it a regex becomes a literal n-gram. Used by tools/bench.
// Usage: shiwake_pack_grow RULES_DIR CORPUS.jsonl FACTOR OUT_DIR
#include "engine/normalize.hpp"
#include "engine/notice_io.hpp"
#include "engine/pack.hpp"
#include "grammar/printer.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

using namespace shiwake;
using namespace shiwake::engine;
namespace ast = grammar::ast;
namespace fs = std::filesystem;

bool is_word_char(char32_t c) {
  return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || (c >= 0x4E00 && c <= 0x9FFF);
}

// Distinct n-grams of Japanese characters from the corpus, shuffled reproducibly.
class Ngrams {
 public:
  Ngrams(const std::string& corpus, std::size_t need, const std::set<std::string>& taken) : rng_(1) {
    engine::NoticeReader reader({corpus});
    std::unordered_set<std::string> seen;
    std::uniform_int_distribution<int> len(3, 6);
    while (pool_.size() < need) {
      auto next = reader.next();
      if (!next) break;
      auto* n = std::get_if<engine::Notice>(&*next);
      if (!n) continue;
      std::string text = engine::normalize(n->title + "\n\n" + n->text).text();
      // Code points of the text, split into runs of word characters.
      std::vector<std::pair<std::size_t, std::size_t>> cps;  // byte offset, length
      std::vector<char32_t> chars;
      for (std::size_t i = 0; i < text.size();) {
        unsigned char b = text[i];
        std::size_t l = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        char32_t c = l == 1 ? b : l == 2 ? (b & 0x1F) : l == 3 ? (b & 0x0F) : (b & 0x07);
        for (std::size_t k = 1; k < l && i + k < text.size(); ++k) c = (c << 6) | (text[i + k] & 0x3F);
        cps.emplace_back(i, l);
        chars.push_back(c);
        i += l;
      }
      for (std::size_t i = 0; i < chars.size(); ++i) {
        std::size_t n_chars = static_cast<std::size_t>(len(rng_));
        if (i + n_chars > chars.size()) break;
        bool ok = true;
        for (std::size_t k = 0; k < n_chars && ok; ++k) ok = is_word_char(chars[i + k]);
        if (!ok) continue;
        std::size_t from = cps[i].first, to = cps[i + n_chars - 1].first + cps[i + n_chars - 1].second;
        std::string g = text.substr(from, to - from);
        if (!taken.count(g) && seen.insert(g).second) pool_.push_back(std::move(g));
      }
    }
    std::shuffle(pool_.begin(), pool_.end(), rng_);
  }

  // The next unused n-gram; when the corpus runs out, two joined (rarer, still realistic).
  std::string next() {
    if (next_ < pool_.size()) return pool_[next_++];
    std::uniform_int_distribution<std::size_t> pick(0, pool_.size() - 1);
    return pool_[pick(rng_)] + pool_[pick(rng_)] + std::to_string(next_++);
  }
  std::size_t size() const { return pool_.size(); }

 private:
  std::mt19937 rng_;
  std::vector<std::string> pool_;
  std::size_t next_ = 0;
};

class Copier {
 public:
  Copier(const Pack& pack, Ngrams& grams) : pack_(pack), grams_(grams) {
    for (const auto& r : pack.rules) rule_ids_.insert(r.id);
  }

  // Copy k: fresh lists and rules, written to `lists` and `rules`.
  void copy(int k, YAML::Emitter& lists, YAML::Emitter& rules) {
    k_ = k;
    for (const TermList& l : pack_.lists) {
      lists << YAML::Key << list_name(l.name) << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const ListItem& item : l.items)
        lists << (item.is_regex && regex_left() ? "/" + regex() + "/" : grams_.next());
      lists << YAML::EndSeq;
    }
    for (const Rule& r : pack_.rules) {
      ast::Expr e = r.when.parsed.root;
      rewrite(e);
      rules << YAML::BeginMap << YAML::Key << "id" << YAML::Value << rule_id(r.id);
      if (!r.label.empty())
        rules << YAML::Key << (r.kind == LabelKind::tag ? "tag" : "category") << YAML::Value << r.label;
      rules << YAML::Key << "title" << YAML::Value << ("Synthetic copy " + std::to_string(k) + " of " + r.id);
      rules << YAML::Key << "when" << YAML::Value << grammar::print(e) << YAML::EndMap;
    }
    if (k == 1) shipped_regexes_ = regexes_written_;  // each copy has as many as the pack
  }

 private:
  std::string list_name(const std::string& name) const { return "syn" + std::to_string(k_) + "_" + name; }
  std::string rule_id(const std::string& id) const { return "syn" + std::to_string(k_) + "-" + id; }
  // Whether one more regex keeps the whole pack (the shipped one and the copies) within
  // the loader's bound; counts it when it does.
  bool regex_left() {
    if (shipped_regexes_ + regexes_written_ >= kMaxRegexes) return false;
    ++regexes_written_;
    return true;
  }
  std::string regex() { return "(" + grams_.next() + "|" + grams_.next() + ")(" + grams_.next() + "|" + grams_.next() + ")"; }

  void rewrite(ast::Term& t) {
    switch (t.kind) {
      case ast::TermKind::literal: t.text = grams_.next(); break;
      case ast::TermKind::regex:
        if (!regex_left()) t.kind = ast::TermKind::literal;
        t.text = t.kind == ast::TermKind::regex ? regex() : grams_.next();
        break;
      case ast::TermKind::list: t.text = list_name(t.text); break;
    }
  }

  void rewrite(ast::Expr& e) {
    boost::apply_visitor([&](auto& node) { this->on(node); }, e.get());
  }
  template <class T>
  void on(ast::x3::forward_ast<T>& f) { on(f.get()); }
  void on(ast::BoolLit&) {}
  void on(ast::FactTest&) {}
  void on(ast::Call&) {}
  void on(ast::Term& t) { rewrite(t); }
  void on(ast::RuleRef& r) {
    if (rule_ids_.count(r.id)) r.id = rule_id(r.id);
  }
  void on(ast::Not& n) { rewrite(n.operand); }
  void on(ast::And& a) { for (auto& o : a.operands) rewrite(o); }
  void on(ast::Or& o) { for (auto& x : o.operands) rewrite(x); }
  void on(ast::Quantifier& q) { for (auto& x : q.operands) rewrite(x); }
  void on(ast::Count& c) { rewrite(c.term); }
  void on(ast::Near& n) { rewrite(n.a), rewrite(n.b); }
  void on(ast::Before& b) { rewrite(b.a), rewrite(b.b); }
  void on(ast::Scope& s) { rewrite(s.inner); }

  const Pack& pack_;
  Ngrams& grams_;
  std::set<std::string> rule_ids_;
  int k_ = 0;
  std::size_t regexes_written_ = 0, shipped_regexes_ = 0;
};

std::size_t terms_per_copy(const Pack& pack) {
  std::size_t n = 0;
  for (const auto& l : pack.lists) n += l.items.size() * 2;  // a regex item takes four n-grams
  for (const auto& r : pack.rules) n += r.when.text.size() / 4;  // generous: every term of the expression
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: shiwake_pack_grow RULES_DIR CORPUS.jsonl FACTOR OUT_DIR\n");
    return 2;
  }
  const fs::path rules_dir = argv[1], out_dir = argv[4];
  const int factor = std::atoi(argv[3]);
  if (factor < 1) {
    std::fprintf(stderr, "shiwake_pack_grow: FACTOR must be at least 1\n");
    return 2;
  }
  engine::LoadedPack loaded = engine::load_pack(rules_dir);
  for (const auto& d : loaded.diagnostics)
    if (d.is_error()) {
      std::fprintf(stderr, "%s\n", format(d).c_str());
      return 2;
    }
  const Pack& pack = loaded.pack;

  std::set<std::string> taken;
  for (const auto& l : pack.lists)
    for (const auto& item : l.items) taken.insert(engine::normalize_term(item.text));
  Ngrams grams(argv[2], terms_per_copy(pack) * std::size_t(factor - 1), taken);

  fs::remove_all(out_dir);
  fs::create_directories(out_dir);
  for (const auto& f : fs::directory_iterator(rules_dir))
    if (f.path().extension() == ".yaml" || f.path().extension() == ".yml")
      fs::copy_file(f.path(), out_dir / f.path().filename());
  Copier copier(pack, grams);
  for (int k = 1; k < factor; ++k) {
    YAML::Emitter lists, rules;
    lists << YAML::BeginMap;
    rules << YAML::BeginSeq;
    copier.copy(k, lists, rules);
    lists << YAML::EndMap;
    rules << YAML::EndSeq;
    char name[64];
    std::snprintf(name, sizeof name, "zz_synthetic_%03d.yaml", k);
    std::ofstream out(out_dir / name);
    out << "# Synthetic copy " << k << " of the pack's rules (shiwake_pack_grow).\nlists:\n";
    // Indent the emitted blocks under their keys.
    auto indent = [&](const std::string& s) {
      std::string r = "  ";
      for (char c : s) {
        r += c;
        if (c == '\n') r += "  ";
      }
      return r + "\n";
    };
    out << indent(lists.c_str()) << "rules:\n" << indent(rules.c_str());
  }
  std::fprintf(stderr, "shiwake_pack_grow: %zu rules -> %zu, %zu n-grams drawn\n", pack.rules.size(),
               pack.rules.size() * std::size_t(factor), grams.size());
  return 0;
}
