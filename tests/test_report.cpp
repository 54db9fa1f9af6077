// `shiwake report`: the page's DOM (charts by id, one card per notice, marks, escaping),
// `--results`, and the page rendered in headless Chromium to a PNG, with the DOM dumped
// after its script ran and the filters driven through the URL hash.
// SHIWAKE_UPDATE_GOLDEN=1 also copies the screenshot to docs/report.png.
#include "tests/command.hpp"

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <vector>

using namespace shiwake::test;
namespace fs = std::filesystem;

namespace {

const std::string kSource = SHIWAKE_SOURCE_DIR;

std::size_t count(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
  return n;
}

std::vector<std::string> corpus_ids() {
  std::vector<std::string> ids;
  std::istringstream in(read_file(kSource + "/corpus/notices.jsonl"));
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) ids.push_back(nlohmann::json::parse(line).at("id").get<std::string>());
  return ids;
}

// The <article> element of a notice, from its opening tag to its end tag.
std::string card(const std::string& html, const std::string& id) {
  std::size_t at = html.find("data-id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  std::size_t begin = html.rfind("<article", at);
  return html.substr(begin, html.find("</article>", at) + 10 - begin);
}

// The results `classify` gives, by id: what the page must show.
std::map<std::string, nlohmann::json> classify(const std::string& rules, const std::string& input) {
  CommandResult r = run_shiwake("classify --rules " + rules + " " + input + " 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  std::map<std::string, nlohmann::json> by_id;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    auto j = nlohmann::json::parse(line);
    by_id[j.at("id").get<std::string>()] = j;
  }
  return by_id;
}

std::string chart(const std::string& html, const std::string& id) {
  std::size_t at = html.find("<svg id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  return html.substr(at, html.find("</svg>", at) + 6 - at);
}

// The page and its DOM checks shared by the file and the DOM Chromium dumps.
void check_corpus_page(const std::string& html) {
  for (const char* id : {"chart-categories", "chart-severity", "chart-reportable"}) {
    CAPTURE(id);
    CHECK(chart(html, id).find("<rect") != std::string::npos);
  }
  // The timeline has a bar per month that has notices.
  auto results = classify("rules", "corpus/notices.jsonl");
  std::set<std::string> months;
  std::size_t undated = 0;
  for (const auto& [id, r] : results) {
    const auto& published = r.at("facts").at("published");
    if (published.is_string()) months.insert(published.get<std::string>().substr(0, 7));
    else ++undated;
  }
  std::string timeline = chart(html, "chart-timeline");
  CHECK(count(timeline, "<rect") == months.size());
  for (const auto& m : months) CHECK(timeline.find("<title>" + m + ": ") != std::string::npos);
  CHECK(timeline.find(std::to_string(undated) + " without a published date") != std::string::npos);
  std::vector<std::string> ids = corpus_ids();
  REQUIRE(ids.size() == 54);
  CHECK(count(html, "<article class=\"card") == ids.size());
  for (const auto& id : ids) {
    CAPTURE(id);
    CHECK(count(html, "data-id=\"" + id + "\"") == 1);
  }
  // Every card shows its severity; the corpus has evidence to mark.
  CHECK(count(html, "<span class=\"chip sev sev-") == ids.size());
  CHECK(count(html, "<mark") > ids.size());
}

// Chromium, or "" when it is not installed. $SHIWAKE_CHROMIUM overrides.
std::string chromium() {
  if (const char* env = std::getenv("SHIWAKE_CHROMIUM"); env && *env) return env;
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    CommandResult r = run_command(std::string("command -v ") + name + " 2>/dev/null");
    if (r.exit_code == 0 && !r.out.empty()) return r.out.substr(0, r.out.find('\n'));
  }
  return "";
}

// Chromium headless with a fresh profile and no background traffic; `what` is
// --screenshot=FILE or --dump-dom. Bounded by `timeout` so a stuck browser fails the test.
CommandResult run_chromium(const std::string& browser, const std::string& what, const std::string& url,
                           const TempDir& dir) {
  static int runs = 0;
  fs::path profile = dir / ("profile-" + std::to_string(++runs));
  fs::create_directories(profile);
  return run_command("timeout 120 " + shell_quote(browser) +
                     " --headless --no-sandbox --disable-gpu --disable-quic --no-first-run"
                     " --disable-background-networking --disable-component-update --disable-sync"
                     " --hide-scrollbars --user-data-dir=" + shell_quote(profile.string()) +
                     " --window-size=1280,2000 " + what + " " + shell_quote(url) + " 2>/dev/null");
}

}  // namespace

