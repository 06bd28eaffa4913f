// Internals of dsl/common: UTF-8 handling, line/column mapping, dates and the rendering of
// diagnostics (the caret must stay under the offending text, also after Chinese characters).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "dsl/common/date.hpp"
#include "dsl/common/diagnostic.hpp"
#include "dsl/common/source.hpp"
#include "dsl/common/utf8.hpp"

namespace eco::dsl {
namespace {

TEST(Utf8, FindsFirstInvalidByte) {
  EXPECT_FALSE(utf8::find_invalid("plain ascii").has_value());
  EXPECT_FALSE(utf8::find_invalid("焦化 coking").has_value());
  EXPECT_EQ(utf8::find_invalid("ab\xff" "cd"), 2u);
  EXPECT_EQ(utf8::find_invalid("焦\xe5\x8c"), 3u);        // truncated sequence at the end
  EXPECT_EQ(utf8::find_invalid("x\xc0\xaf"), 1u);         // overlong '/'
  EXPECT_EQ(utf8::find_invalid("\xed\xa0\x80"), 0u);      // UTF-16 surrogate
  EXPECT_FALSE(utf8::find_invalid("\xef\xbf\xbd").has_value());  // a real U+FFFD is fine
}

TEST(Utf8, CountsCharactersAndDisplayCells) {
  EXPECT_EQ(utf8::count_chars("介休市"), 3u);
  EXPECT_EQ(utf8::display_width("介休市"), 6u);
  EXPECT_EQ(utf8::display_width("a介b"), 4u);
  EXPECT_EQ(utf8::display_width("（全角）"), 8u);
  std::string s;
  utf8::append(s, U'焦');
  EXPECT_EQ(s, "焦");
}

TEST(SourceFile, LineAndCharacterColumn) {
  SourceFile f("x.rules", "ab\r\n焦化 x\nlast");
  EXPECT_EQ(f.line_count(), 3u);
  // "x" on line 2 is after two CJK characters (6 bytes) and a space.
  std::uint32_t off = static_cast<std::uint32_t>(std::string("ab\r\n焦化 ").size());
  LineCol lc = f.line_col(off);
  EXPECT_EQ(lc.line, 2u);
  EXPECT_EQ(lc.column, 4u);
  EXPECT_EQ(f.line_text(1), "ab");
  EXPECT_EQ(f.line_text(2), "焦化 x");
  EXPECT_EQ(f.line_text(3), "last");
}

TEST(Date, ParsesOnlyRealDays) {
  ASSERT_TRUE(parse_date("2022-10-31"));
  EXPECT_EQ(parse_date("1970-01-01")->days, 0);
  EXPECT_EQ(parse_date("2022-10-31")->days, 19296);  // the bench SPEC's constant
  EXPECT_TRUE(parse_date("2024-02-29"));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2022-13-01"));
  EXPECT_FALSE(parse_date("2022-1-01"));
  EXPECT_EQ(format_date(*parse_date("2022-01-01")), "2022-01-01");
}

TEST(Diagnostics, CaretLinesUpUnderChineseText) {
  SourceManager sm;
  std::string text = "message \"焦炉未完成\" + cokng\n";
  auto id = sm.add("t.rules", text);
  Diagnostics ds;
  auto begin = static_cast<std::uint32_t>(text.find("cokng"));
  ds.error("N002", {id, begin, begin + 5}, "unknown field 'cokng'");
  std::string out = render_text(sm, ds.items()[0]);
  // Column counts characters: m-e-s-s-a-g-e-space-quote-5 CJK-quote-space-plus-space = 18.
  EXPECT_NE(out.find("t.rules:1:19: error[N002]: unknown field 'cokng'\n"), std::string::npos) << out;
  // The five CJK characters take two cells each, so the caret sits 23 cells in.
  std::string caret_line = " " + std::string(1, ' ') + " | " + std::string(23, ' ') + "^~~~~\n";
  EXPECT_NE(out.find(caret_line), std::string::npos) << out;
}

TEST(Diagnostics, SortedDedupedAndCapped) {
  SourceManager sm;
  auto id = sm.add("t.rules", "a\nb\nc\n");
  Diagnostics ds(2);
  ds.error("P001", {id, 4, 5}, "third");
  ds.error("P001", {id, 0, 1}, "first");
  ds.warning("W001", {id, 2, 3}, "second");
  EXPECT_EQ(ds.items().size(), 2u);
  EXPECT_EQ(ds.dropped(), 1u);
  EXPECT_EQ(ds.error_count(), 2u);
  EXPECT_EQ(ds.warning_count(), 1u);
  ds.sort();
  EXPECT_EQ(ds.items()[0].message, "first");
  std::string all = render_text(sm, ds);
  EXPECT_NE(all.find("... and 1 more not shown"), std::string::npos);
  EXPECT_NE(all.find("2 errors, 1 warning generated"), std::string::npos);
}

TEST(Diagnostics, JsonCarriesPositions) {
  SourceManager sm;
  auto id = sm.add("t.rules", "x\n  焦y\n");
  Diagnostics ds;
  ds.error("N003", {id, 4, 7}, "unknown name").notes.push_back({"declared here", true, {id, 0, 1}});
  auto j = nlohmann::json::parse(render_json(sm, ds));
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["line"], 2);
  EXPECT_EQ(j["diagnostics"][0]["column"], 3);
  EXPECT_EQ(j["diagnostics"][0]["code"], "N003");
  EXPECT_EQ(j["diagnostics"][0]["notes"][0]["line"], 1);
  EXPECT_EQ(j["errors"], 1);
}

}  // namespace
}  // namespace eco::dsl
