#include "engine/sweeps/history.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include "engine/store/pause.hpp"

namespace eco::engine::sweeps {

namespace {

const char* const kCreate[] = {
    "CREATE TABLE IF NOT EXISTS _sweep (id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, as_of TEXT NOT NULL, "
    "ruleset TEXT NOT NULL, ruleset_sha256 TEXT NOT NULL, batches TEXT NOT NULL, findings INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS _sweep_finding (sweep INTEGER NOT NULL REFERENCES _sweep(id), rule TEXT NOT NULL, "
    "subject_record TEXT NOT NULL, subject_key TEXT NOT NULL, enterprise_id TEXT, verdict TEXT NOT NULL, "
    "severity TEXT NOT NULL, first_seen TEXT NOT NULL)",
    // Findings are only ever read by sweep. Stores made before 2026-11-29 also indexed them by
    // (rule, subject record, subject key), which nothing queried and which made recording a
    // million-finding sweep seek through an index of every earlier sweep's findings.
    "DROP INDEX IF EXISTS _sweep_finding__identity",
};

// The indexes of the history, each led by `sweep` (a new sweep's rows go to the end of each:
// recording does not seek through earlier sweeps). The workbench pages one sweep's findings in
// severity order and lists one owner's: with only an index on `sweep`, each page sorted the
// whole sweep (~170 ms at 76k findings) and each owner's list read it (~50 ms). The index on
// `sweep` alone that stores made before 2026-12-07 have is dropped: both new ones lead with it.
// An audit's quarter grid reads one owner's findings of every sweep, and the findings of the
// same subjects under another owner (engine/enforcement/history.hpp): per sweep, a range of
// (sweep, enterprise_id) and of (sweep, subject_key), instead of the whole history.
std::vector<std::string> index_sql() {
  return {"CREATE INDEX IF NOT EXISTS _sweep_finding__sweep_rank ON _sweep_finding(sweep, " +
              severity_rank_sql("severity") + ")",
          "CREATE INDEX IF NOT EXISTS _sweep_finding__sweep_owner ON _sweep_finding(sweep, enterprise_id, " +
              severity_rank_sql("severity") + ")",
          "CREATE INDEX IF NOT EXISTS _sweep_finding__sweep_subject ON _sweep_finding(sweep, subject_key)",
          "DROP INDEX IF EXISTS _sweep_finding__sweep"};
}

// The previous sweep's findings as compact identities: rule, subject record, verdict and
// first_seen interned (a sweep has a few hundred rules and dates), subject and enterprise keys
// in one text arena. Sorted by (rule, record, key) text, which is also the order in which the
// resolved findings are reported. A million findings take ~80 MB instead of the ~400 MB a
// map of strings would.
class PreviousFindings {
 public:
  void load(SQLite::Database& db, std::int64_t sweep) {
    std::map<std::string, std::uint32_t, std::less<>> rules, records;
    std::map<std::string, std::uint32_t, std::less<>> verdicts, dates;
    auto intern = [](std::map<std::string, std::uint32_t, std::less<>>& m, std::string_view s) {
      auto it = m.find(s);
      if (it == m.end()) it = m.emplace(std::string(s), static_cast<std::uint32_t>(m.size())).first;
      return it->second;
    };
    auto text = [](const SQLite::Column& c) {
      return std::string_view(c.getText(), static_cast<std::size_t>(c.getBytes()));
    };
    SQLite::Statement q(db,
                        "SELECT rule, subject_record, subject_key, coalesce(enterprise_id, ''), verdict, first_seen "
                        "FROM _sweep_finding WHERE sweep = ?");
    q.bind(1, sweep);
    while (q.executeStep()) {
      Entry e;
      e.rule = intern(rules, text(q.getColumn(0)));
      e.record = intern(records, text(q.getColumn(1)));
      e.verdict = intern(verdicts, text(q.getColumn(4)));
      e.first_seen = intern(dates, text(q.getColumn(5)));
      const auto key = text(q.getColumn(2)), enterprise = text(q.getColumn(3));
      e.at = arena_.size();
      e.key_len = static_cast<std::uint32_t>(key.size());
      e.enterprise_len = static_cast<std::uint32_t>(enterprise.size());
      arena_.append(key).append(enterprise);
      entries_.push_back(e);
    }
    // Ids by first appearance -> ranks in text order, so that entries sort by integers.
    auto ranked = [](std::map<std::string, std::uint32_t, std::less<>>& m, std::vector<std::string>& names) {
      std::vector<std::uint32_t> rank(m.size());
      names.clear();
      for (auto& [name, id] : m) {
        rank[id] = static_cast<std::uint32_t>(names.size());
        id = rank[id];
        names.push_back(name);
      }
      return rank;
    };
    const auto rule_rank = ranked(rules, rule_names_), record_rank = ranked(records, record_names_);
    rule_ids_ = std::move(rules);
    record_ids_ = std::move(records);
    verdict_names_.resize(verdicts.size());
    for (auto& [name, id] : verdicts) verdict_names_[id] = name;
    date_names_.resize(dates.size());
    for (auto& [name, id] : dates) date_names_[id] = name;
    for (auto& e : entries_) e.rule = rule_rank[e.rule], e.record = record_rank[e.record];
    // Stable, then the first of equal identities kept: as a map filled in read order would.
    std::stable_sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) { return less(a, b); });
    entries_.erase(std::unique(entries_.begin(), entries_.end(),
                               [&](const Entry& a, const Entry& b) { return !less(a, b) && !less(b, a); }),
                   entries_.end());
    entries_.shrink_to_fit();
  }

