// The engine's public interface: compile a loaded rule pack once into an immutable
// Classifier, give each thread a Scratch, classify notices. Everything else in engine/ is
// internal. Tests: tests/test_classify.cpp, tests/test_differential.cpp.
#pragma once

#include "engine/notice.hpp"
#include "engine/pack.hpp"
#include "engine/result.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace shiwake::engine {

namespace detail {
struct CompiledPack;
struct ScratchState;
}  // namespace detail

// Which sub-expressions held, node by node, for `explain`. Filled only when asked for.
struct Trace {
  struct Node {
    const grammar::ast::x3::position_tagged* ast = nullptr;  // the AST node (into Pack)
    int parent = -1;       // index of the enclosing node; -1 for the root
    const char* kind = ""; // and, or, not, at_least, sentence, paragraph, term, count, near, ...
    bool evaluated = false;
    bool held = false;     // held at least once (in some sentence, for nodes inside sentence())
  };
  // Per condition (rules first, in pack order, then data types, leak, outage, reportable,
  // severity), per compiled node; children come before their parent, the root is last.
  std::vector<std::vector<Node>> conditions;
};

// Per-notice bounds. A pack and a notice together could ask for any amount of memory or
// time: a term in a thousand lists over megabytes of text it matches everywhere, a count
// over a character, near() between two long runs of terms that are never close. A notice
// that goes past one of these is not classified; its Result says which bound (Result::error),
// classify_stream makes it an error record, and the notices after it are classified as
// usual. At the bounds a thread holds about a gigabyte (matches, hits and evidence being
// gathered). Real notices stay well below: the shipped pack finds one match per 15 bytes of
// text, about a million in a 16 MiB record (kMaxRecordBytes); the benchmark's pack of 100
// times the shipped rules finds 0.7 per byte (11 million in 16 MiB) and keeps 0.04 evidence
// spans per byte.
struct NoticeBounds {
  std::size_t matches = std::size_t(1) << 24;  // reported by the scan, 12 bytes each
  std::size_t hits = std::size_t(1) << 25;     // filed under term sets, 8 bytes each; also
                                               // the evidence a condition gathers at once
  // The evidence the rules keep, which the result holds: spans, and their bytes, each a
  // base plus an allowance per byte of the notice's title and text (so a batch's results
  // stay in proportion to its notices).
  std::size_t evidence_spans = 1024, evidence_spans_per_kib = 128;
  std::size_t evidence_bytes = std::size_t(1) << 16, evidence_bytes_per_byte = 2;
  // Steps of evaluation: a hit looked at, or 64 bytes counted between two hits for near().
  // Several seconds; `explain`, which tries every sentence, has four times as many.
  std::uint64_t evaluation_steps = std::uint64_t(1) << 30;
};

class Classifier {
 public:
  class Scratch {
   public:
    ~Scratch();
    Scratch(Scratch&&) noexcept;

   private:
    friend class Classifier;
    explicit Scratch(std::unique_ptr<detail::ScratchState> s);
    std::unique_ptr<detail::ScratchState> state_;
  };

  struct Options {
    // Scan a regex that matches a few strings only (finite_regex.hpp) as those strings:
    // the same hits, found faster. Off only to compare the two (tests/test_finite_regex.cpp).
    bool expand_finite_regexes = true;
    // Smaller only to test what happens past them (tests/test_bounds.cpp).
    NoticeBounds bounds;
  };
  // Compiles every condition of the pack and all their terms into one scan database.
  // Returns nullptr when the pack has errors; every error is appended to `diagnostics`.
  static std::unique_ptr<Classifier> compile(Pack pack, std::vector<Diagnostic>& diagnostics) {
    return compile(std::move(pack), diagnostics, Options{});
  }
  static std::unique_ptr<Classifier> compile(Pack pack, std::vector<Diagnostic>& diagnostics, const Options& options);
  ~Classifier();

  const Pack& pack() const;
  Scratch make_scratch() const;
  Result classify(const Notice& notice, Scratch& scratch, Trace* trace = nullptr) const;
  // classify() for each of n notices, into results[0..n): the same results, faster. The n
  // notices are normalized, then scanned, one after the other, before any is evaluated,
  // so the scan database stays in the processor's cache while it is used (evaluating a
  // notice evicts it). n notices' texts are held at once: n of a few dozen is enough.
  void classify_each(const Notice* const* notices, std::size_t n, Result* results, Scratch& scratch) const;

  // Statistics for `check` and the benchmark.
  std::size_t pattern_count() const;
  // Subexpressions that occur in more than one place of the pack's conditions and read
  // only the text: each is evaluated once per notice.
  std::size_t shared_subexpression_count() const;
  // Every expression of the scan database with the Vectorscan flags it was compiled with,
  // indexed by its id in the database (a regex scanned as its strings has one per string):
  // what the benchmark's Vectorscan-alone floor scans with.
  std::vector<std::pair<std::string, unsigned>> patterns() const;

 private:
  explicit Classifier(std::unique_ptr<detail::CompiledPack> impl);
  std::unique_ptr<detail::CompiledPack> impl_;
};

}  // namespace shiwake::engine
