#include "app/schedules.hpp"

#include <array>
#include <cctype>
#include <charconv>
#include <condition_variable>
#include <mutex>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "dsl/cel/time.hpp"
#include "dsl/common/date.hpp"

namespace eco::app {
namespace {

namespace chr = std::chrono;

struct FieldSpec {
  const char* name;
  int min, max;
  std::array<std::string_view, 12> names;  // accepted names for min, min+1, ... ("" past the list)
};

constexpr FieldSpec kFields[5] = {
    {"minute", 0, 59, {}},
    {"hour", 0, 23, {}},
    {"day of month", 1, 31, {}},
    {"month", 1, 12, {"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
    {"day of week", 0, 7, {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
};

// The largest day of each month in any year (29 February exists in leap years).
constexpr int kMonthDays[13] = {0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

[[noreturn]] void fail(int field, std::string_view item, const std::string& why) {
  throw CronError(fmt::format("field {} ({}) '{}': {}", field + 1, kFields[field].name, item, why), field + 1);
}

// A value of field `f`: a number or one of its names (any case).
int value(int f, std::string_view text, std::string_view item) {
  const FieldSpec& spec = kFields[f];
  if (text.empty()) fail(f, item, "a value is missing");
  if (std::isalpha(static_cast<unsigned char>(text[0]))) {
    std::string upper;
    for (char c : text) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (std::size_t i = 0; i < spec.names.size(); ++i)
      if (!spec.names[i].empty() && spec.names[i] == upper) return spec.min + static_cast<int>(i);
    if (spec.names[0].empty()) fail(f, item, fmt::format("'{}' is not a number", text));
    fail(f, item, fmt::format("'{}' is not a number nor a name ({}-{})", text, spec.names[0],
                              f == 3 ? "DEC" : "SAT"));
  }
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) fail(f, item, fmt::format("'{}' is not a number", text));
  if (v < spec.min || v > spec.max) fail(f, item, fmt::format("{} is out of range {}-{}", v, spec.min, spec.max));
  return v;
}

// Parses field `f` into the set of values it allows (indexes min..max).
std::vector<bool> parse_field(int f, std::string_view text) {
  const FieldSpec& spec = kFields[f];
  std::vector<bool> set(static_cast<std::size_t>(spec.max) + 1, false);
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = text.substr(start, comma == std::string_view::npos ? text.npos : comma - start);
    if (item.empty()) fail(f, text, "an empty item in the list");
    std::string_view base = item;
    int step = 1;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
      base = item.substr(0, slash);
      const std::string_view s = item.substr(slash + 1);
      auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
      if (s.empty() || ec != std::errc() || end != s.data() + s.size() || step < 1)
        fail(f, item, fmt::format("the step '{}' is not a positive number", s));
      if (step > spec.max - spec.min) fail(f, item, fmt::format("the step {} is larger than the range {}-{}", step, spec.min, spec.max));
    }
    int lo, hi;
    if (base == "*") {
      lo = spec.min;
      hi = spec.max;
    } else if (auto dash = base.find('-'); dash != std::string_view::npos) {
      lo = value(f, base.substr(0, dash), item);
      hi = value(f, base.substr(dash + 1), item);
      if (lo > hi) fail(f, item, fmt::format("the range runs backwards ({} > {})", lo, hi));
    } else {
      lo = value(f, base, item);
      // "5/15" is cron's "from 5 to the end in steps of 15".
      hi = item.find('/') != std::string_view::npos ? spec.max : lo;
    }
    for (int v = lo; v <= hi; v += step) set[static_cast<std::size_t>(v)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return set;
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Cron Cron::parse(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5)
    throw CronError(fmt::format("'{}': a schedule has 5 fields (minute hour day-of-month month day-of-week), "
                                "this one has {}; e.g. '0 2 * * *' is every day at 02:00",
                                text, fields.size()),
                    0);
  Cron c;
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (k) c.text_ += ' ';
    c.text_ += fields[k];
  }
  auto copy = [](const std::vector<bool>& from, auto& to, int offset) {
    for (std::size_t v = 0; v < from.size(); ++v)
      if (from[v]) to.set(v - static_cast<std::size_t>(offset));
  };
  copy(parse_field(0, fields[0]), c.minute_, 0);
  copy(parse_field(1, fields[1]), c.hour_, 0);
  copy(parse_field(2, fields[2]), c.day_, 0);
  copy(parse_field(3, fields[3]), c.month_, 0);
  const auto weekdays = parse_field(4, fields[4]);
  for (int v = 0; v <= 7; ++v)
    if (weekdays[static_cast<std::size_t>(v)]) c.weekday_.set(static_cast<std::size_t>(v % 7));
  // As cron: a day field starting with '*' does not restrict (the other one alone decides).
  c.day_any_ = fields[2].front() == '*';
  c.weekday_any_ = fields[4].front() == '*';
  if (c.weekday_any_) {
    bool some = false;
    for (int m = 1; m <= 12; ++m)
      for (int d = 1; d <= kMonthDays[m]; ++d) some = some || (c.month_[m] && c.day_[d]);
    if (!some)
      throw CronError(fmt::format("'{}': never falls due: none of the months given has any of the days given", c.text_),
                      0);
  }
  return c;
}

bool Cron::matches_local(std::int64_t local_seconds) const {
  const std::int64_t days = floor_div(local_seconds, 86400);
  const std::int64_t in_day = local_seconds - days * 86400;
  const chr::year_month_day ymd{chr::sys_days{chr::days{days}}};
  const auto month = static_cast<unsigned>(ymd.month());
  const auto day = static_cast<unsigned>(ymd.day());
  const auto weekday = chr::weekday{chr::sys_days{chr::days{days}}}.c_encoding();
  if (!minute_[static_cast<std::size_t>(in_day % 3600 / 60)] || !hour_[static_cast<std::size_t>(in_day / 3600)] ||
      !month_[month])
    return false;
  if (day_any_ || weekday_any_) return day_[day] && weekday_[weekday];
  return day_[day] || weekday_[weekday];
}

std::optional<SysSeconds> Cron::next_after(SysSeconds after, std::string_view tz) const {
  const std::int64_t t0 = after.time_since_epoch().count();
  const auto offset0 = dsl::cel::zone_offset(tz, t0);
  if (!offset0) return std::nullopt;
  // The first whole minute after `after`, as wall-clock seconds.
  const std::int64_t first_local = floor_div(t0 + *offset0, 60) * 60 + 60;
  const std::int64_t first_day = floor_div(first_local, 86400);
  constexpr std::int64_t kDaysSearched = 28 * 366 + 7;
  for (std::int64_t d = first_day; d < first_day + kDaysSearched; ++d) {
    const std::int64_t midnight = d * 86400;
    // Day, month and weekday first: a day that does not match skips its 1440 minutes.
    const chr::year_month_day ymd{chr::sys_days{chr::days{d}}};
    const auto month = static_cast<unsigned>(ymd.month());
    const auto day = static_cast<unsigned>(ymd.day());
    const auto weekday = chr::weekday{chr::sys_days{chr::days{d}}}.c_encoding();
    const bool day_ok = (day_any_ || weekday_any_) ? day_[day] && weekday_[weekday] : day_[day] || weekday_[weekday];
    if (!month_[month] || !day_ok) continue;
    for (std::size_t h = 0; h < 24; ++h) {
      if (!hour_[h]) continue;
      for (std::size_t m = 0; m < 60; ++m) {
        if (!minute_[m]) continue;
        const std::int64_t local = midnight + static_cast<std::int64_t>(h * 3600 + m * 60);
        if (local < first_local) continue;
        // Wall clock to UTC through the zone's offset at that instant (exact for a zone without
        // daylight saving, as Asia/Shanghai has been since 1991).
        const auto guess = dsl::cel::zone_offset(tz, local - *offset0);
        const auto offset = dsl::cel::zone_offset(tz, local - guess.value_or(*offset0));
        const std::int64_t utc = local - offset.value_or(*offset0);
        if (utc > t0) return SysSeconds{chr::seconds{utc}};
      }
    }
  }
  return std::nullopt;
}

std::string format_utc(SysSeconds t) {
  return dsl::cel::format_timestamp(t.time_since_epoch().count(), 0);
}

std::optional<SysSeconds> parse_utc(std::string_view text) {
  const auto t = dsl::cel::parse_timestamp(text);
  if (!t) return std::nullopt;
  return SysSeconds{chr::seconds{t->seconds}};
}

std::optional<std::string> format_local(SysSeconds t, std::string_view tz) {
  const std::int64_t s = t.time_since_epoch().count();
  const auto offset = dsl::cel::zone_offset(tz, s);
  if (!offset) return std::nullopt;
  const std::string iso = dsl::cel::format_timestamp(s + *offset, 0);  // "YYYY-MM-DDTHH:MM:SSZ" of the wall clock
  return iso.substr(0, 10) + " " + iso.substr(11, 5);
}

std::optional<std::string> local_date(SysSeconds t, std::string_view tz) {
  const std::int64_t s = t.time_since_epoch().count();
  const auto offset = dsl::cel::zone_offset(tz, s);
  if (!offset) return std::nullopt;
  return dsl::format_date(dsl::Date{static_cast<std::int32_t>(floor_div(s + *offset, 86400))});
}

// ---- the table ----

namespace {

constexpr const char* kCreateSql =
    "CREATE TABLE IF NOT EXISTS _schedule (id INTEGER PRIMARY KEY, name TEXT NOT NULL, cron TEXT NOT NULL, "
    "time_zone TEXT NOT NULL, kind TEXT NOT NULL, created_by TEXT NOT NULL, created_at TEXT NOT NULL, "
    "last_run_at TEXT NOT NULL DEFAULT '', next_run_at TEXT NOT NULL DEFAULT '', "
    "last_job INTEGER NOT NULL DEFAULT 0)";

constexpr const char* kColumns =
    "id, name, cron, time_zone, kind, created_by, created_at, last_run_at, next_run_at, last_job";

Schedule read_row(SQLite::Statement& q) {
  Schedule s;
  s.id = q.getColumn(0).getInt64();
  s.name = q.getColumn(1).getString();
  s.cron = q.getColumn(2).getString();
  s.time_zone = q.getColumn(3).getString();
  s.kind = q.getColumn(4).getString();
  s.created_by = q.getColumn(5).getString();
  s.created_at = q.getColumn(6).getString();
  s.last_run_at = q.getColumn(7).getString();
  s.next_run_at = q.getColumn(8).getString();
  s.last_job = q.getColumn(9).getInt64();
  return s;
}

template <class F>
auto guarded(const std::string& path, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const SQLite::Exception& ex) {
    throw ScheduleError(fmt::format("{}: the store's schedules could not be read or written: {}", path, ex.what()));
  }
}

}  // namespace

std::unique_ptr<Schedules> Schedules::open(const std::filesystem::path& db) {
  try {
    // The trail's tables first (schedule changes are recorded with them); this also refuses a
    // file that is not an EcoAudit store.
    Accounts::open(db);
  } catch (const AccountError& ex) {
    throw ScheduleError(ex.what());
  }
  return guarded(db.string(), [&] {
    auto handle = std::make_unique<SQLite::Database>(db.string(), SQLite::OPEN_READWRITE);
    handle->setBusyTimeout(300000);
    handle->exec(kCreateSql);
    return std::unique_ptr<Schedules>(new Schedules(db.string(), std::move(handle)));
  });
}

Schedules::Schedules(std::string path, std::unique_ptr<SQLite::Database> db) : path_(std::move(path)), db_(std::move(db)) {}
Schedules::~Schedules() = default;

Schedule Schedules::add(const NewSchedule& schedule, std::string_view actor, SysSeconds now) {
  if (schedule.name.empty()) throw ScheduleError("give the schedule a name");
  if (schedule.name.size() > 200) throw ScheduleError("the schedule's name is longer than 200 bytes");
  for (unsigned char c : schedule.name)
    if (c < 0x20 || c == 0x7f) throw ScheduleError("the schedule's name holds a control character");
  if (schedule.kind != "sweep") throw ScheduleError(fmt::format("a schedule runs sweeps; '{}' is not one", schedule.kind));
  Cron cron = [&] {
    try {
      return Cron::parse(schedule.cron);
    } catch (const CronError& ex) {
      throw ScheduleError(ex.what());
    }
  }();
  const auto next = cron.next_after(now, schedule.time_zone);
  if (!dsl::cel::zone_offset(schedule.time_zone, now.time_since_epoch().count()))
    throw ScheduleError(fmt::format("'{}' is not a time zone of the system's database (e.g. Asia/Shanghai)",
                                    schedule.time_zone));
  if (!next) throw ScheduleError(fmt::format("'{}' never falls due", cron.text()));
  return guarded(path_, [&] {
    SQLite::Transaction tx(*db_);
    SQLite::Statement q(*db_,
                        "INSERT INTO _schedule (name, cron, time_zone, kind, created_by, created_at, next_run_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    q.bind(1, schedule.name);
    q.bind(2, cron.text());
    q.bind(3, schedule.time_zone);
    q.bind(4, schedule.kind);
    q.bind(5, std::string(actor));
    q.bind(6, format_utc(now));
    q.bind(7, format_utc(*next));
    q.exec();
    const std::int64_t id = db_->getLastInsertRowid();
    append_trail(*db_, actor, "schedule.add", fmt::format("schedule:{}", id),
                 fmt::format("name={} cron={} tz={} kind={}", schedule.name, cron.text(), schedule.time_zone,
                             schedule.kind));
    tx.commit();
    return *find(id);
  });
}

void Schedules::remove(std::int64_t id, std::string_view actor) {
  guarded(path_, [&] {
    SQLite::Transaction tx(*db_);
    const auto s = find(id);
    if (!s) throw ScheduleError(fmt::format("no schedule {}", id));
    SQLite::Statement q(*db_, "DELETE FROM _schedule WHERE id = ?");
    q.bind(1, id);
    q.exec();
    append_trail(*db_, actor, "schedule.remove", fmt::format("schedule:{}", id),
                 fmt::format("name={} cron={}", s->name, s->cron));
    tx.commit();
  });
}

std::vector<Schedule> Schedules::list() {
  return guarded(path_, [&] {
    std::vector<Schedule> out;
    SQLite::Statement q(*db_, fmt::format("SELECT {} FROM _schedule ORDER BY id", kColumns));
    while (q.executeStep()) out.push_back(read_row(q));
    return out;
  });
}

std::optional<Schedule> Schedules::find(std::int64_t id) {
  return guarded(path_, [&]() -> std::optional<Schedule> {
    SQLite::Statement q(*db_, fmt::format("SELECT {} FROM _schedule WHERE id = ?", kColumns));
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    return read_row(q);
  });
}

std::size_t Schedules::run_due(SysSeconds now, const std::function<std::int64_t(const Schedule&)>& enqueue) {
  std::vector<Schedule> due;
  guarded(path_, [&] {
    SQLite::Statement q(*db_, fmt::format("SELECT {} FROM _schedule WHERE next_run_at != '' AND next_run_at <= ? "
                                          "ORDER BY next_run_at, id",
                                          kColumns));
    q.bind(1, format_utc(now));
    while (q.executeStep()) due.push_back(read_row(q));
  });
  std::size_t ran = 0;
  for (const auto& s : due) {
    // However many times were missed, the schedule runs once now and is next due after now.
    std::optional<SysSeconds> next;
    try {
      next = Cron::parse(s.cron).next_after(now, s.time_zone);
    } catch (const CronError&) {
      // A row changed behind the application's back: it never runs rather than runs wrongly.
    }
    const std::int64_t job = enqueue(s);
    guarded(path_, [&] {
      SQLite::Statement q(*db_, "UPDATE _schedule SET last_run_at = ?, next_run_at = ?, last_job = ? WHERE id = ?");
      q.bind(1, format_utc(now));
      q.bind(2, next ? format_utc(*next) : std::string());
      q.bind(3, job);
      q.bind(4, s.id);
      q.exec();
    });
    ++ran;
  }
  return ran;
}

std::optional<SysSeconds> Schedules::next_due() {
  return guarded(path_, [&]() -> std::optional<SysSeconds> {
    SQLite::Statement q(*db_, "SELECT MIN(next_run_at) FROM _schedule WHERE next_run_at != ''");
    if (!q.executeStep() || q.getColumn(0).isNull()) return std::nullopt;
    return parse_utc(q.getColumn(0).getString());
  });
}

// ---- the scheduler thread ----

namespace {

SysSeconds system_now() { return chr::floor<chr::seconds>(chr::system_clock::now()); }

}  // namespace

Scheduler::Scheduler(std::filesystem::path db, std::function<std::int64_t(const Schedule&)> enqueue,
                     std::chrono::seconds poll, Clock clock)
    : db_(std::move(db)), enqueue_(std::move(enqueue)), poll_(poll), clock_(clock ? std::move(clock) : system_now) {}

Scheduler::~Scheduler() { stop(); }

std::function<std::int64_t(const Schedule&)> Scheduler::sweep_enqueuer(JobQueue& queue, SweepRequest base, Clock clock) {
  if (!clock) clock = system_now;
  return [&queue, base = std::move(base), clock = std::move(clock)](const Schedule& s) {
    SweepRequest r = base;
    const auto date = local_date(clock(), s.time_zone);
    if (!date) throw ScheduleError(fmt::format("schedule {}: '{}' is not a time zone of the system's database", s.id, s.time_zone));
    r.as_of = *dsl::parse_date(*date);
    r.record = true;
    const std::string actor = fmt::format("schedule:{}", s.id);
    const nlohmann::json request = {{"schedule", s.id}, {"name", s.name}, {"as_of", *date}};
    return queue.submit("sweep", actor, request.dump(), sweep_job(std::move(r), actor));
  };
}

std::size_t Scheduler::tick() {
  try {
    return Schedules::open(db_)->run_due(clock_(), enqueue_);
  } catch (const std::exception& ex) {
    if (on_error) on_error(ex.what());
    return 0;
  }
}

void Scheduler::start() {
  if (thread_.joinable()) return;
  thread_ = std::jthread([this](std::stop_token stop) {
    std::mutex mu;
    std::condition_variable_any cv;
    while (!stop.stop_requested()) {
      tick();
      auto wake = chr::system_clock::now() + poll_;
      try {
        if (auto next = Schedules::open(db_)->next_due()) {
          // The schedule's time by the scheduler's clock, mapped onto the system clock.
          const auto until = *next - clock_();
          if (until < poll_) wake = chr::system_clock::now() + std::max(until, chr::seconds(0)) + chr::milliseconds(50);
        }
      } catch (const std::exception& ex) {
        if (on_error) on_error(ex.what());
      }
      std::unique_lock lock(mu);
      cv.wait_until(lock, stop, wake, [] { return false; });
    }
  });
}

void Scheduler::stop() {
  if (!thread_.joinable()) return;
  thread_.request_stop();
  thread_.join();
}

}  // namespace eco::app