  // The first_seen text of the identity's entry when it is there and not matched yet (and
  // marks it matched); nullptr otherwise.
  const std::string* match(const std::string& rule, const std::string& record, const std::string& key) {
    // A piece is one rule's findings: the rule's and record's ids are those of the last call.
    if (!last_rule_ || rule != *last_rule_) {
      last_rule_ = rule;
      auto it = rule_ids_.find(rule);
      rule_id_ = it == rule_ids_.end() ? kNone : it->second;
    }
    if (!last_record_ || record != *last_record_) {
      last_record_ = record;
      auto it = record_ids_.find(record);
      record_id_ = it == record_ids_.end() ? kNone : it->second;
    }
    if (rule_id_ == kNone || record_id_ == kNone) return nullptr;
    const auto is = [&](const Entry& e) { return e.rule == rule_id_ && e.record == record_id_ && key_of(e) == key; };
    // The findings mostly come in the previous sweep's order: the entry after the last match is
    // tried before a binary search.
    Entry* e = nullptr;
    if (next_ < entries_.size() && is(entries_[next_])) {
      e = &entries_[next_];
    } else {
      const std::tuple<std::uint32_t, std::uint32_t, std::string_view> probe{rule_id_, record_id_, key};
      auto it = std::lower_bound(entries_.begin(), entries_.end(), probe, [&](const Entry& x, const auto& p) {
        return std::tuple<std::uint32_t, std::uint32_t, std::string_view>{x.rule, x.record, key_of(x)} < p;
      });
      if (it != entries_.end() && is(*it)) e = &*it;
    }
    if (!e || e->matched) return nullptr;
    e->matched = true;
    next_ = static_cast<std::size_t>(e - entries_.data()) + 1;
    return &date_names_[e->first_seen];
  }

  // The entries no finding matched, in identity order.
  std::vector<ResolvedFinding> unmatched() const {
    std::vector<ResolvedFinding> out;
    for (const auto& e : entries_)
      if (!e.matched)
        out.push_back({rule_names_[e.rule], record_names_[e.record], std::string(key_of(e)),
                       std::string(arena_.substr(e.at + e.key_len, e.enterprise_len)), verdict_names_[e.verdict],
                       date_names_[e.first_seen]});
    return out;
  }

 private:
  struct Entry {
    // Every member initialised: load() fills all but `matched`, which must start false (an
    // indeterminate one made a persisting finding look matched already, so it was counted new
    // and its identity never reported resolved; UBSan caught it on CI).
    std::uint32_t rule = 0, record = 0;  // ranks in rule_names_ / record_names_
    std::uint32_t verdict = 0, first_seen = 0;
    std::size_t at = 0;  // the key, then the enterprise id, in arena_
    std::uint32_t key_len = 0, enterprise_len = 0;
    bool matched = false;
  };
  std::string_view key_of(const Entry& e) const { return std::string_view(arena_).substr(e.at, e.key_len); }
  bool less(const Entry& a, const Entry& b) const {
    if (a.rule != b.rule) return a.rule < b.rule;
    if (a.record != b.record) return a.record < b.record;
    return key_of(a) < key_of(b);
  }

