#include "app/jobs.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/accounts.hpp"
#include "engine/store/store.hpp"

namespace eco::app {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCreateSql =
    "CREATE TABLE IF NOT EXISTS _job (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, actor TEXT NOT NULL, "
    "request TEXT NOT NULL DEFAULT '{}', state TEXT NOT NULL, created_at TEXT NOT NULL, "
    "started_at TEXT NOT NULL DEFAULT '', finished_at TEXT NOT NULL DEFAULT '', "
    "stage TEXT NOT NULL DEFAULT '', done INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0, "
    "summary TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '')";

constexpr const char* kColumns =
    "id, kind, actor, request, state, created_at, started_at, finished_at, stage, done, total, summary, error";

constexpr std::string_view kStateNames[] = {"queued", "running", "done", "failed", "cancelled", "interrupted"};

JobInfo read_row(SQLite::Statement& q) {
  JobInfo j;
  j.id = q.getColumn(0).getInt64();
  j.kind = q.getColumn(1).getString();
  j.actor = q.getColumn(2).getString();
  j.request = q.getColumn(3).getString();
  // A state no version of this code wrote is shown as interrupted rather than guessed.
  j.state = parse_job_state(q.getColumn(4).getString()).value_or(JobState::interrupted);
  j.created_at = q.getColumn(5).getString();
  j.started_at = q.getColumn(6).getString();
  j.finished_at = q.getColumn(7).getString();
  j.progress.stage = q.getColumn(8).getString();
  j.progress.done = static_cast<std::uint64_t>(q.getColumn(9).getInt64());
  j.progress.total = static_cast<std::uint64_t>(q.getColumn(10).getInt64());
  j.summary = q.getColumn(11).getString();
  j.error = q.getColumn(12).getString();
  return j;
}

}  // namespace

std::string_view to_string(JobState s) { return kStateNames[static_cast<std::size_t>(s)]; }

std::optional<JobState> parse_job_state(std::string_view name) {
  for (std::size_t i = 0; i < std::size(kStateNames); ++i)
    if (kStateNames[i] == name) return static_cast<JobState>(i);
  return std::nullopt;
}

bool finished(JobState s) { return s != JobState::queued && s != JobState::running; }

void JobContext::progress(std::string_view stage, std::uint64_t done, std::uint64_t total) {
  if (report_) report_(JobProgress{std::string(stage), done, total});
}

struct JobQueue::Impl {
  std::string path;
  std::unique_ptr<SQLite::Database> db;  // guarded by mu
  std::mutex mu;
  std::condition_variable cv;  // the queue, the running job and shutdown changed
  struct Pending {
    std::int64_t id;
    JobWork work;
  };
  std::deque<Pending> pending;
  std::int64_t running = 0;  // the job the worker runs, 0 when none
  JobProgress running_progress;
  std::stop_source running_stop;
  // Jobs whose final row could not be written (the store stayed locked past its timeout):
  // shown from memory so that nobody sees a finished job as running.
  std::map<std::int64_t, JobInfo> unsaved;
  bool accepting = true, closing = false, shut_down = false;
  std::thread worker;

  // Runs `f` on the connection inside a transaction; SQLite's failures become JobError.
  template <class F>
  auto write(F&& f) -> decltype(f()) {
    try {
      SQLite::Transaction tx(*db);
      if constexpr (std::is_void_v<decltype(f())>) {
        f();
        tx.commit();
      } else {
        auto r = f();
        tx.commit();
        return r;
      }
    } catch (const SQLite::Exception& ex) {
      throw JobError(fmt::format("{}: the store's jobs could not be written: {}", path, ex.what()));
    }
  }

  std::optional<JobInfo> row(std::int64_t id) {
    if (auto it = unsaved.find(id); it != unsaved.end()) return it->second;
    SQLite::Statement q(*db, fmt::format("SELECT {} FROM _job WHERE id = ?", kColumns));
    q.bind(1, id);
    if (!q.executeStep()) return std::nullopt;
    JobInfo j = read_row(q);
    if (id == running) j.progress = running_progress;
    return j;
  }

