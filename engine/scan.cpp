// Normalizes a notice and scans it once with the pack's database, filing every hit under
// the term sets that hold its pattern. Entry point: scan_notice. Also owns the per-thread
// scratch and the sentence / paragraph boundaries evaluation asks for.
// Tests: tests/test_classify.cpp, tests/test_differential.cpp, tests/test_sentences.cpp.
#include "engine/compiled.hpp"

#include <unicode/uchar.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace shiwake::engine {
namespace detail {

ScratchState::~ScratchState() {
  if (stream) hs_close_stream(stream, nullptr, nullptr, nullptr);
  if (scratch) hs_free_scratch(scratch);
}

namespace {

struct Recorder {
  std::vector<RawMatch>& matches;
  std::size_t bound;
};

// Records a match; at the notice's bound it stops the scan instead (HS_SCAN_TERMINATED).
int record_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int, void* ctx) {
  auto& r = *static_cast<Recorder*>(ctx);
  if (r.matches.size() == r.bound) return 1;
  r.matches.push_back(RawMatch{id, static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(to)});
  return 0;
}

// The byte where the n-th code point after the one starting at byte pos starts (text.size()
// past its last). The text is valid UTF-8 (the reader repairs it), so code points are
// counted as the bytes that are not continuation bytes (count_chars), eight at a time.
std::uint32_t advance_code_points(std::string_view text, std::size_t pos, std::size_t n) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  // Whole words while they hold fewer than n code points' starts...
  for (; n > 8 && pos + 8 <= text.size(); pos += 8) n -= count_chars(p + pos, 8);
  // ...then the rest character by character, as the leading bytes give their lengths.
  for (; pos < text.size() && !is_lead_byte(p[pos]); ++pos) {}
  for (; n > 0 && pos < text.size(); --n) {
    const auto c = p[pos];
    pos += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  return static_cast<std::uint32_t>(std::min<std::size_t>(pos, text.size()));
}

// The byte where code point k of `text` starts (text.size() past its last), walking from
// the nearest of the checkpoints `at`: at[j] is where code point j * kCodePointStep starts,
// extended as far as k.
constexpr std::size_t kCodePointStep = 64;
std::uint32_t code_point_offset(std::string_view text, std::vector<std::uint32_t>& at, std::size_t k) {
  if (at.empty()) at.push_back(0);
  while ((at.size() - 1) * kCodePointStep < k && at.back() < text.size())
    at.push_back(advance_code_points(text, at.back(), kCodePointStep));
  const std::size_t j = std::min(k / kCodePointStep, at.size() - 1);
  return advance_code_points(text, at[j], k - j * kCodePointStep);
}

// The Sentence_Break classes of the BMP, built once from ICU's property data (asking ICU
// per character costs more than ICU's own iterator), and the quiet characters: those that
// can neither end a sentence nor separate one (not STerm, ATerm, Sep, CR or LF), which
// change nothing while no sentence end is pending. They are known by their first bytes, in
// blocks: one byte for ASCII, the leading byte for two-byte characters, and the leading
// and second bytes for three-byte ones (64 code points: the hiragana are quiet, the CJK
// punctuation holding 。 is not).
struct SentenceBreakTable {
  std::unique_ptr<std::uint8_t[]> classes = std::make_unique<std::uint8_t[]>(0x10000);
  std::array<bool, 0xE0> quiet{};                  // by the byte, for ASCII and two-byte leading bytes
  std::array<std::uint64_t, 16> quiet_three{};     // bit (second & 63) of [leading & 15]

