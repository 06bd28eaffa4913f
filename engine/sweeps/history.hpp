#pragma once
// Sweep history: every recorded sweep and its findings live in the store (tables _sweep and
// _sweep_finding, created on first use), so that each new sweep can say what is new, what
// persists (since when), what came back after being resolved, and what was resolved.
//
// A finding's identity is (rule, subject record, subject key); pass and not_applicable are
// never recorded. Comparison is with the latest earlier sweep of the same ruleset id.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/findings/finding.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::sweeps {

struct Recorded {
  std::int64_t sweep_id = 0;
  std::int64_t previous_sweep_id = 0;   // 0: the first sweep of this ruleset
  std::vector<ResolvedFinding> resolved;  // by rule, subject record, subject key
};

// Records one sweep while its findings arrive piece by piece, so that a sweep never needs
// all of them at once:
//   SweepRecorder rec(store, run);   // reads the sweep's id and the previous sweep (no lock)
//   rec.add(piece); ...              // sets change/first_seen, keeps the piece's findings aside
//   auto recorded = rec.finish();    // the resolved findings; the sweep's count of findings
//   rec.commit();                    // the sweep and its findings are in the store
// Pieces must come in the sweep's finding order (the result does not depend on how the
// findings are split). Until commit() the recorder takes no lock on the store: the findings
// wait in a temporary table of the store's connection (on disk past a small cache), and
// commit() writes the sweep's row and copies them in one short write transaction, so other
// connections write (audit trail, sessions, imports) while a sweep evaluates and writes its
// reports. A recorder destroyed before commit() leaves the store as it was, as after a sweep
// killed at any point (a caller writes its report between finish() and commit(), so that a
// sweep whose report failed is not history). commit() throws store::StoreError, recording
// nothing, when another sweep was recorded in the store since the recorder started (its
// number and its comparison with the previous sweep, already in its reports, would be wrong).
// The previous sweep's findings are held as compact identities (about 80 bytes each), not as
// findings. Every member throws store::StoreError on a database failure. One recorder per
// Store at a time; the store must outlive the recorder.
class SweepRecorder {
 public:
  SweepRecorder(store::Store& store, const RunInfo& run);
  ~SweepRecorder();
  SweepRecorder(const SweepRecorder&) = delete;
  SweepRecorder& operator=(const SweepRecorder&) = delete;

  std::int64_t sweep_id() const;
  std::int64_t previous_sweep_id() const;  // 0: the first sweep of this ruleset

  // Sets each finding's `change` (new | persisting | repeat) and `first_seen` and records it;
  // pass and not_applicable findings are left as they are and not recorded.
  void add(std::vector<Finding>& piece);

  // The previous sweep's findings that no piece had; records the count. Call once, after the
  // last piece.
  Recorded finish();
  // This sweep as read_history() will list it once committed (for a report written before the
  // commit). Call after finish().
  SweepSummary summary();
  // Commits the sweep. Call once, after finish().
  void commit();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Sets each finding's `change` (new | persisting | repeat) and `first_seen`, and records the
// sweep and its findings in one write transaction: a sweep killed before the commit leaves
// the store as it was. Throws store::StoreError on failure (nothing is recorded).
// (A SweepRecorder given `findings` as one piece.)
Recorded record_sweep(store::Store& store, const RunInfo& run, std::vector<Finding>& findings);

// The recorded sweeps of `ruleset`, oldest first, at most the last `limit`; empty when the
// store has no sweep history yet. Throws store::StoreError on a read failure.
std::vector<SweepSummary> read_history(store::Store& store, const std::string& ruleset, std::size_t limit = 24);

// A finding's severity as its rank in a list, critical first (0) to advice, over the text
// column `column` (e.g. "f.severity"). The history indexes _sweep_finding on (sweep, this
// expression): a query of one sweep ordered by exactly this expression, then rowid, reads the
// index in order instead of sorting the sweep; one owner's findings likewise through the index
// on (sweep, enterprise_id, this expression).
std::string severity_rank_sql(std::string_view column);

// The recorder's question for a finding that the previous sweep did not have: was its identity
// (?2 rule, ?3 subject record, ?4 subject key) a finding of any earlier sweep of ruleset ?1
// (`repeat`)? Asked once per such finding, so it must read index ranges (of each sweep, on
// (sweep, subject_key)), never scan the history: a ruleset change that makes 30,000 findings new
// at once must not cost 30,000 scans. Given here so that a test can pin its query plan.
extern const char* const kSeenBeforeSql;

}  // namespace eco::engine::sweeps
