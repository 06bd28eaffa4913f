#include "server/routes/job_area.hpp"

#include <spdlog/spdlog.h>

#include "server/http/services.hpp"

namespace eco::server {

std::shared_ptr<JobArea> JobArea::make(Services& services) {
  auto area = std::make_shared<JobArea>(services);
  std::weak_ptr<JobArea> weak = area;
  services.on_start([weak] {
    if (auto a = weak.lock()) a->start();
  });
  services.on_shutdown([weak] {
    if (auto a = weak.lock()) a->stop();
  });
  return area;
}

JobArea::JobArea(Services& services) : services_(services), staging_(services.db_path()) {}

JobArea::~JobArea() { stop(); }

app::SweepRequest JobArea::sweep_request() const {
  app::SweepRequest r;
  r.db = services_.db_path();
  r.ruleset = services_.ruleset_dir();
  r.reports.formats = {};
  r.record = true;
  return r;
}

app::ImportRequest JobArea::import_request() const {
  app::ImportRequest r;
  r.db = services_.db_path();
  r.ruleset = services_.ruleset_dir();
  return r;
}

void JobArea::start() {
  std::lock_guard lock(mu_);
  if (queue_) return;
  // Opening the queue marks the jobs a previous server left unfinished as interrupted.
  queue_ = app::JobQueue::open(services_.db_path(), services_.config().jobs_nice);
  scheduler_ = std::make_unique<app::Scheduler>(services_.db_path(),
                                                app::Scheduler::sweep_enqueuer(*queue_, sweep_request()));
  scheduler_->on_error = [](const std::string& e) { spdlog::error("scheduler: {}", e); };
  // The first tick is at once: a schedule missed while the server was stopped runs now, once.
  scheduler_->start();
  spdlog::info("jobs: the queue and the scheduler are running");
}

void JobArea::stop() {
  std::unique_ptr<app::Scheduler> scheduler;
  app::JobQueue* queue = nullptr;
  {
    std::lock_guard lock(mu_);
    scheduler = std::move(scheduler_);
    queue = queue_.get();
  }
  if (scheduler) scheduler->stop();  // nothing more is enqueued
  if (queue) queue->shutdown(kShutdownGrace);
}

app::JobQueue& JobArea::queue() {
  std::lock_guard lock(mu_);
  if (!queue_ || services_.stopping())
    throw HttpError(503, "unavailable", "the server is starting or stopping: no background job now");
  return *queue_;
}

nlohmann::json job_json(const app::JobInfo& j) {
  auto parsed = [](const std::string& text) {
    if (text.empty()) return nlohmann::json(nullptr);
    auto v = nlohmann::json::parse(text, nullptr, false);
    return v.is_discarded() ? nlohmann::json(text) : v;
  };
  return {{"id", j.id},
          {"kind", j.kind},
          {"actor", j.actor},
          {"request", parsed(j.request)},
          {"state", std::string(app::to_string(j.state))},
          {"finished", app::finished(j.state)},
          {"created_at", j.created_at},
          {"started_at", j.started_at},
          {"finished_at", j.finished_at},
          {"progress", {{"stage", j.progress.stage}, {"done", j.progress.done}, {"total", j.progress.total}}},
          {"summary", parsed(j.summary)},
          {"error", j.error}};
}

const nlohmann::json& job_schema() {
  static const nlohmann::json schema = {
      {"type", "object"},
      {"required", {"id", "kind", "actor", "state", "finished", "created_at", "progress", "error"}},
      {"properties",
       {{"id", {{"type", "integer"}}},
        {"kind", {{"type", "string"}}},
        {"actor", {{"type", "string"}}},
        {"state", {{"type", "string"}, {"enum", {"queued", "running", "done", "failed", "cancelled", "interrupted"}}}},
        {"finished", {{"type", "boolean"}}},
        {"created_at", {{"type", "string"}}},
        {"started_at", {{"type", "string"}}},
        {"finished_at", {{"type", "string"}}},
        {"progress",
         {{"type", "object"},
          {"properties",
           {{"stage", {{"type", "string"}}}, {"done", {{"type", "integer"}}}, {"total", {{"type", "integer"}}}}}}},
        {"error", {{"type", "string"}}}}}};
  return schema;
}

bool may_see(const Context& ctx, const app::JobInfo& job) {
  if (!ctx.account) return false;
  if (app::job_visible_to(job, ctx.account->principal())) return true;
  const auto resource = job.kind.starts_with("import") ? app::Resource::import_batch : app::Resource::sweep;
  return ctx.may(app::Action::view, resource);
}

app::JobInfo settle(JobArea& area, std::int64_t id, bool wait, std::chrono::seconds limit) {
  auto job = wait ? area.queue().wait(id, limit) : area.queue().find(id);
  if (!job) throw HttpError(500, "internal", "the job just queued cannot be found");
  return *job;
}

}  // namespace eco::server
