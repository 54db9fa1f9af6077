// Normalization: NFKC case folding (ICU), then shiwake's own pass over white space, line
// breaks and dashes, keeping a map from every normalized code point back to the original.
// Entry points: normalize, normalize_term. Tests: tests/test_normalize.cpp.
//
// Why two passes and how the offsets compose. ICU's normalizeUTF8 does the Unicode work
// and records an icu::Edits list: spans of source bytes that were copied unchanged and
// spans that were replaced. Our own pass then walks ICU's output once, code point by code
// point, and an EditCursor walks the Edits list in lockstep, so the original code-point
// range of every ICU output character is known without any per-byte table in between.
// Inside an unchanged span a character maps to exactly one original character; inside a
// replaced span every output character maps to the whole span (ICU's fine iterator keeps
// those spans minimal: one full-width character, one composed kana).
//
// Our pass makes decisions from context (the character before a line break, whether the
// next line starts with a bullet, whether a dash follows katakana). A character produced
// by such a decision maps to the original range of the context it looked at too, and
// orig_end_ is kept non-decreasing. That gives the property the tests check: normalizing
// original.substr(to_original(b, e)) yields a text containing text().substr(b, e - b).
// Decisions that drop characters (white space next to CJK) look only at the two
// neighbours, which any fragment containing the neighbours sees as well.
//
// What the pass does and why each rule keeps Japanese matching robust:
// - white space next to a CJK character is removed, whatever is on the other side: PDF
//   and OCR extraction put spaces inside words (「個人情報保護委員会 に」, 「2023 年 7 月」,
//   「14,231 人」), and Japanese never separates words with spaces, so 「NTT ドコモ」 and
//   「NTTドコモ」 must be one term. Spaces between Latin words or digits are kept (one).
// - a single line break is joined when the line does not end a sentence (。.!?: or a
//   closing bracket) and the next line is not a list item: removed next to CJK, a space
//   between Latin words. Blank lines become the paragraph break "\n\n"; other kept line
//   breaks become "\n". CR LF, CR, NEL, U+2028 are line breaks; FF and U+2029 paragraphs.
// - dashes (‐ ‒ – — ― − ─ ━ ⁃ ⸺ and NFKC's - from －) fold to "-", but after katakana to
//   the long-vowel mark ー (「サ—バ」, 「サ-バ」 -> 「サーバ」; half-width ｰ is NFKC's job);
//   the kanji 一 between two katakana is an OCR slip for ー. Wave dashes 〜 fold to "~".
#include "engine/normalize.hpp"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/utf8.h>
#include <simdjson.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <optional>
#include <stdexcept>

