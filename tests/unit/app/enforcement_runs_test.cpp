// app/: the inspection and enforcement runs as an API, without the command line, on the fixture
// tests/enforcement: an inspection needs a recorded sweep; its checklist; a dismissal that
// removes the finding from the next sweep and audit; an action on an unknown refused; a refused
// transition that records nothing; the watch list and its policy's errors; the audit report's
// quarter grid under the ruleset's policy.
#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>

#include "app/accounts.hpp"
#include "app/enforcement.hpp"
#include "app/inspections.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::dsl::model::Verdict;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/enforcement";
const fs::path kRuleset = kFixture / "ruleset";
const std::string kE1 = "91140702MA0K010007", kE2 = "91140702MA0K02000E";

class EnforcementRuns : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = dir_.path() / "store.db";
    ASSERT_EQ(eco::app::run_init({db_, kRuleset}).status, RunStatus::done);
    eco::app::ImportRequest import;
    import.db = db_;
    import.ruleset = kRuleset;
    import.paths = {kFixture / "data/enterprise.csv", kFixture / "data/facility.csv", kFixture / "data/inspector.csv"};
    const auto imported = eco::app::run_import(import);
    ASSERT_EQ(imported.status, RunStatus::done) << imported.errors;
  }
  // A sweep as of `day` (recorded unless `record` is false); its verdict of the rule on the key.
  eco::app::SweepOutcome sweep(const char* day, bool record = true) {
    eco::app::SweepRequest r;
    r.db = db_;
    r.ruleset = kRuleset;
    r.as_of = *eco::dsl::parse_date(day);
    r.record = record;
    r.reports.formats = {*eco::reports::parse_format("json")};
    r.reports.out = (dir_.path() / "sweep.json").string();
    return eco::app::run_sweep(r);
  }
  eco::app::InspectionOpenOutcome open(const std::string& owner) {
    return eco::app::open_inspection({db_, kRuleset, owner, 0, "2026-11-05", {"ZF001", "ZF002"}, {"张伟", "test"}});
  }
  std::uint64_t count(const eco::app::SweepOutcome& s, Verdict v) {
    std::uint64_t n = 0;
    for (auto c : s.counts[static_cast<std::size_t>(v)]) n += c;
    return n;
  }
  TempDir dir_;
  fs::path db_;
};

TEST_F(EnforcementRuns, AnInspectionNeedsARecordedSweep) {
  const auto out = open(kE1);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_NE(out.errors.find("run `ecoaudit sweep` first"), std::string::npos) << out.errors;
}

TEST_F(EnforcementRuns, TheViewerStandsForTheirLinkedInspectorOrByNameForARosterId) {
  ASSERT_EQ(sweep("2026-11-01").status, RunStatus::done);
  ASSERT_EQ(open(kE1).status, RunStatus::done);
  auto as = [&](const std::string& name, std::optional<std::string> link) {
    auto out = eco::app::show_inspections(
        {.db = db_, .ruleset = kRuleset, .viewer_name = name, .viewer_inspector = std::move(link)});
    EXPECT_EQ(out.status, RunStatus::done) << out.errors;
    EXPECT_EQ(out.inspections.size(), 1u);
    return out.viewer_roster_id;
  };
  EXPECT_EQ(as("wangli", "ZF001"), "ZF001");  // linked: the link
  EXPECT_EQ(as("ZF002", std::nullopt), "ZF002");  // unlinked, named as a roster id: its name
  EXPECT_EQ(as("ZF002", "ZF005"), "ZF005");   // linked: never its name
  EXPECT_EQ(as("insp_a", std::nullopt), "");  // unlinked, a name the roster has not
  EXPECT_EQ(as("", std::nullopt), "");
  // Once an enabled account is linked to ZF002, an unlinked account named ZF002 no longer stands
  // for it (the link wins over the name: one inspector, one account).
  auto accounts = eco::app::Accounts::open(db_);
  accounts->add({"wangli", {eco::app::Role::inspector}, {"榆次区"}, "ZF002"}, "a long enough password", "os:test");
  EXPECT_EQ(as("ZF002", std::nullopt), "");
  accounts->disable("wangli", "os:test");
  EXPECT_EQ(as("ZF002", std::nullopt), "ZF002");
}

