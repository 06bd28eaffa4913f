// Compliance history (engine/enforcement/history.hpp, docs/enforcement.md "Compliance
// history"): how each quarter's status is derived from the recorded sweeps and the enforcement
// records, at its edges: quarter boundaries, quarters without a sweep, several sweeps in one
// quarter, what a waiver, a dismissal and a verified resolution do, significance by severity and
// by repetition, enterprises imported after a sweep.
#include <gtest/gtest.h>

#include "engine/enforcement/history.hpp"
#include "engine/ingest/import.hpp"
#include "engine/sweeps/history.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

namespace en = engine::enforcement;
using dsl::model::Verdict;
using S = QuarterStatus;

dsl::Date day(const char* text) { return *dsl::parse_date(text); }

en::FindingId fid(const std::string& key, const std::string& rule = "r.so2") { return {rule, "facility", key}; }

en::HistoryFinding finding(const std::string& key, Verdict v, const std::string& severity = "medium",
                           const std::string& owner = "E1", const std::string& rule = "r.so2") {
  return {fid(key, rule), owner, v, severity};
}

en::HistorySweep sweep(std::int64_t id, const char* as_of, std::vector<en::HistoryFinding> findings = {},
                       std::int64_t last_batch = 1) {
  return {id, day(as_of), last_batch, std::move(findings)};
}

en::HistoryInput input(std::vector<en::HistorySweep> sweeps) {
  en::HistoryInput in;
  in.sweeps = std::move(sweeps);
  in.owners = {{"E1", "甲", "榆次区", 1}};
  in.significant_severities = {"critical", "high"};
  return in;
}

// The statuses of E1's last `n` quarters, oldest first.
std::vector<S> last(const ComplianceHistory& h, std::size_t n, std::size_t row = 0) {
  std::vector<S> out;
  const auto& q = h.rows.at(row).quarters;
  for (std::size_t i = q.size() - n; i < q.size(); ++i) out.push_back(q[i].status);
  return out;
}

en::Transition to(const en::FindingId& id, en::State state, const char* on) {
  en::Transition t;
  t.violation = id;
  t.to = state;
  t.on = on;
  return t;
}

TEST(ComplianceQuarters, CalendarQuartersAcrossYearEnds) {
  EXPECT_EQ(en::quarter_of(day("2026-03-31")), "2026Q1");
  EXPECT_EQ(en::quarter_of(day("2026-04-01")), "2026Q2");
  EXPECT_EQ(en::quarter_of(day("2026-09-30")), "2026Q3");
  EXPECT_EQ(en::quarter_of(day("2025-12-31")), "2025Q4");
  EXPECT_EQ(en::quarter_of(day("2026-01-01")), "2026Q1");
  const auto q = en::last_quarters(day("2026-01-15"), 12);
  ASSERT_EQ(q.size(), 12u);
  EXPECT_EQ(q.front(), "2023Q2");
  EXPECT_EQ(q[2], "2023Q4");
  EXPECT_EQ(q[3], "2024Q1");
  EXPECT_EQ(q.back(), "2026Q1");
}

TEST(ComplianceHistory, AQuarterWithoutASweepIsUnknownNeverInCompliance) {
  const auto h = en::derive_history(input({sweep(1, "2026-05-10")}), day("2026-12-01"));
  ASSERT_EQ(h.rows.size(), 1u);
  ASSERT_EQ(h.quarters.size(), 12u);
  EXPECT_EQ(h.quarters.back(), "2026Q4");
  // 2026Q2 had a clean sweep; 2026Q3 and Q4 none.
  EXPECT_EQ(last(h, 3), (std::vector<S>{S::in_compliance, S::unknown, S::unknown}));
  EXPECT_TRUE(h.rows[0].quarters.back().sweeps.empty());
  EXPECT_EQ(h.rows[0].quarters[9].sweeps, (std::vector<std::int64_t>{1}));
  for (std::size_t i = 0; i < 9; ++i) EXPECT_EQ(h.rows[0].quarters[i].status, S::unknown) << i;
  EXPECT_EQ(h.sweeps, 1);
}

