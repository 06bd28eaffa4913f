// The waiver index (engine/eval/waivers.hpp): which recorded waiver applies to a finding.
#include <gtest/gtest.h>

#include "engine/eval/waivers.hpp"

namespace {

using eco::engine::WaiverIndex;
using eco::engine::WaiverRow;

eco::dsl::Date day(const char* s) { return *eco::dsl::parse_date(s); }

eco::dsl::model::Rule rule(std::string id, std::vector<std::string> requirements = {}) {
  eco::dsl::model::Rule r;
  r.id = std::move(id);
  r.requirements = std::move(requirements);
  return r;
}

WaiverRow waiver(std::string id, std::string target, std::string subject, std::string from, std::string until,
                 std::string record = "") {
  return {std::move(id), std::move(target), std::move(subject), std::move(record), std::move(from), std::move(until),
          "晋环函〔2022〕1号", "市局"};
}

TEST(WaiverIndex, MatchesRuleOrRequirementSubjectAndRecordType) {
  WaiverIndex idx({waiver("W1", "AIR-03", "F1", "2022-01-01", "2023-06-30"),
                   waiver("W2", "REQ-7", "F2", "2022-01-01", "2023-06-30"),
                   waiver("W3", "AIR-03", "F3", "2022-01-01", "2023-06-30", "vehicle")});
  const auto air = rule("AIR-03", {"REQ-7"});
  auto w = idx.find(air, "facility", "F1", day("2023-01-01"));
  ASSERT_TRUE(w);
  EXPECT_EQ(w->id, "W1");
  EXPECT_EQ(w->legal_basis, "晋环函〔2022〕1号");
  EXPECT_EQ(w->approver, "市局");
  EXPECT_FALSE(w->expired);
  EXPECT_TRUE(idx.find(air, "facility", "F2", day("2023-01-01")));          // by requirement id
  EXPECT_FALSE(idx.find(rule("AIR-04"), "facility", "F1", day("2023-01-01")));  // another rule
  EXPECT_FALSE(idx.find(air, "facility", "F9", day("2023-01-01")));         // another subject
  EXPECT_FALSE(idx.find(air, "facility", "F3", day("2023-01-01")));         // another record type
  EXPECT_TRUE(idx.find(air, "vehicle", "F3", day("2023-01-01")));
}

TEST(WaiverIndex, ValidityDates) {
  WaiverIndex idx({waiver("W1", "R", "S", "2022-01-01", "2022-12-31")});
  EXPECT_FALSE(idx.find(rule("R"), "t", "S", day("2021-12-31")));  // not yet in force
  auto w = idx.find(rule("R"), "t", "S", day("2022-12-31"));       // its last day
  ASSERT_TRUE(w);
  EXPECT_FALSE(w->expired);
  w = idx.find(rule("R"), "t", "S", day("2023-01-01"));  // expired: still reported, as expired
  ASSERT_TRUE(w);
  EXPECT_TRUE(w->expired);
  EXPECT_EQ(w->valid_until, day("2022-12-31"));
  WaiverIndex bad({waiver("W2", "R", "S", "soon", "2030-01-01")});
  EXPECT_FALSE(bad.find(rule("R"), "t", "S", day("2023-01-01")));  // dates that do not parse never apply
}

TEST(WaiverIndex, PrefersAValidWaiverThenTheLongestRunning) {
  WaiverIndex idx({waiver("old", "R", "S", "2020-01-01", "2021-12-31"),
                   waiver("short", "R", "S", "2022-01-01", "2023-03-31"),
                   waiver("long", "R", "S", "2022-01-01", "2024-12-31"),
                   waiver("older", "R", "S", "2019-01-01", "2020-12-31")});
  EXPECT_EQ(idx.find(rule("R"), "t", "S", day("2023-01-01"))->id, "long");
  EXPECT_EQ(idx.find(rule("R"), "t", "S", day("2025-06-01"))->id, "long");  // all expired: the last to end
  EXPECT_TRUE(WaiverIndex().empty());
  EXPECT_FALSE(WaiverIndex().find(rule("R"), "t", "S", day("2023-01-01")));
}

}  // namespace
