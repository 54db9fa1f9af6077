// Tests for engine/notice_io: the streaming reader over JSONL / .txt / folders, its error
// and warning records, UTF-8 repair, derived ids and the JSONL writer.
// Inputs: tests/data/notices/.
#include "engine/notice_io.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>
#include <unicode/utf8.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

using namespace shiwake;
using namespace shiwake::engine;

namespace {

const std::string kData = std::string(SHIWAKE_SOURCE_DIR) + "/tests/data/notices/";

std::vector<NoticeOrError> read_all(std::vector<std::string> inputs, std::istream* in = nullptr) {
  NoticeReader reader(std::move(inputs), in);
  std::vector<NoticeOrError> out;
  while (auto item = reader.next()) out.push_back(std::move(*item));
  return out;
}

const Notice& notice(const NoticeOrError& item) {
  REQUIRE(std::holds_alternative<Notice>(item));
  return std::get<Notice>(item);
}

const InputError& problem(const NoticeOrError& item) {
  REQUIRE(std::holds_alternative<InputError>(item));
  return std::get<InputError>(item);
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a JSONL file: good lines, malformed lines named by line, reading goes on") {
  auto items = read_all({kData + "mixed.jsonl"});
  REQUIRE(items.size() == 9);

  const Notice& first = notice(items[0]);
  CHECK(first.id == "a1");
  CHECK(first.title == "カード情報流出のお知らせ");
  CHECK(first.text == "不正アクセスにより漏えいしました。");
  CHECK(first.published == "2024-02-29");
  CHECK(first.source_file == kData + "mixed.jsonl");
  CHECK(first.source_line == 1);

  const Notice& derived = notice(items[1]);
  CHECK(derived.id == derived_id("no id here\nbody"));
  CHECK(derived.source_line == 2);

  const InputError& broken = problem(items[2]);
  CHECK(broken.level == Level::error);
  CHECK(broken.line == 3);
  CHECK(contains(broken.message, "malformed JSON"));
  // The offset points into line 3, past the 2 first lines.
  CHECK(broken.offset > first.title.size());

  // Line 4 is blank: skipped without a record.
  const InputError& array = problem(items[3]);
  CHECK(array.line == 5);
  CHECK(contains(array.message, "not a JSON object"));

  const InputError& number = problem(items[4]);
  CHECK(number.line == 6);
  CHECK(contains(number.message, "field \"text\" must be a string (got number)"));

  // Only a text: a warning naming "title", then the notice with an empty title.
  const InputError& no_title = problem(items[5]);
  CHECK(no_title.level == Level::warning);
  CHECK(no_title.line == 7);
  CHECK(contains(no_title.message, "\"title\""));
  CHECK(notice(items[6]).title.empty());
  CHECK(notice(items[6]).text == "body only");

  const InputError& neither = problem(items[7]);
  CHECK(neither.level == Level::error);
  CHECK(neither.line == 8);
  CHECK(neither.message == "missing fields \"title\" and \"text\"");

  CHECK(notice(items[8]).id == "last");
  CHECK(notice(items[8]).source_line == 9);
}

TEST_CASE("invalid UTF-8 is replaced with U+FFFD and reported with its byte offset") {
  auto items = read_all({kData + "bad_utf8.jsonl"});
  REQUIRE(items.size() == 2);
  const InputError& w = problem(items[0]);
  CHECK(w.level == Level::warning);
  CHECK(w.line == 1);
  // {"id":"u1","title":"bad  -> the 0xFF byte is at offset 24.
  CHECK(w.offset == 24);
  CHECK(contains(w.message, "U+FFFD"));
  CHECK(contains(w.message, "3 sequences"));
  const Notice& n = notice(items[1]);
  CHECK(n.title == "bad \xEF\xBF\xBD\xEF\xBF\xBD byte");
  CHECK(n.text == "ok \xEF\xBF\xBD cut");
}

TEST_CASE("repair_utf8 follows the maximal-subpart practice") {
  std::string s = "a\xE3\x81" "b\xF0\x9F\x98\x80" "c\xC0\xAF";
  auto bad = repair_utf8(s);
  CHECK(bad == std::vector<std::size_t>{1, 9, 10});
  CHECK(s == "a\xEF\xBF\xBD" "b\xF0\x9F\x98\x80" "c\xEF\xBF\xBD\xEF\xBF\xBD");
  std::string clean = "漏えい";
  CHECK(repair_utf8(clean).empty());
  CHECK(clean == "漏えい");
}

TEST_CASE("repair_utf8 reports exactly the sequences U8_NEXT rejects, on random bytes") {
  // Valid characters of every length and the edges of validity: overlong forms, surrogates,
  // past U+10FFFF, stray continuation bytes and sequences cut short.
  const std::vector<std::string> pieces{"a", "\n", "\xC3\xA9", "\xE3\x81\x82", "\xF0\x9F\x98\x80", "\xF4\x8F\xBF\xBF",
                                        "\xEF\xBF\xBE", "\xC0\xAF", "\xC1\xBF", "\xE0\x80\x80", "\xE0\x9F\xBF", "\xED\xA0\x80",
                                        "\xF0\x8F\xBF\xBF", "\xF4\x90\x80\x80", "\xF5\x80", "\xFF", "\x80", "\xBF", "\xE3\x81",
                                        "\xF0\x9F", "\xC3"};
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string s;
    for (int k = std::uniform_int_distribution<int>(0, 90)(rng); k > 0; --k)
      s += pieces[std::uniform_int_distribution<std::size_t>(0, pieces.size() - 1)(rng)];
    std::vector<std::size_t> expected;
    const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
    for (std::int32_t i = 0, n = static_cast<std::int32_t>(s.size()); i < n;) {
      const std::int32_t start = i;
      UChar32 c;
      U8_NEXT(p, i, n, c);
      if (c < 0) expected.push_back(static_cast<std::size_t>(start));
    }
    std::string repaired = s;
    REQUIRE(repair_utf8(repaired) == expected);
    CHECK(repair_utf8(repaired).empty());
  }
}