  // The length of the quiet character at p (valid UTF-8), else 0.
  std::size_t quiet_length(const unsigned char* p) const {
    if (p[0] < 0xE0) return quiet[p[0]] ? (p[0] < 0x80 ? 1 : 2) : 0;
    if (p[0] < 0xF0) return (quiet_three[p[0] & 15] >> (p[1] & 63)) & 1 ? 3 : 0;
    return 0;
  }
};
const SentenceBreakTable& sentence_break_table() {
  static const SentenceBreakTable kTable = [] {
    SentenceBreakTable t;
    for (UChar32 k = 0; k < 0x10000; ++k) t.classes[k] = static_cast<std::uint8_t>(u_getIntPropertyValue(k, UCHAR_SENTENCE_BREAK));
    const auto quiet = [&](UChar32 first, UChar32 count) {
      for (UChar32 k = first; k < first + count; ++k)
        switch (t.classes[k]) {
          case U_SB_STERM: case U_SB_ATERM: case U_SB_SEP: case U_SB_CR: case U_SB_LF: return false;
          default: break;
        }
      return true;
    };
    for (unsigned b = 0; b < 0x80; ++b) t.quiet[b] = quiet(UChar32(b), 1);
    for (unsigned b = 0xC2; b < 0xE0; ++b) t.quiet[b] = quiet(UChar32(b & 0x1F) << 6, 64);
    for (unsigned lead = 0; lead < 16; ++lead)
      for (unsigned second = 0; second < 64; ++second)
        if (quiet(UChar32(lead << 12 | second << 6), 64)) t.quiet_three[lead] |= std::uint64_t{1} << second;
    return t;
  }();
  return kTable;
}

USentenceBreak sentence_break_class(UChar32 c) {
  return static_cast<USentenceBreak>(c >= 0 && c < 0x10000 ? sentence_break_table().classes[c]
                                                           : u_getIntPropertyValue(c, UCHAR_SENTENCE_BREAK));
}

bool append_plain_sentence_breaks(std::string_view text, std::uint32_t from, std::uint32_t to,
                                  std::vector<std::uint32_t>& out) {
  const std::size_t mark = out.size();
  bool after_separator = false, after_cr = false;
  enum { none, closing, spacing } after_term = none;  // after STerm Close*, or STerm Close* Sp+
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const SentenceBreakTable& table = sentence_break_table();
  for (std::size_t i = from; i < to;) {
    if (!after_separator && after_term == none) {  // most characters of most lines are quiet
      if (const std::size_t length = table.quiet_length(p + i)) {
        i += length;
        continue;
      }
    }
    const auto at = static_cast<std::uint32_t>(i);
    const USentenceBreak k = sentence_break_class(static_cast<UChar32>(decode(p, i)));  // the normalizer's output
    if (k == U_SB_ATERM) {
      out.resize(mark);
      return false;
    }
    const bool separator = k == U_SB_SEP || k == U_SB_CR || k == U_SB_LF;
    bool boundary = false;
    if (after_separator) {
      boundary = !(after_cr && k == U_SB_LF);
    } else if (k == U_SB_EXTEND || k == U_SB_FORMAT) {
      continue;
    } else if (after_term != none) {
      boundary = !((k == U_SB_CLOSE && after_term == closing) || k == U_SB_SP || separator ||
                   k == U_SB_SCONTINUE || k == U_SB_STERM);
    }
    if (boundary) out.push_back(at);
    after_separator = separator;
    after_cr = k == U_SB_CR;
    if (k == U_SB_STERM) after_term = closing;
    else if (boundary || separator) after_term = none;
    else if (k == U_SB_SP && after_term != none) after_term = spacing;
    else if (!(k == U_SB_CLOSE && after_term == closing)) after_term = none;
  }
  if (out.size() == mark || out.back() != to) out.push_back(to);
  return true;
}

// Appends to `out` the ICU sentence boundaries of text[from, to), as byte offsets of
// text, each past out.back() (so out must not be empty).
//
// ICU walks UTF-16 several times faster than UTF-8 through a UText: the span is converted
// once (it is valid UTF-8, the normalizer's output) and every boundary, in UTF-16 units,
// is mapped back to its byte by walking both texts together.
void append_sentence_breaks(ScratchState& s, std::string_view text, std::uint32_t from, std::uint32_t to,
                            std::vector<std::uint32_t>& out) {
  if (!s.sentences || from >= to) return;
  const std::string_view span = text.substr(from, to - from);
  auto& u = s.utf16;
  u.resize(span.size());
  int32_t length = 0;
  UErrorCode status = U_ZERO_ERROR;
  u_strFromUTF8(reinterpret_cast<UChar*>(u.data()), static_cast<int32_t>(u.size()), &length, span.data(),
                static_cast<int32_t>(span.size()), &status);
  UText* ut =
      U_SUCCESS(status) ? utext_openUChars(nullptr, reinterpret_cast<const UChar*>(u.data()), length, &status) : nullptr;
  if (U_SUCCESS(status)) {
    s.sentences->setText(ut, status);
    std::uint32_t byte = 0;
    int32_t unit = 0;
    for (int32_t pos = s.sentences->next(); pos != icu::BreakIterator::DONE; pos = s.sentences->next()) {
      while (unit < pos && byte < span.size()) {
        const auto c = static_cast<unsigned char>(span[byte]);
        const std::uint32_t bytes = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        byte += bytes;
        unit += bytes == 4 ? 2 : 1;
      }
      if (from + byte > out.back()) out.push_back(from + byte);
    }
  }
  utext_close(ut);
}

}  // namespace

