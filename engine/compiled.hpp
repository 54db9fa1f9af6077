// Internal: the compiled form of a pack (compile.cpp builds it, scan.cpp and evaluate.cpp
// run it). Shared immutably by all threads; everything mutable is in ScratchState.
//
// Every condition becomes a small flat program of Nodes. Every term becomes a TermSet:
// the distinct patterns it stands for ("x" is one, $list is all its items). Each distinct
// pattern is one expression of the Vectorscan database, reported under its own id; the
// scan callback files each hit under every term set that holds the pattern, so a term of
// any size is one lookup at evaluation time.
#pragma once

#include "engine/normalize.hpp"
#include "engine/pack.hpp"
#include "engine/result.hpp"
#include "engine/shiwake.hpp"

#include <hs/hs.h>
#include <unicode/brkiter.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace shiwake::engine::detail {

namespace ast = grammar::ast;

// The database mode: see build_database in compile.cpp for why it is streaming.
inline constexpr unsigned kScanMode = HS_MODE_STREAM | HS_MODE_SOM_HORIZON_LARGE;

struct Pattern {
  std::string expression;      // Vectorscan syntax
  bool is_literal = false;
  std::uint32_t literal_bytes = 0;  // for literals: start = end - literal_bytes
  bool needs_all = false;      // some use needs every position (counts, proximity, scopes)
  std::vector<std::uint32_t> sets;  // term sets holding this pattern
};

// What on_match needs of a pattern, packed: the scan calls it for every match, and the
// patterns themselves (expression strings and all) would spread it over far more cache.
// Indexed by the id of an expression of the database: a pattern's own, or one string of a
// regex scanned as its strings (finite_regex.hpp), which reports as that regex: for each
// end, the leftmost start among its strings' matches ending there (as the regex's own
// start-of-match report would). Only a regex with a string that ends another needs that
// choice (is_regex_string); the strings of any other are filed as literals.
struct MatchTarget {
  std::uint32_t first_set = 0, set_count = 0;  // its term sets in CompiledPack::target_sets
  std::uint32_t literal_bytes = 0;  // for literals: start = end - literal_bytes
  bool is_literal = false;          // else the scan reports the start
  bool is_regex_string = false;     // one string of such a regex: `pattern` is the regex
  std::uint32_t pattern = 0;
};

struct TermSet {
  std::vector<std::uint32_t> patterns;
};

enum class Op : std::uint8_t {
  constant, term, rule_ref, fact, call, not_, and_, or_, at_least, count, near, before, sentence, paragraph
};

enum class Fact : std::uint8_t { affected, damage, published, discovered, leak, outage, reportable };
enum class CallKind : std::uint8_t { has, category, tag };

inline constexpr std::uint32_t kNoMemo = UINT32_MAX;

// One node of a program, kept small: evaluation walks many of them per notice.
struct Node {
  Op op = Op::constant;
  bool value = false;                 // constant
  ast::Field field = ast::Field::any; // term, count, near, before (both terms share it per side below)
  ast::Field field_b = ast::Field::any;
  Fact fact = Fact::affected;
  CallKind call = CallKind::has;
  bool has_comparison = false;
  ast::CmpOp cmp = ast::CmpOp::ge;
  std::uint32_t set = 0, set_b = 0;   // term sets
  std::uint32_t index = 0;            // rule (rule_ref), data type / label (call), at_least n
  std::uint32_t first = 0, count = 0; // children in Program::children
  std::uint32_t memo = kNoMemo;       // its slot in ScratchState::memo_*, when shared (compile.cpp)
  double number = 0;                  // count n, distance, or fact value (dates as yyyymmdd)
  const char* name = nullptr;         // fact value when it is a name: one of kLeakStatuses
  const ast::x3::position_tagged* source = nullptr;
};

// A Node as evaluation reads it, in the pools: 32 bytes, two to a cache line. The number
// and the name, which few nodes use, are in a parallel pool of NodeValues; the source,
// which only a trace uses, stays in Program::nodes.
struct RunNode {
  Op op = Op::constant;
  bool value = false;
  ast::Field field = ast::Field::any, field_b = ast::Field::any;
  Fact fact = Fact::affected;
  CallKind call = CallKind::has;
  ast::CmpOp cmp = ast::CmpOp::ge;
  std::uint32_t set = 0, set_b = 0, index = 0, first = 0, count = 0, memo = kNoMemo;
};
static_assert(sizeof(RunNode) <= 32);
struct NodeValue {
  double number = 0;
  const char* name = nullptr;
};

