#pragma once
// Change notices (issue 15 item 6, docs/enforcement.md "Change notices"): what each recorded
// sweep changed against the previous recorded sweep of the ruleset, per jurisdiction and per
// inspector: findings new to it, findings it no longer has (resolved), and violations it put on
// the watch list. `ecoaudit changes` and the workbench's Atom feed call it; it never prints.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/enforcement.hpp"
#include "app/run.hpp"
#include "engine/findings/changes.hpp"

namespace eco::app {

struct ChangesRequest {
  std::filesystem::path db, ruleset;
  std::filesystem::path policy;          // "": DIR/enforcement.json
  std::int64_t sweep = 0;                // the newest sweep to report; 0: the latest recorded
  int sweeps = 1;                        // how many recorded sweeps, ending with `sweep` (1 to 100)
  // Only enterprises whose jurisdiction (the declared `role jurisdiction` field, or else the
  // policy's) is one of these (authorize()'s limit_to); nullopt: all.
  std::optional<std::set<std::string>> limit_to;
};

struct ChangesOutcome : RunResult {
  WatchPolicy policy;                    // as in force on the newest sweep's as-of day
  engine::ChangeNotices notices;
};

// For each of the sweeps: new = a violation, late or unknown finding it recorded that the
// previous sweep did not; resolved = one the previous sweep recorded and it did not;
// escalated = a violation on the watch list as the sweep left it (its findings, its as-of day,
// the enforcement actions and states recorded before it ran (in the same second or earlier)) that was not on it as the previous
// sweep left it. bad_request: no store, no policy or a bad one, no recorded sweep, no sweep of
// that id, sweeps outside 1..100.
ChangesOutcome change_notices(const ChangesRequest& request);

}  // namespace eco::app
