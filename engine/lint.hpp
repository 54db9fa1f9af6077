// Lints a loaded rule pack: what is legal but almost surely not what the author meant.
// Entry point: lint_pack. Tests: tests/test_check.cpp (one-line assertions and the golden
// `shiwake check` output of tests/data/check/).
#pragma once

#include "engine/pack.hpp"

#include <vector>

namespace shiwake::engine {

// Warnings (Level::warning), in pack order:
// - a term written differently from what it matches after normalization (ＤＤｏＳ → ddos),
//   and a regex with an upper-case letter, which the case-folded text never holds;
// - two terms of a list that normalization makes identical;
// - a rule without tests, or without a match: or a no_match: example;
// - a list no condition uses;
// - a condition that can never hold ("a" and not "a", false and x, 2 of (x)).
std::vector<Diagnostic> lint_pack(const Pack& pack);

}  // namespace shiwake::engine
