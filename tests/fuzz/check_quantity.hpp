// The fuzz check of the quantity grammar (grammar::find_quantities) over normalized text and
// over raw text: every quantity has a counter word, a finite value >= 0 and a byte range on
// code-point boundaries inside the text; quantities come left to right without overlap.
// Used by fuzz_quantity.cpp and replayed by tests/test_fuzz_replay.cpp.
#pragma once

#include "engine/normalize.hpp"
#include "engine/notice_io.hpp"
#include "grammar/quantity.hpp"
#include "tests/fuzz/finding.hpp"

#include <cmath>
#include <cstdint>
#include <string>

namespace shiwake::fuzz {

namespace detail {

inline bool on_boundary(const std::string& s, std::size_t at) {
  return at == s.size() || (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) != 0x80);
}

inline void check_quantities_in(const std::string& text) {
  std::size_t prev_end = 0;
  for (const grammar::Quantity& q : grammar::find_quantities(text)) {
    const std::string where = std::to_string(q.begin) + ".." + std::to_string(q.end);
    if (q.begin >= q.end || q.end > text.size()) finding("quantity", "a range outside the text", text, where);
    if (!on_boundary(text, q.begin) || !on_boundary(text, q.end)) finding("quantity", "a range inside a code point", text, where);
    if (q.begin < prev_end) finding("quantity", "overlapping or out of order", text, where);
    if (!std::isfinite(q.value) || q.value < 0) finding("quantity", "a value that is not a count", text, std::to_string(q.value));
    if (q.counter.empty()) finding("quantity", "a quantity without a counter word", text, where);
    prev_end = q.end;
  }
}

}  // namespace detail

inline void check_quantity(const std::uint8_t* data, std::size_t size) {
  std::string raw(reinterpret_cast<const char*>(data), size);
  engine::repair_utf8(raw);
  detail::check_quantities_in(engine::normalize(raw).text());
  detail::check_quantities_in(raw);
}

}  // namespace shiwake::fuzz
