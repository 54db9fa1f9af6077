// Evidence spans point into the ORIGINAL text: for every span the shipped pack reports on
// the corpus (rule evidence and the affected count's evidence), the original text of the
// span normalizes to a text holding what matched.
#include "engine/normalize.hpp"
#include "engine/notice_io.hpp"
#include "engine/shiwake.hpp"

#include <doctest/doctest.h>

namespace {

// The code points [start, end) of a UTF-8 string.
std::string code_points(const std::string& s, std::uint32_t start, std::uint32_t end) {
  std::size_t i = 0, cp = 0, from = s.size();
  while (i < s.size() && cp < end) {
    if (cp == start) from = i;
    unsigned char c = static_cast<unsigned char>(s[i]);
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    ++cp;
  }
  return from < s.size() ? s.substr(from, i - from) : "";
}

}  // namespace

TEST_CASE("every evidence span of the corpus run normalizes to what matched") {
  auto loaded = shiwake::engine::load_pack(std::string(SHIWAKE_SOURCE_DIR) + "/rules");
  std::vector<shiwake::Diagnostic> ds;
  auto c = shiwake::engine::Classifier::compile(std::move(loaded.pack), ds);
  REQUIRE(c);
  auto scratch = c->make_scratch();
  shiwake::engine::NoticeReader reader({std::string(SHIWAKE_SOURCE_DIR) + "/corpus/notices.jsonl"});
  unsigned spans = 0;
  while (auto next = reader.next()) {
    auto* n = std::get_if<shiwake::engine::Notice>(&*next);
    REQUIRE(n);
    auto r = c->classify(*n, scratch);
    auto check = [&](const shiwake::engine::Evidence& e) {
      const std::string& field = e.field == shiwake::grammar::ast::Field::title ? n->title : n->text;
      std::string original = code_points(field, e.start, e.end);
      CAPTURE(n->id);
      CAPTURE(e.matched);
      CAPTURE(original);
      CHECK(original == e.text);
      CHECK(shiwake::engine::normalize(original).text().find(e.matched) != std::string::npos);
      ++spans;
    };
    for (const auto& m : r.matches)
      for (const auto& e : m.evidence) check(e);
    for (const auto& e : r.facts.affected_evidence) check(e);
  }
  MESSAGE(spans << " evidence spans checked");
  CHECK(spans > 200);
}
