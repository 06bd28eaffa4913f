#include "server/routes/jobs.hpp"

#include <charconv>

#include "app/sweep_history.hpp"
#include "dsl/common/date.hpp"
#include "server/http/pages.hpp"
#include "server/http/services.hpp"
#include "server/routes/job_area.hpp"

namespace eco::server {
namespace {

using app::Action;
using app::Resource;
using Area = std::shared_ptr<JobArea>;

std::int64_t id_param(const Context& ctx, const char* what) {
  const std::string& text = ctx.req.param("id");
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0)
    throw HttpError(404, "not_found", std::string("no such ") + what);
  return id;
}

// The body's "wait" (a boolean; absent: false).
bool wants_wait(const nlohmann::json& body) {
  if (!body.contains("wait")) return false;
  if (!body["wait"].is_boolean()) throw HttpError(400, "bad_request", "wait is true or false");
  return body["wait"].get<bool>();
}

nlohmann::json body_or_empty(const Context& ctx) {
  return ctx.req.body.empty() ? nlohmann::json::object() : ctx.req.json_body();
}

app::JobInfo visible_job(Context& ctx, JobArea& area) {
  const auto id = id_param(ctx, "job");
  auto job = area.queue().find(id);
  // A job the user may not see is answered as one that does not exist.
  if (!job || !may_see(ctx, *job)) throw HttpError(404, "not_found", "no such job");
  return *job;
}

std::vector<app::JobInfo> visible_jobs(Context& ctx, JobArea& area, std::string_view kind_prefix, std::size_t limit) {
  std::vector<app::JobInfo> out;
  for (auto& j : area.queue().list(500))
    if (j.kind.starts_with(kind_prefix) && may_see(ctx, j) && out.size() < limit) out.push_back(std::move(j));
  return out;
}

nlohmann::json summary_json(const engine::SweepSummary& s) {
  return {{"id", s.id},
          {"started_at", s.started_at},
          {"as_of", s.as_of},
          {"findings", s.findings},
          {"violations", s.violations},
          {"unknown", s.unknown},
          {"upcoming", s.upcoming},
          {"enterprises_with_violations", s.enterprises_with_violations}};
}

nlohmann::json schedule_json(const app::Schedule& s) {
  auto local = [&](const std::string& utc) -> nlohmann::json {
    if (utc.empty()) return nullptr;
    const auto t = app::parse_utc(utc);
    const auto text = t ? app::format_local(*t, s.time_zone) : std::nullopt;
    return text ? nlohmann::json(*text) : nlohmann::json(nullptr);
  };
  return {{"id", s.id},
          {"name", s.name},
          {"cron", s.cron},
          {"time_zone", s.time_zone},
          {"kind", s.kind},
          {"created_by", s.created_by},
          {"created_at", s.created_at},
          {"last_run_at", s.last_run_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_run_at)},
          {"next_run_at", s.next_run_at.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.next_run_at)},
          {"next_run_local", local(s.next_run_at)},
          {"last_run_local", local(s.last_run_at)},
          {"last_job", s.last_job == 0 ? nlohmann::json(nullptr) : nlohmann::json(s.last_job)}};
}

std::unique_ptr<app::Schedules> schedules(Context& ctx) {
  try {
    return app::Schedules::open(ctx.services.db_path());
  } catch (const app::ScheduleError& ex) {
    throw HttpError(500, "store_error", ex.what());
  }
}

app::SysSeconds now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

// ---- jobs ----

void list_jobs(Context& ctx, JobArea& area) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& j : visible_jobs(ctx, area, "", 100)) out.push_back(job_json(j));
  ctx.res.json(out);
}

void show_job(Context& ctx, JobArea& area) { ctx.res.json(job_json(visible_job(ctx, area))); }

void cancel_job(Context& ctx, JobArea& area) {
  const auto job = visible_job(ctx, area);
  // Viewing a job is not owning it: only who started it, or an administrator, cancels it.
  if (!app::job_visible_to(job, ctx.account->principal())) throw HttpError(404, "not_found", "no such job");
  const bool cancelled = area.queue().cancel(job.id);
  if (cancelled) ctx.audit("job.cancel", "job:" + std::to_string(job.id), "kind=" + job.kind);
  ctx.res.json({{"cancelled", cancelled}, {"job", job_json(*area.queue().find(job.id))}});
}

// ---- sweeps ----

void sweeps_api(Context& ctx, JobArea& area) {
  nlohmann::json history = nlohmann::json::array();
  try {
    for (const auto& s : app::sweep_history(ctx.services.db_path(), ctx.services.ruleset())) history.push_back(summary_json(s));
  } catch (const std::exception& ex) {
    throw HttpError(500, "store_error", ex.what());
  }
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& j : visible_jobs(ctx, area, "sweep", 20)) jobs.push_back(job_json(j));
  ctx.res.json({{"history", history}, {"jobs", jobs}});
}