  static constexpr std::uint32_t kNone = ~std::uint32_t{0};
  std::vector<Entry> entries_;
  std::string arena_;
  std::optional<std::string> last_rule_, last_record_;  // match(): the last call's, and their ids
  std::uint32_t rule_id_ = kNone, record_id_ = kNone;
  std::size_t next_ = 0;                 // the entry after the last match
  std::map<std::string, std::uint32_t, std::less<>> rule_ids_, record_ids_;  // name -> rank
  std::vector<std::string> rule_names_, record_names_, verdict_names_, date_names_;
};

bool recorded(const Finding& f) {
  return f.verdict != dsl::model::Verdict::pass && f.verdict != dsl::model::Verdict::not_applicable;
}

// The pieces wait in a TEMP table of the recorder's connection (SQLite's temporary database:
// a file of its own, spilled to disk past a small cache, so memory stays bounded) and reach
// the store in one short write transaction at commit(). A sweep thus holds no lock on the
// store while it evaluates and writes its reports: the server's requests (audit-trail rows,
// session activity) and imports write meanwhile without waiting for it. A sweep that stops
// before commit() leaves nothing behind: the temporary table goes with the recorder, or with
// the connection when the process is killed.
const char* const kPending =
    "CREATE TEMP TABLE IF NOT EXISTS _sweep_pending (rule TEXT NOT NULL, subject_record TEXT NOT NULL, "
    "subject_key TEXT NOT NULL, enterprise_id TEXT, verdict TEXT NOT NULL, severity TEXT NOT NULL, "
    "first_seen TEXT NOT NULL)";

}  // namespace

struct SweepRecorder::Impl {
  Impl(store::Store& s, const RunInfo& r) : st(s), run(r) {}
  ~Impl() {
    seen_before.reset();
    insert.reset();
    try {
      st.db().exec("DROP TABLE IF EXISTS temp._sweep_pending");
    } catch (const SQLite::Exception&) {
      // The connection's temporary database goes with the connection anyway.
    }
  }

  store::Store& st;
  RunInfo run;
  std::int64_t sweep_id = 0, previous_sweep_id = 0;
  std::int64_t count = 0;
  bool finished = false, committed = false;
  PreviousFindings previous;
  std::optional<SQLite::Statement> seen_before, insert;
};

namespace {

store::StoreError recording_error(const store::Store& st, const SQLite::Exception& e) {
  return store::StoreError(fmt::format("recording the sweep in {}: {}", st.path().string(), e.what()));
}

// The id the next sweep gets: one past the highest recorded (SQLite's own choice for a new
// row), 1 when the store has no history tables yet.
std::int64_t next_sweep_id(SQLite::Database& db) {
  if (!db.tableExists("_sweep")) return 1;
  return db.execAndGet("SELECT coalesce(max(id), 0) + 1 FROM _sweep").getInt64();
}

}  // namespace

SweepRecorder::SweepRecorder(store::Store& st, const RunInfo& run) {
  SQLite::Database& db = st.db();
  try {
    impl_ = std::make_unique<Impl>(st, run);
    {
      // One read snapshot for the id, the previous sweep and its findings (no write lock).
      SQLite::Transaction read(db, SQLite::TransactionBehavior::DEFERRED);
      impl_->sweep_id = next_sweep_id(db);
      if (impl_->sweep_id > 1) {
        SQLite::Statement q(db, "SELECT max(id) FROM _sweep WHERE ruleset = ?");
        q.bind(1, run.ruleset);
        if (q.executeStep() && !q.getColumn(0).isNull()) impl_->previous_sweep_id = q.getColumn(0).getInt64();
      }
      if (impl_->previous_sweep_id) impl_->previous.load(db, impl_->previous_sweep_id);
      read.commit();
    }
    // Identities seen in any earlier sweep of this ruleset (for `repeat`; only asked when there
    // is an earlier sweep, so the tables exist).
    if (impl_->previous_sweep_id)
      impl_->seen_before.emplace(db, kSeenBeforeSql);
    db.exec("DROP TABLE IF EXISTS temp._sweep_pending");
    db.exec(kPending);
    impl_->insert.emplace(db,
                          "INSERT INTO temp._sweep_pending (rule, subject_record, subject_key, enterprise_id, "
                          "verdict, severity, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?)");
  } catch (const SQLite::Exception& e) {
    impl_.reset();
    throw recording_error(st, e);
  }
}

