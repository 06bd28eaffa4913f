// app/jobs: background jobs on one writer thread. A sweep run as a job records the same
// findings as the sweep run directly, with progress and a row of the audit trail; jobs never
// overlap and run in order; a running job's progress is visible while it runs; a cancelled
// job (queued or running) writes nothing; the history survives the queue (a restart), and
// jobs a dead process left running come back interrupted; shutdown lets a job finish within
// its grace and stops it past it.
#include <gtest/gtest.h>

#include <SQLiteCpp/SQLiteCpp.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <filesystem>
#include <latch>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include "app/accounts.hpp"
#include "app/jobs.hpp"
#include "app/ruleset.hpp"
#include "app/store_runs.hpp"
#include "app/sweep.hpp"
#include "app/sweep_history.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using eco::app::JobContext;
using eco::app::JobOutcome;
using eco::app::JobQueue;
using eco::app::JobState;
using eco::app::RunStatus;
using eco::testing::TempDir;

const fs::path kFixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";

std::int64_t count(const fs::path& db, const std::string& table) {
  SQLite::Database d(db.string(), SQLite::OPEN_READONLY);
  SQLite::Statement q(d, "SELECT count(*) FROM sqlite_master WHERE name = ?");
  q.bind(1, table);
  if (!q.executeStep() || q.getColumn(0).getInt() == 0) return 0;
  return d.execAndGet("SELECT count(*) FROM " + table).getInt64();
}

class Jobs : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(eco::app::run_init({db(), kFixture / "ruleset"}).status, RunStatus::done);
    eco::app::ImportRequest r;
    r.db = db();
    r.ruleset = kFixture / "ruleset";
    r.paths = {kFixture / "store"};
    ASSERT_EQ(eco::app::run_import(r).status, RunStatus::done);
  }
  fs::path db() const { return dir_.path() / "store.db"; }
  eco::app::SweepRequest sweep() const {
    eco::app::SweepRequest r;
    r.db = db();
    r.ruleset = kFixture / "ruleset";
    r.as_of = *eco::dsl::parse_date("2024-12-31");
    r.reports.formats = {};  // no report: the job's summary and the history are the outcome
    return r;
  }
  TempDir dir_;
};

// A job runs at the queue's nice value, and so do the threads it starts (a sweep's evaluation,
// snapshot and report threads); the thread that submitted it keeps its own priority, as the
// server's request threads do.
TEST_F(Jobs, AJobAndTheThreadsItStartsRunAtTheQueuesNiceValueNotTheCallers) {
  const auto nice_of_this_thread = [] {
    errno = 0;
    return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()));
  };
  const int caller_before = nice_of_this_thread();
  // Absolute values: a test run already niced (CI's may be) asks for three more.
  if (caller_before > 16) GTEST_SKIP() << "the test runs at nice " << caller_before;
  const int wanted = caller_before + 3;
  auto queue = JobQueue::open(db(), wanted);
  const auto id = queue->submit("probe", "alice", "{}", [&](JobContext&) {
    int child = -100;
    std::thread t([&] { child = nice_of_this_thread(); });
    t.join();
    return JobOutcome{JobState::done, nlohmann::json{{"job", nice_of_this_thread()}, {"child", child}}.dump(), ""};
  });
  const auto job = queue->wait(id, 60s);
  ASSERT_TRUE(job);
  ASSERT_EQ(job->state, JobState::done) << job->error;
  const auto summary = nlohmann::json::parse(job->summary);
  EXPECT_EQ(summary["job"], wanted);
  EXPECT_EQ(summary["child"], wanted);
  EXPECT_EQ(nice_of_this_thread(), caller_before);
}