TEST_CASE("a .txt file is one notice: first non-blank line is the title") {
  auto items = read_all({kData + "one.txt"});
  REQUIRE(items.size() == 1);
  const Notice& n = notice(items[0]);
  CHECK(n.title == "件名の行");
  CHECK(n.text == "本文の一行目\n\n本文の二行目");
  CHECK(n.source_line == 3);
  CHECK(n.id == derived_id("件名の行\n本文の一行目\n\n本文の二行目"));
}

TEST_CASE("a .txt file with a NUL byte is a binary file: an error, no notice") {
  auto items = read_all({kData + "binary.txt", kData + "one.txt"});
  REQUIRE(items.size() == 2);
  const InputError& e = problem(items[0]);
  CHECK(e.level == Level::error);
  CHECK(e.line == 2);
  CHECK(e.offset == 16);
  CHECK(contains(e.message, "binary"));
  CHECK(notice(items[1]).title == "件名の行");
}

TEST_CASE("a folder: its *.jsonl and *.txt files, recursively, in sorted order") {
  auto items = read_all({kData + "folder"});
  REQUIRE(items.size() == 3);
  CHECK(notice(items[0]).title == "a title");
  CHECK(notice(items[1]).id == "f-b");
  CHECK(notice(items[2]).id == "f-c");
  CHECK(notice(items[2]).source_file == kData + "folder/sub/c.jsonl");
}

TEST_CASE("a missing input is an error record and the next input is still read") {
  auto items = read_all({kData + "does-not-exist.jsonl", kData + "folder/b.jsonl"});
  REQUIRE(items.size() == 2);
  CHECK(contains(problem(items[0]).message, "no such file"));
  CHECK(notice(items[1]).id == "f-b");
}

TEST_CASE("a record over the size bound is an error and the next line is read") {
  auto dir = shiwake::test::temp_path("shiwake_test_notice_io");
  std::filesystem::create_directories(dir);
  auto path = (dir / "huge.jsonl").string();
  {
    std::ofstream out(path, std::ios::binary);
    out << R"({"title":"huge","text":")" << std::string(kMaxRecordBytes, 'x') << "\"}\n";
    out << R"({"id":"after","title":"t","text":"b"})" << "\n";
  }
  auto items = read_all({path});
  REQUIRE(items.size() == 2);
  CHECK(problem(items[0]).line == 1);
  CHECK(contains(problem(items[0]).message, "record too large"));
  CHECK(notice(items[1]).id == "after");
  CHECK(notice(items[1]).source_line == 2);
  std::filesystem::remove_all(dir);
}

TEST_CASE("stdin is read as JSONL, CRLF line ends included") {
  std::istringstream in("{\"id\":\"s\",\"title\":\"t\",\"text\":\"b\"}\r\n{oops\r\n");
  auto items = read_all({"-"}, &in);
  REQUIRE(items.size() == 2);
  CHECK(notice(items[0]).id == "s");
  CHECK(notice(items[0]).source_file == "-");
  CHECK(problem(items[1]).source == "-");
  CHECK(problem(items[1]).line == 2);
}