struct Program {
  std::vector<Node> nodes;  // nodes[root] is the condition
  std::vector<std::uint32_t> children;
  std::uint32_t root = 0;
  bool uses_units = false;  // contains sentence() / paragraph()
  // What evaluation reads: the same nodes (as RunNodes and NodeValues) and children,
  // copied next to every other program's into CompiledPack's pools in the order classify
  // evaluates them (pool_programs in compile.cpp), so a notice walks them front to back
  // instead of through a few hundred separate allocations; and the requirement.
  //
  // The requirement is what the program needs of the scan, in conjunctive form: it can
  // hold only when every clause has a term set with a hit somewhere in the notice. Checked
  // before evaluation, so a rule none of whose terms occur costs a few lookups however
  // large it is (see clauses_of in compile.cpp). Flat: the number of clauses, then each
  // clause as its size and its sets.
  const RunNode* pooled_nodes = nullptr;
  const NodeValue* pooled_values = nullptr;
  const std::uint32_t* pooled_children = nullptr;
  const std::uint32_t* pooled_needs = nullptr;
};

struct CompiledRule {
  Program program;
  std::uint32_t label = 0;  // index into CompiledPack::labels
};

struct Label {
  std::string id;
  bool is_tag = false;
  std::vector<std::uint32_t> rules;
};

struct CompiledPack {
  const Pack* pack = nullptr;
  std::unique_ptr<Pack> owned_pack;  // the classifier keeps the pack its programs point into
  std::vector<Pattern> patterns;             // the pack's, then the facts' words
  std::uint32_t pack_patterns = 0;           // how many are the pack's
  std::vector<MatchTarget> targets;          // by expression id of the database
  std::vector<std::pair<std::string, unsigned>> expressions;  // by id: expression, flags
  std::vector<std::uint32_t> target_sets;
  std::vector<TermSet> sets;
  std::vector<CompiledRule> rules;           // parallel to pack->rules
  std::vector<std::uint32_t> rule_order;     // dependency order
  std::vector<Label> labels;
  std::vector<Program> data_types;           // parallel to pack->data_types
  std::vector<Program> leak;                 // parallel to pack->leak
  std::optional<Program> outage;
  std::optional<Program> reportable;
  std::vector<Program> severity;             // parallel to pack->severity
  std::vector<SeverityWhy> severity_why;     // parallel to severity: what a result says of it
  bool uses_sentences = false;
  std::uint32_t memo_slots = 0;              // subexpressions shared between conditions
  NoticeBounds bounds;
  std::vector<std::uint32_t> discovery_word_sets;  // parallel to discovery_words() (facts.hpp)
  std::vector<RunNode> node_pool;             // every program's, see Program::pooled_nodes
  std::vector<NodeValue> value_pool;
  std::vector<std::uint32_t> child_pool, needs_pool;
  hs_database_t* database = nullptr;
  hs_scratch_t* scratch_prototype = nullptr;

  ~CompiledPack();
};

struct Hit {
  std::uint32_t start = 0, end = 0;  // byte offsets in ScratchState::buffer
};

// A match as the scan reports it, before it is filed under its term sets.
struct RawMatch {
  std::uint32_t id, from, to;
};
// A match of one string of a regex scanned as its strings, while its regex's leftmost
// start at that end is found.
struct RegexStringMatch {
  std::uint32_t pattern, to, from, id;
};

// The per-notice bound (NoticeBounds, shiwake.hpp) a notice went past, if any.
enum class Refusal : std::uint8_t { none, matches, hits, evidence, steps };

// A notice normalized and scanned ahead of its evaluation (Classifier::classify_each).
struct Prescan {
  NormalizedText title, body;
  std::string buffer;
  std::uint32_t title_end = 0, body_begin = 0;
  std::vector<RawMatch> matches;  // empty when refused
  Refusal refused = Refusal::none;
};
// A per-notice vector (a Prescan's matches, load's and near()'s tables, a rule's evidence)
// keeps its capacity for the next notice up to this many elements; a huge notice's is let go.
inline constexpr std::size_t kKeepCapacity = std::size_t(1) << 16;

