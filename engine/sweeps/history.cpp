#include "engine/sweeps/history.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

namespace eco::engine::sweeps {

namespace {

using Identity = std::tuple<std::string, std::string, std::string>;  // rule, record, key

const char* const kCreate[] = {
    "CREATE TABLE IF NOT EXISTS _sweep (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, as_of TEXT NOT NULL, "
    "ruleset TEXT NOT NULL, ruleset_sha256 TEXT NOT NULL, batches TEXT NOT NULL, findings INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _sweep_finding (sweep INTEGER NOT NULL REFERENCES _sweep(id), rule TEXT NOT NULL, "
    "subject_record TEXT NOT NULL, subject_key TEXT NOT NULL, enterprise_id TEXT, verdict TEXT NOT NULL, "
    "severity TEXT NOT NULL, first_seen TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS _sweep_finding__sweep ON _sweep_finding(sweep)",
    "CREATE INDEX IF NOT EXISTS _sweep_finding__identity ON _sweep_finding(rule, subject_record, subject_key)",
};

}  // namespace

Recorded record_sweep(store::Store& st, const RunInfo& run, std::vector<Finding>& findings) {
  SQLite::Database& db = st.db();
  Recorded out;
  try {
    SQLite::Transaction txn(db);
    for (const char* sql : kCreate) db.exec(sql);

    // The previous sweep of this ruleset, and what it found.
    {
      SQLite::Statement q(db, "SELECT max(id) FROM _sweep WHERE ruleset = ?");
      q.bind(1, run.ruleset);
      if (q.executeStep() && !q.getColumn(0).isNull()) out.previous_sweep_id = q.getColumn(0).getInt64();
    }
    std::map<Identity, ResolvedFinding> previous;
    if (out.previous_sweep_id) {
      SQLite::Statement q(db,
                          "SELECT rule, subject_record, subject_key, coalesce(enterprise_id, ''), verdict, first_seen "
                          "FROM _sweep_finding WHERE sweep = ?");
      q.bind(1, out.previous_sweep_id);
      while (q.executeStep()) {
        ResolvedFinding r{q.getColumn(0).getString(), q.getColumn(1).getString(), q.getColumn(2).getString(),
                   q.getColumn(3).getString(), q.getColumn(4).getString(), q.getColumn(5).getString()};
        previous.emplace(Identity{r.rule, r.subject_record, r.subject_key}, std::move(r));
      }
    }
    // Identities seen in any earlier sweep of this ruleset (for `repeat`).
    SQLite::Statement seen_before(db,
                                  "SELECT 1 FROM _sweep_finding f JOIN _sweep s ON s.id = f.sweep "
                                  "WHERE s.ruleset = ? AND f.rule = ? AND f.subject_record = ? AND f.subject_key = ? "
                                  "LIMIT 1");

    std::string batches;
    for (auto b : run.batches) batches += (batches.empty() ? "" : ",") + std::to_string(b);
    std::size_t recorded = 0;
    for (const auto& f : findings)
      if (f.verdict != dsl::model::Verdict::pass && f.verdict != dsl::model::Verdict::not_applicable) ++recorded;
    {
      SQLite::Statement ins(db,
                            "INSERT INTO _sweep (started_at, as_of, ruleset, ruleset_sha256, batches, findings) "
                            "VALUES (?, ?, ?, ?, ?, ?)");
      ins.bind(1, run.generated_at);
      ins.bind(2, dsl::format_date(run.as_of));
      ins.bind(3, run.ruleset);
      ins.bind(4, run.ruleset_sha256);
      ins.bind(5, batches);
      ins.bind(6, static_cast<std::int64_t>(recorded));
      ins.exec();
      out.sweep_id = db.getLastInsertRowid();
    }

    SQLite::Statement ins(db,
                          "INSERT INTO _sweep_finding (sweep, rule, subject_record, subject_key, enterprise_id, "
                          "verdict, severity, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    for (auto& f : findings) {
      if (f.verdict == dsl::model::Verdict::pass || f.verdict == dsl::model::Verdict::not_applicable) continue;
      Identity id{f.rule, f.subject_record, f.subject_key};
      if (auto it = previous.find(id); it != previous.end()) {
        f.change = "persisting";
        f.first_seen = dsl::parse_date(it->second.first_seen);
        previous.erase(it);
      } else {
        seen_before.reset();
        seen_before.bind(1, run.ruleset);
        seen_before.bind(2, f.rule);
        seen_before.bind(3, f.subject_record);
        seen_before.bind(4, f.subject_key);
        f.change = seen_before.executeStep() ? "repeat" : "new";
        f.first_seen = run.as_of;
      }
      ins.reset();
      ins.bind(1, out.sweep_id);
      ins.bind(2, f.rule);
      ins.bind(3, f.subject_record);
      ins.bind(4, f.subject_key);
      if (f.enterprise_id.empty()) ins.bind(5);
      else ins.bind(5, f.enterprise_id);
      ins.bind(6, std::string(dsl::model::to_string(f.verdict)));
      ins.bind(7, std::string(dsl::model::to_string(f.severity)));
      ins.bind(8, dsl::format_date(f.first_seen.value_or(run.as_of)));
      ins.exec();
    }
    for (auto& [id, r] : previous) out.resolved.push_back(std::move(r));
    txn.commit();
  } catch (const SQLite::Exception& e) {
    throw store::StoreError(fmt::format("recording the sweep in {}: {}", st.path().string(), e.what()));
  }
  return out;
}

std::vector<SweepSummary> read_history(store::Store& st, const std::string& ruleset, std::size_t limit) {
  SQLite::Database& db = st.db();
  std::vector<SweepSummary> out;
  try {
    if (!db.tableExists("_sweep")) return out;
    // Counts per sweep in one pass over its findings; the newest `limit` sweeps, then oldest first.
    SQLite::Statement q(db,
                        "SELECT s.id, s.started_at, s.as_of, s.findings, "
                        " (SELECT count(*) FROM _sweep_finding f WHERE f.sweep = s.id AND f.verdict IN ('violation','late')), "
                        " (SELECT count(*) FROM _sweep_finding f WHERE f.sweep = s.id AND f.verdict = 'unknown'), "
                        " (SELECT count(*) FROM _sweep_finding f WHERE f.sweep = s.id AND f.verdict = 'upcoming'), "
                        " (SELECT count(DISTINCT f.enterprise_id) FROM _sweep_finding f WHERE f.sweep = s.id "
                        "    AND f.verdict IN ('violation','late') AND f.enterprise_id IS NOT NULL) "
                        "FROM _sweep s WHERE s.ruleset = ? ORDER BY s.id DESC LIMIT ?");
    q.bind(1, ruleset);
    q.bind(2, static_cast<std::int64_t>(limit));
    while (q.executeStep()) {
      SweepSummary s;
      s.id = q.getColumn(0).getInt64();
      s.started_at = q.getColumn(1).getString();
      s.as_of = q.getColumn(2).getString();
      s.findings = static_cast<std::size_t>(q.getColumn(3).getInt64());
      s.violations = static_cast<std::size_t>(q.getColumn(4).getInt64());
      s.unknown = static_cast<std::size_t>(q.getColumn(5).getInt64());
      s.upcoming = static_cast<std::size_t>(q.getColumn(6).getInt64());
      s.enterprises_with_violations = static_cast<std::size_t>(q.getColumn(7).getInt64());
      out.push_back(std::move(s));
    }
  } catch (const SQLite::Exception& e) {
    throw store::StoreError(fmt::format("reading the sweep history of {}: {}", st.path().string(), e.what()));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace eco::engine::sweeps