namespace shiwake::engine {
namespace detail {

namespace {

constexpr char32_t kNone = 0xFFFFFFFF;  // "no character here" (start or end of text)


// Characters of Japanese (and Chinese) text: Han, kana, CJK punctuation, full-width
// forms, and the symbols Japanese documents use as bullets and marks (※ ■ ○ ★).
bool is_cjk(char32_t c) {
  if (c < 0x2000) return false;
  return (c >= 0x2E80 && c <= 0x2FDF) || (c >= 0x3000 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x203B ||
         (c >= 0x25A0 && c <= 0x26FF);
}

bool is_katakana(char32_t c) {
  return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || (c >= 0x31F0 && c <= 0x31FF);
}

bool is_dash(char32_t c) {
  switch (c) {
    case U'-': case 0x2010: case 0x2012: case 0x2013: case 0x2014: case 0x2015: case 0x2043:
    case 0x2212: case 0x2500: case 0x2501: case 0x2E3A: case 0x2E3B: case 0x23AF:
      return true;
    default:
      return false;
  }
}

bool is_ascii_alnum(char32_t c) {
  return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}

// Horizontal white space left after NFKC (which already maps U+3000, NBSP and the
// U+2000 spaces to U+0020).
bool is_blank(char32_t c) { return c == U' ' || c == U'\t' || c == 0x1680; }

// 0: not a line break; 1: a line break; 2: a paragraph break on its own.
int break_weight(char32_t c) {
  switch (c) {
    case U'\n': case U'\r': case 0x0B: case 0x85: case 0x2028:
      return 1;
    case 0x0C: case 0x2029:
      return 2;
    default:
      return 0;
  }
}

// A line ending in one of these ends a sentence or a heading; the line break stays.
bool ends_line(char32_t c) {
  switch (c) {
    case 0x3002: case U'.': case U'!': case U'?': case U':': case 0x300D: case 0x300F: case U')':
    case U']': case U'}': case 0x3011: case 0x3015: case 0x3009: case 0x300B: case 0x3017: case 0x3019:
    case 0x301B: case U'"':
      return true;
    default:
      return false;
  }
}

bool is_bullet(char32_t c) {
  switch (c) {
    case 0x2022: case 0x2023: case 0x30FB: case 0x25CF: case 0x25CB: case 0x25CE: case 0x25A0:
    case 0x25A1: case 0x25C6: case 0x25C7: case 0x25B2: case 0x25B3: case 0x25BC: case 0x25BD:
    case 0x25B6: case 0x25BA: case 0x25E6: case 0x2605: case 0x2606: case 0x203B: case 0x3010:
    case U'*': case 0x2043:
      return true;
    default:
      return is_dash(c);
  }
}

}  // namespace

// Walks ICU's Edits in step with our pass over ICU's output: at(p) gives the original
// code-point range of the output character starting at byte p. p never decreases.
class EditCursor {
 public:
  EditCursor(const icu::Edits& edits, const unsigned char* src, const unsigned char* dst)
      : it_(edits.getFineIterator()), src_(src), dst_(dst) {}

  std::pair<std::uint32_t, std::uint32_t> at(std::int32_t p) {
    while (p >= dst_end_ && !done_) next();
    if (done_ && p >= dst_end_) return {src_cp_end_, src_cp_end_};
    if (changed_) return {src_cp_begin_, src_cp_end_};
    run_cp_ += count_chars(dst_ + run_pos_, std::size_t(p - run_pos_));
    run_pos_ = p;
    return {run_cp_, run_cp_ + 1};
  }

  // Where the unchanged span holding byte p (just passed to at()) ends; p itself when p
  // lies in a replaced span, whose characters do not map one to one.
  std::int32_t unchanged_end(std::int32_t p) const { return changed_ || done_ ? p : dst_end_; }

  // Moves past `chars` characters copied from the unchanged span, up to byte p.
  void skip(std::int32_t p, std::uint32_t chars) {
    run_pos_ = p;
    run_cp_ += chars;
  }

  std::uint32_t original_length() {
    while (!done_) next();
    return src_cp_end_;
  }

 private:
  void next() {
    UErrorCode ec = U_ZERO_ERROR;
    if (!it_.next(ec) || U_FAILURE(ec)) {
      done_ = true;
      return;
    }
    src_cp_begin_ = src_cp_end_;
    changed_ = it_.hasChange();
    dst_begin_ = it_.destinationIndex();
    dst_end_ = dst_begin_ + it_.newLength();
    src_cp_end_ = src_cp_begin_ + count_chars(src_ + it_.sourceIndex(), std::size_t(it_.oldLength()));
    run_pos_ = dst_begin_;
    run_cp_ = src_cp_begin_;
  }

  icu::Edits::Iterator it_;
  const unsigned char* src_;
  const unsigned char* dst_;
  bool done_ = false;
  bool changed_ = false;
  std::int32_t dst_begin_ = 0, dst_end_ = 0;
  std::uint32_t src_cp_begin_ = 0, src_cp_end_ = 0;
  std::int32_t run_pos_ = 0;
  std::uint32_t run_cp_ = 0;
};

// One normalization. kTrackOffsets is false for rule terms, which need only the text.
template <bool kTrackOffsets>
class Normalizer {
 public:
  explicit Normalizer(NormalizedText& out) : out_(out) {}

