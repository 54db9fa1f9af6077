// Tests for engine/import_blog: title recognition on small synthetic pages, repost
// merging, stable ids, and the corpus round trip (corpus/pages -> corpus/notices.jsonl).
#include "engine/import_blog.hpp"
#include "tests/support.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace shiwake::engine;

namespace {

std::vector<std::string> titles(const std::vector<Notice>& notices) {
  std::vector<std::string> out;
  for (const auto& n : notices) out.push_back(n.title);
  return out;
}

// Two posts with a series marker, a plain post after page furniture, a plain post under a
// header spacer line, section headings, list items and a caption that must stay inside.
const char* const kPage =
    "【週報#2031-001】架空商事株式会社 顧客名簿の誤送付について\n"  // 1
    "\n"
    "架空商事株式会社\n"  // 3: publisher line in the header
    "\xC2\xA0\n"          // 4: spacer
    "\n"
    "当社は顧客名簿を別の取引先へ誤って送付しました。\n"  // 6
    "\n"
    "1.経緯\n"  // 8: numbered heading
    "\n"
    "送付先の確認を怠りました。\n"
    "\n"
    "今後の対応\n"  // 12: plain section heading, one blank line below
    "\n"
    "再発防止に努めます。\n"
    "\n"
    "リリース文アーカイブ\n"  // 16: furniture, dropped
    "\n"
    "湖のほとりで過ごす週末\n"  // 18: after furniture -> a title
    "\n"
    "\n"
    "湖のほとりに小さな宿がある。週末はそこで過ごした。\n"
    "\n"
    "湖畔の朝\n"  // 23: a short caption repeating the post's words, two blank lines below
    "\n"
    "\n"
    "朝の湖は静かだった。\n"
    "\n"
    "【週報#2031-002】架空大学 学生情報を含むUSBメモリの紛失\n"  // 28
    "\n"
    "\n"
    "本学職員がUSBメモリを紛失しました。\n";

}  // namespace

TEST_CASE("a synthetic page splits at titles only") {
  auto notices = split_blog_page(kPage, "page.txt");
  REQUIRE(titles(notices) == std::vector<std::string>{
                                 "【週報#2031-001】架空商事株式会社 顧客名簿の誤送付について",
                                 "湖のほとりで過ごす週末",
                                 "【週報#2031-002】架空大学 学生情報を含むUSBメモリの紛失",
                             });
  CHECK(notices[0].source_file == "page.txt");
  CHECK(notices[0].source_line == 1);
  CHECK(notices[1].source_line == 18);
  CHECK(notices[2].source_line == 28);
  // Body: publisher line kept, spacer and furniture gone, blank runs collapsed.
  CHECK(notices[0].text ==
        "架空商事株式会社\n\n当社は顧客名簿を別の取引先へ誤って送付しました。\n\n1.経緯\n\n"
        "送付先の確認を怠りました。\n\n今後の対応\n\n再発防止に努めます。");
  CHECK(notices[1].text == "湖のほとりに小さな宿がある。週末はそこで過ごした。\n\n湖畔の朝\n\n朝の湖は静かだった。");
  CHECK(notices[2].text == "本学職員がUSBメモリを紛失しました。");
}

TEST_CASE("a topic shift under a single blank line starts a post; a section heading does not") {
  const char* page =
      "【週報#2031-003】架空運輸 サーバーへの不正アクセスについて\n"
      "\n"
      "当社サーバーが不正アクセスを受けました。\n"
      "\n"
      "不正アクセスの経緯と当社サーバーの対応について\n"  // repeats the post's words
      "\n"
      "サーバーを停止し調査しています。\n"
      "\n"
      "ブラウザ拡張機能「Kuroneko」で作る読書メモ\n"  // new words, used below
      "\n"
      "Kuroneko は読書メモを作るブラウザ拡張機能です。Kuroneko の読書メモは拡張機能の画面から作れます。\n";
  auto notices = split_blog_page(page, "p.txt");
  REQUIRE(notices.size() == 2);
  CHECK(notices[1].title == "ブラウザ拡張機能「Kuroneko」で作る読書メモ");
  CHECK(notices[0].text.find("不正アクセスの経緯と当社サーバーの対応について") != std::string::npos);
}

