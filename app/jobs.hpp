#pragma once
// Background jobs of the workbench: the long runs (a sweep, an import's validation or commit, a
// report of a large store) started by a person and run by the server while that person's
// browser polls their progress.
//
// One writer at a time: a JobQueue runs its jobs one after another on one worker thread, in
// the order they were submitted. Readers are never blocked by it: the store is in WAL mode
// (engine/store), so pages keep reading the last committed state while a job writes.
//
// The history survives a restart: each job is a row of the store's `_job` table (who, what,
// when, state, progress, result summary). A job's row is written when it is submitted, when
// it starts and when it ends, each time in a short transaction of the queue's own connection
// and never while the job itself writes: a running job's progress is kept in memory (the
// import holds the store's write lock for its whole length, so a progress row written then
// would wait for it). find() and list() merge the two. Jobs a previous process left queued or
// running are marked `interrupted` when a queue next opens the store: every run writes in one
// transaction, so such a job wrote nothing.
//
// Cancellation goes through std::stop_token (the runs take one): a cancelled run writes
// nothing. shutdown() is the hook the server calls on SIGTERM: no new job is accepted, jobs
// not started are cancelled, the running one is given a grace period to finish and is then
// stopped, which rolls it back.
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
#include <vector>

#include "app/authorization.hpp"
#include "app/sweep.hpp"

namespace eco::app {

// A queue that cannot open or write its table, or a job submitted after shutdown. The message
// is a sentence for the user.
class JobError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class JobState {
  queued,       // submitted, waiting for the writer
  running,
  done,         // the run did its work (its summary says what)
  failed,       // the run refused or could not do its work (the error says why); nothing written
  cancelled,    // stopped by a person or by shutdown before it could finish; nothing written
  interrupted,  // the process ended while the job was queued or running; nothing written
};
std::string_view to_string(JobState s);
std::optional<JobState> parse_job_state(std::string_view name);
// Whether the job will not change any more (done, failed, cancelled, interrupted).
bool finished(JobState s);

struct JobProgress {
  std::string stage;        // what the run is doing ("loading", "evaluating", ...); "" before it starts
  std::uint64_t done = 0;   // units done of `total`
  std::uint64_t total = 0;  // 0: not known yet
};

struct JobInfo {
  std::int64_t id = 0;
  std::string kind;     // "sweep", "import.validate", "import.commit", "report", ...
  std::string actor;    // who started it: an account's name, "schedule:<id>", "os:<login>"
  std::string request;  // what was asked, as a JSON object (text)
  JobState state = JobState::queued;
  std::string created_at, started_at, finished_at;  // UTC, ISO 8601; "" until it happens
  JobProgress progress;
  std::string summary;  // done: the outcome's figures as a JSON object (text); else ""
  std::string error;    // failed, cancelled, interrupted: why, one sentence a line
};

// What a job's work sees while it runs.
class JobContext {
 public:
  JobContext(std::stop_token stop, std::function<void(const JobProgress&)> report)
      : stop_(std::move(stop)), report_(std::move(report)) {}
  // Pass it to the run: it is stopped by cancel() and by shutdown() past its grace.
  std::stop_token stop_token() const { return stop_; }
  bool stop_requested() const { return stop_.stop_requested(); }
  // Publishes the job's progress (cheap: memory only; called from the worker thread).
  void progress(std::string_view stage, std::uint64_t done, std::uint64_t total);

 private:
  std::stop_token stop_;
  std::function<void(const JobProgress&)> report_;
};

// How a job's work ended. state is done, failed or cancelled.
struct JobOutcome {
  JobState state = JobState::done;
  std::string summary;  // a JSON object (text) when done
  std::string error;    // failed or cancelled: why
};

// The work of a job, run on the queue's worker thread. Whatever it throws fails the job with
// the exception's message.
using JobWork = std::function<JobOutcome(JobContext&)>;

class JobQueue {
 public:
  // Opens the jobs of the store at `db` (made by `ecoaudit init`), creating `_job` on first
  // use, marks the jobs a previous process left queued or running as interrupted, and starts
  // the worker. Throws JobError for a missing file, one that is not an EcoAudit store or a
  // store that cannot be written.
  //
  // `nice`: the worker thread's nice value (Linux: per thread; threads a job starts inherit
  // it), 0-19, only ever raised from the process's own. Jobs are long and nobody waits on them request by request; the server's request
  // threads stay at 0, so pages keep their speed while a sweep takes the cores (the server
  // passes its `jobs_nice` setting, 10 by default).
  static std::unique_ptr<JobQueue> open(const std::filesystem::path& db, int nice = 0);
  // Shuts down without grace (see shutdown()).
  ~JobQueue();
  JobQueue(const JobQueue&) = delete;
  JobQueue& operator=(const JobQueue&) = delete;

  // Queues `work` and returns the job's id. `request` is a JSON object (text) saying what was
  // asked, shown with the job. Throws JobError after shutdown() or when the row cannot be
  // written.
  std::int64_t submit(std::string kind, std::string actor, std::string request, JobWork work);

  // A job as it stands (a running one with its live progress); nullopt for an unknown id.
  std::optional<JobInfo> find(std::int64_t id);
  // The newest `limit` jobs, newest first; only `actor`'s when given.
  std::vector<JobInfo> list(std::size_t limit = 100, std::optional<std::string> actor = std::nullopt);

  // Cancels a job: a queued one never runs; a running one is asked to stop (its run rolls back
  // and the job ends cancelled). False when the job is unknown or already finished.
  bool cancel(std::int64_t id);

  // Waits until the job has finished or `timeout` has passed; returns it as it then stands.
  std::optional<JobInfo> wait(std::int64_t id, std::chrono::milliseconds timeout);

  // THE SHUTDOWN HOOK (the server calls it on SIGTERM). Refuses new jobs, cancels those not
  // started, lets the running one finish within `grace`, then stops it (a stopped run rolls
  // back: nothing half-written) and waits for it to end. Returns when the worker has ended;
  // a second call does nothing.
  void shutdown(std::chrono::milliseconds grace);

 private:
  struct Impl;
  explicit JobQueue(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether `user` may see (and cancel) `job`: the person who started it, and administrators.
// A disabled account sees nothing.
bool job_visible_to(const JobInfo& job, const Principal& user);

// The work of a sweep job: run_sweep with the job's progress (rules evaluated of the
// ruleset's) and stop token. Done: the summary {"sweep_id", "previous_sweep_id", "findings",
// "resolved", "counts": {verdict: n}} and, for a recorded sweep, a row of the audit trail
// (action "sweep.run", object "sweep:<id>", actor `actor`) written after the sweep committed.
// A sweep that was not recorded (a dry evaluation) writes no trail row.
JobWork sweep_job(SweepRequest request, std::string actor);

}  // namespace eco::app
