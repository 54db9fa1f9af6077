// Facts read from the text and the JNSA damage model. Entry points: read_text_facts,
// jnsa_damage. Tests: tests/test_facts.cpp (golden sentences and the corpus figures).
//
// Which count is "the affected"? A notice states many counts: the people whose data
// leaked, a part of them (うち…), staff involved (職員1名), machines (パソコン8台), schools,
// mails sent by a spammer (約140万通), pupils enrolled (在校児童 約8,700人). A Japanese
// reader finds the affected count by its counter word and the words around it, and so do
// we. Every quantity the grammar finds in "title\n\nbody" gets a tier:
//   2  an affected word (漏えい, 流出, 可能性, 対象, 閲覧, 紛失…) in its sentence near it, or
//      in the short heading line just above it (「(2)漏えい件数」「<対象>」);
//   1  a data-subject word near it (個人情報, お客様, 会員, 患者…), a 「…分」 counter
//      (人分, 名分, 件分: "worth of records") or a total (計, 合計);
//   0  none of those: not a candidate.
// Counts next to a not-affected word (在校, 在籍, 従業員数…), right after a staff word
// (職員1名, 教諭2名), units (100人ずつ, 100人を1グループとして) and mail counts near
// spam words are dropped. The affected count is the largest of the highest tier: a
// notice gives its total and its parts, and the total is the one the taxonomy asks for. People and record counters (人 名 件 世帯
// アカウント…) come first; organizations (社, 団体, 法人…) count only at tier 2 and only
// when no person or record count qualifies (「流出した可能性のあるお客さま数: 17,891社」).
//
// The context words are constants below, not lists of the rule pack: they are read with
// the tiers and windows above (same sentence, heading line, negation right after the
// word), which a flat term list cannot express, and a pack that lacked the lists would
// silently lose every count. They change with this file and its golden tests.
//
// Dates: published is the notice's own date: the last full date of the title (notices
// end their titles with it), else a dated line or a date with 公表/掲載/更新/発表 at the
// top or bottom of the body, else the input's `published`. discovered is the first date
// that a sentence ties to 判明/発覚/確認/検知/気づ/連絡を受け… (not negated, not a date
// bounding a period), month-days read with the published date as reference, never after
// the published date. The discovery words are found by the pack's one scan: the compiler
// adds them to it (discovery_words(), CompiledPack::discovery_word_sets).
#include "engine/facts.hpp"

#include "grammar/date.hpp"
#include "grammar/quantity.hpp"

#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string_view>
#include <vector>

namespace shiwake::engine::detail {

namespace {

using grammar::Quantity;

// --- Vocabulary (normalized forms: NFKC, case folded; see the header comment) ---

// Finds every occurrence of a fixed set of words in one pass over a text. A word can only
// start at a character that begins one of them, tested against a bit set of first code
// points (their low 12 bits); only then are the words compared. std::string_view::find
// would rescan the text once per word, and on Japanese UTF-8 its first-byte filter stops
// at nearly every character.
class WordFinder {
 public:
  WordFinder(std::initializer_list<std::string_view> words) : words_(words) {
    for (std::string_view w : words_) {
      const char32_t c = first_code_point(w, 0);
      firsts_.push_back(c);
      mask_.set(c & 0xFFF);
    }
  }
  std::size_t size() const { return words_.size(); }
  std::string_view operator[](std::size_t k) const { return words_[k]; }

  // f(at, k) for word k occurring at byte `at`, by position, then by k; f returns false to stop.
  template <class F>
  void each(std::string_view s, F&& f) const {
    for (std::size_t i = 0; i < s.size();) {
      const auto b = static_cast<unsigned char>(s[i]);
      const std::size_t length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
      // The low 12 bits of a three-byte character are its last two bytes' payloads: most
      // characters are rejected without decoding.
      const std::size_t key = length == 3 && i + 2 < s.size()
                                  ? (std::size_t(static_cast<unsigned char>(s[i + 1]) & 0x3F) << 6) |
                                        (static_cast<unsigned char>(s[i + 2]) & 0x3F)
                                  : first_code_point(s, i) & 0xFFF;
      if (mask_.test(key)) {
        const char32_t c = first_code_point(s, i);
        for (std::size_t k = 0; k < words_.size(); ++k)
          if (firsts_[k] == c && s.compare(i, words_[k].size(), words_[k]) == 0 && !f(i, k)) return;
      }
      i += length;
    }
  }