TEST_CASE("notice_to_json writes one UTF-8 line and reads back the same notice") {
  Notice n;
  n.id = "n-0123456789ab";
  n.title = "【お詫び】\"個人情報\"の漏えい";
  n.text = "一行目\n二行目\t終わり";
  n.source_file = "001.txt";
  n.source_line = 12;
  n.also_in = {"002.txt:3"};
  std::string line = notice_to_json(n);
  CHECK(line ==
        R"({"id":"n-0123456789ab","title":"【お詫び】\"個人情報\"の漏えい","text":"一行目\n二行目\t終わり",)"
        R"("source_file":"001.txt","source_line":12,"also_in":["002.txt:3"]})");
  std::istringstream in(line + "\n");
  auto items = read_all({"-"}, &in);
  REQUIRE(items.size() == 1);
  const Notice& back = notice(items[0]);
  CHECK(back.id == n.id);
  CHECK(back.title == n.title);
  CHECK(back.text == n.text);
  CHECK(back.source_file == "001.txt");
  CHECK(back.source_line == 12);
  CHECK(back.also_in == n.also_in);
}

TEST_CASE("derived ids are short, stable and content-sensitive") {
  CHECK(derived_id("") == "n-cbf29ce48422");  // the FNV-1a 64 offset basis
  CHECK(derived_id("a").size() == 14);
  CHECK(derived_id("a") != derived_id("b"));
  CHECK(derived_id("漏えい") == derived_id("漏えい"));
}

TEST_CASE("deeply nested JSON in an ignored field is read without recursion trouble") {
  std::string deep = R"({"id":"d","title":"t","text":"b","extra":)" + std::string(200000, '[') +
                     std::string(200000, ']') + "}\n" + R"({"x":)" + std::string(200000, '[') + "\n";
  std::istringstream in(deep);
  auto items = read_all({"-"}, &in);
  REQUIRE(items.size() == 2);
  CHECK(notice(items[0]).id == "d");
  CHECK(problem(items[1]).line == 2);
}

TEST_CASE("well-formed records read the same whichever JSON reader takes them") {
  // Most records go to simdjson; the rest (below: 0 and -0 as source_line, nesting past
  // simdjson's depth limit) to nlohmann. Values must not depend on which.
  std::string records =
      R"({"title":"one","title":"two","text":"t","also_in":["a"],"also_in":["b","c"]})" "\n"
      R"({"title":"\u3042\ud83d\ude00\u0000x","text":"tab\tq\"\\/","id":"e","published":"2024-01-02"})" "\n"
      R"({"title":"s","text":"t","source_file":"f.jsonl","source_line":7,"extra":{"n":[1.5e5,null,true]}})" "\n"
      R"({"title":"s","text":"t","source_file":"f.jsonl","source_line":0})" "\n"
      R"({"title":"s","text":"t","source_line":-0})" "\n"
      R"({"title":"s","text":"t","source_line":4294967296})" "\n"
      R"({"title":"s","text":"t","source_file":"f","source_line":4294967295})" "\n"
      R"({"title":"s","text":"t","x":1e999})" "\n"
      R"({"title":"s","text":"t","also_in":["a",1]})" "\n"
      R"({"title":"s","text":"t","x":)" + std::string(2000, '[') + std::string(2000, ']') + "}\n";
  std::istringstream in(records);
  auto items = read_all({"-"}, &in);
  REQUIRE(items.size() == 10);
  CHECK(notice(items[0]).title == "two");
  CHECK(notice(items[0]).also_in == std::vector<std::string>{"b", "c"});
  CHECK(notice(items[0]).source_line == 1);
  CHECK(notice(items[1]).title == std::string("\xE3\x81\x82\xF0\x9F\x98\x80\0x", 9));
  CHECK(notice(items[1]).text == "tab\tq\"\\/");
  CHECK(notice(items[1]).published == "2024-01-02");
  CHECK(notice(items[2]).source_file == "f.jsonl");
  CHECK(notice(items[2]).source_line == 7);
  CHECK(notice(items[3]).source_line == 0);
  CHECK(contains(problem(items[4]).message, "source_line"));
  CHECK(contains(problem(items[5]).message, "source_line"));
  CHECK(notice(items[6]).source_line == 4294967295u);
  CHECK(contains(problem(items[7]).message, "malformed JSON"));
  CHECK(contains(problem(items[8]).message, "also_in"));
  CHECK(notice(items[9]).id == derived_id("s\nt"));

  std::istringstream again(records);
  NoticeReader slow({"-"}, &again);
  slow.use_fast_json(false);
  for (const NoticeOrError& item : items) {
    auto other = slow.next();
    REQUIRE(other);
    REQUIRE(other->index() == item.index());
    if (auto* n = std::get_if<Notice>(&item))
      CHECK(notice_to_json(*n) == notice_to_json(std::get<Notice>(*other)));
    else
      CHECK(std::get<InputError>(item).message == std::get<InputError>(*other).message);
  }
  CHECK(!slow.next());
}