SweepRecorder::~SweepRecorder() = default;

std::int64_t SweepRecorder::sweep_id() const { return impl_->sweep_id; }
std::int64_t SweepRecorder::previous_sweep_id() const { return impl_->previous_sweep_id; }

void SweepRecorder::add(std::vector<Finding>& piece) {
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("SweepRecorder::add after finish");
  try {
    auto& ins = *m.insert;
    // One transaction per piece: it writes only the temporary database (no lock on the store's
    // file) and reads the store in one snapshot, released when the piece is done.
    SQLite::Transaction piece_txn(m.st.db(), SQLite::TransactionBehavior::DEFERRED);
    for (auto& f : piece) {
      if (!recorded(f)) continue;
      if (const std::string* first_seen = m.previous.match(f.rule, f.subject_record, f.subject_key)) {
        f.change = Change::persisting;
        f.first_seen = dsl::parse_date(*first_seen);
      } else if (!m.previous_sweep_id) {
        // No earlier sweep of this ruleset at all (and a sweep has one finding per identity):
        // nothing to look up.
        f.change = Change::new_;
        f.first_seen = m.run.as_of;
      } else {
        auto& seen_before = *m.seen_before;
        seen_before.reset();
        seen_before.bind(1, m.run.ruleset);
        seen_before.bind(2, f.rule);
        seen_before.bind(3, f.subject_record);
        seen_before.bind(4, f.subject_key);
        f.change = seen_before.executeStep() ? Change::repeat : Change::new_;
        f.first_seen = m.run.as_of;
      }
      const std::string verdict(dsl::model::to_string(f.verdict)), severity(dsl::model::to_string(f.severity));
      const std::string first_seen = dsl::format_date(f.first_seen.value_or(m.run.as_of));
      ins.reset();
      ins.bindNoCopy(1, f.rule);
      ins.bindNoCopy(2, f.subject_record);
      ins.bindNoCopy(3, f.subject_key);
      // The column keeps its name: it holds the owner's key, whatever the owner record is.
      if (f.owner.empty()) ins.bind(4);
      else ins.bindNoCopy(4, f.owner.key);
      ins.bindNoCopy(5, verdict);
      ins.bindNoCopy(6, severity);
      ins.bindNoCopy(7, first_seen);
      ins.exec();
      ++m.count;
    }
    if (m.seen_before) m.seen_before->reset();
    // The bound texts belong to the piece, which the caller drops next.
    ins.clearBindings();
    piece_txn.commit();
  } catch (const SQLite::Exception& e) {
    throw recording_error(m.st, e);
  }
}

Recorded SweepRecorder::finish() {
  Impl& m = *impl_;
  if (m.finished) throw std::logic_error("SweepRecorder::finish called twice");
  Recorded out;
  out.sweep_id = m.sweep_id;
  out.previous_sweep_id = m.previous_sweep_id;
  out.resolved = m.previous.unmatched();
  m.seen_before.reset();
  m.insert.reset();
  m.finished = true;
  return out;
}

SweepSummary SweepRecorder::summary() {
  Impl& m = *impl_;
  if (!m.finished) throw std::logic_error("SweepRecorder::summary before finish");
  SweepSummary s;
  s.id = m.sweep_id;
  s.started_at = m.run.generated_at;
  s.as_of = dsl::format_date(m.run.as_of);
  s.findings = static_cast<std::size_t>(m.count);
  try {
    // The counts read_history() makes of a recorded sweep, over the pending findings.
    SQLite::Statement q(m.st.db(),
                        "SELECT (SELECT count(*) FROM temp._sweep_pending WHERE verdict IN ('violation','late')), "
                        " (SELECT count(*) FROM temp._sweep_pending WHERE verdict = 'unknown'), "
                        " (SELECT count(*) FROM temp._sweep_pending WHERE verdict = 'upcoming'), "
                        " (SELECT count(DISTINCT enterprise_id) FROM temp._sweep_pending "
                        "    WHERE verdict IN ('violation','late') AND enterprise_id IS NOT NULL)");
    q.executeStep();
    s.violations = static_cast<std::size_t>(q.getColumn(0).getInt64());
    s.unknown = static_cast<std::size_t>(q.getColumn(1).getInt64());
    s.upcoming = static_cast<std::size_t>(q.getColumn(2).getInt64());
    s.enterprises_with_violations = static_cast<std::size_t>(q.getColumn(3).getInt64());
  } catch (const SQLite::Exception& e) {
    throw recording_error(m.st, e);
  }
  return s;
}

