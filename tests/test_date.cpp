// Tests for grammar/date*: a golden table of texts (mostly from the seed pages, run
// through the normalizer first, as the engine does) and their dates as ISO strings,
// year inference for month-days, calendar checks and hostile inputs.
#include <doctest/doctest.h>

#include <string>

#include "engine/normalize.hpp"
#include "grammar/date.hpp"

using shiwake::grammar::Date;
using shiwake::grammar::DateMatch;
using shiwake::grammar::find_dates;
using shiwake::grammar::to_iso;

namespace {

// "2024-02-29" per date; "*" marks an inferred year, "@" an era.
std::string dump_all(const std::string& raw, std::optional<Date> reference = Date{2024, 1, 15}) {
  const std::string text = shiwake::engine::normalize(raw).text();
  std::string out;
  for (const DateMatch& m : find_dates(text, reference)) {
    if (!out.empty()) out += " ";
    out += to_iso(m.date);
    if (m.year_inferred) out += "*";
    if (m.era) out += "@";
  }
  return out;
}

struct Golden {
  const char* input;
  const char* expected;  // with the reference date 2024-01-15
};

const Golden kGolden[] = {
    // from the seed pages
    {"2024年2月29日", "2024-02-29"},
    {"個人情報保護委員会 ... 2024/2/29", "2024-02-29"},
    {"2024-01-21", "2024-01-21"},
    {"2023 年 9 月 29 日", "2023-09-29"},
    {"2024 年1月 30 日", "2024-01-30"},
    {"令和6年3月 15 日", "2024-03-15@"},
    {"令和6年2月 29 日", "2024-02-29@"},
    {"令和5年12月27日", "2023-12-27@"},
    {"2025年02月22日", "2025-02-22"},
    {"2024/2/5 ", "2024-02-05"},
    {"2018年4月24日(火)に", "2018-04-24"},
    {"2022年11月11日~2023年1月13日の期間", "2022-11-11 2023-01-13"},
    {"(第 2 報) 2023 年 7 月 20 日", "2023-07-20"},
    {"研修当日の7月 12 日に", "2023-07-12*"},
    {"申込は6月 12 日に開始し、7月3日に締め切った", "2023-06-12* 2023-07-03*"},
    {"2 月 12 日(月)午後 7 時~14 日(水)", "2024-02-12*"},
    {"令和4年4月~令和5年8月まで", ""},  // year-month only
    // other written forms
    {"2024.2.29", "2024-02-29"},
    {"令和元年5月1日", "2019-05-01@"},
    {"平成31年4月30日", "2019-04-30@"},
    {"平成元年1月8日", "1989-01-08@"},
    {"昭和64年1月7日", "1989-01-07@"},
    {"R6.2.29", "2024-02-29@"},
    {"H31.4.30", "2019-04-30@"},
    {"R6/2/29", "2024-02-29@"},
    {"令和６年１月１日", "2024-01-01@"},
    {"２０２４／２／２９", "2024-02-29"},
    {"1.2018年4月24日", "2018-04-24"},
    // month-day inference around 2024-01-15
    {"12月20日", "2023-12-20*"},
    {"2月1日から再開", "2024-02-01*"},
    {"2月29日", "2024-02-29*"},
    {"4月20日", "2023-04-20*"},
    // not dates
    {"2023-02-29", ""},
    {"2023年2月29日", ""},  // nor its month-day part
    {"2024/13/1", ""},
    {"2024/2/30", ""},
    {"2024/2-29", ""},
    {"20240229", ""},
    {"v2024.2.29", ""},
    {"2024年2月", ""},
    {"ver2.1.3", ""},
    {"2o24年2月29日", ""},  // an OCR slip: no guessed year, and the month-day follows 年
    {"13月1日", ""},
    {"", ""},
};

}  // namespace

TEST_CASE("date: golden table") {
  for (const auto& g : kGolden) {
    const std::string input = g.input;
    CAPTURE(input);
    CHECK(dump_all(input) == g.expected);
  }
}

TEST_CASE("date: without a reference the first full date of the text is used") {
  CHECK(dump_all("7月3日に判明。2023年7月14日 公表", std::nullopt) == "2023-07-03* 2023-07-14");
  CHECK(dump_all("7月3日に判明", std::nullopt) == "");
  CHECK(dump_all("2月29日", Date{2023, 1, 15}) == "");  // no 2023-02-29, 2022 is too far back
}

TEST_CASE("date: byte ranges") {
  const std::string text = shiwake::engine::normalize("公表日 令和6年2月29日(木)").text();
  const auto ds = find_dates(text);
  REQUIRE(ds.size() == 1);
  CHECK(text.substr(ds[0].begin, ds[0].end - ds[0].begin) == "令和6年2月29日");
}

TEST_CASE("date: calendar") {
  using shiwake::grammar::is_valid;
  CHECK(is_valid(Date{2024, 2, 29}));
  CHECK(!is_valid(Date{2023, 2, 29}));
  CHECK(is_valid(Date{2000, 2, 29}));
  CHECK(!is_valid(Date{1900, 2, 29}));
  CHECK(!is_valid(Date{2024, 4, 31}));
  CHECK(!is_valid(Date{2024, 0, 1}));
  CHECK(shiwake::grammar::compare(Date{2024, 1, 2}, Date{2023, 12, 31}) > 0);
  CHECK(to_iso(Date{987, 3, 4}) == "0987-03-04");
}

TEST_CASE("date: long hostile inputs stay linear") {
  for (const std::string unit : {"1", "1/", "2024/", "r1.", "令和", "1月", "2024年"}) {
    std::string s;
    while (s.size() < 300000) s += unit;
    CAPTURE(unit);
    CHECK_NOTHROW(find_dates(s));
  }
  std::string bytes;
  for (int i = 0; i < 100000; ++i) bytes += char(i * 7919 % 256);
  CHECK_NOTHROW(find_dates(bytes));
}
