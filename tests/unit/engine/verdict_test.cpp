// The pure verdict decision (engine/eval/verdict.hpp): values in, verdict and days out.
#include <gtest/gtest.h>

#include "engine/eval/verdict.hpp"

namespace {

using eco::dsl::Date;
using eco::dsl::model::Severity;
using eco::dsl::model::Verdict;
using eco::engine::DeadlineValue;
using eco::engine::Truth;
using eco::engine::decide_requirement;

Date day(const char* s) { return *eco::dsl::parse_date(s); }
DeadlineValue on(const char* s) { return {DeadlineValue::State::date, day(s)}; }
const DeadlineValue kNone{};
const DeadlineValue kUndecidable{DeadlineValue::State::undecidable, {}};

TEST(Verdict, WhenDecidesNotApplicableOrUnknownOrNothing) {
  EXPECT_EQ(eco::engine::decide_when(Truth::no), Verdict::not_applicable);
  EXPECT_EQ(eco::engine::decide_when(Truth::undecidable), Verdict::unknown);
  EXPECT_EQ(eco::engine::decide_when(Truth::yes), std::nullopt);
  EXPECT_TRUE(eco::engine::unknown_when_decides(Truth::yes));
  EXPECT_TRUE(eco::engine::unknown_when_decides(Truth::undecidable));
  EXPECT_FALSE(eco::engine::unknown_when_decides(Truth::no));
}

TEST(Verdict, MetRequirementPassesOrIsLate) {
  auto d = decide_requirement(Truth::yes, kNone, std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::pass);
  EXPECT_FALSE(d.deadline || d.met_on || d.days_overdue || d.days_left);

  // Met on the deadline itself is on time; one day after is late by one day.
  d = decide_requirement(Truth::yes, on("2024-03-31"), day("2024-03-31"), day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::pass);
  EXPECT_EQ(d.met_on, day("2024-03-31"));
  EXPECT_EQ(d.deadline, day("2024-03-31"));
  d = decide_requirement(Truth::yes, on("2024-03-31"), day("2024-04-01"), day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::late);
  EXPECT_EQ(d.days_overdue, 1);
  EXPECT_EQ(d.days_left, std::nullopt);
  // An advice rule states no duty: its completion after the date is advice with the same dates,
  // never a breach (late); on the date it passes like any rule.
  d = decide_requirement(Truth::yes, on("2024-03-31"), day("2024-04-01"), day("2024-05-01"), Severity::advice);
  EXPECT_EQ(d.verdict, Verdict::advice);
  EXPECT_EQ(d.days_overdue, 1);
  EXPECT_EQ(d.met_on, day("2024-04-01"));
  d = decide_requirement(Truth::yes, on("2024-03-31"), day("2024-03-31"), day("2024-05-01"), Severity::advice);
  EXPECT_EQ(d.verdict, Verdict::pass);

  // A deadline that could not be computed: a met requirement still passes (lateness unknown).
  d = decide_requirement(Truth::yes, kUndecidable, day("2030-01-01"), day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::pass);
  EXPECT_EQ(d.deadline, std::nullopt);
}

TEST(Verdict, UnmetRequirementIsUpcomingUntilTheDeadlineThenABreach) {
  auto d = decide_requirement(Truth::no, on("2024-05-10"), std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::upcoming);
  EXPECT_EQ(d.days_left, 9);
  d = decide_requirement(Truth::no, on("2024-05-01"), std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::upcoming);  // the deadline day itself is still in time
  EXPECT_EQ(d.days_left, 0);
  d = decide_requirement(Truth::no, on("2024-04-30"), std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::violation);
  EXPECT_EQ(d.days_overdue, 1);
  d = decide_requirement(Truth::no, on("2024-04-30"), std::nullopt, day("2024-05-01"), Severity::advice);
  EXPECT_EQ(d.verdict, Verdict::advice);
  EXPECT_EQ(d.days_overdue, 1);
  d = decide_requirement(Truth::no, kNone, std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::violation);
  EXPECT_EQ(d.days_overdue, std::nullopt);  // no deadline: nothing to count from
}

TEST(Verdict, UndecidableRequirementOrDeadlineOfAnUnmetOneIsUnknown) {
  auto d = decide_requirement(Truth::no, kUndecidable, std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::unknown);
  d = decide_requirement(Truth::undecidable, on("2024-05-10"), std::nullopt, day("2024-05-01"), Severity::high);
  EXPECT_EQ(d.verdict, Verdict::unknown);
  EXPECT_EQ(d.deadline, day("2024-05-10"));  // the deadline is still shown
  EXPECT_EQ(d.days_left, std::nullopt);
}

TEST(Verdict, ALimitLeavesOnlyTheErrorVerdict) {
  auto d = eco::engine::limit_exceeded();
  EXPECT_EQ(d.verdict, Verdict::error);
  EXPECT_FALSE(d.deadline || d.met_on || d.days_overdue || d.days_left);
}

}  // namespace