TEST_CASE("ids come from the title alone") {
  auto notices = split_blog_page(kPage, "page.txt");
  CHECK(notices[1].id == derived_id("湖のほとりで過ごす週末"));
  // Another body under the same title keeps the id.
  auto again = split_blog_page("湖のほとりで過ごす週末\n\n\nまったく別の本文。\n", "other.txt");
  REQUIRE(again.size() == 1);
  CHECK(again[0].id == notices[1].id);
}

TEST_CASE("reposts merge into the first occurrence; a different text under a known title is kept") {
  std::vector<Notice> all;
  merge_notices(all, split_blog_page(kPage, "a.txt"));
  REQUIRE(all.size() == 3);

  // The same post again, re-wrapped, and a shortened copy of another one.
  const char* repost =
      "【週報#2031-002】架空大学 学生情報を含むUSBメモリの紛失\n"
      "\n"
      "\n"
      "本学職員が USBメモリを\n紛失しました。\n"
      "\n"
      "湖のほとりで過ごす週末\n"
      "\n"
      "\n"
      "湖のほとりに小さな宿がある。\n";
  merge_notices(all, split_blog_page(repost, "b.txt"));
  REQUIRE(all.size() == 3);
  CHECK(all[2].also_in == std::vector<std::string>{"b.txt:1"});
  CHECK(all[1].also_in == std::vector<std::string>{"b.txt:7"});
  CHECK(all[1].source_file == "a.txt");

  const char* different = "湖のほとりで過ごす週末\n\n\n山の話をします。\n";
  merge_notices(all, split_blog_page(different, "c.txt"));
  REQUIRE(all.size() == 4);
  CHECK(all[3].text == "山の話をします。");
  CHECK(all[3].id != all[1].id);
}

TEST_CASE("import_blog reports unreadable and binary pages and goes on") {
  auto dir = shiwake::test::temp_path("shiwake_test_import_blog");
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "bin.txt", std::ios::binary) << std::string("a\0b", 3);
    std::ofstream(dir / "page.txt", std::ios::binary) << kPage;
  }
  auto result = import_blog({(dir / "missing.txt").string(), (dir / "bin.txt").string(), (dir / "page.txt").string()});
  REQUIRE(result.errors.size() == 2);
  CHECK(result.errors[0].message == "no such file");
  CHECK(result.errors[1].message.find("binary") != std::string::npos);
  CHECK(result.notices.size() == 3);
  CHECK(result.notices[0].source_file == "page.txt");
  std::filesystem::remove_all(dir);
}

TEST_CASE("corpus: re-importing corpus/pages gives corpus/notices.jsonl byte for byte") {
  const std::filesystem::path root = SHIWAKE_SOURCE_DIR;
  std::vector<std::string> pages;
  for (const auto& entry : std::filesystem::directory_iterator(root / "corpus" / "pages"))
    if (entry.path().extension() == ".txt") pages.push_back(entry.path().string());
  std::sort(pages.begin(), pages.end());
  REQUIRE(pages.size() == 5);

  auto result = import_blog(pages);
  CHECK(result.errors.empty());
  std::string produced;
  for (const auto& n : result.notices) produced += notice_to_json(n) + "\n";

  std::ifstream in(root / "corpus" / "notices.jsonl", std::ios::binary);
  std::stringstream committed;
  committed << in.rdbuf();
  CHECK(result.notices.size() == 54);
  CHECK(produced == committed.str());
}

TEST_CASE("corpus: notices.jsonl reads back through NoticeReader without errors") {
  NoticeReader reader({std::string(SHIWAKE_SOURCE_DIR) + "/corpus/notices.jsonl"});
  std::size_t notices = 0, errors = 0, merged = 0;
  while (auto item = reader.next()) {
    if (auto* n = std::get_if<Notice>(&*item)) {
      ++notices;
      CHECK(n->id == derived_id(n->title));
      CHECK(n->source_line > 0);
      merged += !n->also_in.empty();
    } else {
      ++errors;
    }
  }
  CHECK(notices == 54);
  CHECK(errors == 0);
  CHECK(merged == 8);  // page 002 reposts eight notices of page 001
}
