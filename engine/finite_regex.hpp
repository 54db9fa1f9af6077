// The strings a regex matches, when they are few: most regexes of a rule pack spell out
// variants (「(不正|不審)(アクセス|ログイン)」「(の)?管理番号」), and Vectorscan scans a
// literal far faster than a regex that must report where its match starts. The compiler
// (compile.cpp) scans such a regex as its strings. Tests: tests/test_finite_regex.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace shiwake::engine {

// Every string `regex` (Vectorscan syntax, UTF-8 mode, no flags) matches, sorted and
// distinct, when the regex is built only of characters, escaped punctuation, \n \t \r and
// \xHH below 0x80, groups ( ) and (?: ), alternation, ?, {n} and {n,m}, and classes of
// characters and small ASCII ranges; and when it matches at most `max_strings` strings,
// none empty. Anything else (., *, +, anchors, negated classes, \d, lazy quantifiers,
// options...) gives nullopt: the regex stays a regex.
std::optional<std::vector<std::string>> finite_language(std::string_view regex, std::size_t max_strings);

}  // namespace shiwake::engine
