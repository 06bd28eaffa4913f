#pragma once
// What the jobs, sweeps, schedules and imports areas share in one server: the job queue (one
// writer, app/jobs.hpp), the scheduler thread (app/schedules.hpp) and the import staging
// (app/staged_imports.hpp). Made when the areas register their routes; the queue and the
// scheduler start when the server starts listening (Services::on_start: never for
// --list-routes) and stop on shutdown (Services::on_shutdown): queued jobs are cancelled, the
// running one may finish within kShutdownGrace and is then stopped, which rolls it back.
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "app/jobs.hpp"
#include "app/schedules.hpp"
#include "app/staged_imports.hpp"
#include "server/http/router.hpp"

namespace eco::server {

// How long a running job may take to finish after SIGTERM before it is stopped (rolled back).
// The systemd unit's TimeoutStopSec (90 s) leaves room for it.
inline constexpr std::chrono::seconds kShutdownGrace{60};

class JobArea {
 public:
  // Made by register_jobs, held by the handlers of its routes; its start and shutdown hooks
  // are registered with `services` (weakly: a router dropped unstarted stops nothing).
  static std::shared_ptr<JobArea> make(Services& services);
  explicit JobArea(Services& services);
  ~JobArea();

  // The queue; HttpError 503 before the server started or after it began stopping.
  app::JobQueue& queue();
  app::ImportStaging& staging() { return staging_; }
  Services& services() { return services_; }

  // A sweep request of the served store and ruleset (no report: the history is the result).
  app::SweepRequest sweep_request() const;
  // An import request of the served store and ruleset (its paths set by the staging).
  app::ImportRequest import_request() const;

  void start();
  void stop();

 private:
  Services& services_;
  app::ImportStaging staging_;
  std::mutex mu_;
  std::unique_ptr<app::JobQueue> queue_;
  std::unique_ptr<app::Scheduler> scheduler_;
};

// A job as the API shows it.
nlohmann::json job_json(const app::JobInfo& job);
// The JSON Schema of job_json.
const nlohmann::json& job_schema();
// Whether the signed-in user may see `job`: who started it and administrators (app::job_visible_to),
// and whoever may view what it works on (a sweep: Resource::sweep; an import: Resource::import_batch).
bool may_see(const Context& ctx, const app::JobInfo& job);
// Waits (at most `limit`) for job `id` to finish when the request asked {"wait": true}; returns it.
app::JobInfo settle(JobArea& area, std::int64_t id, bool wait, std::chrono::seconds limit = std::chrono::seconds(120));

}  // namespace eco::server

namespace eco::server {
// The imports area's routes (server/routes/imports.cpp), registered by register_jobs with the
// area they share.
void register_imports(Router& router, const std::shared_ptr<JobArea>& area);
}  // namespace eco::server