void SweepRecorder::commit() {
  Impl& m = *impl_;
  if (!m.finished) throw std::logic_error("SweepRecorder::commit before finish");
  if (m.committed) throw std::logic_error("SweepRecorder::commit called twice");
  SQLite::Database& db = m.st.db();
  try {
    // BEGIN IMMEDIATE: the write lock up front, waiting (the store's busy handler) for another
    // writer. A deferred transaction would read first and then fail at its first write with
    // "database is locked" when someone wrote meanwhile (WAL cannot upgrade a read snapshot
    // that another writer has moved past).
    SQLite::Transaction txn(db, SQLite::TransactionBehavior::IMMEDIATE);
    for (const char* sql : kCreate) db.exec(sql);
    for (const auto& sql : index_sql()) db.exec(sql);
    // The id and the previous sweep were read when the sweep started and are in its reports;
    // a sweep recorded since (another process's) makes them wrong: this one is not recorded.
    if (const std::int64_t next = next_sweep_id(db); next != m.sweep_id)
      throw store::StoreError(fmt::format(
          "recording the sweep in {}: sweep {} was recorded by someone else while this sweep ran, so this "
          "sweep's number and its comparison with the previous sweep are out of date; nothing was recorded "
          "(run the sweep again)",
          m.st.path().string(), next - 1));
    {
      std::string batches;
      for (auto b : m.run.batches) batches += (batches.empty() ? "" : ",") + std::to_string(b);
      SQLite::Statement ins(db,
                            "INSERT INTO _sweep (id, started_at, as_of, ruleset, ruleset_sha256, batches, findings) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)");
      ins.bind(1, m.sweep_id);
      ins.bind(2, m.run.generated_at);
      ins.bind(3, dsl::format_date(m.run.as_of));
      ins.bind(4, m.run.ruleset);
      ins.bind(5, m.run.ruleset_sha256);
      ins.bind(6, batches);
      ins.bind(7, m.count);
      ins.exec();
    }
    {
      // In the order the pieces came (rowid order of the temporary table), as they were
      // inserted one by one before.
      SQLite::Statement copy(db,
                             "INSERT INTO _sweep_finding (sweep, rule, subject_record, subject_key, enterprise_id, "
                             "verdict, severity, first_seen) "
                             "SELECT ?, rule, subject_record, subject_key, enterprise_id, verdict, severity, first_seen "
                             "FROM temp._sweep_pending ORDER BY rowid");
      copy.bind(1, m.sweep_id);
      copy.exec();
    }
    store::pause_point("sweep-commit");
    txn.commit();
    m.committed = true;
  } catch (const SQLite::Exception& e) {
    throw recording_error(m.st, e);
  }
}

Recorded record_sweep(store::Store& st, const RunInfo& run, std::vector<Finding>& findings) {
  SweepRecorder rec(st, run);
  rec.add(findings);
  Recorded out = rec.finish();
  rec.commit();
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

// Written as `sweep IN (...)`, not as a join: as a join, with no index led by the identity,
// SQLite scanned the whole history for each new finding (a recorded sweep of a 100k store after a
// ruleset change took 8.5 minutes, 17 s without recording).
const char* const kSeenBeforeSql =
    "SELECT 1 FROM _sweep_finding f WHERE f.sweep IN (SELECT id FROM _sweep WHERE ruleset = ?1) "
    "AND f.subject_key = ?4 AND f.rule = ?2 AND f.subject_record = ?3 LIMIT 1";

std::string severity_rank_sql(std::string_view column) {
  std::string out = "CASE " + std::string(column);
  for (int s = static_cast<int>(dsl::model::Severity::critical), rank = 0; s >= 0; --s, ++rank)
    out += fmt::format(" WHEN '{}' THEN {}", dsl::model::to_string(static_cast<dsl::model::Severity>(s)), rank);
  return out + " ELSE 99 END";
}

}  // namespace eco::engine::sweeps