TEST_F(Jobs, SweepJobRecordsTheSameFindingsAsADirectSweepWithProgressAndATrailRow) {
  // The reference: the same sweep run directly, not recorded.
  auto direct_request = sweep();
  direct_request.record = false;
  const auto direct = eco::app::run_sweep(direct_request);
  ASSERT_EQ(direct.status, RunStatus::done) << direct.errors;

  auto queue = JobQueue::open(db());
  const auto id = queue->submit("sweep", "alice", R"({"as_of":"2024-12-31"})", eco::app::sweep_job(sweep(), "alice"));
  const auto job = queue->wait(id, 60s);
  ASSERT_TRUE(job);
  ASSERT_EQ(job->state, JobState::done) << job->error;
  EXPECT_EQ(job->kind, "sweep");
  EXPECT_EQ(job->actor, "alice");
  EXPECT_EQ(job->request, R"({"as_of":"2024-12-31"})");
  EXPECT_FALSE(job->started_at.empty());
  EXPECT_FALSE(job->finished_at.empty());
  // Every rule evaluated, as the last progress said.
  EXPECT_GT(job->progress.total, 0u);
  EXPECT_EQ(job->progress.done, job->progress.total);

  const auto summary = nlohmann::json::parse(job->summary);
  EXPECT_EQ(summary["sweep_id"], 1);
  EXPECT_EQ(summary["findings"], direct.findings);
  EXPECT_EQ(summary["as_of"], "2024-12-31");
  for (std::size_t v = 0; v < eco::dsl::model::kVerdictCount; ++v) {
    std::uint64_t n = 0;
    for (auto c : direct.counts[v]) n += c;
    EXPECT_EQ(summary["counts"][std::string(eco::dsl::model::to_string(static_cast<eco::dsl::model::Verdict>(v)))], n);
  }
  EXPECT_EQ(count(db(), "_sweep"), 1);

  // The sweeps page's history: the recorded sweep, with the job's figures.
  eco::dsl::SourceManager sm;
  const auto checked = eco::app::load_checked_ruleset(kFixture / "ruleset", sm);
  ASSERT_TRUE(checked.ruleset) << checked.errors;
  const auto history = eco::app::sweep_history(db(), *checked.ruleset);
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].id, 1);
  EXPECT_EQ(history[0].as_of, "2024-12-31");
  EXPECT_EQ(history[0].findings, direct.findings);

  const auto trail = eco::app::Accounts::open(db())->trail();
  ASSERT_FALSE(trail.empty());
  EXPECT_EQ(trail.back().actor, "alice");
  EXPECT_EQ(trail.back().action, "sweep.run");
  EXPECT_EQ(trail.back().object, "sweep:1");
}

TEST_F(Jobs, OneJobAtATimeInTheOrderSubmitted) {
  auto queue = JobQueue::open(db());
  std::atomic<int> active{0}, most{0};
  std::mutex mu;
  std::vector<int> order;
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i)
    ids.push_back(queue->submit("test", "alice", "", [&, i](JobContext&) {
      const int now = ++active;
      most = std::max(most.load(), now);
      std::this_thread::sleep_for(20ms);
      {
        std::lock_guard lock(mu);
        order.push_back(i);
      }
      --active;
      return JobOutcome{JobState::done, "{}", ""};
    }));
  for (auto id : ids) ASSERT_EQ(queue->wait(id, 10s)->state, JobState::done);
  EXPECT_EQ(most.load(), 1);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  // Newest first, and only the actor's when asked.
  queue->submit("test", "bob", "", [](JobContext&) { return JobOutcome{}; });
  const auto all = queue->list(10);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all.front().actor, "bob");
  EXPECT_EQ(queue->list(10, "alice").size(), 4u);
  EXPECT_EQ(queue->list(2).size(), 2u);
}

TEST_F(Jobs, ProgressIsVisibleWhileTheJobRuns) {
  auto queue = JobQueue::open(db());
  std::latch reported(1), release(1);
  const auto id = queue->submit("test", "alice", "", [&](JobContext& ctx) {
    ctx.progress("evaluating", 3, 10);
    reported.count_down();
    release.wait();
    return JobOutcome{JobState::done, R"({"n":1})", ""};
  });
  reported.wait();
  const auto running = queue->find(id);
  ASSERT_TRUE(running);
  EXPECT_EQ(running->state, JobState::running);
  EXPECT_EQ(running->progress.stage, "evaluating");
  EXPECT_EQ(running->progress.done, 3u);
  EXPECT_EQ(running->progress.total, 10u);
  release.count_down();
  const auto done = queue->wait(id, 10s);
  EXPECT_EQ(done->state, JobState::done);
  EXPECT_EQ(done->summary, R"({"n":1})");
  EXPECT_EQ(done->progress.done, 3u);  // the last progress is kept with the finished job
  EXPECT_FALSE(queue->find(id + 100));
}