void run_sweep(Context& ctx, JobArea& area) {
  const auto body = body_or_empty(ctx);
  auto request = area.sweep_request();
  std::string as_of;
  if (body.contains("as_of")) {
    if (!body["as_of"].is_string()) throw HttpError(400, "bad_request", "as_of is a date: YYYY-MM-DD");
    as_of = body["as_of"].get<std::string>();
  } else {
    // The legal date of a sweep run now: today in Jinzhong, whatever the server's own zone.
    as_of = app::local_date(now()).value_or(dsl::format_date(dsl::today()));
  }
  const auto date = dsl::parse_date(as_of);
  if (!date) throw HttpError(400, "bad_request", "as_of is not a date that exists (YYYY-MM-DD): " + as_of);
  request.as_of = *date;
  const bool wait = wants_wait(body);
  const std::string actor = ctx.actor();
  const nlohmann::json asked = {{"as_of", as_of}};
  const auto id = area.queue().submit("sweep", actor, asked.dump(), app::sweep_job(std::move(request), actor));
  ctx.audit("sweep.start", "job:" + std::to_string(id), "as_of=" + as_of);
  ctx.res.json({{"job", job_json(settle(area, id, wait))}}, 202);
}

// ---- schedules ----

void list_schedules(Context& ctx) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : schedules(ctx)->list()) out.push_back(schedule_json(s));
  ctx.res.json(out);
}

void add_schedule(Context& ctx) {
  const auto body = ctx.req.json_body();
  auto text = [&](const char* key, bool required) -> std::string {
    if (!body.contains(key)) {
      if (required) throw HttpError(400, "bad_request", std::string("give ") + key + " as a string");
      return "";
    }
    if (!body[key].is_string()) throw HttpError(400, "bad_request", std::string(key) + " is a string");
    return body[key].get<std::string>();
  };
  app::NewSchedule n;
  n.name = text("name", true);
  n.cron = text("cron", true);
  if (auto tz = text("time_zone", false); !tz.empty()) n.time_zone = tz;
  try {
    const auto s = schedules(ctx)->add(n, ctx.actor(), now());
    ctx.res.json(schedule_json(s), 201);
  } catch (const app::ScheduleError& ex) {
    throw HttpError(400, "bad_request", ex.what());
  }
}

void remove_schedule(Context& ctx) {
  const auto id = id_param(ctx, "schedule");
  auto s = schedules(ctx);
  if (!s->find(id)) throw HttpError(404, "not_found", "no such schedule");
  s->remove(id, ctx.actor());
  ctx.res.status = 204;
  ctx.res.body.clear();
}

// ---- the sweeps page ----

void sweeps_page(Context& ctx, JobArea& area) {
  nlohmann::json history = nlohmann::json::array();
  for (const auto& s : app::sweep_history(ctx.services.db_path(), ctx.services.ruleset())) history.push_back(summary_json(s));
  nlohmann::json jobs = nlohmann::json::array();
  for (const auto& j : visible_jobs(ctx, area, "sweep", 10)) {
    auto v = job_json(j);
    const auto& t = labels(ctx.lang());
    v["state_label"] = t.value("job.state." + std::string(app::to_string(j.state)), std::string(app::to_string(j.state)));
    // The stage in the page's language, while the job runs (a finished job's state says it all;
    // its last stage, "writing", beside a full bar read as if it were still at work).
    v["stage_label"] = app::finished(j.state) || j.progress.stage.empty()
                           ? std::string()
                           : t.value("job.stage." + j.progress.stage, j.progress.stage);
    v["running"] = !app::finished(j.state);
    v["may_cancel"] = !app::finished(j.state) && app::job_visible_to(j, ctx.account->principal());
    jobs.push_back(std::move(v));
  }
  const bool may_view_schedules = ctx.may(Action::view, Resource::schedule);
  nlohmann::json list = nlohmann::json::array();
  if (may_view_schedules)
    for (const auto& s : schedules(ctx)->list()) list.push_back(schedule_json(s));
  ctx.res.html(render_page(ctx, "sweeps", "sweeps.title",
                           {{"history", history},
                            {"has_history", !history.empty()},
                            {"jobs", jobs},
                            {"has_jobs", !jobs.empty()},
                            {"today", app::local_date(now()).value_or("")},
                            {"may_run", ctx.may(Action::run, Resource::sweep)},
                            {"may_view_schedules", may_view_schedules},
                            {"may_edit_schedules", ctx.may(Action::edit, Resource::schedule)},
                            {"schedules", list},
                            {"has_schedules", !list.empty()}}));
}