TEST_F(EnforcementRuns, TheChecklistADismissalAndTheNextSweep) {
  const auto s1 = sweep("2026-11-01");
  ASSERT_EQ(s1.status, RunStatus::done) << s1.errors;
  EXPECT_EQ(count(s1, Verdict::violation), 3u);  // GL-1, GL-2 (榆次), GL-4 (太谷)
  auto opened = open(kE1);
  ASSERT_EQ(opened.status, RunStatus::done) << opened.errors;
  const auto& items = opened.inspection.items;
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].finding.rule, "fx.desulfurization");
  EXPECT_EQ(items[0].severity, "critical");
  EXPECT_EQ(items[1].finding.subject_key, "GL-2");
  const auto bad = eco::app::record_outcome({db_, kRuleset, opened.inspection.id, 2, "wrong", "", "2026-11-05", {}, {"李娜", "test"}});
  EXPECT_EQ(bad.status, RunStatus::bad_request);
  const auto dismissed = eco::app::record_outcome(
      {db_, kRuleset, opened.inspection.id, 2, "not_confirmed", "标定数据", "2026-11-05", {"report.pdf"}, {"李娜", "test"}});
  ASSERT_EQ(dismissed.status, RunStatus::done) << dismissed.errors;
  const auto s2 = sweep("2026-11-02");
  EXPECT_EQ(count(s2, Verdict::violation), 2u);  // GL-2 dismissed
  EXPECT_EQ(s2.resolved, 1u);
  // An action on an unknown finding (GL-3) is refused; on a violation it is recorded.
  eco::app::ActionRequest a{db_, kRuleset, "rectification_order", "fx.desulfurization", "GL-3", {}, {"王科长", "test"}};
  a.action.reference = "改1";
  a.action.issued_on = "2026-11-06";
  a.action.deadline = "2026-11-30";
  a.action.requirement = "建成脱硫设施";
  auto refused = eco::app::record_action(a);
  EXPECT_EQ(refused.status, RunStatus::bad_request);
  EXPECT_NE(refused.errors.find("is unknown in sweep 2"), std::string::npos) << refused.errors;
  a.subject_key = "GL-1";
  const auto ordered = eco::app::record_action(a);
  ASSERT_EQ(ordered.status, RunStatus::done) << ordered.errors;
  EXPECT_EQ(ordered.state, "under_enforcement");
  // A transition that is not allowed records nothing.
  const auto skip = eco::app::change_state({db_, kRuleset, "fx.desulfurization", "GL-1", "resolved", "2026-11-20", "称已整改", {"王科长", "test"}});
  EXPECT_EQ(skip.status, RunStatus::bad_request);
  const auto listed = eco::app::list_violations({db_, kRuleset, ""});
  ASSERT_EQ(listed.violations.size(), 1u);
  EXPECT_EQ(listed.violations[0].transitions.size(), 1u);
  EXPECT_EQ(listed.violations[0].state, "under_enforcement");
  // The order is a finding of later sweeps: upcoming, then a violation after its deadline.
  const auto s3 = sweep("2026-12-01");
  EXPECT_EQ(count(s3, Verdict::violation), 3u);  // GL-1, GL-4, the overdue order
}