 private:
  // The code point starting at byte i (any value when the sequence is cut short).
  static char32_t first_code_point(std::string_view s, std::size_t i) {
    const auto b = static_cast<unsigned char>(s[i]);
    const std::size_t length = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    if (length == 1 || i + length > s.size()) return b;
    char32_t c = b & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    return c;
  }

  std::vector<std::string_view> words_;
  std::vector<char32_t> firsts_;
  std::bitset<4096> mask_;
};

// Words that say a count is of affected people or records.
const WordFinder kAffectedWords{
    "漏えい", "漏洩", "漏れ", "流出", "流失", "可能性", "おそれ", "恐れ", "対象", "影響", "閲覧", "該当",
    "紛失", "盗難", "盗ま", "誤送信", "誤送付", "誤配", "誤掲載", "誤って", "誤交付", "誤表示", "被害", "不正利用",
    "窃取", "抜き取", "持ち出", "本人数", "件数", "人数", "記録されて", "含まれて", "保存されて", "表示され", "見える状態"};
// Words that say a count is of people or records of some kind, without saying affected.
const WordFinder kSubjectWords{
    "個人情報", "個人データ", "情報", "データ", "お客様", "お客さま", "顧客", "会員", "利用者", "患者", "申込者",
    "応募者", "受講者", "受験者", "生徒", "児童", "学生", "住民", "受信者", "送信先", "宛先", "参加者", "対象者",
    "保護者", "被保険者"};
// Words that say a count is a population, not the affected (「全校で約8,700人の児童が在校」).
const WordFinder kNotAffectedWords{
    "在校", "在籍", "在学", "全校", "全社", "従業員数", "社員数", "職員数", "会員数", "登録者数", "利用者数",
    "人口", "加盟", "定員"};
// Right before a count, these make it the people who acted, not the affected (職員1名).
constexpr std::array<std::string_view, 9> kStaffWords{"職員", "従業員", "社員", "教諭", "教員", "担当者", "作業者",
                                                       "派遣社員", "委託先"};
// Right after a count, these make it a unit, not a total (「100人を1グループとして」「1人あたり」).
const WordFinder kUnitWords{"ずつ", "ごと", "毎", "単位", "あたり", "当たり", "につき",
                                                     "グループ"};
// Mail sent by whoever abused an account: its counts near these words are messages or
// recipients.
const WordFinder kSpamWords{"迷惑メール", "フィッシングメール", "不審メール", "不審なメール",
                                                      "なりすましメール", "スパム"};
// Counters of people or records, and of organizations.
constexpr std::array<std::string_view, 11> kPeopleCounters{"人", "名", "件", "人分", "名分", "件分", "名様",
                                                            "世帯", "アカウント", "口座", "レコード"};
constexpr std::array<std::string_view, 6> kOrgCounters{"社", "団体", "法人", "機関", "自治体", "店舗"};
constexpr std::array<std::string_view, 3> kWorthCounters{"人分", "名分", "件分"};

// Dates.
const std::vector<std::string_view> kDiscoveryWords{
    "判明", "発覚", "確認", "検知", "検出", "気づ", "気付", "発見", "把握", "認知", "感知", "見つか",
    "連絡を受け", "報告を受け", "指摘を受け", "指摘により", "通報を受け", "情報提供を受け"};
const WordFinder kPeriodWords{"から", "まで", "以前", "以降", "以後", "かけて", "~", "頃"};
const WordFinder kNegations{"ず", "ない", "ません", "無い"};
const WordFinder kDateLabels{"公表日", "掲載日", "更新日", "発表日", "公開日", "発行日",
                                                      "最終更新", "作成日"};
const WordFinder kAnnounceWords{"お知らせいたします", "お知らせします", "公表いたします",
                                                         "公表します", "発表いたします", "発表します", "掲載いたします",
                                                         "掲載します", "公開いたします"};
const WordFinder kIncidentWords{"判明", "発覚", "発生", "確認", "受け", "検知"};

// --- Text helpers over the normalized buffer (UTF-8, byte offsets) ---

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The byte offset `chars` code points before (or after) `pos`, clamped to [lo, hi].
std::size_t back_chars(std::string_view s, std::size_t pos, std::size_t chars, std::size_t lo) {
  while (pos > lo && chars > 0) {
    --pos;
    while (pos > lo && is_continuation(static_cast<unsigned char>(s[pos]))) --pos;
    --chars;
  }
  return pos;
}
std::size_t forward_chars(std::string_view s, std::size_t pos, std::size_t chars, std::size_t hi) {
  while (pos < hi && chars > 0) {
    ++pos;
    while (pos < hi && is_continuation(static_cast<unsigned char>(s[pos]))) ++pos;
    --chars;
  }
  return pos;
}

// Sentence bounds around [begin, end): a sentence ends at 。 ! ? or a line break (the
// normalizer joined the breaks inside sentences, so those left are real). A text without
// any (hostile, or a table flattened to one line) is cut every kMaxSentenceBytes, so the
// work per count stays bounded.
constexpr std::size_t kMaxSentenceBytes = 1024;
constexpr std::string_view kFullStop = "。";  // its three bytes, compared inline: this runs per byte
// Whether a sentence end (a line break, ! ? or a 。 starting at or after `lo`) ends right
// before byte p.
bool ends_sentence_before(std::string_view s, std::size_t p, std::size_t lo) {
  const char c = s[p - 1];
  return c == '\n' || c == '!' || c == '?' ||
         (c == kFullStop[2] && p >= lo + 3 && s[p - 2] == kFullStop[1] && s[p - 3] == kFullStop[0]);
}
std::size_t sentence_start(std::string_view s, std::size_t pos) {
  const std::size_t limit = pos > kMaxSentenceBytes ? pos - kMaxSentenceBytes : 0;
  while (pos > limit && !ends_sentence_before(s, pos, 0)) --pos;
  return pos;
}
// The first byte of s[from, to) that may end a sentence ('\n', '!', '?', or 0x82 after
// 0x80, as 。 ends), or `to`. Blocks of sixteen bytes without one are skipped whole; 0x82
// alone ends many kana, so only the pair marks a block.
std::size_t next_end_byte(std::string_view s, std::size_t from, std::size_t to) {
  using Bytes = unsigned char __attribute__((vector_size(16)));
  const auto stop_at = [&](std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    return c == '\n' || c == '!' || c == '?' ||
           (c == static_cast<unsigned char>(kFullStop[2]) && i > 0 && s[i - 1] == kFullStop[1]);
  };
  std::size_t i = from;
  for (; i + 17 <= to; i += 16) {
    Bytes v, next;
    std::memcpy(&v, s.data() + i, 16);
    std::memcpy(&next, s.data() + i + 1, 16);
    const auto hit = (v == Bytes{} + '\n') | (v == Bytes{} + '!') | (v == Bytes{} + '?') |
                     ((v == Bytes{} + static_cast<unsigned char>(kFullStop[1])) &
                      (next == Bytes{} + static_cast<unsigned char>(kFullStop[2])));
    std::uint64_t half[2];
    std::memcpy(half, &hit, 16);
    if (half[0] | half[1]) break;  // the byte loop below finds where
  }
  while (i < to && !stop_at(i)) ++i;
  return i;
}
std::size_t sentence_end(std::string_view s, std::size_t pos) {
  const std::size_t from = pos, limit = std::min(s.size(), pos + kMaxSentenceBytes);
  // A 。 starting before `limit` ends by limit + 2.
  for (const std::size_t last = std::min(s.size(), limit + 2); pos < last; ++pos) {
    if ((pos = next_end_byte(s, pos, last)) == last) break;
    const char c = s[pos];
    if (c == '\n' || c == '!' || c == '?') {
      if (pos < limit) return pos;
      continue;
    }
    if (pos >= from + 2 && pos - 2 < limit && s[pos - 1] == kFullStop[1] && s[pos - 2] == kFullStop[0]) return pos + 1;
  }
  return limit;
}
// The last byte in (from, to] that follows a sentence end (。 ! ? or a line break), else
// `from`. Sentences found by sentence_end from any earlier start always start there too:
// an end is found by the sentence holding it, or by the next when a long one was cut.
std::size_t last_sentence_start(std::string_view s, std::size_t from, std::size_t to) {
  std::size_t p = to;
  while (p > from && !ends_sentence_before(s, p, from)) --p;
  return p;
}
// The start of the line holding `pos`, looking back at most 2 x kMaxSentenceBytes.
std::size_t line_start(std::string_view s, std::size_t pos) {
  const std::size_t limit = pos > 2 * kMaxSentenceBytes ? pos - 2 * kMaxSentenceBytes : 0;
  const void* nl = pos > limit ? memrchr(s.data() + limit, '\n', pos - limit) : nullptr;
  return nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - s.data()) + 1 : limit;
}
std::size_t line_end(std::string_view s, std::size_t pos) {
  const std::size_t nl = s.find('\n', pos);
  return nl == std::string_view::npos ? s.size() : nl;
}
std::size_t char_count(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += !is_continuation(static_cast<unsigned char>(c));
  return n;
}

// The first word of `words` found in `s`, with its offset; empty when none is.
// The first word of `words` in s (the longest of those starting there), and where.
std::pair<std::string_view, std::size_t> find_any(std::string_view s, const WordFinder& words) {
  std::size_t best = std::string_view::npos;
  std::string_view word;
  words.each(s, [&](std::size_t at, std::size_t k) {
    if (best != std::string_view::npos && at > best) return false;
    if (at < best || words[k].size() > word.size()) best = at, word = words[k];
    return true;
  });
  return {word, best};
}
// The word of `words` nearest to [lo, hi) of s; on a tie the longer, then the earlier in
// `words`, then the earlier in s.
std::pair<std::string_view, std::size_t> find_nearest(std::string_view s, const WordFinder& words, std::size_t lo,
                                                      std::size_t hi) {
  std::size_t best_at = std::string_view::npos, best_distance = std::string_view::npos, best_k = 0;
  std::string_view word;
  words.each(s, [&](std::size_t at, std::size_t k) {
    const std::string_view w = words[k];
    const std::size_t distance = at + w.size() <= lo ? lo - (at + w.size()) : at >= hi ? at - hi : 0;
    if (distance < best_distance ||
        (distance == best_distance && (w.size() > word.size() || (w.size() == word.size() && k < best_k)))) {
      best_distance = distance;
      best_at = at;
      best_k = k;
      word = w;
    }
    return true;
  });
  return {word, best_at};
}
bool contains_any(std::string_view s, const WordFinder& words) {
  bool found = false;
  words.each(s, [&](std::size_t, std::size_t) { return !(found = true); });
  return found;
}
template <std::size_t N>
bool ends_with_any(std::string_view s, const std::array<std::string_view, N>& words) {
  for (std::string_view w : words)
    if (s.size() >= w.size() && s.substr(s.size() - w.size()) == w) return true;
  return false;
}
template <std::size_t N>
bool is_one_of(std::string_view s, const std::array<std::string_view, N>& words) {
  return std::find(words.begin(), words.end(), s) != words.end();
}

// The previous non-empty line before the line holding `pos`, when it is short enough to be
// a heading or a label (「(2)漏えい件数」「<対象>」「情報流出した可能性のあるお客さま数:」).
// Only a count in the first 80 characters of its line has a heading: further along, the
// line is prose with its own context.
std::string_view heading_above(std::string_view s, std::size_t pos, std::size_t floor) {
  constexpr std::size_t kHeadingChars = 40, kReach = 80;
  const std::size_t reach = back_chars(s, pos, kReach, floor);
  const std::size_t nl = s.substr(reach, pos - reach).rfind('\n');
  if (nl == std::string_view::npos && reach > floor) return {};
  std::size_t ls = nl == std::string_view::npos ? reach : reach + nl + 1;
  while (ls > floor) {
    const std::size_t prev_end = ls - 1;  // the '\n'
    const std::size_t prev_start = std::max(line_start(s, prev_end), floor);
    std::string_view line = s.substr(prev_start, prev_end - prev_start);
    if (line.find_first_not_of(" \t") != std::string_view::npos)
      return char_count(line) <= kHeadingChars ? line : std::string_view{};
    ls = prev_start;
  }
  return {};
}

// --- The affected count ---

struct Candidate {
  Quantity q;
  int tier = 0;
  bool organization = false;
  std::string_view context;  // the word that decided
  std::size_t context_at = std::string_view::npos;
};

// [ss, se) is the sentence holding the count.
Candidate assess(std::string_view text, const Quantity& q, std::size_t floor, std::size_t ss, std::size_t se) {
  Candidate c;
  c.q = q;
  const bool people = is_one_of(q.counter, kPeopleCounters);
  c.organization = is_one_of(q.counter, kOrgCounters);
  if ((!people && !c.organization) || q.value < 1 || !std::isfinite(q.value)) return c;

  // Not the affected: populations, the staff who acted, spam counts.
  const std::size_t near_lo = back_chars(text, q.begin, 25, ss), near_hi = forward_chars(text, q.end, 25, se);
  if (contains_any(text.substr(near_lo, near_hi - near_lo), kNotAffectedWords)) return c;
  if (ends_with_any(text.substr(ss, q.begin - ss), kStaffWords)) return c;
  if (contains_any(text.substr(q.end, forward_chars(text, q.end, 6, se) - q.end), kUnitWords)) return c;
  const std::size_t lo = back_chars(text, q.begin, 80, ss), hi = forward_chars(text, q.end, 50, se);
  if (contains_any(text.substr(lo, hi - lo), kSpamWords)) {
    std::string_view after = text.substr(q.end, forward_chars(text, q.end, 15, se) - q.end);
    if (after.find("宛") != std::string_view::npos || after.find("送信") != std::string_view::npos) return c;
  }

  // Tier 2: an affected word in the sentence near the count, or in a heading above it.
  auto found = find_nearest(text.substr(lo, hi - lo), kAffectedWords, q.begin - lo, q.end - lo);
  if (!found.first.empty()) {
    c.tier = 2;
    c.context = found.first;
    c.context_at = lo + found.second;
    return c;
  }
  std::string_view heading = heading_above(text, q.begin, floor);
  found = find_any(heading, kAffectedWords);
  if (!found.first.empty()) {
    c.tier = 2;
    c.context = found.first;
    c.context_at = std::size_t(heading.data() - text.data()) + found.second;
    return c;
  }
  if (c.organization) return c;  // organizations need an affected word

  // Tier 1: a data-subject word nearby (across lines: a label may sit above a table cell).
  const std::size_t wlo = back_chars(text, q.begin, 60, floor), whi = forward_chars(text, q.end, 30, text.size());
  found = find_nearest(text.substr(wlo, whi - wlo), kSubjectWords, q.begin - wlo, q.end - wlo);
  if (!found.first.empty()) {
    c.tier = 1;
    c.context = found.first;
    c.context_at = wlo + found.second;
  } else if (is_one_of(q.counter, kWorthCounters) || q.total) {
    c.tier = 1;
    c.context = q.total ? "計" : q.counter;
  }
  return c;
}

std::string format_count(const Quantity& q) {
  // 74238 -> "74,238"; the counter follows as the text wrote it.
  const auto v = static_cast<long long>(std::llround(q.value));
  std::string digits = std::to_string(v), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (q.approx ? "約" : "") + out + q.counter;
}

void read_affected(const ScratchState& s, const Notice& notice, Facts& facts) {
  std::string_view text = s.buffer;
  std::vector<Candidate> people, orgs;
  std::size_t ss = 0, se = 0;  // the sentence of the previous count: counts often share one
  for (const Quantity& q : grammar::find_quantities(text)) {
    // A sentence or heading never reaches from the body back into the title.
    const std::size_t floor = q.begin >= s.body_begin ? s.body_begin : 0;
    if (q.begin < ss || q.end > se || ss < floor) {
      ss = std::max(sentence_start(text, q.begin), floor);
      se = std::max(sentence_end(text, q.end), q.end);
    }
    Candidate c = assess(text, q, floor, ss, se);
    if (c.tier == 0) continue;
    (c.organization ? orgs : people).push_back(std::move(c));
  }
  const std::vector<Candidate>& pool = people.empty() ? orgs : people;
  const Candidate* best = nullptr;
  for (const Candidate& c : pool)
    if (!best || c.tier > best->tier || (c.tier == best->tier && c.q.value > best->q.value)) best = &c;
  if (!best) return;

  facts.affected = best->q.value;
  facts.affected_why = format_count(best->q) + (best->tier == 2 ? " near " : " with ") + std::string(best->context) +
                       (best->tier == 2 ? "" : " (no affected word near any count)");
  facts.affected_evidence.push_back(to_evidence(
      s, Hit{static_cast<std::uint32_t>(best->q.begin), static_cast<std::uint32_t>(best->q.end)}, notice.title, notice.text));
  if (best->context_at != std::string_view::npos)
    facts.affected_evidence.push_back(to_evidence(
        s, Hit{static_cast<std::uint32_t>(best->context_at), static_cast<std::uint32_t>(best->context_at + best->context.size())},
        notice.title, notice.text));
}

// --- Dates ---

std::optional<grammar::Date> title_date(std::string_view title) {
  std::optional<grammar::Date> last;
  for (const auto& m : grammar::find_dates(title))
    if (!m.year_inferred) last = m.date;
  return last;
}

// A date the body gives as its own: in the first or last two non-empty lines, a date
// labelled 公表日/掲載日/更新日…, a line that is a date and little else (a letterhead), or a
// date in a sentence that announces (「…を行いましたので、お知らせいたします」) and does not
// report an event (判明, 発生…: that date is the incident's).
//
// Lines are those of the original text, each normalized alone: the normalizer joins a
// line break it takes for one inside a sentence, and a letterhead date is not in one.
// False only when normalizing `raw` cannot give an ASCII digit, which every date needs:
// no ASCII or full-width digit, and nothing but kana, CJK ideographs and CJK punctuation
// (none of which NFKC maps to a digit) besides ASCII. Spares normalizing most lines.
bool may_hold_digit(std::string_view raw) {
  for (std::size_t i = 0; i < raw.size();) {
    const auto b = static_cast<unsigned char>(raw[i]);
    if (b < 0x80) {
      if (b >= '0' && b <= '9') return true;
      ++i;
      continue;
    }
    if (b < 0xE0 || b >= 0xF0 || i + 2 >= raw.size()) return true;
    const char32_t c = (char32_t(b & 0x0F) << 12) | (char32_t(raw[i + 1] & 0x3F) << 6) | char32_t(raw[i + 2] & 0x3F);
    if (!((c >= 0x3000 && c <= 0x30FF) || (c >= 0x4E00 && c <= 0x9FFF))) return true;
    i += 3;
  }
  return false;
}

std::optional<grammar::Date> body_date(std::string_view original) {
  constexpr std::size_t kMaxLineBytes = 4096;  // a dated line is short; skip the rest unread
  const auto blank = [](std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; };
  // The first two non-empty lines, then the last two of those after them, read from the end.
  std::vector<std::string_view> lines;
  std::size_t at = 0;
  for (; at <= original.size() && lines.size() < 2;) {
    const std::size_t e = line_end(original, at);
    if (!blank(original.substr(at, e - at))) lines.push_back(original.substr(at, e - at));
    at = e + 1;
  }
  const std::size_t front = lines.size();
  for (std::size_t e = original.size(); at <= e && lines.size() < front + 2;) {
    const void* nl = memrchr(original.data() + at, '\n', e - at);
    const std::size_t start = nl ? static_cast<std::size_t>(static_cast<const char*>(nl) - original.data()) + 1 : at;
    if (!blank(original.substr(start, e - start))) lines.insert(lines.begin() + std::ptrdiff_t(front), original.substr(start, e - start));
    if (!nl) break;
    e = start - 1;
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].size() > kMaxLineBytes || !may_hold_digit(lines[i])) continue;
    const std::string normalized = normalize_term(lines[i]);
    std::string_view line = normalized;
    for (const auto& m : grammar::find_dates(line)) {
      if (m.year_inferred) continue;
      std::string_view before = line.substr(0, m.begin);
      std::string_view label = before.substr(before.size() - std::min<std::size_t>(before.size(), 16));
      if (contains_any(label, kDateLabels)) return m.date;
      std::string_view rest = line.substr(0, m.begin);
      std::string_view after = line.substr(m.end);
      if (char_count(rest) + char_count(after) <= 4 && rest.find_first_not_of(" ()[]:") == std::string_view::npos)
        return m.date;
      const std::size_t ss = sentence_start(line, m.begin), se = sentence_end(line, m.end);
      std::string_view sentence = line.substr(ss, se - ss);
      if (contains_any(sentence, kAnnounceWords) && !contains_any(sentence, kIncidentWords)) return m.date;
    }
  }
  return std::nullopt;
}