TEST_F(Jobs, CancelledSweepWritesNothing) {
  auto queue = JobQueue::open(db());
  std::latch started(1), cancelled(1);
  auto work = eco::app::sweep_job(sweep(), "alice");
  const auto id = queue->submit("sweep", "alice", "", [&](JobContext& ctx) {
    started.count_down();
    cancelled.wait();
    return work(ctx);  // the sweep meets its stop token already stopped
  });
  started.wait();
  EXPECT_TRUE(queue->cancel(id));
  cancelled.count_down();
  const auto job = queue->wait(id, 60s);
  EXPECT_EQ(job->state, JobState::cancelled);
  EXPECT_EQ(count(db(), "_sweep"), 0) << "a cancelled sweep recorded a sweep";
  EXPECT_FALSE(queue->cancel(id)) << "a finished job cannot be cancelled";
}

TEST_F(Jobs, CancelledQueuedJobNeverRuns) {
  auto queue = JobQueue::open(db());
  std::latch release(1);
  std::atomic<bool> second_ran{false};
  const auto first = queue->submit("test", "alice", "", [&](JobContext&) {
    release.wait();
    return JobOutcome{};
  });
  const auto second = queue->submit("test", "alice", "", [&](JobContext&) {
    second_ran = true;
    return JobOutcome{};
  });
  EXPECT_EQ(queue->find(second)->state, JobState::queued);
  EXPECT_TRUE(queue->cancel(second));
  release.count_down();
  EXPECT_EQ(queue->wait(first, 10s)->state, JobState::done);
  EXPECT_EQ(queue->wait(second, 10s)->state, JobState::cancelled);
  queue->shutdown(10s);
  EXPECT_FALSE(second_ran);
}

TEST_F(Jobs, WorkThatThrowsFailsTheJobWithItsMessage) {
  auto queue = JobQueue::open(db());
  const auto id = queue->submit("test", "alice", "", [](JobContext&) -> JobOutcome { throw std::runtime_error("disk full"); });
  const auto job = queue->wait(id, 10s);
  EXPECT_EQ(job->state, JobState::failed);
  EXPECT_EQ(job->error, "disk full");
}

TEST_F(Jobs, HistorySurvivesARestartAndUnfinishedJobsComeBackInterrupted) {
  std::int64_t id = 0;
  {
    auto queue = JobQueue::open(db());
    id = queue->submit("sweep", "alice", "", eco::app::sweep_job(sweep(), "alice"));
    ASSERT_EQ(queue->wait(id, 60s)->state, JobState::done);
  }
  {
    // A process that died with a job running (its run's transaction rolled back with it).
    SQLite::Database d(db().string(), SQLite::OPEN_READWRITE);
    d.exec("INSERT INTO _job (kind, actor, state, created_at, started_at) "
           "VALUES ('sweep', 'bob', 'running', '2026-12-07T01:00:00Z', '2026-12-07T01:00:01Z')");
  }
  auto queue = JobQueue::open(db());
  const auto done = queue->find(id);
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, JobState::done);
  EXPECT_EQ(nlohmann::json::parse(done->summary)["sweep_id"], 1);
  const auto interrupted = queue->find(id + 1);
  ASSERT_TRUE(interrupted);
  EXPECT_EQ(interrupted->state, JobState::interrupted);
  EXPECT_FALSE(interrupted->finished_at.empty());
  EXPECT_NE(interrupted->error.find("wrote nothing"), std::string::npos);
}

TEST_F(Jobs, ShutdownLetsTheRunningJobFinishWithinItsGrace) {
  auto queue = JobQueue::open(db());
  std::latch started(1);
  const auto id = queue->submit("test", "alice", "", [&](JobContext&) {
    started.count_down();
    std::this_thread::sleep_for(100ms);
    return JobOutcome{JobState::done, "{}", ""};
  });
  started.wait();
  queue->shutdown(30s);
  EXPECT_EQ(queue->find(id)->state, JobState::done);
}

