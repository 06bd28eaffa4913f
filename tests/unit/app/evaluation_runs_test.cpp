// app/: the sweep, audit, screening and rule-test runs as an API, without the command line: a
// sweep of the sweep fixture recorded once in the store's history with its progress reported,
// a cancelled sweep that leaves the store and the report's place as they were, an audit of
// one owner, a screening of application documents that stores nothing, and a rule-test run
// that reports the failing expectation, and the coverage of a ruleset's requirements.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <filesystem>
#include <fstream>
#include <latch>
#include <map>
#include <set>
#include <sstream>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/coverage.hpp"
#include "app/rule_tests.hpp"
#include "app/screen.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using eco::app::RunStatus;
using eco::dsl::model::Severity;
using eco::dsl::model::Verdict;
using eco::testing::dump;
using eco::testing::TempDir;

const fs::path kSource = ECOAUDIT_SOURCE_DIR;
const fs::path kSweepFixture = kSource / "tests/sweep/fixture";
const fs::path kScreenFixture = kSource / "tests/screen";

eco::dsl::Date date(const char* text) { return *eco::dsl::parse_date(text); }

// A store created for `ruleset` and holding the files of `data`, in `dir`.
fs::path make_store(const TempDir& dir, const fs::path& ruleset, const fs::path& data) {
  const fs::path db = dir.path() / "store.db";
  const auto init = eco::app::run_init({db, ruleset});
  EXPECT_EQ(init.status, RunStatus::done) << init.errors;
  eco::app::ImportRequest import;
  import.db = db;
  import.ruleset = ruleset;
  import.paths = {data};
  const auto imported = eco::app::run_import(import);
  EXPECT_EQ(imported.status, RunStatus::done) << imported.errors;
  return db;
}