// The workbench's resent submissions (a flaky network): an outcome or an action with a client
// request id already recorded is answered, not recorded again; the same id with other values is
// refused; an owner outside the caller's jurisdictions is refused as absent; a finding dismissed
// on site takes no action.
TEST_F(EnforcementRuns, AResentSubmissionRecordsOnceAndADismissedFindingTakesNoAction) {
  ASSERT_EQ(sweep("2026-11-01").status, RunStatus::done);
  auto opened = open(kE1);
  ASSERT_EQ(opened.status, RunStatus::done) << opened.errors;
  const auto id = opened.inspection.id;
  eco::app::OutcomeRequest r{db_, kRuleset, id, 1, "confirmed", "无脱硫设施", "2026-11-05", {"a.jpg"}, {"insp_a", "workbench"}};
  r.client_request = "c-1";
  const auto first = eco::app::record_outcome(r);
  ASSERT_EQ(first.status, RunStatus::done) << first.errors;
  EXPECT_FALSE(first.replayed);
  EXPECT_EQ(first.recorded.source, "client request c-1");
  const auto again = eco::app::record_outcome(r);
  ASSERT_EQ(again.status, RunStatus::done) << again.errors;
  EXPECT_TRUE(again.replayed);
  EXPECT_EQ(again.recorded.id, first.recorded.id);
  EXPECT_EQ(again.recorded.version, 1);
  auto other = r;
  other.note = "另一说明";
  const auto clash = eco::app::record_outcome(other);
  EXPECT_EQ(clash.status, RunStatus::bad_request);
  EXPECT_NE(clash.errors.find("client request c-1 was already recorded"), std::string::npos) << clash.errors;
  const auto shown = eco::app::show_inspections({db_, kRuleset, id, ""});
  EXPECT_EQ(shown.outcomes.size(), 1u);
  // Another jurisdiction's inspector: refused as if absent, nothing recorded.
  auto outside = r;
  outside.client_request = "c-2";
  outside.limit_to = std::set<std::string>{"太谷区"};
  const auto refused = eco::app::record_outcome(outside);
  EXPECT_EQ(refused.status, RunStatus::bad_request);
  EXPECT_TRUE(refused.out_of_scope);
  EXPECT_EQ(eco::app::show_inspections({db_, kRuleset, id, ""}).outcomes.size(), 1u);
  EXPECT_TRUE(eco::app::show_inspections({db_, kRuleset, id, "", std::set<std::string>{"太谷区"}}).out_of_scope);
  EXPECT_TRUE(eco::app::show_inspections({db_, kRuleset, 0, "", std::set<std::string>{"太谷区"}}).inspections.empty());
  // GL-2 dismissed: no action on it; GL-1 confirmed: the order is recorded once for its id.
  eco::app::OutcomeRequest d{db_, kRuleset, id, 2, "not_confirmed", "标定数据", "2026-11-05", {}, {"insp_a", "workbench"}};
  ASSERT_EQ(eco::app::record_outcome(d).status, RunStatus::done);
  eco::app::ActionRequest a{db_, kRuleset, "rectification_order", "fx.so2", "GL-2", {}, {"insp_a", "workbench"}};
  a.action.reference = "改2";
  a.action.issued_on = "2026-11-06";
  a.action.deadline = "2026-11-30";
  a.action.requirement = "达标排放";
  a.client_request = "a-1";
  const auto on_dismissed = eco::app::record_action(a);
  EXPECT_EQ(on_dismissed.status, RunStatus::bad_request);
  EXPECT_NE(on_dismissed.errors.find("dismissed on site"), std::string::npos) << on_dismissed.errors;
  a.subject_key = "GL-1";
  a.rule = "fx.desulfurization";
  const auto ordered = eco::app::record_action(a);
  ASSERT_EQ(ordered.status, RunStatus::done) << ordered.errors;
  const auto resent = eco::app::record_action(a);
  ASSERT_EQ(resent.status, RunStatus::done) << resent.errors;
  EXPECT_TRUE(resent.replayed);
  EXPECT_EQ(resent.id, ordered.id);
  const auto listed = eco::app::list_violations({db_, kRuleset, ""});
  ASSERT_EQ(listed.violations.size(), 1u);
  EXPECT_EQ(listed.violations[0].actions.size(), 1u);
  // Another jurisdiction's inspector may neither act on it nor move its state.
  a.client_request = "a-2";
  a.limit_to = std::set<std::string>{"太谷区"};
  EXPECT_TRUE(eco::app::record_action(a).out_of_scope);
  eco::app::StateRequest st{db_, kRuleset, "fx.desulfurization", "GL-1", "resolved_pending_verification", "2026-11-20",
                            "称已整改", {"insp_b", "workbench"}};
  st.limit_to = std::set<std::string>{"太谷区"};
  EXPECT_TRUE(eco::app::change_state(st).out_of_scope);
  EXPECT_EQ(eco::app::list_violations({db_, kRuleset, ""}).violations[0].state, "under_enforcement");
}