const std::vector<std::uint32_t>& sentence_bounds(ScratchState& s) {
  if (s.sentences_ready) return s.sentence_bounds;
  auto& b = s.sentence_bounds;
  const std::string& t = s.buffer;
  b.assign(1, 0);
  append_sentence_breaks(s, t, 0, static_cast<std::uint32_t>(t.size()), b);
  // The title is never part of a body sentence.
  if (s.body_begin > 0 && !std::binary_search(b.begin(), b.end(), s.body_begin))
    b.insert(std::upper_bound(b.begin(), b.end(), s.body_begin), s.body_begin);
  if (b.back() != t.size()) b.push_back(static_cast<std::uint32_t>(t.size()));
  s.sentences_ready = true;
  return b;
}

// A line break always ends a sentence (UAX #29, SB4), and no rule looks back across one,
// so the sentences of a line are those ICU finds in the line alone; the body starts a line
// ("title\n\nbody"). tests/test_sentences.cpp checks this against sentence_bounds on
// every notice of the corpus and on random texts.
Window sentence_around(ScratchState& s, std::uint32_t pos) {
  const std::string& t = s.buffer;
  if (pos >= t.size()) return {};
  if (!s.sentences) {  // no ICU iterator: the whole-text units, as degraded as they are
    const auto& b = sentence_bounds(s);
    const auto j = std::upper_bound(b.begin(), b.end(), pos);
    return {*(j - 1), *j};
  }
  if (s.line_starts.empty()) {
    s.line_starts.push_back(0);
    for (const char* nl = t.data(); (nl = static_cast<const char*>(std::memchr(nl, '\n', t.data() + t.size() - nl)));)
      s.line_starts.push_back(static_cast<std::uint32_t>(++nl - t.data()));
    if (s.line_starts.back() != t.size()) s.line_starts.push_back(static_cast<std::uint32_t>(t.size()));
    s.line_units_of.assign(s.line_starts.size() - 1, {0, 0});
  }
  const auto next_line = std::upper_bound(s.line_starts.begin(), s.line_starts.end(), pos);
  const std::uint32_t line = *(next_line - 1), line_end = *next_line;
  auto& units = s.line_units_of[static_cast<std::size_t>(next_line - s.line_starts.begin()) - 1];
  if (units.second == 0) {  // not broken yet: a broken line has at least its two ends
    const auto first = static_cast<std::uint32_t>(s.line_units.size());
    s.line_units.push_back(line);
    if (!append_plain_sentence_breaks(t, line, line_end, s.line_units))
      append_sentence_breaks(s, t, line, line_end, s.line_units);
    if (s.line_units.back() != line_end) s.line_units.push_back(line_end);
    units = {first, static_cast<std::uint32_t>(s.line_units.size()) - first};
  }
  const auto b = s.line_units.begin() + units.first, e = b + units.second;
  const auto j = std::upper_bound(b, e, pos);
  return {*(j - 1), *j};
}

