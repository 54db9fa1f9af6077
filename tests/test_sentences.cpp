// Sentence units found line by line (engine/scan.cpp, sentence_around, which sentence()
// uses for the units holding a term's hits) are the units of ICU over the whole notice
// (sentence_bounds): on hand-made texts and on every notice of the corpus.
#include "engine/compiled.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <random>
#include <string>

namespace {

using shiwake::engine::detail::ScratchState;
using shiwake::engine::detail::Window;

std::unique_ptr<ScratchState> state_for(const std::string& title, const std::string& text) {
  auto s = std::make_unique<ScratchState>();
  UErrorCode status = U_ZERO_ERROR;
  s->sentences.reset(icu::BreakIterator::createSentenceInstance(icu::Locale::getJapanese(), status));
  REQUIRE(U_SUCCESS(status));
  s->buffer = shiwake::engine::normalize(title).text();
  s->title_end = static_cast<std::uint32_t>(s->buffer.size());
  s->buffer += "\n\n";
  s->body_begin = static_cast<std::uint32_t>(s->buffer.size());
  s->buffer += shiwake::engine::normalize(text).text();
  return s;
}

// Every unit of the whole-text bounds, asked for at its first byte, its last byte and a
// byte in between, comes back whole; returns the number of units that did not.
int mismatches(ScratchState& s) {
  const std::vector<std::uint32_t> b = shiwake::engine::detail::sentence_bounds(s);
  int bad = 0;
  for (std::size_t j = 0; j + 1 < b.size(); ++j)
    for (std::uint32_t pos : {b[j], b[j] + (b[j + 1] - b[j]) / 2, b[j + 1] - 1}) {
      const Window w = shiwake::engine::detail::sentence_around(s, pos);
      if (w.lo != b[j] || w.hi != b[j + 1]) {
        ++bad;
        MESSAGE("unit [", b[j], ", ", b[j + 1], ") asked at ", pos, " gave [", w.lo, ", ", w.hi, ")");
      }
    }
  const Window past = shiwake::engine::detail::sentence_around(s, static_cast<std::uint32_t>(s.buffer.size()));
  if (past.lo != past.hi) ++bad;
  return bad;
}

}  // namespace

TEST_CASE("a sentence found from its line alone is the sentence of the whole text") {
  for (const auto& [title, text] : std::vector<std::pair<std::string, std::string>>{
           {"お知らせ", "不正アクセスが判明しました。調査中です!\n詳細は以下の通りです。\n\n(1) 対象: 会員情報"},
           {"", "Mr. Smith went to Tokyo. He saw it.\nThe end"},
           {"題", ""},
           {"題", "\n\n\n終わり。"},
           {"(続報)第2報", "「漏えいはありません。」と述べた。次に、確認中?はい。"}}) {
    CAPTURE(text);
    auto s = state_for(title, text);
    CHECK(mismatches(*s) == 0);
  }
}

TEST_CASE("random texts of every sentence-break class break the same by line as by ICU") {
  // Characters of each Sentence_Break class: STerm, ATerm, Close, Sp, SContinue, Sep, CR,
  // LF, Extend, Format, Upper, Lower, Numeric, OLetter.
  const std::vector<std::string> palette{"。", "!", "?", "‼", "︒", ".", "․", "」", "』", ")", "\"", "'", "»",
                                         " ", "\t", "、", ",", ":", ";", "-", "\u2029", "\u0085", "\r", "\n",
                                         "\u0301", "\u3099", "\u00ad", "\u200b", "A", "Z", "a", "z", "1",
                                         "9", "あ", "漢", "カ", "ー", "…", "〜"};
  std::mt19937 rng(7);
  int bad = 0;
  for (int n = 0; n < 4000; ++n) {
    std::string text;
    for (int k = std::uniform_int_distribution<int>(1, 30)(rng); k > 0; --k)
      text += palette[std::uniform_int_distribution<std::size_t>(0, palette.size() - 1)(rng)];
    auto s = state_for("題", text);
    const int m = mismatches(*s);
    if (m) {
      bad += m;
      if (bad < 20) MESSAGE("differs: ", s->buffer);
    }
  }
  CHECK(bad == 0);
}

TEST_CASE("on every notice of the corpus, sentences by line are ICU's sentences") {
  const auto notices = shiwake::test::corpus_notices();
  int bad = 0;
  for (const auto& n : notices) bad += mismatches(*state_for(n.title, n.text));
  CHECK(notices.size() >= 50);
  CHECK(bad == 0);
}