  void run(std::string_view original) {
    std::string repaired;
    const std::string_view src = valid_utf8(original) ? original : (repaired = repair(original));

    UErrorCode ec = U_ZERO_ERROR;
    static const icu::Normalizer2* const nfkc_cf = icu::Normalizer2::getNFKCCasefoldInstance(ec);
    if (U_FAILURE(ec) || nfkc_cf == nullptr) throw std::runtime_error("ICU NFKC_Casefold data is missing");
    if (src.size() > std::size_t(std::numeric_limits<std::int32_t>::max() / 2))
      throw std::length_error("text too large to normalize");

    std::string folded;
    folded.reserve(src.size() + src.size() / 8 + 16);
    icu::StringByteSink<std::string> sink(&folded);
    icu::Edits edits;
    nfkc_cf->normalizeUTF8(0, icu::StringPiece(src.data(), std::int32_t(src.size())), sink,
                           kTrackOffsets ? &edits : nullptr, ec);
    if (U_FAILURE(ec)) throw std::runtime_error(std::string("ICU normalization failed: ") + u_errorName(ec));

    s_ = reinterpret_cast<const unsigned char*>(folded.data());
    n_ = folded.size();
    // The output rarely outgrows ICU's; grow() handles the few rules that lengthen.
    out_.text_.resize(n_ + n_ / 16 + 64);
    w_ = out_.text_.data();
    w_end_ = w_ + out_.text_.size();
    if constexpr (kTrackOffsets) cursor_.emplace(edits, reinterpret_cast<const unsigned char*>(src.data()), s_);
    fold();
    out_.text_.resize(std::size_t(w_ - out_.text_.data()));
    if constexpr (kTrackOffsets) {
      out_.original_length_ = cursor_->original_length();
      index_blocks();
    }
  }

 private:
  using Range = std::pair<std::uint32_t, std::uint32_t>;

  // The shortest-form UTF-8 of Unicode scalar values (no surrogates, nothing above
  // U+10FFFF): exactly what U8_NEXT accepts. simdjson's check reads 64 bytes a step.
  static bool valid_utf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

  // Every maximal ill-formed subsequence becomes one U+FFFD (ICU's U8_NEXT decides).
  static std::string repair(std::string_view s) {
    std::string r;
    r.reserve(s.size() + 16);
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    const std::int64_t n = std::int64_t(s.size());
    std::int64_t i = 0;
    while (i < n) {
      const std::int32_t chunk = std::int32_t(std::min<std::int64_t>(n - i, 1 << 30));
      std::int32_t j = 0;
      while (j < chunk) {
        const std::int32_t start = j;
        UChar32 c;
        U8_NEXT(p + i, j, chunk, c);
        if (c < 0)
          r += "\xEF\xBF\xBD";
        else
          r.append(reinterpret_cast<const char*>(p + i + start), std::size_t(j - start));
      }
      i += chunk;
    }
    return r;
  }

  Range orig(std::size_t p) {
    if constexpr (kTrackOffsets) return cursor_->at(std::int32_t(p));
    return {0, 0};
  }

  // The original range of a character further ahead, leaving the cursor where it is.
  Range orig_ahead(std::size_t p) const {
    if constexpr (kTrackOffsets) {
      EditCursor copy = *cursor_;
      return copy.at(std::int32_t(p));
    }
    return {0, 0};
  }

  void grow(std::size_t need) {
    const std::size_t used = std::size_t(w_ - out_.text_.data());
    if (used + need <= out_.text_.size()) return;
    out_.text_.resize(std::max(out_.text_.size() * 2, used + need));
    w_ = out_.text_.data() + used;
    w_end_ = out_.text_.data() + out_.text_.size();
  }

  void emit_bytes(const char* bytes, std::size_t len, Range r) {
    if (std::size_t(w_end_ - w_) < len) grow(len);
    std::memcpy(w_, bytes, len);
    w_ += len;
    if constexpr (kTrackOffsets) record(r);
  }

  // Appends one normalized code point's original range to the segment list, extending
  // the last segment when it continues it.
  void record(Range r) {
    r.second = std::max(r.second, last_end_);
    last_end_ = r.second;
    const std::uint32_t k = out_.char_count_++;
    auto& segments = out_.segments_;
    if (!segments.empty()) {
      const NormalizedText::Segment& seg = segments.back();
      const bool continues = seg.step == 1
                                 ? r.first == seg.orig_begin + (k - seg.first_char) && r.second == r.first + 1
                                 : r.first == seg.orig_begin && r.second == seg.orig_end;
      if (continues) return;
    }
    segments.push_back({k, r.first, r.second, r.second == r.first + 1 ? 1u : 0u});
  }