TEST_CASE("report on the corpus: the charts and a card per notice") {
  TempDir dir;
  CommandResult r = run_shiwake("report --rules rules corpus/notices.jsonl -o " + shell_quote((dir / "r.html").string()) +
                                " 2>&1");
  CAPTURE(r.out);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("54 notices") != std::string::npos);
  std::string html = read_file(dir / "r.html");
  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(html.find("Noto Sans CJK JP") != std::string::npos);
  // Self-contained: nothing is fetched.
  // (Everything from notices is escaped, so any tag here is the page's own.)
  CHECK_FALSE(std::regex_search(html, std::regex(R"(<[a-z]+[^>]*\s(src|href)=)")));
  CHECK(html.find("<link") == std::string::npos);
  CHECK(html.find("url(") == std::string::npos);
  CHECK(html.find("@import") == std::string::npos);
  check_corpus_page(html);
}

TEST_CASE("report escapes what notices say, marks evidence at its code-point offsets and counts labels") {
  TempDir dir;
  CommandResult r = run_shiwake("report --rules tests/data/report/pack tests/data/report/notices.jsonl -o " +
                                shell_quote((dir / "r.html").string()) + " 2>&1");
  CAPTURE(r.out);
  REQUIRE(r.exit_code == 0);
  std::string html = read_file(dir / "r.html");
  // Nothing from a notice becomes markup.
  CHECK(count(html, "<script") == 1);  // the page's own
  CHECK(html.find("<img") == std::string::npos);
  std::string hostile = card(html, "hostile");
  REQUIRE_FALSE(hostile.empty());
  CHECK(hostile.find("<b>") == std::string::npos);
  CHECK(hostile.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark title=\"apology\">お詫び</mark>") !=
        std::string::npos);
  CHECK(hostile.find("A&lt;b&gt;&amp;&#39;&quot;<mark title=\"leak-words\">漏えい</mark>&lt;/b&gt;\n&lt;img src=x "
                     "onerror=alert(1)&gt;") != std::string::npos);
  CHECK(hostile.find("data-categories=\"leak\" data-severity=\"high\" data-reportable=\"0\"") != std::string::npos);
  CHECK(hostile.find("<span class=\"chip tag\">#apology</span>") != std::string::npos);
  // The facts the engine gave, as the card shows them.
  auto results = classify("tests/data/report/pack", "tests/data/report/notices.jsonl");
  for (const auto& [id, result] : results) {
    CAPTURE(id);
    const auto& published = result.at("facts").at("published");
    CHECK(card(html, id).find("<dt>published</dt><dd>" + (published.is_string() ? published.get<std::string>() : "–") +
                              "</dd>") != std::string::npos);
    CHECK(card(html, id).find("<dt>leak</dt><dd>" + result.at("facts").at("leak").get<std::string>() + "</dd>") !=
          std::string::npos);
  }
  std::string reported = card(html, "reported");
  CHECK(reported.find("data-reportable=\"1\"") != std::string::npos);
  CHECK(reported.find("<span class=\"chip rep\">reportable</span>") != std::string::npos);
  CHECK(reported.find("<mark title=\"leak-words\">流出</mark>") != std::string::npos);
  CHECK(card(html, "plain").find("<mark") == std::string::npos);
  // The charts count them: two leaks, two high, one informational, one reportable of three.
  CHECK(std::regex_search(html, std::regex(R"(<g class="bar category-leak" data-category="leak"><title>leak: 2</title>)")));
  CHECK(std::regex_search(html, std::regex(R"(<title>high: 2</title>)")));
  CHECK(std::regex_search(html, std::regex(R"(<title>informational: 1</title>)")));
  CHECK(html.find("1 of 3 notices (33%)") != std::string::npos);
}

TEST_CASE("report --results renders a results file, with the texts when the notices are given") {
  TempDir dir;
  std::string results = shell_quote((dir / "results.jsonl").string());
  REQUIRE(run_shiwake("classify --rules tests/data/report/pack tests/data/report/notices.jsonl -o " + results + " 2>/dev/null")
              .exit_code == 0);
  write_file(dir / "results.jsonl", read_file(dir / "results.jsonl") + "{\"not\": \"a result\"}\n");

  CommandResult alone = run_shiwake("report --results " + results + " -o - 2>/dev/null");
  CHECK(alone.exit_code == 2);  // the last line is not a result: listed, and the exit says so
  CHECK(count(alone.out, "<article class=\"card") == 3);
  CHECK(alone.out.find("<section id=\"unreadable\">") != std::string::npos);
  // Without the notices, the evidence is shown on its own.
  CHECK(card(alone.out, "hostile").find("<mark title=\"leak-words\">漏えい</mark>") != std::string::npos);
  CHECK(card(alone.out, "hostile").find("onerror") == std::string::npos);

  CommandResult with_text =
      run_shiwake("report --results " + results + " tests/data/report/notices.jsonl -o - 2>/dev/null");
  CHECK(card(with_text.out, "hostile").find("onerror=alert(1)&gt;") != std::string::npos);
}

