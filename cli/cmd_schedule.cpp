// ecoaudit schedule add|list|remove --db FILE: the recurring sweeps the server runs
// (app/schedules.hpp). Times are written and shown in the schedule's zone, the bureau's
// Asia/Shanghai unless --time-zone says otherwise; each change is recorded in the audit trail
// as done by the operating-system user.
#include <chrono>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "app/schedules.hpp"
#include "cli/command.hpp"

namespace eco::cli {
namespace {

struct ScheduleCmd {
  std::string db, name, cron, time_zone = std::string(app::kBureauTimeZone), format = "text";
  std::int64_t id = 0;
};

app::SysSeconds now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// "2026-12-08 02:00 Asia/Shanghai" for a stored UTC time; "-" for none.
std::string local(const std::string& utc, const std::string& tz) {
  if (utc.empty()) return "-";
  const auto t = app::parse_utc(utc);
  const auto text = t ? app::format_local(*t, tz) : std::nullopt;
  return text ? *text + " " + tz : utc;
}

int run_add(app::Schedules& s, const ScheduleCmd& o) {
  const auto added = s.add({o.name, o.cron, o.time_zone, "sweep"}, app::os_actor(), now());
  std::printf("added schedule %lld (%s): sweep at '%s', next %s\n", static_cast<long long>(added.id),
              added.name.c_str(), added.cron.c_str(), local(added.next_run_at, added.time_zone).c_str());
  return kExitOk;
}

int run_list(app::Schedules& s, const ScheduleCmd& o) {
  const auto all = s.list();
  if (o.format == "json") {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& x : all)
      out.push_back({{"id", x.id},
                     {"name", x.name},
                     {"cron", x.cron},
                     {"time_zone", x.time_zone},
                     {"kind", x.kind},
                     {"created_by", x.created_by},
                     {"created_at", x.created_at},
                     {"last_run_at", x.last_run_at.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x.last_run_at)},
                     {"next_run_at", x.next_run_at.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x.next_run_at)},
                     {"last_job", x.last_job == 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(x.last_job)}});
    std::printf("%s\n", out.dump(2).c_str());
    return kExitOk;
  }
  if (all.empty()) std::printf("no schedules in %s\n", o.db.c_str());
  for (const auto& x : all)
    std::printf("%lld  %s  '%s'  next %s  last %s\n", static_cast<long long>(x.id), x.name.c_str(), x.cron.c_str(),
                local(x.next_run_at, x.time_zone).c_str(), local(x.last_run_at, x.time_zone).c_str());
  return kExitOk;
}

int run_remove(app::Schedules& s, const ScheduleCmd& o) {
  s.remove(o.id, app::os_actor());
  std::printf("removed schedule %lld\n", static_cast<long long>(o.id));
  return kExitOk;
}

int run_schedule(const ScheduleCmd& o, int (*action)(app::Schedules&, const ScheduleCmd&)) {
  std::unique_ptr<app::Schedules> schedules;
  try {
    schedules = app::Schedules::open(o.db);
  } catch (const app::ScheduleError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitUsage;
  }
  try {
    return action(*schedules, o);
  } catch (const app::ScheduleError& ex) {
    std::fprintf(stderr, "ecoaudit: error: %s\n", ex.what());
    return kExitFindings;
  }
}

CLI::App* add_sub(CLI::App& parent, const char* name, const char* description, const std::shared_ptr<ScheduleCmd>& o,
                  int (*action)(app::Schedules&, const ScheduleCmd&), const std::shared_ptr<std::function<int()>>& chosen) {
  CLI::App* sub = parent.add_subcommand(name, description);
  sub->add_option("--db", o->db, "Store file (made by ecoaudit init)")->required()->check(non_blank());
  sub->callback([chosen, o, action] { *chosen = [o, action] { return run_schedule(*o, action); }; });
  return sub;
}

ECOAUDIT_COMMAND("schedule", "Manage the recurring sweeps the server runs: add, list, remove", [](CLI::App& sub) {
  auto o = std::make_shared<ScheduleCmd>();
  auto chosen = std::make_shared<std::function<int()>>();
  sub.require_subcommand(1);

  CLI::App* add = add_sub(sub, "add", "Add a recurring sweep", o, run_add, chosen);
  add->add_option("--name", o->name, "What to call it (\"nightly sweep\")")->required()->check(non_blank());
  add->add_option("--cron", o->cron,
                  "When: minute hour day-of-month month day-of-week, as crontab ('0 2 * * *': every day at 02:00)")
      ->required()
      ->check(non_blank());
  add->add_option("--time-zone", o->time_zone, "Zone of the times (IANA name; default Asia/Shanghai)")
      ->check(non_blank());

  CLI::App* list = add_sub(sub, "list", "List the schedules with their next and last runs", o, run_list, chosen);
  list->add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));

  CLI::App* remove = add_sub(sub, "remove", "Remove a schedule", o, run_remove, chosen);
  remove->add_option("id", o->id, "The schedule's id (see list)")->required();

  return [chosen] { return *chosen ? (*chosen)() : kExitUsage; };
});

}  // namespace
}  // namespace eco::cli