std::optional<grammar::Date> input_date(const std::string& published) {
  if (published.empty()) return std::nullopt;
  for (const auto& m : grammar::find_dates(normalize_term(published)))
    if (!m.year_inferred) return m.date;
  return std::nullopt;
}

// The first date a sentence ties to a discovery word: the nearest date before the word
// in its sentence, else the nearest after it, else the nearest before it on its line or
// the line above (a timeline: 「1月14日(火)」 then 「…痕跡を確認しました。」). Dates that
// bound a period (「…から」「…までの間」「…以前」) are when something lasted, not when it
// was learned.
std::optional<grammar::Date> discovery_date(const CompiledPack& pack, const ScratchState& s,
                                            std::optional<grammar::Date> reference) {
  const std::string_view body = s.body.text();
  // Every discovery word of the body, in order, from the scan; each sentence takes its own.
  std::vector<std::pair<std::size_t, std::size_t>> all_words;  // (offset in body, length)
  for (std::uint32_t set : pack.discovery_word_sets)
    for (const Hit& h : s.hits_of(set))
      if (h.start >= s.body_begin) all_words.emplace_back(h.start - s.body_begin, h.end - h.start);
  std::sort(all_words.begin(), all_words.end());
  if (all_words.empty()) return std::nullopt;  // then no sentence can name the day

  // The dates of body[from, to), a period's start or end (「…から」) left out. With a
  // reference day, each date is read on its own and none crosses a line break, so the
  // dates of a span starting a line are those a scan of the whole body finds there: only
  // the lines around discovery words are scanned, each once (the spans asked for move
  // forward with the sentences, so the lines read are kept and extended). Without one, a
  // scan of the whole body takes its first full date as the reference; taking that date
  // first reads the same dates. A body without a full date has none to read.
  std::optional<grammar::Date> read_as_of = reference;
  if (!read_as_of) {
    const std::optional<grammar::DateMatch> first = grammar::first_full_date(body);
    if (!first) return std::nullopt;
    read_as_of = first->date;
  }
  std::vector<grammar::DateMatch> all_dates;
  bool all_dates_read = false;
  std::vector<grammar::DateMatch> span_dates;  // of body[span_from, span_to)
  std::size_t span_from = std::string_view::npos, span_to = 0;
  auto dates_of = [&](std::size_t from, std::size_t to) -> const std::vector<grammar::DateMatch>& {
    auto read = [&](std::size_t lo, std::size_t hi, std::vector<grammar::DateMatch>& out) {
      for (grammar::DateMatch m : grammar::find_dates(body.substr(lo, hi - lo), read_as_of)) {
        m.begin += lo;
        m.end += lo;
        std::string_view after = body.substr(m.end, forward_chars(body, m.end, 14, body.size()) - m.end);
        after = after.substr(0, std::min(after.find("、"), after.find('\n')));
        if (!contains_any(after, kPeriodWords)) out.push_back(m);
      }
    };
    if (from > 0 && body[from - 1] != '\n') {
      if (!all_dates_read) read(0, body.size(), all_dates);
      all_dates_read = true;
      return all_dates;
    }
    const std::size_t line_end_at = std::min(body.find('\n', to), body.size());
    if (span_from == std::string_view::npos || from < span_from || from > span_to + 1) {
      span_dates.clear();
      read(from, line_end_at, span_dates);
      span_from = from;
      span_to = line_end_at;
    } else if (line_end_at > span_to) {  // span_to ends a line: the lines after it, read on
      read(span_to, line_end_at, span_dates);
      span_to = line_end_at;
    }
    return span_dates;
  };

  auto next_word = all_words.begin();
  for (std::size_t ss = 0; ss < body.size() && next_word != all_words.end();) {
    while (next_word != all_words.end() && next_word->first < ss) ++next_word;
    if (next_word == all_words.end()) break;
    // The sentences before the next word's hold no word: the walk goes on from the last
    // sentence start before it.
    ss = last_sentence_start(body, ss, next_word->first);
    const std::size_t se = sentence_end(body, ss);
    std::optional<grammar::Date> found;
    for (auto word = next_word; word != all_words.end() && word->first < se; ++word) {
      const auto [w, length] = *word;
      if (w + length > se) continue;  // runs past the sentence's end
      if (found) break;
      const std::size_t w_end = w + length;
      // 「検知されず」「確認されておりません」: the word, denied (within the 8 characters after
      // it, so 「判明しましたが、被害はない」 still counts).
      if (contains_any(body.substr(w_end, forward_chars(body, w_end, 8, se) - w_end), kNegations)) continue;
      const std::size_t ls = line_start(body, ss);
      std::size_t above = ls;  // start of the previous non-empty line
      while (above > 0) {
        const std::size_t prev_end = above - 1;  // its '\n'
        above = line_start(body, prev_end);
        if (body.substr(above, prev_end - above).find_first_not_of(" \t") != std::string_view::npos) break;
      }
      const grammar::DateMatch* before = nullptr;
      const grammar::DateMatch* later = nullptr;
      const grammar::DateMatch* nearby = nullptr;
      const std::vector<grammar::DateMatch>& dates = dates_of(above, se);
      auto first = std::lower_bound(dates.begin(), dates.end(), above,
                                    [](const grammar::DateMatch& m, std::size_t at) { return m.begin < at; });
      for (auto it = first; it != dates.end() && it->begin < se; ++it) {
        const grammar::DateMatch& m = *it;
        if (m.end <= w && m.begin >= above) nearby = &m;
        if (m.begin < ss || m.end > se) continue;
        if (m.end <= w) before = &m;
        else if (!later && m.begin >= w_end) later = &m;
      }
      if (before) found = before->date;
      else if (later) found = later->date;
      else if (nearby) found = nearby->date;
      if (found && reference && grammar::compare(*found, *reference) > 0) found.reset();
    }
    if (found) return found;
    ss = se == ss ? se + 1 : se;
  }
  return std::nullopt;
}

}  // namespace

