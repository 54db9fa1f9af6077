// The quantity grammar's one heavy translation unit: instantiates the X3 rules and scans a
// normalized text for quantities. Entry: find_quantities.
// Tests: tests/test_quantity.cpp, tests/test_prefilters.cpp.
#include "grammar/char_skip.hpp"
#include "grammar/quantity_def.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace shiwake::grammar {
namespace parser {
BOOST_SPIRIT_INSTANTIATE(quantity_type, iterator_type, context_type)
BOOST_SPIRIT_INSTANTIATE(numeral_type, iterator_type, context_type)
}  // namespace parser

parser::quantity_type const& quantity() { return parser::quantity; }
parser::numeral_type const& numeral() { return parser::numeral; }

namespace {

using detail::CharSkip;

constexpr std::array<std::string_view, 8> kPrefixes{"約", "およそ", "最大", "合計", "計", "総数", "延べ", "うち"};

// True when a qualifier of kPrefixes starts at byte i; each begins with its own character.
bool starts_qualifier(std::string_view s, std::size_t i) {
  for (std::string_view w : kPrefixes)
    if (s.compare(i, 3, w.substr(0, 3)) == 0) return s.compare(i, w.size(), w) == 0;
  return false;
}

std::size_t char_length(unsigned char b) { return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4; }

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// 「数千人」「何百件」: a vague amount, not a count (but 「件数58件」 after a label is one).
bool vague(std::string_view s, std::size_t i) {
  if (i < 3 || (s.substr(i - 3, 3) != "数" && s.substr(i - 3, 3) != "何")) return false;
  for (std::string_view k : {"十", "百", "千"})
    if (s.compare(i, k.size(), k) == 0) return true;
  return false;
}

// What the character at byte i may start, decided on the character alone: most
// characters of a notice start nothing.
enum class Start { nothing, numeral, qualifier };
// The three-byte character at byte i as a code point; 0 when none starts there.
char32_t three_byte_char(std::string_view s, std::size_t i) {
  if (i + 3 > s.size() || (static_cast<unsigned char>(s[i]) & 0xF0) != 0xE0) return 0;
  return (char32_t(s[i] & 0x0F) << 12) | (char32_t(s[i + 1] & 0x3F) << 6) | char32_t(s[i + 2] & 0x3F);
}

// Whether a numeral may hold the (three-byte) character c besides digits.
bool in_numeral(char32_t c) {
  switch (c) {
    case U'〇': case U'零': case U'一': case U'二': case U'三': case U'四': case U'五': case U'六': case U'七':
    case U'八': case U'九': case U'十': case U'百': case U'千': case U'万': case U'億': case U'兆':
      return true;
    default:
      return false;
  }
}

// True when the character ending at byte i belongs to a numeral (so i is inside one).
bool inside_numeral(std::string_view s, std::size_t i) {
  if (i == 0) return false;
  const char c = s[i - 1];
  if (is_digit(c)) return true;
  if (c == ',' || c == '.') return i >= 2 && is_digit(s[i - 2]);  // 「1,234」 but not 「...1,191件」
  if (i < 3 || (s[i - 2] & 0xC0) != 0x80 || (s[i - 1] & 0xC0) != 0x80) return false;
  return in_numeral(three_byte_char(s, i - 3));
}

// One bit per code point of the Basic Multilingual Plane: set for the characters below.
constexpr auto kStartBits = [] {
  std::array<std::uint64_t, 1024> bits{};
  for (char32_t c : {U'〇', U'零', U'一', U'二', U'三', U'四', U'五', U'六', U'七', U'八', U'九', U'十', U'百', U'千',
                     U'約', U'お', U'最', U'合', U'計', U'総', U'延', U'う'})
    bits[c >> 6] |= std::uint64_t{1} << (c & 63);
  return bits;
}();
Start may_start(std::string_view s, std::size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return is_digit(char(b)) ? Start::numeral : Start::nothing;
  if (b != 0xE3 && !(b >= 0xE4 && b <= 0xE9)) return Start::nothing;
  const char32_t c = three_byte_char(s, i);
  if (!c || !((kStartBits[c >> 6] >> (c & 63)) & 1)) return Start::nothing;
  switch (c) {
    case U'〇': case U'零': case U'一': case U'二': case U'三': case U'四': case U'五': case U'六': case U'七':
    case U'八': case U'九': case U'十': case U'百': case U'千':
      return Start::numeral;
    case U'約': case U'お': case U'最': case U'合': case U'計': case U'総': case U'延': case U'う':
      return Start::qualifier;
    default:
      return Start::nothing;
  }
}

// Where the run of characters a numeral may hold (digits, ',', '.', spaces and the kanji
// numerals) starting at byte i ends.
std::size_t numeral_run_end(std::string_view s, std::size_t i) {
  for (;;) {
    if (i < s.size() && (is_digit(s[i]) || s[i] == ',' || s[i] == '.' || s[i] == ' ')) {
      ++i;
      continue;
    }
    if (!in_numeral(three_byte_char(s, i))) return i;
    i += 3;
  }
}

// Whether a numeral whose run of numeral characters ends at byte i can be followed by a
// counter, decided without the parser: a counter comes right after the numeral (a space
// and 余 may come between), and no counter begins with a character a numeral may hold, so
// it begins where the run ends (or after a 余 there). Most numbers of a notice (dates,
// times, phone numbers) fail here and are never parsed.
bool may_precede_counter(std::string_view s, std::size_t i) {
  if (three_byte_char(s, i) == U'余') i += 3;
  // The first characters of the counters (quantity_def.hpp).
  switch (three_byte_char(s, i)) {
    case U'人': case U'名': case U'件': case U'社': case U'通': case U'校': case U'台': case U'本': case U'枚':
    case U'個': case U'世': case U'団': case U'ア': case U'箇': case U'か': case U'カ': case U'店': case U'法':
    case U'口': case U'機': case U'自': case U'施': case U'フ': case U'レ':
      return true;
    default:
      return false;
  }
}

}  // namespace