void prepare(Prescan& p, std::string_view title, std::string_view body) {
  p.title = normalize(title);
  p.body = normalize(body);
  p.buffer.clear();
  p.buffer += p.title.text();
  p.title_end = static_cast<std::uint32_t>(p.buffer.size());
  p.buffer += "\n\n";
  p.body_begin = static_cast<std::uint32_t>(p.buffer.size());
  p.buffer += p.body.text();
}

void scan(const CompiledPack& pack, ScratchState& s, Prescan& p) {
  p.matches.clear();
  p.refused = Refusal::none;
  if (!pack.database) return;
  Recorder recorder{p.matches, pack.bounds.matches};
  const hs_error_t scanned =
      hs_scan_stream(s.stream, p.buffer.data(), static_cast<unsigned>(p.buffer.size()), 0, s.scratch, record_match, &recorder);
  // Ends the notice: reports what matches at its end ($) and readies the stream for the next.
  if (scanned != HS_SCAN_TERMINATED) hs_reset_stream(s.stream, 0, s.scratch, record_match, &recorder);
  // At the bound (record_match stopped the scan, or may have stopped the end's reports), the
  // stream is reset again without reporting.
  if (scanned == HS_SCAN_TERMINATED || p.matches.size() >= pack.bounds.matches) {
    hs_reset_stream(s.stream, 0, s.scratch, nullptr, nullptr);
    p.refused = Refusal::matches;
    p.matches = std::vector<RawMatch>();
  }
}

