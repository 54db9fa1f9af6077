// Normalizes a notice and scans it once with the pack's database, filing every hit under
// the term sets that hold its pattern. Entry point: scan_notice. Also owns the per-thread
// scratch and the sentence / paragraph boundaries evaluation asks for.
// Tests: tests/test_classify.cpp, tests/test_differential.cpp.
#include "engine/compiled.hpp"

#include <unicode/utext.h>

#include <algorithm>

namespace shiwake::engine {
namespace detail {

ScratchState::~ScratchState() {
  if (stream) hs_close_stream(stream, nullptr, nullptr, nullptr);
  if (scratch) hs_free_scratch(scratch);
}

namespace {

struct ScanContext {
  const CompiledPack* pack;
  ScratchState* s;
};

int on_match(unsigned int id, unsigned long long from, unsigned long long to, unsigned int, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const MatchTarget& t = c->pack->targets[id];
  ScratchState& s = *c->s;
  Hit h{static_cast<std::uint32_t>(t.is_literal ? to - t.literal_bytes : from), static_cast<std::uint32_t>(to)};
  const std::uint32_t* sets = c->pack->target_sets.data() + t.first_set;
  for (std::uint32_t k = 0; k < t.set_count; ++k) {
    const std::uint32_t set = sets[k];
    if (s.stamp[set] != s.generation) {
      s.stamp[set] = s.generation;
      s.hits[set].clear();
      s.touched.push_back(set);
    }
    s.hits[set].push_back(h);
  }
  return 0;
}

// The byte where code point k of `text` starts (text.size() past its last), from the
// table `at` of the first code points' offsets, extended as far as k.
std::uint32_t code_point_offset(std::string_view text, std::vector<std::uint32_t>& at, std::size_t k) {
  if (at.empty()) at.push_back(0);
  while (at.size() <= k && at.back() < text.size()) {
    const auto c = static_cast<unsigned char>(text[at.back()]);
    const std::size_t next = at.back() + (c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4);
    at.push_back(static_cast<std::uint32_t>(std::min(next, text.size())));
  }
  return at[std::min(k, at.size() - 1)];
}

}  // namespace

void scan_notice(const CompiledPack& pack, ScratchState& s, std::string_view title, std::string_view body) {
  s.title = normalize(title);
  s.body = normalize(body);
  s.buffer.clear();
  s.buffer += s.title.text();
  s.title_end = static_cast<std::uint32_t>(s.buffer.size());
  s.buffer += "\n\n";
  s.body_begin = static_cast<std::uint32_t>(s.buffer.size());
  s.buffer += s.body.text();
  s.sentences_ready = s.paragraphs_ready = false;
  s.title_offsets.clear();
  s.body_offsets.clear();

  if (++s.generation == 0) {  // wrapped: forget every stamp
    std::fill(s.stamp.begin(), s.stamp.end(), 0);
    s.generation = 1;
  }
  s.touched.clear();
  if (!pack.database) return;
  ScanContext ctx{&pack, &s};
  hs_scan_stream(s.stream, s.buffer.data(), static_cast<unsigned>(s.buffer.size()), 0, s.scratch, on_match, &ctx);
  // Ends the notice: reports what matches at its end ($) and readies the stream for the next.
  hs_reset_stream(s.stream, 0, s.scratch, on_match, &ctx);
  // Hits arrive in order of their end; evaluation wants them by start, once each.
  for (std::uint32_t set : s.touched) {
    auto& hs = s.hits[set];
    std::sort(hs.begin(), hs.end(), [](const Hit& a, const Hit& b) { return a.start != b.start ? a.start < b.start : a.end < b.end; });
    hs.erase(std::unique(hs.begin(), hs.end(), [](const Hit& a, const Hit& b) { return a.start == b.start && a.end == b.end; }),
             hs.end());
  }
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
  const std::size_t from = code_point_offset(orig, at, ob), to = code_point_offset(orig, at, std::max(ob, oe));
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
  s->hits.resize(impl_->sets.size());
  s->stamp.assign(impl_->sets.size(), 0);
  if (impl_->uses_sentences) {
    UErrorCode status = U_ZERO_ERROR;
    s->sentences.reset(icu::BreakIterator::createSentenceInstance(icu::Locale::getJapanese(), status));
    if (U_FAILURE(status)) s->sentences.reset();
  }
  return Scratch(std::move(s));
}

}  // namespace shiwake::engine