TEST(ComplianceHistory, ASweepBelongsToTheQuarterOfItsAsOfDay) {
  auto in = input({sweep(1, "2026-03-31", {finding("GL-1", Verdict::violation)}), sweep(2, "2026-04-01")});
  const auto h = en::derive_history(in, day("2026-04-01"));
  EXPECT_EQ(last(h, 2), (std::vector<S>{S::violation, S::in_compliance}));
  // As of the last day of Q1, the sweep of 04-01 is in the future: ignored, and Q1 is the last quarter.
  const auto before = en::derive_history(in, day("2026-03-31"));
  EXPECT_EQ(before.quarters.back(), "2026Q1");
  EXPECT_EQ(last(before, 1), (std::vector<S>{S::violation}));
  EXPECT_EQ(before.sweeps, 1);
}

TEST(ComplianceHistory, TheWorstSweepOfAQuarterWins) {
  // A violation in the quarter's first sweep is not undone by a clean second sweep.
  auto h = en::derive_history(input({sweep(1, "2026-07-05", {finding("GL-1", Verdict::violation)}), sweep(2, "2026-09-20")}),
                              day("2026-09-30"));
  EXPECT_EQ(last(h, 1), (std::vector<S>{S::violation}));
  EXPECT_EQ(h.rows[0].quarters.back().sweeps, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(h.rows[0].quarters.back().violations, 1u);
  // An unknown in one sweep and nothing in the other: unknown, not in compliance.
  h = en::derive_history(input({sweep(1, "2026-07-05"), sweep(2, "2026-09-20", {finding("GL-3", Verdict::unknown)})}),
                         day("2026-09-30"));
  EXPECT_EQ(last(h, 1), (std::vector<S>{S::unknown}));
  EXPECT_EQ(h.rows[0].quarters.back().unknown, 1u);
  // A violation beats an unknown; a significant one beats both.
  h = en::derive_history(input({sweep(1, "2026-07-05", {finding("GL-3", Verdict::unknown)}),
                                sweep(2, "2026-08-05", {finding("GL-2", Verdict::late)}),
                                sweep(3, "2026-09-05", {finding("GL-1", Verdict::violation, "critical")})}),
                         day("2026-09-30"));
  EXPECT_EQ(last(h, 1), (std::vector<S>{S::significant_non_compliance}));
  const auto& c = h.rows[0].quarters.back();
  EXPECT_EQ(c.significant, 1u);
  EXPECT_EQ(c.violations, 1u);
  EXPECT_EQ(c.unknown, 1u);
}

TEST(ComplianceHistory, WaivedUpcomingAndAdviceCountNothing) {
  const auto h = en::derive_history(
      input({sweep(1, "2026-05-10", {finding("GL-1", Verdict::waived, "critical"), finding("GL-2", Verdict::upcoming),
                                      finding("GL-3", Verdict::advice)})}),
      day("2026-06-30"));
  EXPECT_EQ(last(h, 1), (std::vector<S>{S::in_compliance}));
  // An evaluation error is something to verify.
  const auto e = en::derive_history(input({sweep(1, "2026-05-10", {finding("GL-1", Verdict::error)})}), day("2026-06-30"));
  EXPECT_EQ(last(e, 1), (std::vector<S>{S::unknown}));
}

TEST(ComplianceHistory, SignificantByRepetitionFromTheSweepThatReachesTheCount) {
  auto in = input({sweep(1, "2026-02-10", {finding("GL-2", Verdict::violation)}),
                   sweep(2, "2026-05-10", {finding("GL-2", Verdict::violation)}),
                   sweep(3, "2026-08-10", {finding("GL-2", Verdict::late)})});
  in.repeat_sweeps = 3;
  auto h = en::derive_history(in, day("2026-08-10"));
  EXPECT_EQ(last(h, 3), (std::vector<S>{S::violation, S::violation, S::significant_non_compliance}));
  in.repeat_sweeps = 0;  // not used: never significant by repetition
  h = en::derive_history(in, day("2026-08-10"));
  EXPECT_EQ(last(h, 3), (std::vector<S>{S::violation, S::violation, S::violation}));
  // Sweeps before the grid's first quarter still count towards the repetition.
  in.repeat_sweeps = 2;
  h = en::derive_history(in, day("2026-08-10"), 1);
  ASSERT_EQ(h.quarters, (std::vector<std::string>{"2026Q3"}));
  EXPECT_EQ(last(h, 1), (std::vector<S>{S::significant_non_compliance}));
  EXPECT_EQ(h.sweeps, 1);
}

TEST(ComplianceHistory, ADismissalClearsItsInspectionsSweepAndMakesEarlierOnesUnknown) {
  // Sweeps 1 and 2 reported GL-2; the inspection opened on sweep 2 dismissed it; sweep 3 no
  // longer has it (the sweep left it out) and sweep 4 has it again (its data changed).
  auto in = input({sweep(1, "2026-02-10", {finding("GL-2", Verdict::violation, "high")}),
                   sweep(2, "2026-05-10", {finding("GL-2", Verdict::violation, "high")}), sweep(3, "2026-08-10"),
                   sweep(4, "2026-11-10", {finding("GL-2", Verdict::violation, "high")})});
  in.dismissed[fid("GL-2")] = 2;
  const auto h = en::derive_history(in, day("2026-11-10"));
  EXPECT_EQ(last(h, 4), (std::vector<S>{S::unknown, S::in_compliance, S::in_compliance, S::significant_non_compliance}));
  // A dismissed unknown counts nothing in the inspection's sweep either.
  auto u = input({sweep(1, "2026-05-10", {finding("GL-3", Verdict::unknown)})});
  u.dismissed[fid("GL-3")] = 1;
  EXPECT_EQ(last(en::derive_history(u, day("2026-05-10")), 1), (std::vector<S>{S::in_compliance}));
}

TEST(ComplianceHistory, AVerifiedResolutionStopsTheViolationFromItsDayUntilItRecurs) {
  const auto id = fid("GL-1");
  auto in = input({sweep(1, "2026-02-10", {finding("GL-1", Verdict::violation)}),
                   sweep(2, "2026-05-10", {finding("GL-1", Verdict::violation)}),
                   sweep(3, "2026-08-10", {finding("GL-1", Verdict::violation)}),
                   sweep(4, "2026-11-10", {finding("GL-1", Verdict::violation)})});
  // Pending verification still counts; resolved on 05-10 (the sweep's own day) does not; it
  // recurred on 09-01.
  in.transitions = {to(id, en::State::under_enforcement, "2026-02-15"),
                    to(id, en::State::resolved_pending_verification, "2026-04-01"),
                    to(id, en::State::resolved, "2026-05-10"), to(id, en::State::open, "2026-09-01")};
  const auto h = en::derive_history(in, day("2026-11-10"));
  EXPECT_EQ(last(h, 4), (std::vector<S>{S::violation, S::in_compliance, S::in_compliance, S::violation}));
  // Resolution concerns that violation only: another one of the sweep still counts.
  in.sweeps[1].findings.push_back(finding("GL-9", Verdict::violation));
  EXPECT_EQ(last(en::derive_history(in, day("2026-11-10")), 3)[0], S::violation);
}

TEST(ComplianceHistory, ASweepCoversOnlyEnterprisesImportedByItsBatches) {
  auto in = input({sweep(1, "2026-05-10", {}, 1), sweep(2, "2026-08-10", {}, 2)});
  in.owners.push_back({"E2", "乙", "太谷区", 2});
  const auto h = en::derive_history(in, day("2026-08-10"));
  ASSERT_EQ(h.rows.size(), 2u);
  EXPECT_EQ(last(h, 2, 0), (std::vector<S>{S::in_compliance, S::in_compliance}));
  EXPECT_EQ(last(h, 2, 1), (std::vector<S>{S::unknown, S::in_compliance}));
  EXPECT_TRUE(h.rows[1].quarters[10].sweeps.empty());
  EXPECT_EQ(h.rows[1].name, "乙");
  EXPECT_EQ(h.rows[1].jurisdiction, "太谷区");
}

TEST(ComplianceHistory, FindingsOfOtherEnterprisesDoNotCount) {
  auto in = input({sweep(1, "2026-05-10", {finding("GL-4", Verdict::violation, "critical", "E2")})});
  in.owners.push_back({"E2", "乙", "太谷区", 1});
  const auto h = en::derive_history(in, day("2026-05-10"));
  EXPECT_EQ(last(h, 1, 0), (std::vector<S>{S::in_compliance}));
  EXPECT_EQ(last(h, 1, 1), (std::vector<S>{S::significant_non_compliance}));
}

// One enterprise's input (an audit's quarter grid) reads that owner's findings and the same
// subjects' findings under other owners, and derives that owner's row exactly as the whole
// history does: here a facility that changed hands (its violations counted towards the repeat
// count under its new owner), one reported without an owner, and a finding dismissed in between.
TEST(ComplianceHistory, OneEnterprisesInputGivesItsRowOfTheWholeHistory) {
  TempDir dir;
  auto schema = make_schema();
  const std::string a = uscc("91140700MA0K0000A"), b = uscc("91140700MA0K0000B"), c = uscc("91140700MA0K0000C");
  dir.write("data/enterprise.csv", "id,name,county,industry\n" + a + ",甲,榆次区,coking\n" + b + ",乙,太谷区,steel\n" + c +
                                       ",丙,介休市,coking\n");
  auto st = store::Store::open(dir.path() / "s.db", *schema, store::OpenOptions{.create = true});
  ASSERT_TRUE(ingest::import_paths(*st, {dir.path() / "data"}).ok);
  const auto f = [](const std::string& rule, const std::string& key, const std::string& owner, Verdict v) {
    Finding x;
    x.rule = rule;
    x.subject_record = "facility";
    x.subject_key = key;
    x.owner = {"enterprise", owner};
    x.verdict = v;
    x.severity = dsl::model::Severity::medium;
    return x;
  };
  // F-X is A's in the first two sweeps and B's from the third; F-N has no owner; F-B is B's
  // throughout; F-C is C's, unknown then violation.
  std::vector<std::vector<Finding>> sweeps = {
      {f("r.a", "F-X", a, Verdict::violation), f("r.a", "F-N", "", Verdict::violation), f("r.a", "F-B", b, Verdict::late),
       f("r.b", "F-C", c, Verdict::unknown)},
      {f("r.a", "F-X", a, Verdict::violation), f("r.a", "F-N", "", Verdict::violation), f("r.b", "F-X", a, Verdict::unknown),
       f("r.b", "F-C", c, Verdict::violation)},
      {f("r.a", "F-X", b, Verdict::violation), f("r.a", "F-B", b, Verdict::violation), f("r.b", "F-X", b, Verdict::violation),
       f("r.b", "F-C", c, Verdict::violation)},
  };
  const char* const days[] = {"2026-02-10", "2026-05-10", "2026-08-10"};
  for (std::size_t i = 0; i < sweeps.size(); ++i) {
    RunInfo r;
    r.command = "sweep";
    r.generated_at = std::string(days[i]) + "T00:00:00Z";
    r.as_of = day(days[i]);
    r.ruleset = "rs";
    r.ruleset_sha256 = "abc";
    r.batches = {1};
    sweeps::record_sweep(*st, r, sweeps[i]);
  }
  const auto& owner = schema->records[0];
  const auto whole_input = [&] {
    auto in = en::read_history_input(*st, "rs", owner, "name", "county");
    in.repeat_sweeps = 2;
    return in;
  };
  const auto whole = en::derive_history(whole_input(), day("2026-09-30"), 4);
  ASSERT_EQ(whole.rows.size(), 3u);
  for (const auto& row : whole.rows) {
    auto in = en::read_history_input(*st, "rs", owner, "name", "county", row.key);
    in.repeat_sweeps = 2;
    const auto one = en::derive_history(in, day("2026-09-30"), 4);
    ASSERT_EQ(one.rows.size(), 1u) << row.key;
    EXPECT_EQ(one.rows[0], row) << row.key;
  }
  // B's third quarter: F-X (A's twice before) reached the repeat count under B: significant.
  const auto& b_row = whole.rows[1];  // by key: A, B, C
  ASSERT_EQ(b_row.key, b);
  ASSERT_EQ(b_row.quarters.size(), 4u);  // 2025Q4 .. 2026Q3
  EXPECT_EQ(b_row.quarters[3].status, S::significant_non_compliance);
  EXPECT_EQ(b_row.quarters[3].significant, 2u);  // F-X under r.a (3 reports) and F-B (late, then violation)
  EXPECT_EQ(b_row.quarters[3].violations, 1u);   // F-X under r.b: reported once
  // Only the owner's row and findings were read.
  const auto in = en::read_history_input(*st, "rs", owner, "name", "county", c);
  ASSERT_EQ(in.owners.size(), 1u);
  for (const auto& sw : in.sweeps)
    for (const auto& h : sw.findings) EXPECT_EQ(h.owner_key, c) << h.finding.subject_key;
}

}  // namespace
}  // namespace eco::engine::testing