void load(const CompiledPack& pack, ScratchState& s, Prescan& p) {
  // Swapped, not copied: each side keeps the other's capacity for its next notice.
  std::swap(s.title, p.title);
  std::swap(s.body, p.body);
  std::swap(s.buffer, p.buffer);
  s.title_end = p.title_end;
  s.body_begin = p.body_begin;
  s.sentences_ready = s.paragraphs_ready = false;
  s.line_units.clear();
  s.line_starts.clear();
  s.title_offsets.clear();
  s.body_offsets.clear();

  if (++s.generation == 0) {  // wrapped: forget every stamp
    std::fill(s.stamp.begin(), s.stamp.end(), 0);
    std::fill(s.memo_stamp.begin(), s.memo_stamp.end(), 0);
    std::fill(s.max_end_stamp.begin(), s.max_end_stamp.end(), 0);
    s.generation = 1;
  }
  s.touched.clear();
  s.refused = p.refused;
  s.evidence_spans = s.evidence_bytes = 0;
  s.steps = 0;
  s.max_end_pool.clear();
  if (s.max_end_pool.capacity() > kKeepCapacity) s.max_end_pool = {};
  if (s.refused != Refusal::none) return;  // no hits: it is not evaluated
  // Every match is filed under each term set that holds its pattern, all sets' hits in one
  // pool: a first pass counts each set's hits, a second writes them into its range. (A
  // vector per set spread the writes over as many allocations.)
  const RawMatch* const matches = p.matches.data();
  const std::size_t n = p.matches.size();
  auto sets_of = [&](const MatchTarget& t) { return std::span(pack.target_sets.data() + t.first_set, t.set_count); };
  // Counting stops once the notice's hits pass their bound: then nothing is filed.
  std::size_t filed = 0;
  auto count = [&](const MatchTarget& t) {
    if ((filed += t.set_count) > pack.bounds.hits) return false;
    for (const std::uint32_t set : sets_of(t)) {
      if (s.stamp[set] != s.generation) {
        s.stamp[set] = s.generation;
        s.hit_ranges[set].end = 0;
        s.touched.push_back(set);
      }
      ++s.hit_ranges[set].end;
    }
    return true;
  };
  auto refuse_hits = [&] {  // every set is left empty, and the notice is not evaluated
    for (const std::uint32_t set : s.touched) s.hit_ranges[set] = {};
    s.refused = Refusal::hits;
  };
  if (s.regex_strings.capacity() > kKeepCapacity) s.regex_strings = {};  // a huge notice's, before
  s.regex_strings.clear();
  // The targets of a large pack are out of cache after the run's scans, and each match's
  // target, its sets and their counts are a chain of loads: their lines are fetched ahead.
  constexpr std::size_t kTargetsAhead = 16, kSetsAhead = 8, kRangesAhead = 4;
  for (std::size_t k = 0; k < n; ++k) {
    if (k + kTargetsAhead < n) __builtin_prefetch(&pack.targets[matches[k + kTargetsAhead].id]);
    if (k + kSetsAhead < n) __builtin_prefetch(pack.target_sets.data() + pack.targets[matches[k + kSetsAhead].id].first_set);
    if (k + kRangesAhead < n) {
      const MatchTarget& ahead = pack.targets[matches[k + kRangesAhead].id];
      if (ahead.set_count > 0) {
        const std::uint32_t set = pack.target_sets[ahead.first_set];
        __builtin_prefetch(&s.stamp[set]);
        __builtin_prefetch(&s.hit_ranges[set]);
      }
    }
    const RawMatch& m = matches[k];
    const MatchTarget& t = pack.targets[m.id];
    if (t.is_regex_string) s.regex_strings.push_back({t.pattern, m.to, m.to - t.literal_bytes, m.id});
    else if (!count(t)) return refuse_hits();
  }
  // A regex scanned as its strings: per end, the leftmost start, as its own scan reports.
  // Matches come by end, so only the few ending at the same byte are sorted, unless the
  // order was broken. The first of each (pattern, end) is kept, at the front.
  auto& rs = s.regex_strings;
  if (!rs.empty()) {
    const auto by_end = [](const RegexStringMatch& a, const RegexStringMatch& b) {
      return a.to != b.to ? a.to < b.to : a.pattern != b.pattern ? a.pattern < b.pattern : a.from < b.from;
    };
    if (!std::is_sorted(rs.begin(), rs.end(), [](const RegexStringMatch& a, const RegexStringMatch& b) { return a.to < b.to; })) {
      std::sort(rs.begin(), rs.end(), by_end);
    } else {
      for (auto run = rs.begin(); run != rs.end();) {
        auto next = run + 1;
        while (next != rs.end() && next->to == run->to) ++next;
        if (next - run > 1) std::sort(run, next, by_end);
        run = next;
      }
    }
    rs.erase(std::unique(rs.begin(), rs.end(),
                         [](const RegexStringMatch& a, const RegexStringMatch& b) { return a.pattern == b.pattern && a.to == b.to; }),
             rs.end());
    for (const RegexStringMatch& r : rs)
      if (!count(pack.targets[r.id])) return refuse_hits();
  }
  // Each set's range, in the order the sets were first hit; `end` is the write cursor.
  std::size_t total = 0;
  for (const std::uint32_t set : s.touched) {
    ScratchState::HitRange& r = s.hit_ranges[set];
    const std::size_t hits = r.end;
    r.begin = r.end = total;
    total += hits;
  }
  // A huge notice's pool is not kept for the ordinary ones after it.
  constexpr std::size_t kKeepHits = std::size_t(1) << 17;
  if (s.hit_pool.capacity() > kKeepHits && total <= kKeepHits) s.hit_pool = std::vector<Hit>();
  s.hit_pool.resize(total);
  Hit* const pool = s.hit_pool.data();
  auto file = [&](const MatchTarget& t, Hit h) {
    for (const std::uint32_t set : sets_of(t)) pool[s.hit_ranges[set].end++] = h;
  };
  for (std::size_t k = 0; k < n; ++k) {
    const RawMatch& m = matches[k];
    const MatchTarget& t = pack.targets[m.id];
    if (!t.is_regex_string) file(t, Hit{t.is_literal ? m.to - t.literal_bytes : m.from, m.to});
  }
  for (const RegexStringMatch& r : rs) file(pack.targets[r.id], Hit{r.from, r.to});
  // Hits arrive in order of their end; evaluation wants them by start, once each. Most
  // sets are in that order already (one literal's hits, or a single hit): they are only
  // checked.
  const auto before = [](const Hit& a, const Hit& b) { return a.start != b.start ? a.start < b.start : a.end < b.end; };
  for (const std::uint32_t set : s.touched) {
    ScratchState::HitRange& r = s.hit_ranges[set];
    Hit* const b = pool + r.begin;
    Hit* e = pool + r.end;
    if (std::adjacent_find(b, e, [&](const Hit& x, const Hit& y) { return !before(x, y); }) == e) continue;
    std::sort(b, e, before);
    e = std::unique(b, e, [](const Hit& x, const Hit& y) { return x.start == y.start && x.end == y.end; });
    r.end = static_cast<std::size_t>(e - pool);
  }
}

