// Field value conversion, the 统一社会信用代码 and waste-code checks, and the CSV reader.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/ingest/csv.hpp"
#include "engine/ingest/values.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

using ingest::Check;
using ingest::Value;

TEST(Uscc, KnownCodes) {
  // Published examples of real codes.
  EXPECT_TRUE(ingest::valid_uscc("91350100M000100Y43"));
  EXPECT_TRUE(ingest::valid_uscc("91110000802100433B"));
  EXPECT_FALSE(ingest::valid_uscc("91350100M000100Y44"));
  EXPECT_FALSE(ingest::valid_uscc("91350100M000100Y4"));
  EXPECT_FALSE(ingest::valid_uscc("91350100I000100Y43"));  // I is not in the character set
  EXPECT_EQ(ingest::uscc_check_char("91350100M000100Y4"), '3');
}

TEST(WasteCode, Ranges) {
  for (const char* ok : {"HW01", "HW08", "HW40", "HW45", "HW50"}) EXPECT_TRUE(ingest::valid_waste_code(ok)) << ok;
  for (const char* bad : {"HW00", "HW41", "HW44", "HW51", "hw08", "HW8", "HW080", "900-041-49"})
    EXPECT_FALSE(ingest::valid_waste_code(bad)) << bad;
}

TEST(Convert, Booleans) {
  for (const char* t : {"true", "TRUE", "是", "1"}) EXPECT_EQ(ingest::parse_bool(t), true) << t;
  for (const char* t : {"false", "False", "否", "0"}) EXPECT_EQ(ingest::parse_bool(t), false) << t;
  for (const char* t : {"yes", "2", "对"}) EXPECT_FALSE(ingest::parse_bool(t)) << t;
}

TEST(Convert, EmptyIsMissingNeverZero) {
  Value v;
  v.set_int(5);
  EXPECT_EQ(ingest::convert_text(field("x", dsl::model::Type::of(Kind::double_)), Check::none, "", v), "");
  EXPECT_TRUE(v.is_null());
}

TEST(Convert, Numbers) {
  Value v;
  auto f = field("x", dsl::model::Type::of(Kind::int_));
  EXPECT_EQ(ingest::convert_text(f, Check::none, "-42", v), "");
  EXPECT_EQ(v.i, -42);
  EXPECT_THAT(ingest::convert_text(f, Check::none, "99999999999999999999", v), ::testing::HasSubstr("out of the integer range"));
  auto d = field("x", dsl::model::Type::of(Kind::double_));
  EXPECT_EQ(ingest::convert_text(d, Check::none, "1.5e3", v), "");
  EXPECT_DOUBLE_EQ(v.d, 1500);
  EXPECT_THAT(ingest::convert_text(d, Check::none, "nan", v), ::testing::HasSubstr("not a number"));
  EXPECT_THAT(ingest::convert_text(d, Check::none, "1,5", v), ::testing::HasSubstr("not a number"));
}

TEST(Convert, Dates) {
  Value v;
  auto f = field("x", dsl::model::Type::of(Kind::date));
  EXPECT_EQ(ingest::convert_text(f, Check::none, "2024-02-29", v), "");
  EXPECT_THAT(ingest::convert_text(f, Check::none, "2023-02-29", v), ::testing::HasSubstr("not a date that exists"));
  EXPECT_THAT(ingest::convert_text(f, Check::none, "2023/02/01", v), ::testing::HasSubstr("YYYY-MM-DD"));
}

struct Rows {
  std::vector<std::pair<std::uint32_t, std::vector<std::string>>> rows;
  ingest::CsvParser::RowFn fn() {
    return [this](std::uint32_t line, std::span<const std::string_view> f) {
      rows.emplace_back(line, std::vector<std::string>(f.begin(), f.end()));
    };
  }
};

TEST(Csv, SameRowsWhateverTheChunking) {
  std::string text = "\xEF\xBB\xBF" "a,b\n\"x,1\",\"多\n行\"\n\n3, 4 \r\n\"q\"\"q\",\n";
  Rows whole;
  {
    ingest::CsvParser p(whole.fn());
    ASSERT_TRUE(p.feed(text));
    ASSERT_TRUE(p.finish());
  }
  ASSERT_EQ(whole.rows.size(), 4u);
  EXPECT_EQ(whole.rows[0].second, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(whole.rows[1].second, (std::vector<std::string>{"x,1", "多\n行"}));
  EXPECT_EQ(whole.rows[2].first, 5u);
  EXPECT_EQ(whole.rows[2].second, (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(whole.rows[3].second, (std::vector<std::string>{"q\"q", ""}));
  for (std::size_t step : {1u, 2u, 3u, 7u}) {
    Rows bits;
    ingest::CsvParser p(bits.fn());
    for (std::size_t i = 0; i < text.size(); i += step) ASSERT_TRUE(p.feed(std::string_view(text).substr(i, step)));
    ASSERT_TRUE(p.finish());
    EXPECT_EQ(bits.rows, whole.rows) << "chunk size " << step;
  }
}

TEST(Csv, LastRowWithoutNewlineAndErrors) {
  Rows r;
  ingest::CsvParser p(r.fn());
  ASSERT_TRUE(p.feed("a,b\n1,2"));
  ASSERT_TRUE(p.finish());
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[1].first, 2u);

  Rows r2;
  ingest::CsvParser q(r2.fn());
  EXPECT_FALSE(q.feed("a,b\n1,\"2\"x\n"));
  EXPECT_EQ(q.error_line(), 2u);
  EXPECT_EQ(q.error_column(), 6u);
}

}  // namespace
}  // namespace eco::engine::testing
