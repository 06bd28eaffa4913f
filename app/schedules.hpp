#pragma once
// Recurring sweeps: a cron-like schedule per row of the store's `_schedule` table, and the
// server's scheduler thread that enqueues each sweep when it falls due.
//
// A schedule is five fields, as crontab(5) writes them: minute (0-59), hour (0-23), day of the
// month (1-31), month (1-12 or JAN-DEC), day of the week (0-7 or SUN-SAT, 0 and 7 both Sunday).
// Each field is `*`, a value, a range `a-b`, any of these with a step `/n`, or a comma list of
// them. As in cron, when both day fields are restricted a day matching either one is due.
// Times are wall-clock times of the schedule's time zone (the bureau's: Asia/Shanghai), read
// from the system's tz database (dsl/cel/time.hpp), so "0 2 * * *" is 02:00 in Jinzhong
// whatever the server's own zone is.
//
// Missed runs: a schedule whose time passed while the server was stopped runs ONCE when the
// scheduler next looks (at start), not once per missed time; its next time is then computed
// from that moment.
#include <bitset>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <stop_token>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "app/jobs.hpp"
#include "app/sweep.hpp"

namespace SQLite {
class Database;
}

namespace eco::app {

// The bureau's time zone: schedules are written in its wall-clock time.
inline constexpr std::string_view kBureauTimeZone = "Asia/Shanghai";

using SysSeconds = std::chrono::sys_seconds;

// A schedule expression that does not parse, or can never fall due. The message names the
// field (its position and name), the text at fault and what is allowed, e.g.
// "field 2 (hour) '25': 25 is out of range 0-23".
class CronError : public std::invalid_argument {
 public:
  CronError(std::string message, int field) : std::invalid_argument(std::move(message)), field_(field) {}
  // 1-5; 0 when the expression as a whole is at fault (the number of fields, a day that never comes).
  int field() const { return field_; }

 private:
  int field_;
};

class Cron {
 public:
  // Parses five fields separated by spaces or tabs. Throws CronError.
  static Cron parse(std::string_view text);
  // The first minute strictly after `after` (UTC) whose wall-clock time in `tz` matches;
  // nullopt for an unknown zone. Every expression parse() accepts comes round within 28
  // years (29 February on a given weekday), the range searched.
  std::optional<SysSeconds> next_after(SysSeconds after, std::string_view tz = kBureauTimeZone) const;
  // Whether the wall-clock minute `local` (seconds since 1970-01-01T00:00 local) matches.
  bool matches_local(std::int64_t local_seconds) const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::bitset<60> minute_;
  std::bitset<24> hour_;
  std::bitset<32> day_;    // 1-31
  std::bitset<13> month_;  // 1-12
  std::bitset<7> weekday_; // 0 = Sunday
  bool day_any_ = true, weekday_any_ = true;
};

// Formats and parses "YYYY-MM-DDTHH:MM:SSZ" (the store's UTC times).
std::string format_utc(SysSeconds t);
std::optional<SysSeconds> parse_utc(std::string_view text);
// The wall-clock time of `t` in `tz`, "YYYY-MM-DD HH:MM"; nullopt for an unknown zone.
std::optional<std::string> format_local(SysSeconds t, std::string_view tz = kBureauTimeZone);
// The calendar date of `t` in `tz` ("YYYY-MM-DD"); the legal date of a scheduled sweep.
std::optional<std::string> local_date(SysSeconds t, std::string_view tz = kBureauTimeZone);

// A refused schedule request (a bad expression, an unknown id, a zone the system does not
// know) or a store that cannot be read or written. The message is a sentence for the user.
class ScheduleError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Schedule {
  std::int64_t id = 0;
  std::string name;        // what people call it ("nightly sweep")
  std::string cron;        // the expression as given
  std::string time_zone;   // IANA name
  std::string kind;        // what it runs: "sweep"
  std::string created_by, created_at;
  std::string last_run_at;  // UTC: when it was last enqueued; "" never
  std::string next_run_at;  // UTC: when it next falls due
  std::int64_t last_job = 0;  // the job it last enqueued (0: none)
};

struct NewSchedule {
  std::string name;
  std::string cron;
  std::string time_zone = std::string(kBureauTimeZone);
  std::string kind = "sweep";
};

class Schedules {
 public:
  // Opens the schedules of the store at `db` (made by `ecoaudit init`), creating `_schedule`
  // on first use. Throws ScheduleError.
  static std::unique_ptr<Schedules> open(const std::filesystem::path& db);
  ~Schedules();
  Schedules(const Schedules&) = delete;
  Schedules& operator=(const Schedules&) = delete;

  // Adds a schedule (its next time computed from `now`); recorded in the audit trail as
  // "schedule.add" by `actor` in the same transaction. Throws ScheduleError (a CronError's
  // message for a bad expression; an empty or over-long name; a kind other than "sweep"; an
  // unknown zone); nothing is written then.
  Schedule add(const NewSchedule& schedule, std::string_view actor, SysSeconds now);
  // Removes one ("schedule.remove" in the trail). Throws ScheduleError for an unknown id.
  void remove(std::int64_t id, std::string_view actor);
  std::vector<Schedule> list();
  std::optional<Schedule> find(std::int64_t id);

  // The schedules due at `now` (next_run_at <= now). For each, `enqueue` is called once
  // (however many times were missed) and must return the job it queued; the schedule's
  // last run becomes `now` and its next time the first after `now`. Returns how many ran.
  // An enqueue that throws leaves that schedule due (it is tried at the next tick).
  std::size_t run_due(SysSeconds now, const std::function<std::int64_t(const Schedule&)>& enqueue);
  // The earliest next time of any schedule; nullopt when there is none.
  std::optional<SysSeconds> next_due();

 private:
  Schedules(std::string path, std::unique_ptr<SQLite::Database> db);
  std::string path_;
  std::unique_ptr<SQLite::Database> db_;
};

// The server's scheduler: a thread that, at start and whenever a schedule falls due, calls
// Schedules::run_due with the clock's time. It wakes at the earliest next time, and at least
// every `poll` so that schedules added by another process (`ecoaudit schedule add`) are seen.
// Stopping (stop() or the destructor) returns once the thread has ended; a tick under way
// finishes first.
class Scheduler {
 public:
  using Clock = std::function<SysSeconds()>;
  Scheduler(std::filesystem::path db, std::function<std::int64_t(const Schedule&)> enqueue,
            std::chrono::seconds poll = std::chrono::seconds(60), Clock clock = {});
  ~Scheduler();
  // Starts the thread; the first tick is immediate (the catch-up of missed runs).
  void start();
  void stop();
  // One tick now (also what the thread does): the number of schedules run. Errors of the
  // store are reported through `on_error` when set, and the tick retried at the next wake.
  std::size_t tick();
  std::function<void(const std::string&)> on_error;

  // The enqueue function of a server's scheduler: queues on `queue` a sweep_job of `base`
  // (store, ruleset, language, reports: usually none) whose legal date is the schedule's local
  // date at the moment it is queued (by `clock`), started by "schedule:<id>". Its request
  // (the job's JSON) names the schedule and the date.
  static std::function<std::int64_t(const Schedule&)> sweep_enqueuer(JobQueue& queue, SweepRequest base,
                                                                      Clock clock = {});

 private:
  std::filesystem::path db_;
  std::function<std::int64_t(const Schedule&)> enqueue_;
  std::chrono::seconds poll_;
  Clock clock_;
  std::jthread thread_;
};

}  // namespace eco::app