  void finish_row(std::int64_t id, JobState state, const JobProgress& progress, const std::string& summary,
                  const std::string& error) {
    write([&] {
      SQLite::Statement q(*db,
                          "UPDATE _job SET state = ?, finished_at = ?, stage = ?, done = ?, total = ?, summary = ?, "
                          "error = ? WHERE id = ?");
      q.bind(1, std::string(to_string(state)));
      q.bind(2, engine::store::utc_now());
      q.bind(3, progress.stage);
      q.bind(4, static_cast<std::int64_t>(progress.done));
      q.bind(5, static_cast<std::int64_t>(progress.total));
      q.bind(6, summary);
      q.bind(7, error);
      q.bind(8, id);
      q.exec();
    });
  }

  void run() {
    for (;;) {
      Pending job;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return !pending.empty() || closing; });
        if (pending.empty()) return;
        job = std::move(pending.front());
        pending.pop_front();
        running = job.id;
        running_progress = {};
        running_stop = std::stop_source();
        try {
          write([&] {
            SQLite::Statement q(*db, "UPDATE _job SET state = 'running', started_at = ? WHERE id = ?");
            q.bind(1, engine::store::utc_now());
            q.bind(2, job.id);
            q.exec();
          });
        } catch (const JobError&) {
          // The job still runs: its row says queued until its end is written (or kept in memory).
        }
      }
      JobOutcome out;
      JobContext ctx(running_stop.get_token(), [this](const JobProgress& p) {
        std::lock_guard lock(mu);
        running_progress = p;
      });
      try {
        out = job.work(ctx);
      } catch (const std::exception& ex) {
        out = {JobState::failed, "", ex.what()};
      }
      if (out.state != JobState::done && out.state != JobState::failed && out.state != JobState::cancelled)
        out.state = JobState::failed;
      std::lock_guard lock(mu);
      try {
        finish_row(job.id, out.state, running_progress, out.summary, out.error);
      } catch (const JobError&) {
        JobInfo j;
        try {
          if (auto r = row(job.id)) j = *r;
        } catch (const SQLite::Exception&) {
          j.id = job.id;  // the store cannot even be read: what is known from memory
        }
        j.state = out.state;
        j.finished_at = engine::store::utc_now();
        j.progress = running_progress;
        j.summary = out.summary;
        j.error = out.error;
        unsaved[job.id] = j;
      }
      running = 0;
      cv.notify_all();
    }
  }
};

