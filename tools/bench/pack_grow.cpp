// Builds the benchmark's larger packs: the shipped pack plus FACTOR-1 synthetic copies of
// its rules. Copy k keeps every rule's structure (the same mix of and/or/not, lists,
// regexes, counts, proximity, sentence scopes, field scopes and @references, which point
// at copy k's own rules) with every term replaced by a distinct realistic one: an n-gram
// of 3 to 6 Japanese characters from the normalized corpus that occurs in about as many
// notices as the term it replaces. Document frequencies are counted on a sample of the
// corpus (its first kSampleNotices notices), in buckets that double: a term in 40 of them
// is replaced by an n-gram in 32 to 63, a term in none by one in none (two n-grams
// joined). So each copy hits the text as the pack does, term by term: most of a real
// pack's terms are words a notice rarely uses, and a few are very common. (Drawn
// uniformly instead, with --uniform for comparison, nearly all n-grams are moderately
// common; lists of them still hit about as many notices on average.) Each list gets a
// copy of the same size; a regex becomes an alternation of two n-grams, the first of the
// regex's frequency, until the pack would pass the loader's bound on regexes (kMaxRegexes):
// past it a regex becomes a literal n-gram. Used by tools/bench.
// Usage: shiwake_pack_grow [--uniform] RULES_DIR CORPUS.jsonl FACTOR OUT_DIR
#include "engine/normalize.hpp"
#include "engine/notice_io.hpp"
#include "engine/pack.hpp"
#include "grammar/printer.hpp"

#include <hs/hs.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace {

using namespace shiwake;
using namespace shiwake::engine;
namespace ast = grammar::ast;
namespace fs = std::filesystem;

constexpr std::size_t kSampleNotices = 2000;