TEST_F(Jobs, ShutdownStopsTheRunningJobPastItsGraceAndCancelsTheQueued) {
  auto queue = JobQueue::open(db());
  std::latch started(1);
  const auto running = queue->submit("test", "alice", "", [&](JobContext& ctx) {
    started.count_down();
    // A run that checks its token between blocks, as the sweep does.
    while (!ctx.stop_requested()) std::this_thread::sleep_for(1ms);
    return JobOutcome{JobState::cancelled, "", "stopped"};
  });
  std::atomic<bool> queued_ran{false};
  const auto queued = queue->submit("test", "alice", "", [&](JobContext&) {
    queued_ran = true;
    return JobOutcome{};
  });
  started.wait();
  queue->shutdown(50ms);
  EXPECT_EQ(queue->find(running)->state, JobState::cancelled);
  EXPECT_EQ(queue->find(queued)->state, JobState::cancelled);
  EXPECT_FALSE(queued_ran);
  EXPECT_THROW(queue->submit("test", "alice", "", [](JobContext&) { return JobOutcome{}; }), eco::app::JobError);
  queue->shutdown(50ms);  // a second call does nothing
}

TEST_F(Jobs, OpeningWhatIsNoStoreFails) {
  EXPECT_THROW(JobQueue::open(dir_.path() / "missing.db"), eco::app::JobError);
  const auto other = dir_.write("other.db", "");
  EXPECT_THROW(JobQueue::open(other), eco::app::JobError);
}

TEST(JobVisibility, TheStarterAndAdministratorsOnly) {
  eco::app::JobInfo job;
  job.actor = "alice";
  using eco::app::Role;
  EXPECT_TRUE(eco::app::job_visible_to(job, {"alice", {Role::viewer}, {}, false}));
  EXPECT_FALSE(eco::app::job_visible_to(job, {"bob", {Role::inspector}, {"榆次区"}, false}));
  EXPECT_TRUE(eco::app::job_visible_to(job, {"root", {Role::administrator}, {}, false}));
  EXPECT_FALSE(eco::app::job_visible_to(job, {"alice", {Role::viewer}, {}, true})) << "a disabled account sees nothing";
  EXPECT_FALSE(eco::app::job_visible_to(job, {"", {Role::viewer}, {}, false}));
}

TEST(JobStates, NamesRoundTrip) {
  for (auto s : {JobState::queued, JobState::running, JobState::done, JobState::failed, JobState::cancelled,
                 JobState::interrupted})
    EXPECT_EQ(eco::app::parse_job_state(eco::app::to_string(s)), s);
  EXPECT_FALSE(eco::app::parse_job_state("finished"));
  EXPECT_FALSE(eco::app::finished(JobState::running));
  EXPECT_TRUE(eco::app::finished(JobState::interrupted));
}

TEST_F(Jobs, CancelledImportWritesNothing) {
  const std::string before = eco::testing::dump(db());
  const auto file = dir_.write("more/enterprise.csv", "id,name,industry,insured\n91140700MA0TWP003D,新企业,coking,true\n");
  eco::app::ImportRequest r;
  r.db = db();
  r.ruleset = kFixture / "ruleset";
  r.paths = {file};
  std::stop_source stop;
  eco::app::ImportProgress progress;
  // Stopped while its file is read: the batch is staged in full, then rolled back.
  progress.file_started = [&](const fs::path&) { stop.request_stop(); };
  const auto out = eco::app::run_import(r, progress, stop.get_token());
  EXPECT_EQ(out.status, RunStatus::cancelled) << out.errors;
  EXPECT_EQ(out.result.batch, 0);
  EXPECT_EQ(out.result.error_count, 0u);
  EXPECT_EQ(eco::testing::dump(db()), before);
  // Stopped before it starts: not even the ruleset is read.
  const auto early = eco::app::run_import(r, {}, stop.get_token());
  EXPECT_EQ(early.status, RunStatus::cancelled);
  // The same import not stopped commits.
  EXPECT_EQ(eco::app::run_import(r).result.batch, 2);
}

}  // namespace