  void index_blocks() {
    const auto* t = reinterpret_cast<const unsigned char*>(out_.text_.data());
    const std::size_t n = out_.text_.size();
    constexpr std::size_t kBlock = std::size_t(1) << NormalizedText::kBlockBits;
    out_.block_chars_.resize(n / kBlock + 1);
    std::uint32_t chars = 0;
    for (std::size_t b = 0; b < out_.block_chars_.size(); ++b) {
      out_.block_chars_[b] = chars;
      if (b * kBlock < n) chars += count_chars(t + b * kBlock, std::min(kBlock, n - b * kBlock));
    }
  }

  void emit(char32_t c, Range r) {
    char buf[4];
    std::size_t len = 0;
    if (c < 0x80) {
      buf[len++] = char(c);
    } else if (c < 0x800) {
      buf[len++] = char(0xC0 | (c >> 6));
      buf[len++] = char(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      buf[len++] = char(0xE0 | (c >> 12));
      buf[len++] = char(0x80 | ((c >> 6) & 0x3F));
      buf[len++] = char(0x80 | (c & 0x3F));
    } else {
      buf[len++] = char(0xF0 | (c >> 18));
      buf[len++] = char(0x80 | ((c >> 12) & 0x3F));
      buf[len++] = char(0x80 | ((c >> 6) & 0x3F));
      buf[len++] = char(0x80 | (c & 0x3F));
    }
    emit_bytes(buf, len, r);
  }

  char32_t peek(std::size_t i) const {
    if (i >= n_) return kNone;
    return decode(s_, i);
  }

  // If the line starting at byte i (after its indentation) begins with a list marker
  // (• ※ 【 -, "1." "2)" "3、" "(4)"), returns true. `seen` is set one past the last byte
  // inspected, so the kept line break can map to everything the decision looked at. A
  // marker needs a character after it: at the end of the text there is no marker.
  bool list_item_at(std::size_t i, std::size_t& seen) const {
    while (i < n_ && is_blank(peek(i))) i += (s_[i] < 0x80 ? 1 : 3);
    seen = i;
    if (i >= n_) return false;
    std::size_t j = i;
    char32_t c = decode(s_, j);
    seen = j;
    if (is_bullet(c)) return true;
    bool paren = false;
    if (c == U'(') {
      paren = true;
      if (j >= n_) return false;
      c = decode(s_, j);
      seen = j;
    }
    int digits = 0;
    while (c >= U'0' && c <= U'9' && digits < 4) {
      ++digits;
      if (j >= n_) return false;
      c = decode(s_, j);
      seen = j;
    }
    if (digits == 0 || digits > 3) return false;
    if (paren) return c == U')';
    if (c != U'.' && c != U')' && c != 0x3001) return false;
    if (j >= n_) return false;
    const char32_t after = decode(s_, j);
    seen = j;
    return !(after >= U'0' && after <= U'9');
  }

  // A run of white space starting at byte i; returns the byte after it.
  std::size_t fold_space_run(std::size_t i) {
    const std::size_t run_begin = i;
    std::size_t last_begin = i;
    int breaks = 0;
    while (i < n_) {
      std::size_t j = i;
      const char32_t c = decode(s_, j);
      const int w = break_weight(c);
      if (w == 0 && !is_blank(c)) break;
      breaks += w;
      last_begin = i;
      if (c == U'\r' && j < n_ && s_[j] == '\n') last_begin = j++;  // CR LF is one break
      i = j;
    }
    const char32_t next = peek(i);
    const char32_t prev = prev_;
    prev_ = kNone;  // the dash rule wants an adjacent katakana
    Range run{0, 0};
    if constexpr (kTrackOffsets) run = {orig(run_begin).first, orig(last_begin).second};

    if (breaks >= 2) {
      emit(U'\n', run);
      emit(U'\n', run);
      return i;
    }
    if (breaks == 0) {
      if (prev != kNone && next != kNone && (is_cjk(prev) || is_cjk(next))) return i;
      emit(U' ', run);
      return i;
    }
    std::size_t seen = i;
    if (prev == kNone || next == kNone || ends_line(prev) || list_item_at(i, seen)) {
      if constexpr (kTrackOffsets) {
        if (seen > i) run.second = orig_ahead(last_char_begin(seen)).second;
      }
      emit(U'\n', run);
      return i;
    }
    if (is_cjk(prev) || is_cjk(next)) return i;
    // Latin words on both sides: the space stands for the line break and its context.
    if constexpr (kTrackOffsets) {
      run.first = prev_begin_;
      run.second = orig_ahead(last_char_begin(seen)).second;
    }
    emit(U' ', run);
    return i;
  }

  // Characters no rule of fold() treats specially: printable ASCII except '-', and the
  // multi-byte characters outside the ranges of white space, dashes, 〜 〰 and 一.
  bool is_plain(std::size_t i) const {
    const unsigned char b = s_[i];
    if (b < 0x80) return b > 0x20 && b < 0x7F && b != '-';
    if (b >= 0xC3 && b <= 0xDF) return true;
    if (b >= 0xE3 && b <= 0xEF) {
      if (b == 0xE3) return !(s_[i + 1] == 0x80 && (s_[i + 2] == 0x9C || s_[i + 2] == 0xB0));
      if (b == 0xE4) return !(s_[i + 1] == 0xB8 && s_[i + 2] == 0x80);
      return true;
    }
    return b >= 0xF0;
  }

  static std::size_t char_length(unsigned char b) { return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; }

  // Copies the plain characters from byte i on (within one unchanged ICU span when
  // offsets are kept, so they map one to one) and returns the byte after them.
  std::size_t copy_plain_run(std::size_t i) {
    const Range first = orig(i);
    std::size_t limit = n_;
    if constexpr (kTrackOffsets) limit = std::size_t(cursor_->unchanged_end(std::int32_t(i)));
    std::size_t j = i, last = i;
    std::uint32_t chars = 0;
    do {
      last = j;
      j += char_length(s_[j]);
      ++chars;
    } while (j < limit && is_plain(j));
    if (j > n_) j = n_;  // only for a truncated sequence, which ICU never writes
    const std::size_t len = j - i;
    if (std::size_t(w_end_ - w_) < len) grow(len);
    std::memcpy(w_, s_ + i, len);
    w_ += len;
    if constexpr (kTrackOffsets) {
      record(first);
      if (chars > 1) {
        // Characters that a lookahead already covered keep its end (orig_end_ never
        // decreases); the rest map one to one.
        std::uint32_t next = first.first + 1, left = chars - 1;
        for (; left > 0 && last_end_ > next + 1; ++next, --left) record({next, next + 1});
        if (left > 0) record_identity(next, left);
        cursor_->skip(std::int32_t(last), chars - 1);
      }
    }
    std::size_t k = last;
    prev_ = decode(s_, k);
    prev_begin_ = first.first + chars - 1;
    return j;
  }

  // `count` more code points mapping one to one onto the original from `orig_first` on.
  void record_identity(std::uint32_t orig_first, std::uint32_t count) {
    auto& segments = out_.segments_;
    const NormalizedText::Segment& seg = segments.back();
    const std::uint32_t k = out_.char_count_;
    if (!(seg.step == 1 && seg.orig_begin + (k - seg.first_char) == orig_first))
      segments.push_back({k, orig_first, orig_first + 1, 1u});
    out_.char_count_ += count;
    last_end_ = std::max(last_end_, orig_first + count);
  }

  std::size_t last_char_begin(std::size_t end) const {
    std::size_t b = end - 1;
    while (b > 0 && !is_lead_byte(s_[b])) --b;
    return b;
  }

  void fold() {
    std::size_t i = 0;
    while (i < n_) {
      // Fast path: a run of characters no rule looks at is copied as it is.
      if (is_plain(i)) {
        i = copy_plain_run(i);
        continue;
      }
      std::size_t j = i;
      const char32_t c = decode(s_, j);
      if (is_blank(c) || break_weight(c) != 0) {
        i = fold_space_run(i);
        continue;
      }
      Range r = orig(i);
      const std::uint32_t own_begin = r.first;
      char32_t out = c;
      if (is_dash(c)) {
        out = U'-';
        if (is_katakana(prev_)) {
          // After katakana a dash is the long vowel, unless an ASCII hyphen joins a
          // Latin word or number (「バージョン-2」): then the decision looked ahead too.
          const char32_t next = peek(j);
          if (c == U'-' && next != kNone) r.second = orig(j).second;
          if (c != U'-' || !(next != kNone && is_ascii_alnum(next))) {
            out = 0x30FC;
            r.first = prev_begin_;
          }
        }
      } else if (c == 0x4E00 && is_katakana(prev_)) {  // 一 between katakana: OCR for ー
        const char32_t next = peek(j);
        if (next != kNone && is_katakana(next) && next != 0x30FC && next != 0x30F5 && next != 0x30F6) {
          out = 0x30FC;
          r.first = prev_begin_;
          r.second = orig(j).second;
        }
      } else if (c == 0x301C || c == 0x3030) {
        out = U'~';
      }
      if (out == c)
        emit_bytes(reinterpret_cast<const char*>(s_ + i), j - i, r);
      else
        emit(out, r);
      prev_ = out;
      prev_begin_ = out == c ? own_begin : r.first;
      i = j;
    }
  }

  NormalizedText& out_;
  char* w_ = nullptr;      // write position in out_.text_
  char* w_end_ = nullptr;  // its end
  const unsigned char* s_ = nullptr;
  std::size_t n_ = 0;
  char32_t prev_ = kNone;           // the last character emitted, kNone after white space
  std::uint32_t prev_begin_ = 0;    // its original begin
  std::uint32_t last_end_ = 0;      // largest orig_end_ so far
  std::optional<EditCursor> cursor_;
};

}  // namespace detail

std::pair<std::uint32_t, std::uint32_t> NormalizedText::original_of(std::uint32_t k) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), k,
                             [](std::uint32_t v, const Segment& s) { return v < s.first_char; });
  const Segment& seg = *(it - 1);  // segments_[0].first_char == 0 and k < char_count_
  if (seg.step == 0) return {seg.orig_begin, seg.orig_end};
  const std::uint32_t b = seg.orig_begin + (k - seg.first_char);
  return {b, b + 1};
}