bool is_word_char(char32_t c) {
  return (c >= 0x3041 && c <= 0x3096) || (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || (c >= 0x4E00 && c <= 0x9FFF);
}

// The n-grams of 3 to 6 word characters of a normalized text, each once per text: f(gram).
template <class F>
void each_ngram(const std::string& text, F&& f) {
  std::vector<std::size_t> starts;  // byte offset of every code point, then text.size()
  std::vector<bool> word;
  for (std::size_t i = 0; i < text.size();) {
    starts.push_back(i);
    word.push_back(is_word_char(detail::decode(reinterpret_cast<const unsigned char*>(text.data()), i)));
  }
  starts.push_back(text.size());
  for (std::size_t i = 0; i < word.size(); ++i)
    for (std::size_t n = 1; n <= 6 && i + n <= word.size() && word[i + n - 1]; ++n)
      if (n >= 3) f(std::string_view(text).substr(starts[i], starts[i + n] - starts[i]));
}

// The bucket of a document frequency: 0 for none, then 1, 2-3, 4-7, ...
std::size_t bucket_of(std::size_t df) {
  std::size_t b = 0;
  for (; df; df >>= 1) ++b;
  return b;
}

// The normalized texts of the corpus's first notices, and how many of them hold a term.
class Sample {
 public:
  explicit Sample(const std::string& corpus) {
    engine::NoticeReader reader({corpus});
    while (docs_.size() < kSampleNotices) {
      auto next = reader.next();
      if (!next) break;
      if (auto* n = std::get_if<engine::Notice>(&*next)) docs_.push_back(engine::normalize(n->title + "\n\n" + n->text).text());
    }
  }
  const std::vector<std::string>& docs() const { return docs_; }

  // Document frequencies of terms (literals as written, or regexes), in one Vectorscan
  // scan of the sample. A regex Vectorscan rejects alone counts as found nowhere.
  std::vector<std::size_t> frequencies(const std::vector<std::pair<bool, std::string>>& terms) const {
    std::vector<std::string> exprs;
    std::vector<unsigned> flags, ids;
    for (std::size_t i = 0; i < terms.size(); ++i) {
      const auto& [is_regex, text] = terms[i];
      std::string e;
      if (is_regex) {
        e = text;
        hs_database_t* db = nullptr;
        hs_compile_error_t* err = nullptr;
        if (hs_compile(e.c_str(), HS_FLAG_UTF8, HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
          hs_free_compile_error(err);
          continue;
        }
        hs_free_database(db);
      } else {
        for (unsigned char c : normalize_term(text)) {
          char hex[8];
          std::snprintf(hex, sizeof hex, "\\x%02x", c);
          e += hex;
        }
        if (e.empty()) continue;
      }
      exprs.push_back(std::move(e));
      flags.push_back((is_regex ? HS_FLAG_UTF8 : 0u) | HS_FLAG_SINGLEMATCH);
      ids.push_back(static_cast<unsigned>(i));
    }
    std::vector<std::size_t> df(terms.size(), 0);
    if (exprs.empty()) return df;
    std::vector<const char*> ptrs;
    for (const auto& e : exprs) ptrs.push_back(e.c_str());
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    hs_scratch_t* scratch = nullptr;
    if (hs_compile_multi(ptrs.data(), flags.data(), ids.data(), static_cast<unsigned>(ptrs.size()), HS_MODE_BLOCK, nullptr,
                         &db, &err) != HS_SUCCESS ||
        hs_alloc_scratch(db, &scratch) != HS_SUCCESS) {
      std::fprintf(stderr, "shiwake_pack_grow: cannot build the frequency database: %s\n", err ? err->message : "");
      std::exit(2);
    }
    auto count = [](unsigned id, unsigned long long, unsigned long long, unsigned, void* ctx) {
      ++(*static_cast<std::vector<std::size_t>*>(ctx))[id];  // SINGLEMATCH: once per document
      return 0;
    };
    for (const auto& d : docs_) hs_scan(db, d.data(), static_cast<unsigned>(d.size()), 0, scratch, count, &df);
    hs_free_scratch(scratch);
    hs_free_database(db);
    return df;
  }

 private:
  std::vector<std::string> docs_;
};

// Distinct n-grams of the sample by the bucket of their document frequency, each bucket
// shuffled reproducibly. next(df) takes an unused one from df's bucket, else from the
// nearest bucket below it, else above; with --uniform, from all of them alike.
class Ngrams {
 public:
  Ngrams(const Sample& sample, const std::set<std::string>& taken, bool uniform) : rng_(1), uniform_(uniform) {
    struct Seen {
      std::size_t df = 0, last_doc = SIZE_MAX;
    };
    std::unordered_map<std::string_view, Seen> seen;
    for (std::size_t d = 0; d < sample.docs().size(); ++d)
      each_ngram(sample.docs()[d], [&](std::string_view g) {
        Seen& s = seen[g];
        if (s.last_doc != d) ++s.df, s.last_doc = d;
      });
    std::vector<std::pair<std::string_view, std::size_t>> all;
    all.reserve(seen.size());
    for (const auto& [g, s] : seen) all.emplace_back(g, s.df);
    std::sort(all.begin(), all.end());  // the map's order is not reproducible
    for (const auto& [g, df] : all) {
      if (taken.count(std::string(g))) continue;
      const std::size_t b = uniform_ ? 1 : bucket_of(df);
      if (buckets_.size() <= b) buckets_.resize(b + 1);
      buckets_[b].emplace_back(g);
      ++size_;
    }
    for (auto& b : buckets_) std::shuffle(b.begin(), b.end(), rng_);
    next_.assign(buckets_.size(), 0);
  }

  // An unused n-gram found in about `df` of the sample's notices, from df's bucket, else
  // the nearest below, else above. For none: two n-grams joined, a word the sample never
  // uses (so are the n-grams when every bucket has run out).
  std::string next(std::size_t df) {
    const std::size_t want = uniform_ ? 1 : bucket_of(df);
    if (want == 0) return joined();
    for (std::size_t b = std::min(want, buckets_.size() - 1); b >= 1; --b)
      if (next_[b] < buckets_[b].size()) return buckets_[b][next_[b]++];
    for (std::size_t b = want + 1; b < buckets_.size(); ++b)
      if (next_[b] < buckets_[b].size()) return buckets_[b][next_[b]++];
    return joined();
  }
  std::size_t size() const { return size_; }

 private:
  // Two n-grams of the sample's rarest joined, one pair never given before.
  std::string joined() {
    const std::size_t b = buckets_.size() > 1 && !buckets_[1].empty() ? 1 : buckets_.size() - 1;
    std::uniform_int_distribution<std::size_t> pick(0, buckets_[b].size() - 1);
    for (int tries = 0;; ++tries) {  // a small sample may run out of pairs: then numbered
      std::string g = buckets_[b][pick(rng_)] + buckets_[b][pick(rng_)];
      if (tries >= 64) g += std::to_string(joined_.size());
      if (joined_.insert(g).second) return g;
    }
  }

  std::mt19937 rng_;
  bool uniform_;
  std::vector<std::vector<std::string>> buckets_;
  std::vector<std::size_t> next_;
  std::size_t size_ = 0;
  std::unordered_set<std::string> joined_;
};

class Copier {
 public:
  Copier(const Pack& pack, const Sample& sample, Ngrams& grams, bool uniform)
      : pack_(pack), grams_(grams), uniform_(uniform) {
    for (const auto& r : pack.rules) rule_ids_.insert(r.id);
    // Every term of the pack, and how many notices of the sample hold it.
    std::vector<std::pair<bool, std::string>> terms;
    for (const TermList& l : pack.lists)
      for (const ListItem& item : l.items) terms.emplace_back(item.is_regex, item.text);
    for (const Rule& r : pack.rules) {
      ast::Expr e = r.when.parsed.root;
      collecting_ = &terms;
      rewrite(e);
      collecting_ = nullptr;
    }
    const std::vector<std::size_t> df = sample.frequencies(terms);
    for (std::size_t i = 0; i < terms.size(); ++i) df_[terms[i]] = df[i];
  }

  // Copy k: fresh lists and rules, written to `lists` and `rules`.
  void copy(int k, YAML::Emitter& lists, YAML::Emitter& rules) {
    k_ = k;
    for (const TermList& l : pack_.lists) {
      lists << YAML::Key << list_name(l.name) << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (const ListItem& item : l.items) {
        const std::size_t df = df_of(item.is_regex, item.text);
        lists << (item.is_regex && regex_left() ? "/" + regex(df) + "/" : grams_.next(df));
      }
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
  std::size_t df_of(bool is_regex, const std::string& text) const {
    auto it = df_.find({is_regex, text});
    return it == df_.end() ? 0 : it->second;
  }
  // A regex found in `df` notices: an alternation whose first n-gram is found in as many.
  // (Uniform n-grams: two alternations, one after the other.)
  std::string regex(std::size_t df) {
    if (uniform_) return "(" + grams_.next(df) + "|" + grams_.next(df) + ")(" + grams_.next(df) + "|" + grams_.next(df) + ")";
    return "(" + grams_.next(df) + "|" + grams_.next(0) + ")";
  }

  void rewrite(ast::Term& t) {
    if (collecting_) {
      if (t.kind != ast::TermKind::list) collecting_->emplace_back(t.kind == ast::TermKind::regex, t.text);
      return;
    }
    const std::size_t df = df_of(t.kind == ast::TermKind::regex, t.text);
    switch (t.kind) {
      case ast::TermKind::literal: t.text = grams_.next(df); break;
      case ast::TermKind::regex:
        if (!regex_left()) t.kind = ast::TermKind::literal;
        t.text = t.kind == ast::TermKind::regex ? regex(df) : grams_.next(df);
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
    if (!collecting_ && rule_ids_.count(r.id)) r.id = rule_id(r.id);
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
  bool uniform_;
  std::map<std::pair<bool, std::string>, std::size_t> df_;  // (is regex, text) -> notices of the sample
  std::vector<std::pair<bool, std::string>>* collecting_ = nullptr;  // rewrite only lists the terms
  std::set<std::string> rule_ids_;
  int k_ = 0;
  std::size_t regexes_written_ = 0, shipped_regexes_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
  const bool uniform = argc > 1 && std::strcmp(argv[1], "--uniform") == 0;
  if (uniform) --argc, ++argv;
  if (argc != 5) {
    std::fprintf(stderr, "usage: shiwake_pack_grow [--uniform] RULES_DIR CORPUS.jsonl FACTOR OUT_DIR\n");
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
  const Sample sample(argv[2]);
  Ngrams grams(sample, taken, uniform);
  if (grams.size() == 0) {
    std::fprintf(stderr, "shiwake_pack_grow: %s has no Japanese text to draw terms from\n", argv[2]);
    return 2;
  }

  fs::remove_all(out_dir);
  fs::create_directories(out_dir);
  for (const auto& f : fs::directory_iterator(rules_dir))
    if (f.path().extension() == ".yaml" || f.path().extension() == ".yml")
      fs::copy_file(f.path(), out_dir / f.path().filename());
  Copier copier(pack, sample, grams, uniform);
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
  std::fprintf(stderr, "shiwake_pack_grow: %zu rules -> %zu, n-grams from %zu notices (%zu distinct)%s\n",
               pack.rules.size(), pack.rules.size() * std::size_t(factor), sample.docs().size(), grams.size(),
               uniform ? ", drawn uniformly" : "");
  return 0;
}
