#pragma once
// Background jobs, sweeps, schedules and imports (docs/jobs.md): /api/jobs (a job's progress,
// cancel), /api/sweeps (history; POST runs one now as a job), /api/schedules (recurring sweeps),
// /api/imports (server/routes/imports.cpp: upload, validation report, commit, discard), and the
// sweeps and imports pages. The areas share one job queue and the scheduler (job_area.hpp).
#include "server/http/router.hpp"

namespace eco::server {

void register_jobs(Router& router);

}  // namespace eco::server