std::pair<std::uint32_t, std::uint32_t> NormalizedText::to_original(std::size_t begin, std::size_t end) const {
  const std::size_t size = text_.size();
  begin = std::min(begin, size);
  end = std::min(std::max(end, begin), size);
  if (begin == end) {
    const std::uint32_t at = begin == size ? original_length_ : original_of(char_index(begin)).first;
    return {at, at};
  }
  // The code point holding byte `begin` (it may point inside one) and the one holding end - 1.
  std::uint32_t first = char_index(begin);
  if ((static_cast<unsigned char>(text_[begin]) & 0xC0) == 0x80) --first;
  const std::uint32_t last = char_index(end) - 1;
  return {original_of(first).first, original_of(last).second};
}

// Code points whose first byte lies before `byte`.
std::uint32_t NormalizedText::char_index(std::size_t byte) const {
  if (text_.empty()) return 0;
  byte = std::min(byte, text_.size());
  const std::size_t block = byte >> kBlockBits;
  const std::size_t from = block << kBlockBits;
  return block_chars_[block] +
         detail::count_chars(reinterpret_cast<const unsigned char*>(text_.data()) + from, byte - from);
}

NormalizedText normalize(std::string_view original) {
  NormalizedText out;
  detail::Normalizer<true>(out).run(original);
  return out;
}

std::string normalize_term(std::string_view literal) {
  NormalizedText out;
  detail::Normalizer<false>(out).run(literal);
  return out.text();
}

}  // namespace shiwake::engine
