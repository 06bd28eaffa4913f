// The HJ 212-2017 message reader: CRC16, frame, length and data segment.
#include "engine/ingest/hj212.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace hj = eco::engine::ingest::hj212;

namespace {

// Worked examples of the CRC found with the search tool:
//  - HJ 212-2017 Appendix C's example message (quoted with CRC 1C80 by several public HJ 212
//    libraries' tests, e.g. a C# Hj212Crc16 sample and Java T212Mapper tests);
//  - "##0178ST=32;CN=2011;...&&a9c1" from a public Java HJ 212 parser's parameterised CRC test.
constexpr std::string_view kAppendix =
    "QN=20160801085857223;ST=32;CN=1062;PW=100000;MN=010000A8900016F000169DC0;Flag=5;CP=&&"
    "RtdInterval=30&&";
constexpr std::string_view kRealtime =
    "ST=32;CN=2011;PW=123456;MN=0873HHMZWSLH02;CP=&&DataTime=20160103133030;060-Rtd=3.0943,060-"
    "Flag=N;"
    "011-Rtd=18.0412,011-Flag=N;001-Rtd=8.2137,001-Flag=N;B01-Rtd=10.9890,B01-Flag=N&&";

std::string frame(std::string_view seg) {
  char head[8], tail[8];
  std::snprintf(head, sizeof head, "##%04zu", seg.size());
  std::snprintf(tail, sizeof tail, "%04X", hj::crc16(seg));
  return std::string(head) + std::string(seg) + tail;
}

TEST(Hj212Crc, MatchesWorkedExamples) {
  EXPECT_EQ(hj::crc16(kAppendix), 0x1C80);
  EXPECT_EQ(kAppendix.size(), 101u);  // "##0101"
  EXPECT_EQ(hj::crc16(kRealtime), 0xA9C1);
  EXPECT_EQ(kRealtime.size(), 178u);  // "##0178"
  EXPECT_EQ(hj::crc16(""), 0xFFFF);
}

// The Appendix's algorithm bit by bit, as its text gives it: the register's high byte XOR the
// byte, then 8 shifts right, XOR 0xA001 when the bit shifted out is 1.
std::uint16_t appendix_crc16(std::string_view data) {
  unsigned r = 0xFFFF;
  for (unsigned char c : data) {
    r = (r >> 8) ^ c;
    for (int j = 0; j < 8; ++j) r = (r & 1) ? (r >> 1) ^ 0xA001u : r >> 1;
  }
  return static_cast<std::uint16_t>(r);
}

// crc16 takes eight bytes a step (and the rest one by one): every length from 0 to 300 and
// every byte value, against the bitwise algorithm.
TEST(Hj212Crc, EqualsTheBitwiseAlgorithmAtEveryLength) {
  EXPECT_EQ(appendix_crc16(kAppendix), 0x1C80);
  std::mt19937 rng(212);
  for (std::size_t n = 0; n <= 300; ++n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
    ASSERT_EQ(hj::crc16(s), appendix_crc16(s)) << "length " << n;
  }
  std::string all;
  for (int b = 255; b >= 0; --b) all += static_cast<char>(b);
  EXPECT_EQ(hj::crc16(all), appendix_crc16(all));
}

TEST(Hj212Parse, AppendixExampleParses) {
  hj::Message m;
  hj::ParseError e;
  ASSERT_TRUE(hj::parse_message("##0101" + std::string(kAppendix) + "1C80", m, e)) << e.message;
  EXPECT_EQ(m.qn, "20160801085857223");
  EXPECT_EQ(m.cn, "1062");
  EXPECT_EQ(m.mn, "010000A8900016F000169DC0");
  EXPECT_EQ(m.flag, "5");
  // Lower-case hex is the same CRC.
  EXPECT_TRUE(hj::parse_message("##0178" + std::string(kRealtime) + "a9c1", m, e)) << e.message;
  ASSERT_EQ(m.items.size(), 4u);
  EXPECT_EQ(m.items[0].code, "060");
  EXPECT_DOUBLE_EQ(*m.items[0].rtd, 3.0943);
  EXPECT_EQ(m.items[0].flag, "N");
}

TEST(Hj212Parse, HourlyValuesAndFlags) {
  std::string line = frame(
      "QN=20261001000000001;ST=31;CN=2061;PW=123456;MN=MN1;Flag=4;CP=&&DataTime=20261001010000;"
      "a21026-Avg=30.5,a21026-ZsAvg=33.1,a21026-Min=20,a21026-Max=40,a21026-Cou=1.5,a21026-Flag=M;"
      "a19001-Avg=10,a19001-Flag=N&&");
  hj::Message m;
  hj::ParseError e;
  ASSERT_TRUE(hj::parse_message(line, m, e)) << e.message;
  EXPECT_EQ(m.data_time, "20261001010000");
  ASSERT_EQ(m.items.size(), 2u);
  EXPECT_EQ(m.items[0].code, "a21026");
  EXPECT_DOUBLE_EQ(*m.items[0].avg, 30.5);
  EXPECT_DOUBLE_EQ(*m.items[0].zs_avg, 33.1);
  EXPECT_DOUBLE_EQ(*m.items[0].cou, 1.5);
  EXPECT_FALSE(m.items[0].rtd);
  EXPECT_EQ(m.items[0].flag, "M");
  EXPECT_EQ(m.items[1].flag, "N");
}

// Every value kind lands in its own slot, whatever the order, and the values of one pollutant
// code given in two places of CP are one item.
TEST(Hj212Parse, EveryValueKindInItsSlot) {
  std::string line = frame(
      "ST=31;CN=2061;MN=MN1;CP=&&DataTime=20261001010000;"
      "a21026-ZsMax=8,a21026-Rtd=1,a21026-Max=4,a21026-ZsMin=7,a21026-Min=3,a21026-Cou=5,"
      "a21026-ZsAvg=6,a21026-Avg=2;a19001-Avg=10;a21026-Flag=N&&");
  hj::Message m;
  hj::ParseError e;
  ASSERT_TRUE(hj::parse_message(line, m, e)) << e.message;
  ASSERT_EQ(m.items.size(), 2u);
  const hj::Item& it = m.items[0];
  EXPECT_EQ(it.code, "a21026");
  EXPECT_EQ(it.rtd, 1);
  EXPECT_EQ(it.avg, 2);
  EXPECT_EQ(it.min, 3);
  EXPECT_EQ(it.max, 4);
  EXPECT_EQ(it.cou, 5);
  EXPECT_EQ(it.zs_avg, 6);
  EXPECT_EQ(it.zs_min, 7);
  EXPECT_EQ(it.zs_max, 8);
  EXPECT_EQ(it.flag, "N");
  EXPECT_EQ(m.items[1].code, "a19001");
  EXPECT_EQ(m.items[1].avg, 10);
  EXPECT_EQ(m.items[1].flag, "");
}

// Suffixes that share a length or first letters with a value kind are not one.
TEST(Hj212Parse, NearMissValueKindsRefused) {
  for (std::string_view kind : {"avg", "AVG", "Avx", "Mix", "Mon", "Rtx", "Cox", "Abc", "ZsAvx",
                                "ZsMix", "ZsMon", "ZxAvg", "ZsRtd", "Zs", "Av", "Avgg", "Flg"}) {
    std::string line = frame("ST=31;CN=2061;MN=A;CP=&&DataTime=20260101000000;a21026-" +
                             std::string(kind) + "=1&&");
    hj::Message m;
    hj::ParseError e;
    EXPECT_FALSE(hj::parse_message(line, m, e)) << kind;
    EXPECT_EQ(e.code, hj::code::kSyntax) << kind;
    EXPECT_NE(e.message.find("unknown value kind"), std::string::npos) << kind << ": " << e.message;
  }
}

struct Bad {
  std::string line;
  std::string code;
  std::uint32_t column;
  std::string says;
};

TEST(Hj212Parse, RefusesWithCodeAndColumn) {
  std::string good = "##0101" + std::string(kAppendix) + "1C80";
  std::string hourly_no_time = frame("ST=31;CN=2061;MN=A;CP=&&a21026-Avg=1,a21026-Flag=N&&");
  std::vector<Bad> cases = {
      {"", hj::code::kFrame, 1, "header"},
      {"#0101" + std::string(kAppendix) + "1C80", hj::code::kFrame, 1, "header"},
      {"##01a1" + std::string(kAppendix) + "1C80", hj::code::kFrame, 3, "data length"},
      {"##0101" + std::string(kAppendix) + "1C81", hj::code::kCrc, 108, "1C80"},
      {"##0102" + std::string(kAppendix) + "1C80", hj::code::kLength, 3, "says 102"},
      {good.substr(0, 60), hj::code::kLength, 3, "truncated"},
      {"##0100" + std::string(kAppendix.substr(0, 100)) + "ZZZZ", hj::code::kFrame, 107,
       "hexadecimal"},
      {frame("ST=31;CN=2061;MN=A;XX=1;CP=&&DataTime=20260101000000&&"), hj::code::kSyntax, 26,
       "unknown field 'XX'"},
      {frame("ST=31;CN=2061;MN=A;CP=&&DataTime=20260230000000&&"), hj::code::kSyntax, 0,
       "not a time that exists"},
      {frame("ST=31;CN=2061;MN=A;CP=&&DataTime=20260101000000;a21026-Avg=1x,a21026-Flag=N&&"),
       hj::code::kSyntax, 0, "not a number"},
      {frame("ST=31;CN=2061;MN=A;CP=&&DataTime=20260101000000;a21026-Foo=1&&"), hj::code::kSyntax,
       0, "unknown value kind"},
      {frame("ST=31;CN=2061;MN=A;CP=&&DataTime=20260101000000;a21026-Avg=1;a21026-Avg=2&&"),
       hj::code::kSyntax, 0, "given twice"},
      {frame("ST=31;CN=2061;MN=A;CP=&&DataTime=20260101000000"), hj::code::kSyntax, 0, "end with"},
      {frame("ST=31;CN=2061;CP=&&DataTime=20260101000000&&"), hj::code::kSyntax, 0, "no MN"},
      {hourly_no_time, hj::code::kSyntax, 0, "without DataTime"},
      {std::string(hj::kMaxLine + 1, '#'), hj::code::kFrame, 0, "longer than any"},
  };
  for (const auto& c : cases) {
    hj::Message m;
    hj::ParseError e;
    EXPECT_FALSE(hj::parse_message(c.line, m, e)) << c.line;
    EXPECT_EQ(e.code, c.code) << c.line << ": " << e.message;
    if (c.column) {
      EXPECT_EQ(e.column, c.column) << c.line << ": " << e.message;
    }
    EXPECT_NE(e.message.find(c.says), std::string::npos) << e.message;
  }
}

}  // namespace