std::unique_ptr<JobQueue> JobQueue::open(const fs::path& db, int nice) {
  std::error_code ec;
  if (!fs::is_regular_file(db, ec))
    throw JobError(fmt::format("{}: no such store (make one with ecoaudit init)", db.string()));
  auto impl = std::make_unique<Impl>();
  impl->path = db.string();
  try {
    impl->db = std::make_unique<SQLite::Database>(db.string(), SQLite::OPEN_READWRITE);
    impl->db->setBusyTimeout(engine::store::OpenOptions{}.busy_timeout_ms);
    SQLite::Statement meta(*impl->db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_meta'");
    if (!meta.executeStep())
      throw JobError(fmt::format("{}: not an EcoAudit store (make one with ecoaudit init)", db.string()));
  } catch (const SQLite::Exception& ex) {
    throw JobError(fmt::format("{}: cannot open the store's jobs: {}", db.string(), ex.what()));
  }
  impl->write([&] {
    impl->db->exec(kCreateSql);
    // Each run writes in one transaction: a job the previous process did not finish wrote nothing.
    SQLite::Statement q(*impl->db,
                        "UPDATE _job SET state = 'interrupted', finished_at = ?, error = ? "
                        "WHERE state IN ('queued', 'running')");
    q.bind(1, engine::store::utc_now());
    q.bind(2, "the server stopped before the job finished; it wrote nothing");
    q.exec();
  });
  auto* raw = impl.get();
  impl->worker = std::thread([raw, nice] {
    // Raising one's own nice value needs no privilege; on Linux it applies to this thread only
    // (and the threads it creates), not to the request threads. A refusal leaves the job at
    // the server's priority, which is slower pages, not a wrong result.
    // Only ever raised: a server already running niced keeps its jobs at least as nice as itself
    // (a privileged process could otherwise lower the jobs' value below its requests').
    const auto self = static_cast<id_t>(::gettid());
    errno = 0;
    const int current = ::getpriority(PRIO_PROCESS, self);
    if (errno == 0 && nice > current) (void)::setpriority(PRIO_PROCESS, self, nice);
    raw->run();
  });
  return std::unique_ptr<JobQueue>(new JobQueue(std::move(impl)));
}

JobQueue::JobQueue(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

JobQueue::~JobQueue() { shutdown(std::chrono::milliseconds(0)); }

std::int64_t JobQueue::submit(std::string kind, std::string actor, std::string request, JobWork work) {
  auto& m = *impl_;
  std::lock_guard lock(m.mu);
  if (!m.accepting) throw JobError("the server is stopping: no new job is accepted");
  if (request.empty()) request = "{}";
  const std::int64_t id = m.write([&] {
    SQLite::Statement q(*m.db, "INSERT INTO _job (kind, actor, request, state, created_at) VALUES (?, ?, ?, 'queued', ?)");
    q.bind(1, kind);
    q.bind(2, actor);
    q.bind(3, request);
    q.bind(4, engine::store::utc_now());
    q.exec();
    return m.db->getLastInsertRowid();
  });
  m.pending.push_back({id, std::move(work)});
  m.cv.notify_all();
  return id;
}

std::optional<JobInfo> JobQueue::find(std::int64_t id) {
  auto& m = *impl_;
  std::lock_guard lock(m.mu);
  try {
    return m.row(id);
  } catch (const SQLite::Exception& ex) {
    throw JobError(fmt::format("{}: the store's jobs could not be read: {}", m.path, ex.what()));
  }
}

std::vector<JobInfo> JobQueue::list(std::size_t limit, std::optional<std::string> actor) {
  auto& m = *impl_;
  std::lock_guard lock(m.mu);
  std::vector<JobInfo> out;
  try {
    SQLite::Statement q(*m.db, fmt::format("SELECT {} FROM _job {} ORDER BY id DESC LIMIT ?", kColumns,
                                           actor ? "WHERE actor = ?" : ""));
    int i = 1;
    if (actor) q.bind(i++, *actor);
    q.bind(i, static_cast<std::int64_t>(limit));
    while (q.executeStep()) {
      JobInfo j = read_row(q);
      if (auto it = m.unsaved.find(j.id); it != m.unsaved.end()) j = it->second;
      if (j.id == m.running) j.progress = m.running_progress;
      out.push_back(std::move(j));
    }
  } catch (const SQLite::Exception& ex) {
    throw JobError(fmt::format("{}: the store's jobs could not be read: {}", m.path, ex.what()));
  }
  return out;
}

bool JobQueue::cancel(std::int64_t id) {
  auto& m = *impl_;
  std::lock_guard lock(m.mu);
  if (m.running == id && id != 0) {
    m.running_stop.request_stop();
    return true;
  }
  auto it = std::find_if(m.pending.begin(), m.pending.end(), [&](const Impl::Pending& p) { return p.id == id; });
  if (it == m.pending.end()) return false;
  m.pending.erase(it);
  m.finish_row(id, JobState::cancelled, {}, "", "cancelled before it started");
  m.cv.notify_all();
  return true;
}

std::optional<JobInfo> JobQueue::wait(std::int64_t id, std::chrono::milliseconds timeout) {
  auto& m = *impl_;
  {
    std::unique_lock lock(m.mu);
    m.cv.wait_for(lock, timeout, [&] {
      return m.running != id &&
             std::none_of(m.pending.begin(), m.pending.end(), [&](const Impl::Pending& p) { return p.id == id; });
    });
  }
  return find(id);
}

void JobQueue::shutdown(std::chrono::milliseconds grace) {
  auto& m = *impl_;
  {
    std::unique_lock lock(m.mu);
    if (m.shut_down) return;
    m.shut_down = true;
    m.accepting = false;
    for (const auto& p : m.pending) {
      try {
        m.finish_row(p.id, JobState::cancelled, {}, "", "the server stopped before the job started");
      } catch (const JobError&) {
        // The next queue to open the store marks it interrupted: it never ran either way.
      }
    }
    m.pending.clear();
    m.cv.wait_for(lock, grace, [&] { return m.running == 0; });
    // Past the grace the running job is stopped: its run rolls back and the job ends cancelled.
    if (m.running != 0) m.running_stop.request_stop();
    m.closing = true;
    m.cv.notify_all();
  }
  if (m.worker.joinable()) m.worker.join();
}

bool job_visible_to(const JobInfo& job, const Principal& user) {
  if (user.disabled) return false;
  if (std::find(user.roles.begin(), user.roles.end(), Role::administrator) != user.roles.end()) return true;
  return !user.name.empty() && job.actor == user.name;
}

namespace {

std::string_view stage_name(SweepStage s) {
  switch (s) {
    case SweepStage::loading: return "loading";
    case SweepStage::evaluating: return "evaluating";
    case SweepStage::recording: return "recording";
    case SweepStage::writing: return "writing";
  }
  return "";
}

}  // namespace

JobWork sweep_job(SweepRequest request, std::string actor) {
  return [request = std::move(request), actor = std::move(actor)](JobContext& ctx) -> JobOutcome {
    std::size_t rules = 0;
    SweepProgress progress;
    progress.stage = [&](SweepStage stage, std::size_t n, std::uint64_t) {
      if (stage == SweepStage::evaluating) rules = n;
      ctx.progress(stage_name(stage), stage == SweepStage::loading ? 0 : (stage == SweepStage::evaluating ? 0 : rules),
                   rules);
    };
    progress.block = [&](const SweepBlock& b) {
      // A rule counts as done once its last block is evaluated.
      ctx.progress("evaluating", b.rule_index + (b.rows_done >= b.rows ? 1 : 0), rules);
    };
    SweepOutcome out = run_sweep(request, progress, ctx.stop_token());
    switch (out.status) {
      case RunStatus::done: break;
      case RunStatus::cancelled: return {JobState::cancelled, "", out.errors.empty() ? "cancelled" : out.errors};
      default: return {JobState::failed, "", out.errors};
    }
    nlohmann::json summary = {{"findings", out.findings}, {"resolved", out.resolved}};
    summary["sweep_id"] = out.run.sweep_id ? nlohmann::json(*out.run.sweep_id) : nlohmann::json(nullptr);
    summary["previous_sweep_id"] =
        out.run.previous_sweep_id ? nlohmann::json(*out.run.previous_sweep_id) : nlohmann::json(nullptr);
    nlohmann::json counts = nlohmann::json::object();
    for (std::size_t v = 0; v < dsl::model::kVerdictCount; ++v) {
      std::uint64_t n = 0;
      for (auto c : out.counts[v]) n += c;
      counts[std::string(dsl::model::to_string(static_cast<dsl::model::Verdict>(v)))] = n;
    }
    summary["counts"] = std::move(counts);
    summary["as_of"] = dsl::format_date(request.as_of);
    std::string error;
    if (out.run.sweep_id) {
      // The sweep is committed: a trail row that cannot be written is reported, never undone.
      try {
        Accounts::open(request.db)
            ->record(actor, "sweep.run", fmt::format("sweep:{}", *out.run.sweep_id),
                     fmt::format("as_of={} findings={}", dsl::format_date(request.as_of), out.findings));
      } catch (const AccountError& ex) {
        summary["trail_error"] = ex.what();
      }
    }
    return {JobState::done, summary.dump(), ""};
  };
}

}  // namespace eco::app
