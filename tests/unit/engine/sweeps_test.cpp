// Sweep history (engine/sweeps): what a recorded sweep says about each finding compared with
// the earlier sweeps, the same whether its findings are recorded in one call or piece by
// piece, and nothing recorded by a sweep that does not finish.
#include <gtest/gtest.h>

#include <tuple>

#include "engine/sweeps/history.hpp"
#include "tests/unit/engine/store_fixture.hpp"

namespace eco::engine::testing {
namespace {

using dsl::model::Severity;
using dsl::model::Verdict;
using store::OpenOptions;
using store::Store;
using sweeps::Recorded;
using sweeps::SweepRecorder;

Finding finding(const std::string& rule, const std::string& key, Verdict v = Verdict::violation) {
  Finding f;
  f.rule = rule;
  f.subject_record = "facility";
  f.subject_key = key;
  f.owner = {"enterprise", key == "F-3" ? "" : "E-" + key};
  f.verdict = v;
  f.severity = Severity::high;
  return f;
}

RunInfo run(const std::string& as_of) {
  RunInfo r;
  r.command = "sweep";
  r.generated_at = as_of + "T00:00:00Z";
  r.as_of = *dsl::parse_date(as_of);
  r.ruleset = "rs";
  r.ruleset_sha256 = "abc";
  r.batches = {1, 2};
  return r;
}

// Three sweeps: the second drops F-2 (resolved) and finds F-4; the third finds F-2 again
// (repeat), keeps F-1 and F-4 (persisting since their first sweep), drops F-3 and finds F-5.
// Pass and not_applicable findings are never recorded.
std::vector<std::vector<Finding>> sweeps_findings() {
  return {
      {finding("a", "F-1"), finding("a", "F-2"), finding("b", "F-3", Verdict::unknown), finding("b", "F-9", Verdict::pass)},
      {finding("a", "F-1"), finding("b", "F-3", Verdict::unknown), finding("b", "F-4", Verdict::upcoming),
       finding("b", "F-8", Verdict::not_applicable)},
      {finding("a", "F-1"), finding("a", "F-2"), finding("a", "F-5"), finding("b", "F-4", Verdict::late)},
  };
}
const char* const kDates[] = {"2026-01-31", "2026-02-28", "2026-03-31"};

std::string changes(const std::vector<Finding>& fs) {
  std::string out;
  for (const auto& f : fs)
    out += f.rule + ":" + f.subject_key + "=" + engine::to_string(f.change) + "@" + (f.first_seen ? dsl::format_date(*f.first_seen) : "-") + " ";
  return out;
}

std::string resolved(const Recorded& r) {
  std::string out;
  for (const auto& x : r.resolved)
    out += x.rule + ":" + x.subject_record + ":" + x.subject_key + ":" + x.owner_key + ":" + x.verdict + ":" +
           x.first_seen + " ";
  return out;
}

TEST(SweepHistory, ChangesFirstSeenAndResolved) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  auto fs = sweeps_findings();
  std::vector<Recorded> rec;
  for (std::size_t i = 0; i < fs.size(); ++i) rec.push_back(sweeps::record_sweep(*st, run(kDates[i]), fs[i]));
  EXPECT_EQ(rec[0].sweep_id, 1);
  EXPECT_EQ(rec[0].previous_sweep_id, 0);
  EXPECT_EQ(rec[2].sweep_id, 3);
  EXPECT_EQ(rec[2].previous_sweep_id, 2);
  EXPECT_EQ(changes(fs[0]), "a:F-1=new@2026-01-31 a:F-2=new@2026-01-31 b:F-3=new@2026-01-31 b:F-9=@- ");
  EXPECT_EQ(changes(fs[1]), "a:F-1=persisting@2026-01-31 b:F-3=persisting@2026-01-31 b:F-4=new@2026-02-28 b:F-8=@- ");
  EXPECT_EQ(changes(fs[2]),
            "a:F-1=persisting@2026-01-31 a:F-2=repeat@2026-03-31 a:F-5=new@2026-03-31 b:F-4=persisting@2026-02-28 ");
  EXPECT_EQ(resolved(rec[0]), "");
  EXPECT_EQ(resolved(rec[1]), "a:facility:F-2:E-F-2:violation:2026-01-31 ");
  EXPECT_EQ(resolved(rec[2]), "b:facility:F-3::unknown:2026-01-31 ");
  const auto counted = [&](std::int64_t id) {
    return st->db().execAndGet("SELECT findings FROM _sweep WHERE id = " + std::to_string(id)).getInt64();
  };
  EXPECT_EQ(counted(1), 3);
  EXPECT_EQ(counted(2), 3);
  EXPECT_EQ(counted(3), 4);
  EXPECT_EQ(st->db().execAndGet("SELECT count(*) FROM _sweep_finding").getInt64(), 10);
  const auto history = sweeps::read_history(*st, "rs");
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[2].violations, 4u);  // F-1, F-2 and F-5 violated, F-4 late
}