std::vector<std::string> counter_words() {
  std::vector<std::string> words;
  parser::detail::counters.for_each([&](const std::string& word, const std::string&) { words.push_back(word); });
  return words;
}

namespace {

// Parses a quantity at byte i; on success appends it and returns its end, else 0.
std::size_t parse_at(std::string_view text, std::size_t i, std::vector<Quantity>& found) {
  Quantity q;
  auto first = text.begin() + std::ptrdiff_t(i);
  if (!boost::spirit::x3::parse(first, text.end(), parser::quantity, q)) return 0;
  q.begin = i;
  q.end = std::size_t(first - text.begin());
  found.push_back(std::move(q));
  return found.back().end;
}

// Every character of the text is a candidate, in order; a quantity found skips the
// characters it covers. The reference for find_quantities.
std::vector<Quantity> scan_every_candidate(std::string_view text) {
  std::vector<Quantity> found;
  for (std::size_t i = 0; i < text.size();) {
    const Start start = may_start(text, i);
    const bool candidate = start == Start::qualifier ? starts_qualifier(text, i)
                                                     : start == Start::numeral && !inside_numeral(text, i) && !vague(text, i);
    if (const std::size_t end = candidate ? parse_at(text, i, found) : 0) {
      i = end;
      continue;
    }
    i += char_length(static_cast<unsigned char>(text[i]));
  }
  return found;
}

// The characters a numeral starts with (quantity_def.hpp).
constexpr CharSkip kNumeralStarts{"0123456789", {U'〇', U'零', U'一', U'二', U'三', U'四', U'五', U'六', U'七', U'八',
                                                 U'九', U'十', U'百', U'千'}};

// The first byte at or after i where a numeral starts, or text.size(). Numerals are rare
// in prose, so this mostly skips.
std::size_t next_numeral(std::string_view text, std::size_t i) { return kNumeralStarts.next(text, i); }

// The longest chain of qualifiers the grammar reads before a numeral: three, each with a
// space after it.
constexpr std::size_t kMaxQualifierChain = [] {
  std::size_t longest = 0;
  for (std::string_view w : kPrefixes) longest = std::max(longest, w.size());
  return 3 * (longest + 1);
}();

// What scan_every_candidate finds, without trying most characters. Every quantity holds a
// numeral, so the scan goes from numeral to numeral: before each, only the qualifiers
// close enough for a chain of them to reach it can start a quantity (any other parse needs
// a numeral in between, and there is none); then the numeral itself, parsed only when a
// counter can follow it. When none can, no quantity holds the numeral, whether it starts
// at the numeral or at a qualifier before it; nor does one hold any numeral of the same
// run (they all end where it ends), which holds no qualifier: the scan goes on after the
// run.
std::vector<Quantity> scan_numerals(std::string_view text) {
  std::vector<Quantity> found;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = next_numeral(text, i);
    if (at >= text.size()) break;
    const bool inside = inside_numeral(text, at);
    if (!inside) {
      const std::size_t run_end = numeral_run_end(text, at);
      if (!may_precede_counter(text, run_end)) {
        i = run_end;
        continue;
      }
    }
    std::size_t q = std::max(i, at - std::min(at, kMaxQualifierChain));
    while (q < at && (static_cast<unsigned char>(text[q]) & 0xC0) == 0x80) ++q;  // to a character's start
    std::size_t end = 0;
    for (; q < at && !end; q += char_length(static_cast<unsigned char>(text[q])))
      if (may_start(text, q) == Start::qualifier && starts_qualifier(text, q)) end = parse_at(text, q, found);
    if (!end && !inside && !vague(text, at)) end = parse_at(text, at, found);
    i = end ? end : at + char_length(static_cast<unsigned char>(text[at]));
  }
  return found;
}

}  // namespace

std::vector<Quantity> find_quantities(std::string_view text) { return scan_numerals(text); }
std::vector<Quantity> find_quantities_unfiltered(std::string_view text) { return scan_every_candidate(text); }

}  // namespace shiwake::grammar