TEST_F(EnforcementRuns, TheWatchListAndItsPolicy) {
  ASSERT_EQ(sweep("2026-11-01").status, RunStatus::done);
  ASSERT_EQ(sweep("2026-12-15").status, RunStatus::done);
  eco::app::WatchlistRequest r{db_, kRuleset, {}, std::nullopt, std::nullopt};
  const auto w = eco::app::watchlist(r);
  ASSERT_EQ(w.status, RunStatus::done) << w.errors;
  EXPECT_EQ(w.policy.days, 30);
  EXPECT_EQ(w.policy.days_source, "param watch_unresolved_days: fixture: 重大违法行为未立案查处的关注期限");
  ASSERT_EQ(w.entries.size(), 3u);  // GL-1, GL-2 (榆次区), GL-4 (太谷区): 44 days, no action
  EXPECT_EQ(w.entries[0].jurisdiction, "太谷区");
  EXPECT_EQ(w.entries[0].violation.subject_key, "GL-4");
  EXPECT_EQ(w.entries[0].days_unresolved, 44);
  EXPECT_EQ(w.entries[0].owner_name, "太谷示例化工");
  r.days = 44;  // more than 44 days: none
  EXPECT_TRUE(eco::app::watchlist(r).entries.empty());
  TempDir other;
  r.policy = other.write("p.json", R"({"jurisdiction_field": "province", "significant": {"severities": ["high"]}})");
  auto bad = eco::app::watchlist(r);
  EXPECT_EQ(bad.status, RunStatus::bad_request);
  EXPECT_NE(bad.errors.find("jurisdiction_field"), std::string::npos) << bad.errors;
  // Significant by repetition alone: high is not listed, but GL-2 was reported in both sweeps.
  r.policy = other.write("r.json", R"({"jurisdiction_field": "county", "significant": {"severities": ["critical"],
      "severities_source": "x", "repeat_sweeps": {"value": 2, "source": "y"}}, "unresolved_days": {"value": 30, "source": "z"}})");
  r.days.reset();
  const auto repeated = eco::app::watchlist(r);
  ASSERT_EQ(repeated.status, RunStatus::done) << repeated.errors;
  ASSERT_EQ(repeated.entries.size(), 3u);
  EXPECT_EQ(repeated.entries[2].violation.subject_key, "GL-2");
  EXPECT_EQ(repeated.entries[2].why, (std::vector<std::string>{"reported in 2 sweeps (>= 2)"}));
  EXPECT_EQ(repeated.entries[1].why, (std::vector<std::string>{"severity critical", "reported in 2 sweeps (>= 2)"}));
  r.policy = other.write("s.json", R"({"jurisdiction_field": "county", "significant": {"severities": ["critical"],
      "severities_source": "x", "repeat_sweeps": {"value": 3, "source": "y"}}, "unresolved_days": {"value": 30, "source": "z"}})");
  ASSERT_EQ(eco::app::watchlist(r).entries.size(), 2u);  // two sweeps are not three: GL-2 is not significant
  r.policy = other.write("q.json", R"({"jurisdiction_field": "county", "significant": {"severities": ["high"],
      "severities_source": "x"}, "unresolved_days": {"value": 5}})");
  bad = eco::app::watchlist(r);
  EXPECT_NE(bad.errors.find("unresolved_days.source: required"), std::string::npos) << bad.errors;
}

// The audit report shows the enterprise's row of the quarter grid, ending with the audit's as-of
// quarter, when the ruleset declares what is significant (DIR/enforcement.json); without that
// file it shows none, and a policy it cannot read stops the audit.
TEST_F(EnforcementRuns, TheAuditShowsTheQuarterGridUnderTheRulesetsPolicy) {
  ASSERT_EQ(sweep("2026-11-01").status, RunStatus::done);
  const auto audit = [&](const fs::path& ruleset, const char* day) {
    eco::app::AuditRequest r;
    r.db = db_;
    r.ruleset = ruleset;
    r.owner = kE1;
    r.as_of = *eco::dsl::parse_date(day);
    r.reports.formats = {*eco::reports::parse_format("text")};
    r.reports.out = (dir_.path() / "audit.txt").string();
    fs::remove(r.reports.out);
    auto out = eco::app::run_audit(r);
    return std::pair{out.status == RunStatus::done ? eco::testing::read_file(r.reports.out) : out.errors, out.status};
  };
  const std::string line =
      "compliance by quarter (2024Q1 to 2026Q4; C in compliance, V violation, S significant non-compliance, ? unknown, "
      "- no sweep): -----------S\n";  // GL-1 is critical: significant
  auto [text, status] = audit(kRuleset, "2026-11-20");
  ASSERT_EQ(status, RunStatus::done) << text;
  EXPECT_NE(text.find("\n" + line), std::string::npos) << text;
  // As of a day before the sweep's quarter: the sweep is ignored, every quarter is unknown.
  std::tie(text, status) = audit(kRuleset, "2026-06-30");
  ASSERT_EQ(status, RunStatus::done) << text;
  EXPECT_NE(text.find("(2023Q3 to 2026Q2; C in compliance, V violation, S significant non-compliance, ? unknown, - no "
                      "sweep): ------------\n"),
            std::string::npos)
      << text;
  // The same ruleset without its policy: no grid.
  TempDir copy;
  fs::copy_file(kRuleset / "ruleset.rules", copy.path() / "ruleset.rules");
  std::tie(text, status) = audit(copy.path(), "2026-11-20");
  ASSERT_EQ(status, RunStatus::done) << text;
  EXPECT_EQ(text.find("compliance by quarter"), std::string::npos) << text;
  EXPECT_NE(text.find("audit of " + kE1), std::string::npos) << text;
  // A policy that cannot be read: refused, naming the key.
  copy.write("enforcement.json", R"({"jurisdiction_field": "province", "significant": {"severities": ["high"]}})");
  std::tie(text, status) = audit(copy.path(), "2026-11-20");
  EXPECT_EQ(status, RunStatus::bad_request);
  EXPECT_NE(text.find("jurisdiction_field"), std::string::npos) << text;
}

}  // namespace