void scan_notice(const CompiledPack& pack, ScratchState& s, std::string_view title, std::string_view body) {
  if (s.prescans.empty()) s.prescans.emplace_back();
  Prescan& p = s.prescans.front();
  prepare(p, title, body);
  scan(pack, s, p);
  load(pack, s, p);
  if (p.matches.capacity() > kKeepCapacity) p.matches = {};
}

Evidence to_evidence(const ScratchState& s, const Hit& h, std::string_view title, std::string_view body) {
  Evidence e;
  bool in_title = h.start < s.title_end;
  const NormalizedText& nt = in_title ? s.title : s.body;
  std::uint32_t base = in_title ? 0 : s.body_begin;
  std::uint32_t limit = static_cast<std::uint32_t>(nt.text().size());
  std::uint32_t b = std::min(h.start - std::min(h.start, base), limit);
  std::uint32_t en = std::min(h.end - std::min(h.end, base), limit);
  auto [ob, oe] = nt.to_original(b, std::max(b, en));
  e.field = in_title ? grammar::ast::Field::title : grammar::ast::Field::body;
  // A match may run into the "\n\n" between title and body, which no original holds: the
  // evidence is the part inside the field.
  e.matched = s.buffer.substr(base + b, std::max(b, en) - b);
  e.start = ob;
  e.end = oe;
  // The original text of the span, through the code point offsets of the original field.
  std::string_view orig = in_title ? title : body;
  std::vector<std::uint32_t>& at = in_title ? s.title_offsets : s.body_offsets;
  // The span's end is a few code points past its start: walked from there.
  const std::size_t from = code_point_offset(orig, at, ob), to = advance_code_points(orig, from, std::max(ob, oe) - ob);
  if (from < orig.size()) e.text = std::string(orig.substr(from, to - from));
  return e;
}

}  // namespace detail

Classifier::Scratch::Scratch(std::unique_ptr<detail::ScratchState> s) : state_(std::move(s)) {}
Classifier::Scratch::~Scratch() = default;
Classifier::Scratch::Scratch(Scratch&&) noexcept = default;

Classifier::Scratch Classifier::make_scratch() const {
  auto s = std::make_unique<detail::ScratchState>();
  if (impl_->scratch_prototype) {
    hs_clone_scratch(impl_->scratch_prototype, &s->scratch);
    hs_open_stream(impl_->database, 0, &s->stream);
  }
  s->hit_ranges.resize(impl_->sets.size());
  s->stamp.assign(impl_->sets.size(), 0);
  s->max_end_stamp.assign(impl_->sets.size(), 0);
  s->max_end_at.assign(impl_->sets.size(), 0);
  s->memo_stamp.assign(impl_->memo_slots, 0);
  s->memo_value.assign(impl_->memo_slots, 0);
  if (impl_->uses_sentences) {
    UErrorCode status = U_ZERO_ERROR;
    s->sentences.reset(icu::BreakIterator::createSentenceInstance(icu::Locale::getJapanese(), status));
    if (U_FAILURE(status)) s->sentences.reset();
  }
  return Scratch(std::move(s));
}

}  // namespace shiwake::engine