template <class F>
Handler with(const Area& area, F f) {
  return [area, f](Context& ctx) { f(ctx, *area); };
}

}  // namespace

void register_jobs(Router& router) {
  const Area area = JobArea::make(router.services());
  const nlohmann::json array_of_jobs = {{"type", "array"}, {"items", job_schema()}};
  const nlohmann::json job_reply = {{"type", "object"}, {"required", {"job"}}, {"properties", {{"job", job_schema()}}}};
  const nlohmann::json schedule_schema = {
      {"type", "object"},
      {"required", {"id", "name", "cron", "time_zone", "kind", "next_run_at"}},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"name", {{"type", "string"}}},
        {"cron", {{"type", "string"}}},
        {"time_zone", {{"type", "string"}}},
        {"kind", {{"type", "string"}}},
        {"next_run_at", {{"type", {"string", "null"}}}}}}};

  // Registered in this order on purpose: the security test's example calls follow it, and the
  // sweep run first is the job 1 the job routes' examples read.
  router.add({.method = "POST", .path = "/api/sweeps", .resource = Resource::sweep, .action = Action::run,
              .summary = "Run a sweep now as a background job ({\"as_of\"?, \"wait\"?}); 202 with the job",
              .flags = kApi, .handler = with(area, run_sweep),
              .request_schema = {{"type", "object"},
                                 {"properties", {{"as_of", {{"type", "string"}}}, {"wait", {{"type", "boolean"}}}}}},
              .response_schema = job_reply, .success_status = 202, .example_body = R"({"wait":true})"});
  router.add({.method = "GET", .path = "/api/sweeps", .resource = Resource::sweep, .action = Action::view,
              .summary = "The sweep history (newest first) and the recent sweep jobs", .flags = kApi,
              .handler = with(area, sweeps_api),
              .response_schema = {{"type", "object"},
                                  {"required", {"history", "jobs"}},
                                  {"properties", {{"history", {{"type", "array"}}}, {"jobs", array_of_jobs}}}}});
  router.add({.method = "GET", .path = "/api/jobs", .resource = Resource::sweep, .action = Action::view,
              .summary = "The background jobs the user may see, newest first", .flags = kApi,
              .handler = with(area, list_jobs), .response_schema = array_of_jobs});
  router.add({.method = "GET", .path = "/api/jobs/{id}", .resource = Resource::sweep, .action = Action::view,
              .summary = "One job with its progress (who started it, administrators, and who may view its object)",
              .flags = kApi, .handler = with(area, show_job), .response_schema = job_schema(),
              .example_params = {{"id", "1"}}});
  router.add({.method = "POST", .path = "/api/jobs/{id}/cancel", .resource = Resource::sweep, .action = Action::run,
              .summary = "Cancel a job (who started it, or an administrator): it writes nothing", .flags = kApi,
              .handler = with(area, cancel_job),
              .response_schema = {{"type", "object"},
                                  {"required", {"cancelled", "job"}},
                                  {"properties", {{"cancelled", {{"type", "boolean"}}}, {"job", job_schema()}}}},
              .example_params = {{"id", "1"}}});
  router.add({.method = "POST", .path = "/api/schedules", .resource = Resource::schedule, .action = Action::edit,
              .summary = "Add a recurring sweep ({\"name\", \"cron\", \"time_zone\"?}; docs/jobs.md)", .flags = kApi,
              .handler = add_schedule,
              .request_schema = {{"type", "object"},
                                 {"required", {"name", "cron"}},
                                 {"properties",
                                  {{"name", {{"type", "string"}}},
                                   {"cron", {{"type", "string"}}},
                                   {"time_zone", {{"type", "string"}}}}}},
              .response_schema = schedule_schema, .success_status = 201,
              .example_body = R"({"name":"nightly","cron":"0 2 * * *"})"});
  router.add({.method = "GET", .path = "/api/schedules", .resource = Resource::schedule, .action = Action::view,
              .summary = "The recurring sweeps with their next and last runs", .flags = kApi, .handler = list_schedules,
              .response_schema = {{"type", "array"}, {"items", schedule_schema}}});
  router.add({.method = "DELETE", .path = "/api/schedules/{id}", .resource = Resource::schedule,
              .action = Action::edit, .summary = "Remove a recurring sweep", .flags = kApi,
              .handler = remove_schedule, .success_status = 204, .example_params = {{"id", "1"}}});
  router.add({.method = "GET", .path = "/sweeps", .resource = Resource::sweep, .action = Action::view,
              .summary = "The sweeps page: run one now (progress), schedules, history", .flags = kPage,
              .handler = with(area, sweeps_page), .nav = "nav.sweeps"});
  register_imports(router, area);
}

}  // namespace eco::server
