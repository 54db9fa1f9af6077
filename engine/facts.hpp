// Facts read from the text by the quantity and date grammars (the affected count, the
// published and discovered dates) and the JNSA damage estimate. Entry points:
// read_text_facts, jnsa_damage. Tests: tests/test_facts.cpp and the corpus fact figures.
#pragma once

#include "engine/compiled.hpp"
#include "engine/notice.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

namespace shiwake::engine::detail {

void read_text_facts(const CompiledPack& pack, const ScratchState& s, const Notice& notice, Facts& facts);

// The words that tie a date to a discovery (判明, 発覚, 確認…), normalized. The compiler
// adds them to the scan (CompiledPack::discovery_word_sets); the facts read their hits.
const std::vector<std::string_view>& discovery_words();

// Where the sentence the facts read from byte `pos` of s ends: at a line break, ! or ?
// (excluded), after 。, or kMaxSentenceBytes on. Exposed for tests.
std::size_t facts_sentence_end(std::string_view s, std::size_t pos);

// E = V x affected with V = 500 x (10^(x-1) + 5^(y-1)) x I (TAXONOMY.md); nullopt when
// the count is unknown.
std::optional<double> jnsa_damage(const std::vector<const DataTypeDef*>& exposed, std::optional<double> affected);

}  // namespace shiwake::engine::detail