const std::vector<std::string_view>& discovery_words() { return kDiscoveryWords; }
std::size_t facts_sentence_end(std::string_view s, std::size_t pos) { return sentence_end(s, pos); }

void read_text_facts(const CompiledPack& pack, const ScratchState& s, const Notice& notice, Facts& facts) {
  read_affected(s, notice, facts);

  facts.published = title_date(s.title.text());
  if (!facts.published) facts.published = body_date(notice.text);
  if (!facts.published) facts.published = input_date(notice.published);
  facts.discovered = discovery_date(pack, s, facts.published);
}

std::optional<double> jnsa_damage(const std::vector<const DataTypeDef*>& exposed, std::optional<double> affected) {
  // With no data type named, the model's floor applies (x = y = 1, I = 1), as the gold does.
  if (!affected) return std::nullopt;
  int x = 1, y = 1;
  bool name = false, address = false, phone = false;
  for (const DataTypeDef* d : exposed) {
    x = std::max(x, d->x);
    y = std::max(y, d->y);
    name = name || d->id == "name";
    address = address || d->id == "address";
    phone = phone || d->id == "phone";
  }
  // Ease of identification: 6 when name and address are both out, 3 for a name alone or
  // an address with a phone number, 1 otherwise.
  double ease = (name && address) ? 6 : (name || (address && phone)) ? 3 : 1;
  double per_person = 500.0 * (std::pow(10.0, x - 1) + std::pow(5.0, y - 1)) * ease;
  return per_person * *affected;
}

}  // namespace shiwake::engine::detail
