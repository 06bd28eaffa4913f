// app/schedules: cron-like expressions parsed with errors naming the field and the text at
// fault; next times computed in the schedule's zone through the system's tz database (the
// bureau's Asia/Shanghai, and a half-hour zone to show the zone is read, not assumed); the
// `_schedule` table with its trail rows; missed runs run once, not once per missed time; the
// scheduler thread's catch-up tick at start.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "app/accounts.hpp"
#include "app/jobs.hpp"
#include "app/schedules.hpp"
#include "app/store_runs.hpp"
#include "tests/support/store_helpers.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using eco::app::Cron;
using eco::app::CronError;
using eco::app::SysSeconds;
using eco::testing::TempDir;

SysSeconds utc(const char* text) {
  auto t = eco::app::parse_utc(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(SysSeconds{});
}

std::string next(const char* cron, const char* after, std::string_view tz = eco::app::kBureauTimeZone) {
  const auto t = Cron::parse(cron).next_after(utc(after), tz);
  return t ? eco::app::format_utc(*t) : "none";
}

// The message of the CronError parsing `text` throws, and the field it names.
std::pair<std::string, int> error_of(const char* text) {
  try {
    Cron::parse(text);
  } catch (const CronError& ex) {
    return {ex.what(), ex.field()};
  }
  return {"no error", -1};
}

TEST(Cron, ErrorsNameTheFieldAndTheTextAtFault) {
  EXPECT_EQ(error_of("0 2 * *"),
            std::make_pair(std::string("'0 2 * *': a schedule has 5 fields (minute hour day-of-month month "
                                       "day-of-week), this one has 4; e.g. '0 2 * * *' is every day at 02:00"),
                           0));
  EXPECT_EQ(error_of("61 * * * *"), std::make_pair(std::string("field 1 (minute) '61': 61 is out of range 0-59"), 1));
  EXPECT_EQ(error_of("0 24 * * *"), std::make_pair(std::string("field 2 (hour) '24': 24 is out of range 0-23"), 2));
  EXPECT_EQ(error_of("0 0 0 * *").second, 3);
  EXPECT_EQ(error_of("0 0 * 13 *").second, 4);
  EXPECT_EQ(error_of("0 0 * * 8").first, "field 5 (day of week) '8': 8 is out of range 0-7");
  EXPECT_EQ(error_of("*/0 * * * *").first, "field 1 (minute) '*/0': the step '0' is not a positive number");
  EXPECT_EQ(error_of("0 5-1 * * *").first, "field 2 (hour) '5-1': the range runs backwards (5 > 1)");
  EXPECT_EQ(error_of("0 x * * *").first, "field 2 (hour) 'x': 'x' is not a number");
  EXPECT_EQ(error_of("0 0 * FOO *").first, "field 4 (month) 'FOO': 'FOO' is not a number nor a name (JAN-DEC)");
  EXPECT_EQ(error_of("0,,5 0 * * *").first, "field 1 (minute) '0,,5': an empty item in the list");
  EXPECT_EQ(error_of("0 0 30 2 *"),
            std::make_pair(std::string("'0 0 30 2 *': never falls due: none of the months given has any of the days given"), 0));
  EXPECT_NO_THROW(Cron::parse("0 0 29 2 *"));
  EXPECT_NO_THROW(Cron::parse("30 6 * jan-mar,Dec mon-fri"));
  EXPECT_EQ(Cron::parse("  0\t2  * * *").text(), "0 2 * * *");
}

TEST(Cron, NextTimesAreWallClockTimesOfTheBureausZone) {
  // 13:00 in Jinzhong (UTC+8): the next 02:00 there is tomorrow, 18:00 UTC today.
  EXPECT_EQ(next("0 2 * * *", "2026-12-07T05:00:00Z"), "2026-12-07T18:00:00Z");
  // Strictly after: a time that matches now is next due a day later.
  EXPECT_EQ(next("0 2 * * *", "2026-12-07T18:00:00Z"), "2026-12-08T18:00:00Z");
  EXPECT_EQ(next("*/15 * * * *", "2026-12-07T05:07:30Z"), "2026-12-07T05:15:00Z");
  EXPECT_EQ(next("5/20 * * * *", "2026-12-07T05:26:00Z"), "2026-12-07T05:45:00Z");
  // Day of month and day of week both restricted: either one (13 December is a Sunday, 11 a Friday).
  EXPECT_EQ(next("0 0 13 * 5", "2026-12-07T05:00:00Z"), "2026-12-10T16:00:00Z");
  // Only the day of week restricted: Sundays, written 0 or 7.
  EXPECT_EQ(next("0 9 * * 7", "2026-12-07T05:00:00Z"), "2026-12-13T01:00:00Z");
  EXPECT_EQ(next("0 9 * * 0", "2026-12-07T05:00:00Z"), "2026-12-13T01:00:00Z");
  // 29 February: the next leap year.
  EXPECT_EQ(next("0 0 29 2 *", "2026-03-01T00:00:00Z"), "2028-02-28T16:00:00Z");
  // Another zone of the database: India, UTC+05:30.
  EXPECT_EQ(next("0 2 * * *", "2026-12-07T05:00:00Z", "Asia/Kolkata"), "2026-12-07T20:30:00Z");
  EXPECT_EQ(next("0 2 * * *", "2026-12-07T05:00:00Z", "Mars/Olympus_Mons"), "none");
}

TEST(Cron, LocalDateOfAnInstant) {
  // 17:00 UTC on the 7th is already the 8th in Jinzhong.
  EXPECT_EQ(eco::app::local_date(utc("2026-12-07T17:00:00Z")), "2026-12-08");
  EXPECT_EQ(eco::app::local_date(utc("2026-12-07T15:59:59Z")), "2026-12-07");
  EXPECT_FALSE(eco::app::local_date(utc("2026-12-07T15:59:59Z"), "Nowhere/Void"));
}

class Schedules : public ::testing::Test {
 protected:
  void SetUp() override {
    const fs::path fixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";
    ASSERT_EQ(eco::app::run_init({db(), fixture / "ruleset"}).status, eco::app::RunStatus::done);
  }
  fs::path db() const { return dir_.path() / "store.db"; }
  TempDir dir_;
};

TEST_F(Schedules, AddListRemoveWithTrailRows) {
  auto s = eco::app::Schedules::open(db());
  const auto added = s->add({"nightly sweep", "0 2 * * *"}, "admin", utc("2026-12-07T05:00:00Z"));
  EXPECT_EQ(added.id, 1);
  EXPECT_EQ(added.time_zone, "Asia/Shanghai");
  EXPECT_EQ(added.kind, "sweep");
  EXPECT_EQ(added.created_by, "admin");
  EXPECT_EQ(added.next_run_at, "2026-12-07T18:00:00Z");
  EXPECT_EQ(added.last_run_at, "");
  ASSERT_EQ(s->list().size(), 1u);
  EXPECT_EQ(s->next_due(), utc("2026-12-07T18:00:00Z"));

  // Refused requests write nothing.
  EXPECT_THROW(s->add({"bad", "0 25 * * *"}, "admin", utc("2026-12-07T05:00:00Z")), eco::app::ScheduleError);
  EXPECT_THROW(s->add({"", "0 2 * * *"}, "admin", utc("2026-12-07T05:00:00Z")), eco::app::ScheduleError);
  EXPECT_THROW(s->add({"x", "0 2 * * *", "Nowhere/Void"}, "admin", utc("2026-12-07T05:00:00Z")), eco::app::ScheduleError);
  EXPECT_THROW(s->add({"x", "0 2 * * *", "Asia/Shanghai", "import"}, "admin", utc("2026-12-07T05:00:00Z")),
               eco::app::ScheduleError);
  EXPECT_EQ(s->list().size(), 1u);
  try {
    s->add({"bad", "0 25 * * *"}, "admin", utc("2026-12-07T05:00:00Z"));
  } catch (const eco::app::ScheduleError& ex) {
    EXPECT_STREQ(ex.what(), "field 2 (hour) '25': 25 is out of range 0-23");
  }

  EXPECT_THROW(s->remove(7, "admin"), eco::app::ScheduleError);
  s->remove(1, "admin");
  EXPECT_TRUE(s->list().empty());
  EXPECT_FALSE(s->next_due());

  const auto trail = eco::app::Accounts::open(db())->trail();
  ASSERT_EQ(trail.size(), 2u);
  EXPECT_EQ(trail[0].action, "schedule.add");
  EXPECT_EQ(trail[0].object, "schedule:1");
  EXPECT_EQ(trail[0].detail, "name=nightly sweep cron=0 2 * * * tz=Asia/Shanghai kind=sweep");
  EXPECT_EQ(trail[1].action, "schedule.remove");
  EXPECT_EQ(trail[1].actor, "admin");
}

TEST_F(Schedules, MissedRunsRunOnceNotOncePerMissedTime) {
  auto s = eco::app::Schedules::open(db());
  s->add({"hourly", "0 * * * *"}, "admin", utc("2026-12-07T00:10:00Z"));
  EXPECT_EQ(s->find(1)->next_run_at, "2026-12-07T01:00:00Z");
  int calls = 0;
  auto enqueue = [&](const eco::app::Schedule& due) {
    EXPECT_EQ(due.name, "hourly");
    return std::int64_t{40 + ++calls};
  };
  // Not due yet.
  EXPECT_EQ(s->run_due(utc("2026-12-07T00:59:59Z"), enqueue), 0u);
  // Five and a half hours later (the server was stopped): once.
  EXPECT_EQ(s->run_due(utc("2026-12-07T05:30:00Z"), enqueue), 1u);
  EXPECT_EQ(calls, 1);
  const auto after = *s->find(1);
  EXPECT_EQ(after.last_run_at, "2026-12-07T05:30:00Z");
  EXPECT_EQ(after.next_run_at, "2026-12-07T06:00:00Z");
  EXPECT_EQ(after.last_job, 41);
  EXPECT_EQ(s->run_due(utc("2026-12-07T05:30:00Z"), enqueue), 0u);
  EXPECT_EQ(s->run_due(utc("2026-12-07T06:00:00Z"), enqueue), 1u);
  EXPECT_EQ(calls, 2);
  // An enqueue that fails leaves the schedule due.
  EXPECT_THROW(s->run_due(utc("2026-12-07T07:00:00Z"),
                          [](const eco::app::Schedule&) -> std::int64_t { throw std::runtime_error("stopping"); }),
               std::runtime_error);
  EXPECT_EQ(s->find(1)->next_run_at, "2026-12-07T07:00:00Z");
}

TEST_F(Schedules, TheSchedulerCatchesUpAtStartAndStops) {
  eco::app::Schedules::open(db())->add({"nightly", "0 2 * * *"}, "admin", utc("2026-12-01T00:00:00Z"));
  std::atomic<int> enqueued{0};
  eco::app::Scheduler scheduler(
      db(), [&](const eco::app::Schedule&) { return std::int64_t{++enqueued}; }, 3600s,
      [] { return utc("2026-12-07T05:00:00Z"); });
  std::string errors;
  scheduler.on_error = [&](const std::string& e) { errors += e; };
  scheduler.start();
  for (int i = 0; i < 1000 && enqueued.load() == 0; ++i) std::this_thread::sleep_for(10ms);
  scheduler.stop();
  EXPECT_EQ(enqueued.load(), 1) << "six missed nights run once";
  EXPECT_EQ(errors, "");
  EXPECT_EQ(eco::app::Schedules::open(db())->find(1)->next_run_at, "2026-12-07T18:00:00Z");
  EXPECT_EQ(scheduler.tick(), 0u);
}

TEST_F(Schedules, AScheduledSweepRunsAsAJobAsOfTheBureausDate) {
  const fs::path fixture = fs::path(ECOAUDIT_SOURCE_DIR) / "tests/sweep/fixture";
  eco::app::ImportRequest import;
  import.db = db();
  import.ruleset = fixture / "ruleset";
  import.paths = {fixture / "store"};
  ASSERT_EQ(eco::app::run_import(import).status, eco::app::RunStatus::done);
  eco::app::Schedules::open(db())->add({"nightly", "0 2 * * *"}, "admin", utc("2024-12-30T00:00:00Z"));

  auto queue = eco::app::JobQueue::open(db());
  eco::app::SweepRequest base;
  base.db = db();
  base.ruleset = fixture / "ruleset";
  base.reports.formats = {};
  // 18:30 UTC on the 30th is 02:30 on the 31st in Jinzhong: the sweep is as of the 31st.
  const auto clock = [] { return utc("2024-12-30T18:30:00Z"); };
  eco::app::Scheduler scheduler(db(), eco::app::Scheduler::sweep_enqueuer(*queue, base, clock), 3600s, clock);
  ASSERT_EQ(scheduler.tick(), 1u);
  const auto jobs = queue->list();
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0].actor, "schedule:1");
  EXPECT_EQ(jobs[0].request, R"({"as_of":"2024-12-31","name":"nightly","schedule":1})");
  const auto job = queue->wait(jobs[0].id, 60s);
  ASSERT_EQ(job->state, eco::app::JobState::done) << job->error;
  EXPECT_NE(job->summary.find(R"("as_of":"2024-12-31")"), std::string::npos) << job->summary;
  EXPECT_EQ(eco::app::Schedules::open(db())->find(1)->last_job, job->id);
  const auto trail = eco::app::Accounts::open(db())->trail();
  EXPECT_EQ(trail.back().actor, "schedule:1");
  EXPECT_EQ(trail.back().action, "sweep.run");
}

TEST_F(Schedules, OpeningWhatIsNoStoreFails) {
  EXPECT_THROW(eco::app::Schedules::open(dir_.path() / "missing.db"), eco::app::ScheduleError);
}

}  // namespace