// The same sweeps recorded piece by piece (empty pieces, one finding per piece, all in one)
// give the same findings, resolved findings and store rows as one call each.
TEST(SweepHistory, PiecesRecordWhatOneCallRecords) {
  TempDir dir;
  auto schema = make_schema();
  auto whole_store = Store::open(dir.path() / "whole.db", *schema, OpenOptions{.create = true});
  auto whole = sweeps_findings();
  std::vector<Recorded> whole_rec;
  for (std::size_t i = 0; i < whole.size(); ++i)
    whole_rec.push_back(sweeps::record_sweep(*whole_store, run(kDates[i]), whole[i]));

  for (std::size_t piece_size : {1u, 2u, 3u, 100u}) {
    auto st = Store::open(dir.path() / ("pieces-" + std::to_string(piece_size) + ".db"), *schema,
                          OpenOptions{.create = true});
    auto fs = sweeps_findings();
    for (std::size_t i = 0; i < fs.size(); ++i) {
      SweepRecorder rec(*st, run(kDates[i]));
      EXPECT_EQ(rec.sweep_id(), static_cast<std::int64_t>(i + 1));
      EXPECT_EQ(rec.previous_sweep_id(), static_cast<std::int64_t>(i));
      std::vector<Finding> done;
      std::vector<Finding> empty;
      rec.add(empty);
      for (std::size_t at = 0; at < fs[i].size(); at += piece_size) {
        std::vector<Finding> piece(fs[i].begin() + static_cast<std::ptrdiff_t>(at),
                                   fs[i].begin() + static_cast<std::ptrdiff_t>(std::min(at + piece_size, fs[i].size())));
        rec.add(piece);
        rec.add(empty);
        done.insert(done.end(), piece.begin(), piece.end());
      }
      const Recorded r = rec.finish();
      rec.commit();
      EXPECT_EQ(changes(done), changes(whole[i])) << "pieces of " << piece_size << ", sweep " << i + 1;
      EXPECT_EQ(resolved(r), resolved(whole_rec[i])) << "pieces of " << piece_size << ", sweep " << i + 1;
      EXPECT_EQ(r.sweep_id, whole_rec[i].sweep_id);
      EXPECT_EQ(r.previous_sweep_id, whole_rec[i].previous_sweep_id);
    }
    EXPECT_EQ(dump(st->db()).substr(dump(st->db()).find("## _sweep")),
              dump(whole_store->db()).substr(dump(whole_store->db()).find("## _sweep")))
        << "pieces of " << piece_size;
  }
}