std::int64_t sweeps_recorded(const fs::path& db_path) {
  SQLite::Database db(db_path.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(db, "SELECT count(*) FROM sqlite_master WHERE name = '_sweep'");
  if (!q.executeStep() || q.getColumn(0).getInt() == 0) return 0;  // no history table yet
  return db.execAndGet("SELECT count(*) FROM _sweep").getInt64();
}

class EvaluationRuns : public ::testing::Test {
 protected:
  void SetUp() override { db_ = make_store(dir_, kSweepFixture / "ruleset", kSweepFixture / "store"); }
  eco::app::SweepRequest sweep(const std::string& format = "json") const {
    eco::app::SweepRequest r;
    r.db = db_;
    r.ruleset = kSweepFixture / "ruleset";
    r.as_of = date("2024-12-31");
    r.reports.formats = {*eco::reports::parse_format(format)};
    r.reports.out = (dir_.path() / ("sweep." + format)).string();
    return r;
  }
  TempDir dir_;
  fs::path db_;
};

TEST_F(EvaluationRuns, SweepIsRecordedOnceAndReportsItsProgress) {
  std::vector<eco::app::SweepStage> stages;
  std::set<std::string> rules_done;  // rules whose last block was reported
  std::size_t blocks = 0;
  eco::app::SweepProgress progress;
  progress.stage = [&](eco::app::SweepStage s, std::size_t, std::uint64_t) { stages.push_back(s); };
  progress.block = [&](const eco::app::SweepBlock& b) {
    ++blocks;
    EXPECT_LE(b.rows_done, b.rows);
    if (b.rows_done == b.rows) {
      EXPECT_TRUE(rules_done.insert(std::string(b.rule)).second) << b.rule;
    }
  };
  const auto out = eco::app::run_sweep(sweep(), progress);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_EQ(stages, (std::vector<eco::app::SweepStage>{eco::app::SweepStage::loading, eco::app::SweepStage::evaluating,
                                                      eco::app::SweepStage::writing}));
  EXPECT_EQ(rules_done, (std::set<std::string>{"fx.retrofit", "fx.permit", "fx.insurance"}));
  EXPECT_EQ(blocks, 3u);  // one block per rule: the fixture is small
  EXPECT_EQ(out.stats.rules, 3u);
  EXPECT_EQ(out.stats.subjects, 5u + 5u + 2u);  // two facility rules and one enterprise rule

  // Recorded once, as the first sweep of the ruleset.
  EXPECT_EQ(sweeps_recorded(db_), 1);
  ASSERT_TRUE(out.run.sweep_id);
  EXPECT_EQ(*out.run.sweep_id, 1);
  EXPECT_FALSE(out.run.previous_sweep_id);
  EXPECT_GT(out.findings, 0u);
  EXPECT_GT(out.counts[static_cast<std::size_t>(Verdict::late)][static_cast<std::size_t>(Severity::high)], 0u);
  EXPECT_TRUE(out.fails(Severity::high));
  EXPECT_FALSE(out.fails(Severity::critical));

  // The report is in place and says which sweep it is.
  std::ifstream in(dir_.path() / "sweep.json");
  ASSERT_TRUE(in) << "the report is not in place";
  const auto report = nlohmann::json::parse(in);
  EXPECT_EQ(report["run"]["sweep_id"], 1);
  EXPECT_EQ(report["findings"].size(), out.findings);

  // A second sweep is compared with the first; a partial one (one rule) is not history.
  const auto second = eco::app::run_sweep(sweep());
  ASSERT_EQ(second.status, RunStatus::done) << second.errors;
  ASSERT_TRUE(second.run.previous_sweep_id);
  EXPECT_EQ(*second.run.previous_sweep_id, 1);
  auto partial = sweep();
  partial.rules = {"fx.permit"};
  ASSERT_EQ(eco::app::run_sweep(partial).status, RunStatus::done);
  EXPECT_EQ(sweeps_recorded(db_), 2);
}

TEST_F(EvaluationRuns, CancelledSweepLeavesTheStoreAndTheReportAsTheyWere) {
  for (const std::string format : {"json", "html"}) {  // streamed, and from the whole set
    SCOPED_TRACE(format);
    const std::string before = dump(db_);
    std::stop_source stop;
    eco::app::SweepProgress progress;
    std::size_t blocks = 0;
    // Cancelled from inside the evaluation, after its first block.
    progress.block = [&](const eco::app::SweepBlock&) {
      ++blocks;
      stop.request_stop();
    };
    const auto out = eco::app::run_sweep(sweep(format), progress, stop.get_token());
    EXPECT_EQ(out.status, RunStatus::cancelled) << out.errors;
    EXPECT_EQ(blocks, 1u) << "the evaluation went on after the cancellation";
    EXPECT_FALSE(out.run.sweep_id);
    EXPECT_EQ(dump(db_), before) << "a cancelled sweep changed the store";
    EXPECT_FALSE(fs::exists(dir_.path() / ("sweep." + format)));
    EXPECT_FALSE(fs::exists(dir_.path() / ("sweep." + format + ".partial")));
  }
  // Cancelled before it starts: nothing is evaluated.
  std::stop_source stop;
  stop.request_stop();
  std::size_t blocks = 0;
  eco::app::SweepProgress progress;
  progress.block = [&](const eco::app::SweepBlock&) { ++blocks; };
  EXPECT_EQ(eco::app::run_sweep(sweep(), progress, stop.get_token()).status, RunStatus::cancelled);
  EXPECT_EQ(blocks, 0u);
  EXPECT_EQ(sweeps_recorded(db_), 0);
}

TEST_F(EvaluationRuns, SweepOnAnotherThreadIsCancelledFromThisOne) {
  // As the HTTP server will: the run on a thread of its own, its progress watched and its
  // cancellation asked from here, through the thread's stop token.
  const std::string before = dump(db_);
  std::latch first_block(1), cancel_asked(1);
  std::size_t blocks = 0;
  eco::app::SweepProgress progress;
  progress.block = [&](const eco::app::SweepBlock&) {
    if (blocks++ == 0) {
      first_block.count_down();
      cancel_asked.wait();
    }
  };
  eco::app::SweepOutcome out;
  std::jthread run([&](std::stop_token stop) { out = eco::app::run_sweep(sweep("csv"), progress, stop); });
  first_block.wait();
  run.request_stop();
  cancel_asked.count_down();
  run.join();
  EXPECT_EQ(out.status, RunStatus::cancelled) << out.errors;
  EXPECT_EQ(blocks, 1u);
  EXPECT_EQ(dump(db_), before);
  EXPECT_FALSE(fs::exists(dir_.path() / "sweep.csv"));
}

TEST_F(EvaluationRuns, AuditReportsOneOwnerAndRecordsNothing) {
  const std::string before = dump(db_);
  eco::app::AuditRequest r;
  r.db = db_;
  r.ruleset = kSweepFixture / "ruleset";
  r.as_of = date("2024-12-31");
  r.keep_all = true;
  r.owner = "91140700MA0TWP002A";  // 晋中钢铁: one facility, F-STEEL
  std::ostringstream console;
  r.reports.formats = {eco::reports::Format::json};
  r.reports.console = &console;
  const auto out = eco::app::run_audit(r);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_EQ(out.run.command, "audit");
  EXPECT_FALSE(out.run.sweep_id);
  const auto report = nlohmann::json::parse(console.str());
  std::multiset<std::string> subjects;
  for (const auto& f : report["findings"]) subjects.insert(f["subject"]["key"].get<std::string>());
  // Both facility rules on its facility, the enterprise rule on itself; nothing of the other enterprise.
  EXPECT_EQ(subjects, (std::multiset<std::string>{"F-STEEL", "F-STEEL", "91140700MA0TWP002A"}));
  EXPECT_EQ(out.findings, 3u);
  EXPECT_EQ(dump(db_), before) << "an audit changed the store";

  r.owner = "91140700MA0TWPNOPE";
  const auto unknown = eco::app::run_audit(r);
  EXPECT_EQ(unknown.status, RunStatus::bad_request);
  EXPECT_EQ(unknown.errors, "no enterprise with id '91140700MA0TWPNOPE' in the store");
}

TEST_F(EvaluationRuns, RequestNamingWhatIsNotThereIsRefused) {
  auto r = sweep();
  r.rules = {"fx.nope"};
  auto out = eco::app::run_sweep(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_EQ(out.errors, "no rule 'fx.nope' in " + (kSweepFixture / "ruleset").string());
  r = sweep();
  r.group_by = {"county"};
  out = eco::app::run_sweep(r);
  EXPECT_EQ(out.status, RunStatus::bad_request);
  EXPECT_EQ(out.errors, "--group-by: enterprise has no field 'county'");
  r = sweep();
  r.db = dir_.path() / "none.db";
  EXPECT_EQ(eco::app::run_sweep(r).status, RunStatus::bad_request);
  EXPECT_EQ(sweeps_recorded(db_), 0);
}

TEST(ScreenRun, ScreensADocumentAndStoresNothing) {
  TempDir dir;
  const fs::path ruleset = kScreenFixture / "ruleset";
  const fs::path db = make_store(dir, ruleset, kScreenFixture / "store");
  const std::string before = dump(db);
  eco::app::ScreenRequest r;
  r.db = db;
  r.ruleset = ruleset;
  r.paths = {kScreenFixture / "apps/mixed.json"};
  r.as_of = date("2024-06-01");
  std::ostringstream console;
  r.reports.formats = {eco::reports::Format::json};
  r.reports.console = &console;
  std::vector<std::string> files;
  eco::app::ScreenProgress progress;
  progress.file_started = [&](const fs::path& f) { files.push_back(f.filename().string()); };
  const auto out = eco::app::run_screen(r, progress);
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_EQ(files, std::vector<std::string>{"mixed.json"});
  std::map<std::string, eco::engine::Decision> decisions;
  for (const auto& d : out.decisions) decisions[d.application_id] = d.decision;
  using eco::engine::Decision;
  EXPECT_EQ(decisions, (std::map<std::string, Decision>{{"A-REJECT", Decision::reject},
                                                        {"A-DOCS", Decision::conditional},
                                                        {"A-OK", Decision::approve},
                                                        {"A-SMALL", Decision::reject},
                                                        {"A-ELSEWHERE", Decision::conditional}}));
  EXPECT_FALSE(out.approved());
  EXPECT_EQ(out.import.batch, 0);
  EXPECT_FALSE(console.str().empty());
  EXPECT_EQ(dump(db), before) << "a screening without record changed the store";

  // Bad documents: rejected with their errors, nothing evaluated.
  r.paths = {kScreenFixture / "apps/bad.json"};
  const auto bad = eco::app::run_screen(r);
  EXPECT_EQ(bad.status, RunStatus::rejected);
  EXPECT_FALSE(bad.import.errors.empty());
  EXPECT_TRUE(bad.decisions.empty());
  // Replacing without recording is a request that makes no sense.
  r.replace = true;
  EXPECT_EQ(eco::app::run_screen(r).status, RunStatus::bad_request);
  EXPECT_EQ(dump(db), before);
}

TEST(RuleTestRun, ReportsTheFailingExpectation) {
  const auto out = eco::app::run_rule_tests({kSource / "tests/rules/failing", date("2024-01-01"), ""});
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_EQ(out.passed, 0u);
  EXPECT_EQ(out.failed, 2u);
  ASSERT_EQ(out.tests.size(), 2u);
  const auto& t = out.tests[0];
  EXPECT_EQ(t.rule, "r.done");
  EXPECT_FALSE(t.passed);
  EXPECT_NE(t.location.find("tests/rules/failing/ruleset.rules:"), std::string::npos) << t.location;
  ASSERT_EQ(t.expectations.size(), 3u);
  EXPECT_TRUE(t.expectations[0].ok());
  const auto& wrong = t.expectations[1];
  EXPECT_EQ(wrong.subject_key, "S-2");
  EXPECT_FALSE(wrong.ok());
  ASSERT_TRUE(wrong.actual);
  EXPECT_EQ(*wrong.actual, Verdict::violation);
  ASSERT_TRUE(wrong.finding);  // its evidence, for the report of the failure
  EXPECT_EQ(wrong.finding->subject_key, "S-2");
  EXPECT_TRUE(t.expectations[2].ok());
  EXPECT_TRUE(wrong.failed_checks.empty());  // the verdict is wrong, its words are not checked

  // The second test's verdict is right but one of its two message checks is not: only that one
  // is reported, with the finding whose message fails it.
  const auto& words = out.tests[1];
  EXPECT_FALSE(words.passed);
  ASSERT_EQ(words.expectations.size(), 1u);
  const auto& w = words.expectations[0];
  ASSERT_TRUE(w.actual);
  EXPECT_EQ(*w.actual, Verdict::unknown);
  EXPECT_EQ(w.expected, Verdict::unknown);
  EXPECT_FALSE(w.ok());
  ASSERT_EQ(w.failed_checks.size(), 1u);
  EXPECT_FALSE(w.failed_checks[0].contains);
  EXPECT_EQ(w.failed_checks[0].text, "site.done");
  ASSERT_TRUE(w.finding);
  EXPECT_NE(w.finding->message_zh.find("site.done"), std::string::npos) << w.finding->message_zh;

  // The sweep fixture's own tests pass; a rule that is not there is refused.
  const auto fixture = eco::app::run_rule_tests({kSweepFixture / "ruleset", date("2024-01-01"), ""});
  ASSERT_EQ(fixture.status, RunStatus::done) << fixture.errors;
  EXPECT_EQ(fixture.failed, 0u);
  EXPECT_GT(fixture.passed, 0u);
  const auto nope = eco::app::run_rule_tests({kSweepFixture / "ruleset", date("2024-01-01"), "fx.nope"});
  EXPECT_EQ(nope.status, RunStatus::bad_request);
}

TEST(CoverageRun, FindsEveryGap) {
  using Status = eco::app::CoverageRequirement::Status;
  const auto out = eco::app::run_coverage({kSource / "tests/rules/coverage"});
  ASSERT_EQ(out.status, RunStatus::done) << out.errors;
  EXPECT_EQ(out.ruleset, "coverage");
  ASSERT_EQ(out.requirements.size(), 4u);
  EXPECT_EQ(out.requirements[0].rules, (std::vector<std::string>{"r.tested", "r.untested"}));
  EXPECT_EQ(out.requirements[0].status, Status::ok);
  EXPECT_EQ(out.requirements[1].status, Status::no_rule);
  EXPECT_EQ(out.requirements[2].status, Status::indicator);
  EXPECT_EQ(out.requirements[3].status, Status::out_of_reach);
  EXPECT_EQ(out.need, 2u);
  EXPECT_EQ(out.encoded, 1u);
  EXPECT_EQ(out.without_rule, 1u);
  EXPECT_EQ(out.untested, 1u);
  ASSERT_EQ(out.rules.size(), 2u);
  EXPECT_TRUE(out.rules[0].lacks_violation);
  EXPECT_FALSE(out.rules[0].lacks_pass);
  EXPECT_EQ(out.incomplete, 1u);
  EXPECT_EQ(out.undeclared, 2u);
  EXPECT_FALSE(out.covered(true));

  const auto complete = eco::app::run_coverage({kSource / "tests/rules/coverage-complete"});
  ASSERT_EQ(complete.status, RunStatus::done) << complete.errors;
  EXPECT_EQ(complete.untested + complete.incomplete + complete.without_rule, 0u);
  EXPECT_EQ(complete.covered(true), true);
}

}  // namespace
