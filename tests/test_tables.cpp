// Tables that line up: display width and fitting of Japanese text (engine/text_width.hpp),
// the `classify --format table` columns at 100 columns on the corpus, and CSV quoting of
// `classify --format csv` read back with an RFC 4180 reader.
#include "engine/text_width.hpp"
#include "tests/command.hpp"

#include <doctest/doctest.h>

#include <sstream>
#include <vector>

using shiwake::engine::display_width;
using shiwake::engine::fit;
using shiwake::engine::fit_title;
using namespace shiwake::test;

TEST_CASE("display width counts East Asian wide and full-width characters as two columns") {
  struct Case {
    const char* text;
    std::size_t width;
  } cases[] = {
      {"", 0},
      {"abc", 3},
      {"漏えい", 6},                 // kanji and hiragana: Wide
      {"ＤＤｏＳ", 8},               // full-width Latin: Fullwidth
      {"ｶﾞｲﾄﾞ", 5},                  // half-width katakana (voiced mark is its own character): Halfwidth
      {"2023年7月", 9},
      {"「お詫び」", 10},            // CJK brackets: Wide
      {"…", 1},                      // Ambiguous: one column outside CJK locales
      {"e\xCC\x81", 1},              // e + combining acute: the mark takes no column
      {"a\xE2\x80\x8B" "b", 2},      // zero width space: a format character
      {"a\x1b" "b", 2},              // a control character draws nothing
      {"\xF0\x9F\x94\x92", 2},       // 🔒: Wide emoji
      {"\xFF" "a", 2},               // an ill-formed byte draws one replacement character
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    CHECK(display_width(c.text) == c.width);
  }
}

TEST_CASE("fit pads to the width, or cuts at a character boundary and ends in an ellipsis") {
  CHECK(fit("abc", 5) == "abc  ");
  CHECK(fit("abc", 3) == "abc");
  CHECK(fit("abcdef", 4) == "abc…");
  CHECK(fit("漏えい", 6) == "漏えい");
  CHECK(fit("漏えい", 8) == "漏えい  ");
  // 5 columns: two kanji (4) and the ellipsis (1).
  CHECK(fit("不正アクセス", 5) == "不正…");
  // 6 columns: two kanji take 4, the third would need 2 of the 1 left before the
  // ellipsis, so a space pads the column instead of overrunning it.
  CHECK(fit("不正アクセス", 6) == "不正… ");
  CHECK(fit("a\nb\tc", 5) == "a b c");
  CHECK(fit("a\x1b[31mb", 6) == "a[31mb");
  CHECK(fit("abc", 0) == "");
  CHECK(fit("", 2) == "  ");
  for (std::size_t w = 0; w < 30; ++w) {
    CAPTURE(w);
    for (const char* s : {"【セキュリティ事件簿#2023-268】鹿児島県日置市", "ＡＢＣ abc ｶﾀｶﾅ 漢字", "e\xCC\x81\xCC\x81x"})
      CHECK(display_width(fit(s, w)) == w);
  }
}

TEST_CASE("fit_title drops a leading 【…】 label only when the title does not fit") {
  CHECK(fit_title("【速報】不正アクセス", 20) == "【速報】不正アクセス");
  CHECK(fit_title("【セキュリティ事件簿#2023-268】鹿児島県日置市の市立校で", 20) == "鹿児島県日置市の市… ");
  CHECK(fit_title("【速報】 漏えい", 4) == "漏… ");
  CHECK(fit_title("【速報】", 3) == "【…");  // nothing after the label: cut as is
  CHECK(fit_title("不正アクセス【続報】", 6) == "不正… ");
}

TEST_CASE("classify --format table ends a list of categories that does not fit in +N") {
  CommandResult r = run_shiwake("classify --rules rules --format table --threads 1 corpus/notices.jsonl 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  // n-44551b69e96c is card-skimming, unauthorized-access and vulnerability-exploit.
  CHECK(r.out.find("n-44551b69e96c high          card-skimming +2 ") != std::string::npos);
}

namespace {

// The character at a display column of a line: what a terminal shows in that column, or
// "" when the column is the right half of a wide character.
std::string at_column(const std::string& line, std::size_t column) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < line.size();) {
    std::size_t len = 1;
    unsigned char b = line[i];
    if (b >= 0xF0) len = 4;
    else if (b >= 0xE0) len = 3;
    else if (b >= 0xC0) len = 2;
    std::string ch = line.substr(i, len);
    std::size_t cw = display_width(ch);
    if (column >= w && column < w + cw) return column == w ? ch : "";
    w += cw;
    i += len;
  }
  return " ";  // past the end of a trimmed line
}

// RFC 4180: fields separated by commas, quoted fields may hold commas, quotes ("") and
// line breaks. Returns the records.
std::vector<std::vector<std::string>> read_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records(1, std::vector<std::string>(1));
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    auto& field = records.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
      else if (c == '"') quoted = false;
      else field += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      records.back().emplace_back();
    } else if (c == '\n') {
      records.emplace_back(1);
    } else if (c != '\r') {
      field += c;
    }
  }
  if (records.back().size() == 1 && records.back()[0].empty()) records.pop_back();
  return records;
}

}  // namespace

TEST_CASE("classify --format table keeps its columns aligned within 100 columns on the corpus") {
  CommandResult r = run_shiwake("classify --rules rules --format table --threads 1 corpus/notices.jsonl 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  std::istringstream in(r.out);
  std::string line;
  std::size_t rows = 0;
  bool wide = false;
  while (std::getline(in, line)) {
    CAPTURE(line);
    CHECK(display_width(line) <= 100);
    if (line.rfind("---", 0) == 0) continue;
    ++rows;
    wide = wide || display_width(line) != line.size();
    // The columns start at 0, 15, 29 and 60: a separating space before each.
    CHECK(at_column(line, 14) == " ");
    CHECK(at_column(line, 28) == " ");
    CHECK(at_column(line, 59) == " ");
  }
  CHECK(rows == 55);  // the header and 54 notices
  CHECK(wide);        // the titles are Japanese: the check above measured wide text
}

TEST_CASE("classify --format csv quotes commas, quotes and line breaks so a reader gets the fields back") {
  TempDir dir;
  write_file(dir / "in.jsonl",
             R"({"id":"a,b","title":"カンマ, \"引用\" と\n改行","text":"顧客情報が漏えいしました"})" "\n"
             R"({"id":"plain","title":"普通のタイトル","text":"本文"})" "\n"
             "not json\n");
  CommandResult r = run_shiwake("classify --rules rules --format csv " + shell_quote((dir / "in.jsonl").string()) +
                                " 2>/dev/null");
  CHECK(r.exit_code == 2);  // one record in error
  auto records = read_csv(r.out);
  REQUIRE(records.size() == 4);
  for (const auto& rec : records) CHECK(rec.size() == 11);
  CHECK(records[0][0] == "id");
  CHECK(records[0][1] == "title");
  CHECK(records[1][0] == "a,b");
  CHECK(records[1][1] == "カンマ, \"引用\" と\n改行");
  CHECK(records[2][0] == "plain");
  CHECK(records[2][1] == "普通のタイトル");
  // The unreadable line: no id, the reason where the title goes, "error" as its severity.
  CHECK(records[3][0] == "");
  CHECK(records[3][1].find("in.jsonl:3") != std::string::npos);
  CHECK(records[3][4] == "error");
}