// A recorder destroyed before commit() (the sweep stopped: an error, a report that could not
// be written) leaves the store exactly as it was: no sweep row, no findings, not even the
// history tables on a store that never had a sweep. The next sweep is numbered and compared
// as if the stopped one never ran.
TEST(SweepHistory, NoFinishRecordsNothing) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  const std::string empty = dump(st->db());
  auto fs = sweeps_findings();
  {
    SweepRecorder rec(*st, run(kDates[0]));
    rec.add(fs[0]);
  }
  EXPECT_EQ(dump(st->db()), empty);
  EXPECT_FALSE(st->db().tableExists("_sweep"));
  sweeps::record_sweep(*st, run(kDates[0]), fs[0]);
  const std::string one = dump(st->db());
  {
    SweepRecorder rec(*st, run(kDates[1]));
    EXPECT_EQ(rec.sweep_id(), 2);
    rec.add(fs[1]);
    // The piece waits outside the store's tables until the commit.
    EXPECT_EQ(st->db().execAndGet("SELECT count(*) FROM _sweep_finding").getInt64(), 3);
  }
  EXPECT_EQ(dump(st->db()), one);
  {
    // Finished (its report being written) but not committed: still nothing.
    SweepRecorder rec(*st, run(kDates[1]));
    rec.add(fs[1]);
    EXPECT_EQ(resolved(rec.finish()), "a:facility:F-2:E-F-2:violation:2026-01-31 ");
  }
  EXPECT_EQ(dump(st->db()), one);
  auto again = sweeps_findings();
  const Recorded r = sweeps::record_sweep(*st, run(kDates[1]), again[1]);
  EXPECT_EQ(r.sweep_id, 2);
  EXPECT_EQ(r.previous_sweep_id, 1);
  EXPECT_EQ(resolved(r), "a:facility:F-2:E-F-2:violation:2026-01-31 ");
}

// Another connection sees nothing of a sweep being recorded until it is committed.
TEST(SweepHistory, UnfinishedSweepIsInvisibleToReaders) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  auto fs = sweeps_findings();
  sweeps::record_sweep(*st, run(kDates[0]), fs[0]);
  auto reader = Store::open(dir.path() / "s.db", *schema, OpenOptions{.read_only = true});
  SweepRecorder rec(*st, run(kDates[1]));
  rec.add(fs[1]);
  EXPECT_EQ(sweeps::read_history(*reader, "rs").size(), 1u);
  rec.finish();
  EXPECT_EQ(sweeps::read_history(*reader, "rs").size(), 1u);
  rec.commit();
  EXPECT_EQ(sweeps::read_history(*reader, "rs").size(), 2u);
}

// A sweep being recorded holds no lock on the store: another connection that will not wait
// at all (busy timeout 0) writes between the sweep's pieces and while its reports would be
// written (between finish() and commit()), as the server's audit trail and sessions do; the
// sweep then commits what it would have committed alone.
TEST(SweepHistory, OtherWritersNeverWaitForARecordingSweep) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  auto alone = Store::open(dir.path() / "alone.db", *schema, OpenOptions{.create = true});
  auto fs = sweeps_findings();
  auto fs_alone = sweeps_findings();
  sweeps::record_sweep(*st, run(kDates[0]), fs[0]);
  sweeps::record_sweep(*alone, run(kDates[0]), fs_alone[0]);
  auto other = Store::open(dir.path() / "s.db", *schema, OpenOptions{.busy_timeout_ms = 0});
  other->db().exec("CREATE TABLE trail (what TEXT)");
  const auto write = [&](const std::string& what) {
    SQLite::Statement ins(other->db(), "INSERT INTO trail (what) VALUES (?)");
    ins.bind(1, what);
    EXPECT_NO_THROW(ins.exec()) << what;
  };
  SweepRecorder rec(*st, run(kDates[1]));
  write("after the sweep started");
  std::vector<Finding> first(fs[1].begin(), fs[1].begin() + 2), rest(fs[1].begin() + 2, fs[1].end());
  rec.add(first);
  write("between pieces");
  rec.add(rest);
  const Recorded r = rec.finish();
  write("while the reports are written");
  const auto pending = rec.summary();  // what a report written now shows of this sweep
  rec.commit();
  const auto listed = sweeps::read_history(*st, "rs").back();
  EXPECT_EQ(std::tie(pending.id, pending.started_at, pending.as_of, pending.findings, pending.violations,
                     pending.unknown, pending.upcoming, pending.enterprises_with_violations),
            std::tie(listed.id, listed.started_at, listed.as_of, listed.findings, listed.violations, listed.unknown,
                     listed.upcoming, listed.enterprises_with_violations));
  EXPECT_EQ(listed.id, 2);
  EXPECT_EQ(listed.upcoming, 1u);
  EXPECT_EQ(listed.enterprises_with_violations, 1u);
  EXPECT_EQ(other->db().execAndGet("SELECT group_concat(what, '|') FROM trail").getString(),
            "after the sweep started|between pieces|while the reports are written");
  other->db().exec("DROP TABLE trail");  // the stores are compared below
  const Recorded r_alone = sweeps::record_sweep(*alone, run(kDates[1]), fs_alone[1]);
  EXPECT_EQ(resolved(r), resolved(r_alone));
  std::vector<Finding> done = first;
  done.insert(done.end(), rest.begin(), rest.end());
  EXPECT_EQ(changes(done), changes(fs_alone[1]));
  EXPECT_EQ(dump(st->db()).substr(dump(st->db()).find("## _sweep")),
            dump(alone->db()).substr(dump(alone->db()).find("## _sweep")));
}

