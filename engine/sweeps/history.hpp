#pragma once
// Sweep history: every recorded sweep and its findings live in the store (tables _sweep and
// _sweep_finding, created on first use), so that each new sweep can say what is new, what
// persists (since when), what came back after being resolved, and what was resolved.
//
// A finding's identity is (rule, subject record, subject key); pass and not_applicable are
// never recorded. Comparison is with the latest earlier sweep of the same ruleset id.
#include <cstdint>
#include <string>
#include <vector>

#include "engine/findings/finding.hpp"
#include "engine/store/store.hpp"

namespace eco::engine::sweeps {

struct Recorded {
  std::int64_t sweep_id = 0;
  std::int64_t previous_sweep_id = 0;   // 0: the first sweep of this ruleset
  std::vector<ResolvedFinding> resolved;
};

// Sets each finding's `change` (new | persisting | repeat) and `first_seen`, and records the
// sweep and its findings, all in one write transaction: a sweep killed before the commit
// leaves the store as it was. Throws store::StoreError on failure (nothing is recorded).
Recorded record_sweep(store::Store& store, const RunInfo& run, std::vector<Finding>& findings);

// The recorded sweeps of `ruleset`, oldest first, at most the last `limit`; empty when the
// store has no sweep history yet. Throws store::StoreError on a read failure.
std::vector<SweepSummary> read_history(store::Store& store, const std::string& ruleset, std::size_t limit = 24);

}  // namespace eco::engine::sweeps