TEST_CASE("report's timeline has a bar per month with notices, from the first month to the last") {
  TempDir dir;
  // Results with published dates set, read back with --results.
  auto results = classify("tests/data/report/pack", "tests/data/report/notices.jsonl");
  std::string jsonl;
  for (auto [id, r] : results) {
    if (id == "hostile") r["facts"]["published"] = "2024-02-29";
    if (id == "plain") r["facts"]["published"] = "2023-11-01";
    if (id == "reported") r["facts"]["published"] = nullptr;
    jsonl += r.dump() + "\n";
  }
  write_file(dir / "results.jsonl", jsonl);
  CommandResult r = run_shiwake("report --results " + shell_quote((dir / "results.jsonl").string()) + " -o - 2>/dev/null");
  REQUIRE(r.exit_code == 0);
  std::string timeline = chart(r.out, "chart-timeline");
  CHECK(count(timeline, "<rect") == 2);
  CHECK(timeline.find("<title>2023-11: 1</title>") != std::string::npos);
  CHECK(timeline.find("<title>2024-02: 1</title>") != std::string::npos);
  // The months between are on the axis, without bars.
  for (const char* month : {">2023-11<", ">2023-12<", ">2024-01<", ">2024-02<"}) CHECK(timeline.find(month) != std::string::npos);
  CHECK(timeline.find("1 without a published date") != std::string::npos);
}

TEST_CASE("report renders in headless Chromium: screenshot, and the DOM after its script ran") {
  std::string browser = chromium();
  if (browser.empty())
    FAIL("Chromium is not installed: the report test renders the page in it. Run `tools/setup --test` "
         "(Debian package chromium) or set SHIWAKE_CHROMIUM to a Chromium or Chrome executable.");
  TempDir dir;
  fs::path page = dir / "report.html", png = dir / "report.png";
  REQUIRE(run_shiwake("report --rules rules corpus/notices.jsonl -o " + shell_quote(page.string()) + " 2>/dev/null")
              .exit_code == 0);
  const std::string url = "file://" + page.string();

  run_chromium(browser, "--screenshot=" + shell_quote(png.string()), url, dir);
  REQUIRE_MESSAGE(fs::exists(png), "Chromium wrote no screenshot");
  std::string image = read_file(png);
  REQUIRE(image.size() > 24);
  CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  auto be32 = [&](std::size_t at) {
    return (unsigned char)image[at] << 24 | (unsigned char)image[at + 1] << 16 | (unsigned char)image[at + 2] << 8 |
           (unsigned char)image[at + 3];
  };
  CHECK(image.compare(12, 4, "IHDR") == 0);
  CHECK(be32(16) == 1280);
  CHECK(be32(20) == 2000);
  // A blank page of that size compresses to a few kB; charts, cards and text take far more.
  CHECK(image.size() > 100000);
  if (const char* update = std::getenv("SHIWAKE_UPDATE_GOLDEN"); update && std::string(update) == "1") {
    fs::create_directories(kSource + "/docs");
    fs::copy_file(png, kSource + "/docs/report.png", fs::copy_options::overwrite_existing);
  }

  CommandResult dom = run_chromium(browser, "--dump-dom", url, dir);
  REQUIRE(dom.exit_code == 0);
  check_corpus_page(dom.out);
  CHECK(dom.out.find("<span id=\"shown\">54 of 54 notices shown</span>") != std::string::npos);

  // The filters, set from the URL hash: only high-severity cards stay visible.
  CommandResult high = run_chromium(browser, "--dump-dom", url + "#severity=high", dir);
  REQUIRE(high.exit_code == 0);
  std::regex card_re(R"re(<article class="card[^"]*"[^>]*data-severity="([a-z]+)"[^>]*>)re");
  std::size_t shown = 0, hidden = 0;
  for (auto it = std::sregex_iterator(high.out.begin(), high.out.end(), card_re); it != std::sregex_iterator(); ++it) {
    bool is_hidden = it->str().find(" hidden") != std::string::npos;
    CHECK(is_hidden == ((*it)[1] != "high"));
    (is_hidden ? hidden : shown) += 1;
  }
  CHECK(shown + hidden == 54);
  CHECK(shown > 0);
  CHECK(hidden > 0);
  CHECK(high.out.find("<span id=\"shown\">" + std::to_string(shown) + " of 54 notices shown</span>") != std::string::npos);
}