// Two sweeps recorded at once on the store (two processes): the first to commit is recorded;
// the other's number and previous sweep, read when it started, are out of date, so its commit
// fails and records nothing; run again, it compares with the first.
TEST(SweepHistory, ASweepOvertakenByAnotherIsNotRecorded) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  auto second = Store::open(dir.path() / "s.db", *schema, OpenOptions{});
  auto fs = sweeps_findings();
  auto late = sweeps_findings();
  SweepRecorder a(*st, run(kDates[0]));
  SweepRecorder b(*second, run(kDates[0]));
  EXPECT_EQ(a.sweep_id(), 1);
  EXPECT_EQ(b.sweep_id(), 1);
  a.add(fs[0]);
  b.add(late[0]);
  a.finish();
  b.finish();
  a.commit();
  EXPECT_THROW(b.commit(), store::StoreError);
  EXPECT_EQ(sweeps::read_history(*second, "rs").size(), 1u);
  EXPECT_EQ(st->db().execAndGet("SELECT count(*) FROM _sweep_finding").getInt64(), 3);
  const Recorded again = sweeps::record_sweep(*second, run(kDates[1]), late[1]);
  EXPECT_EQ(again.sweep_id, 2);
  EXPECT_EQ(again.previous_sweep_id, 1);
}

// Findings are only ever read by sweep: a store made before 2026-11-29 loses its index of
// findings by identity, which every recorded finding had to be inserted into, and the sweep
// still compares with the previous one.
TEST(SweepHistory, RecordingDropsTheUnusedIdentityIndexOfOlderStores) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  auto fs = sweeps_findings();
  sweeps::record_sweep(*st, run(kDates[0]), fs[0]);
  st->db().exec("CREATE INDEX _sweep_finding__identity ON _sweep_finding(rule, subject_record, subject_key)");
  st->db().exec("CREATE INDEX _sweep_finding__sweep ON _sweep_finding(sweep)");  // before 2026-12-07
  const auto indexes = [&] {
    SQLite::Statement q(st->db(), "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '_sweep_finding' "
                                  "ORDER BY name");
    std::string out;
    while (q.executeStep()) out += q.getColumn(0).getString() + " ";
    return out;
  };
  ASSERT_EQ(indexes(), "_sweep_finding__identity _sweep_finding__sweep _sweep_finding__sweep_owner _sweep_finding__sweep_rank "
                       "_sweep_finding__sweep_subject ");
  const Recorded r = sweeps::record_sweep(*st, run(kDates[1]), fs[1]);
  EXPECT_EQ(indexes(), "_sweep_finding__sweep_owner _sweep_finding__sweep_rank _sweep_finding__sweep_subject ");
  EXPECT_EQ(r.previous_sweep_id, 1);
  EXPECT_EQ(resolved(r), "a:facility:F-2:E-F-2:violation:2026-01-31 ");
}