// Per-thread state: the scan buffer, hits per term set, the unit boundaries.
struct ScratchState {
  hs_scratch_t* scratch = nullptr;
  hs_stream_t* stream = nullptr;  // reset after every notice
  std::unique_ptr<icu::BreakIterator> sentences;
  // The notice's hits, each set's together in hit_pool[hit_ranges[set].begin .. end), by
  // start; a set's range is valid when stamp[set] == generation (see load in scan.cpp).
  struct HitRange {  // in size_t: a hostile pack can file billions of hits
    std::size_t begin = 0, end = 0;
  };
  std::vector<Hit> hit_pool;
  std::vector<HitRange> hit_ranges;
  std::vector<std::uint32_t> stamp;
  std::vector<std::uint32_t> touched;  // the sets with hits, in the order they were first hit
  std::vector<RegexStringMatch> regex_strings;  // load's, kept for its capacity
  std::uint32_t generation = 0;  // of the notice scanned last
  // The notice's use of its bounds; once it goes past one, `refused` says which, and
  // evaluation stops adding evidence and trying pairs.
  Refusal refused = Refusal::none;
  std::size_t evidence_spans = 0, evidence_bytes = 0;  // of the rules evaluated before
  std::uint64_t steps = 0;
  // For near(): the running maximum of a set's hits' ends, at max_end_pool[max_end_at[set]]
  // when max_end_stamp[set] == generation.
  std::vector<std::uint32_t> max_end_stamp, max_end_pool;
  std::vector<std::size_t> max_end_at;
  std::vector<Prescan> prescans;  // classify_each's notices, kept for their capacity
  // The verdicts of shared subexpressions over the whole notice: memo_value[k] holds when
  // memo_stamp[k] == generation.
  std::vector<std::uint32_t> memo_stamp;
  std::vector<std::uint8_t> memo_value;

  std::string buffer;  // normalized title + "\n\n" + normalized body
  std::uint32_t title_end = 0, body_begin = 0;
  NormalizedText title, body;
  std::vector<std::uint32_t> sentence_bounds, paragraph_bounds;  // computed on demand
  std::u16string utf16;  // text in UTF-16 for the sentence iterator, reused
  bool sentences_ready = false, paragraphs_ready = false;
  // Sentence bounds of single lines: line k's are line_units[first .. first + count) for
  // (first, count) = line_units_of[k], count 0 until the line is broken.
  std::vector<std::uint32_t> line_starts;  // of every line, then the buffer's size
  std::vector<std::pair<std::uint32_t, std::uint32_t>> line_units_of;
  std::vector<std::uint32_t> line_units;
  // classify's per-notice tables, kept for their capacity.
  std::vector<std::uint8_t> data_type_held, label_fired, label_given;
  std::vector<std::int8_t> rule_fired;
  std::vector<std::vector<Hit>> rule_hits;
  // Byte offsets of every 64th code point of the original title and text, extended as
  // far as an evidence span asks (evidence positions are code points); cleared per notice.
  mutable std::vector<std::uint32_t> title_offsets, body_offsets;

  ~ScratchState();
  std::span<const Hit> hits_of(std::uint32_t set) const {
    if (stamp[set] != generation) return {};
    const HitRange r = hit_ranges[set];
    return {hit_pool.data() + r.begin, r.end - r.begin};
  }
};

struct Window {
  std::uint32_t lo = 0, hi = 0;
};

// What a condition can see beyond the text.
struct EvalState {
  const CompiledPack& pack;
  ScratchState& scratch;
  const Facts* facts = nullptr;
  const std::vector<std::int8_t>* rule_fired = nullptr;   // per rule: -1 not yet, 0, 1
  const std::vector<std::uint8_t>* label_fired = nullptr; // per label
  const std::vector<std::uint8_t>* data_type_held = nullptr;
  bool reportable = false;
  std::vector<Trace::Node>* trace = nullptr;
  std::uint64_t steps_bound = 0;  // NoticeBounds::evaluation_steps, more with a trace
};

// Fills severity_why from the pack (classify.cpp): the same for every notice it decides.
void prepare_severity_why(CompiledPack& cp);

// Scans `title` and `body` once; afterwards the hits of every term set are available.
void scan_notice(const CompiledPack& pack, ScratchState& s, std::string_view title, std::string_view body);
// The same in three steps, so that several notices can be scanned back to back: normalize
// into a Prescan, scan it (recording the matches), then make it the scratch's notice.
void prepare(Prescan& p, std::string_view title, std::string_view body);
void scan(const CompiledPack& pack, ScratchState& s, Prescan& p);
void load(const CompiledPack& pack, ScratchState& s, Prescan& p);

// Sentence bounds of the whole buffer (ICU sentence breaks, plus the start of the body and
// the end), computed once per notice.
const std::vector<std::uint32_t>& sentence_bounds(ScratchState& s);
// The sentence holding byte `pos` (empty past the end): the same unit sentence_bounds
// gives, found by breaking only the line that holds `pos`.
Window sentence_around(ScratchState& s, std::uint32_t pos);

// Evaluates a program; appends evidence (normalized byte spans) when `evidence` is set.
bool evaluate(const Program& p, EvalState& st, std::vector<Hit>* evidence);

// Evidence spans from normalized buffer offsets to the original title/text.
Evidence to_evidence(const ScratchState& s, const Hit& h, std::string_view title, std::string_view body);

}  // namespace shiwake::engine::detail