// The workbench pages one sweep's findings in severity order and lists one owner's: both read
// an index of the history in order (no sort of the whole sweep, no scan of it).
TEST(SweepHistory, ASweepsFindingsAreReadInSeverityOrderAndByOwnerThroughIndexes) {
  TempDir dir;
  auto schema = make_schema();
  auto st = Store::open(dir.path() / "s.db", *schema, OpenOptions{.create = true});
  auto fs = sweeps_findings();
  sweeps::record_sweep(*st, run(kDates[0]), fs[0]);
  const auto plan = [&](const std::string& sql) {
    SQLite::Statement q(st->db(), "EXPLAIN QUERY PLAN " + sql);
    std::string out;
    while (q.executeStep()) out += q.getColumn(3).getString() + "; ";
    return out;
  };
  const std::string page = plan("SELECT f.rule FROM _sweep_finding f WHERE f.sweep = 1 ORDER BY " +
                                sweeps::severity_rank_sql("f.severity") + ", f.rowid LIMIT 50 OFFSET 100");
  EXPECT_NE(page.find("USING INDEX _sweep_finding__sweep_rank"), std::string::npos) << page;
  EXPECT_EQ(page.find("TEMP B-TREE"), std::string::npos) << page;
  const std::string owner = plan("SELECT f.rule FROM _sweep_finding f WHERE f.sweep = 1 AND f.enterprise_id = 'E-F-2' ORDER BY " +
                                 sweeps::severity_rank_sql("f.severity") + ", f.rowid LIMIT 50");
  EXPECT_NE(owner.find("_sweep_finding__sweep_owner (sweep=? AND enterprise_id=?)"), std::string::npos) << owner;
  EXPECT_EQ(owner.find("TEMP B-TREE"), std::string::npos) << owner;
  // An audit's quarter grid (engine/enforcement/history.cpp): one owner's findings of every sweep
  // of the ruleset, and the findings of its subjects, by index ranges of each sweep.
  const std::string of_ruleset = "WHERE f.sweep IN (SELECT id FROM _sweep WHERE ruleset = 'rs') ";
  const std::string grid_owner = plan("SELECT f.rule FROM _sweep_finding f " + of_ruleset +
                                      "AND f.enterprise_id = 'E-F-2' AND f.verdict IN ('violation', 'late')");
  EXPECT_NE(grid_owner.find("_sweep_finding__sweep_owner (sweep=? AND enterprise_id=?)"), std::string::npos) << grid_owner;
  const std::string grid_subjects = plan("SELECT f.rule FROM _sweep_finding f " + of_ruleset +
                                         "AND f.subject_key IN ('F-1', 'F-2') AND f.verdict IN ('violation', 'late')");
  EXPECT_NE(grid_subjects.find("_sweep_finding__sweep_subject (sweep=? AND subject_key=?)"), std::string::npos)
      << grid_subjects;
  // The recorder's `repeat` question, asked for every new finding: index ranges of each sweep,
  // never a scan of the history (as a join it scanned: SCAN f).
  const std::string seen = plan(sweeps::kSeenBeforeSql);
  EXPECT_NE(seen.find("_sweep_finding__sweep_subject (sweep=? AND subject_key=?)"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("SCAN f"), std::string::npos) << seen;
  // The rank: critical first, advice last, anything else after.
  SQLite::Statement q(st->db(), "SELECT " + sweeps::severity_rank_sql("'critical'") + ", " +
                                    sweeps::severity_rank_sql("'advice'") + ", " + sweeps::severity_rank_sql("'x'"));
  ASSERT_TRUE(q.executeStep());
  EXPECT_EQ(q.getColumn(0).getInt(), 0);
  EXPECT_EQ(q.getColumn(1).getInt(), 4);
  EXPECT_EQ(q.getColumn(2).getInt(), 99);
}

}  // namespace
}  // namespace eco::engine::testing
