#pragma once
// The random inspection draw runs (双随机、一公开, docs/draw.md): make a draw of a period from the
// ruleset's draw plan and the store and record it; verify a recorded draw (recompute it bit for
// bit and compare its inputs with the ones the store and ruleset give now); publish a recorded
// draw's list (一公开: no personal data); list the recorded draws. The ecoaudit command line
// (`ecoaudit draw`) and the workbench's server call these; they never print.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/run.hpp"

namespace eco::dsl::model {
struct Ruleset;
}
namespace eco::engine::store {
class Store;
}

namespace eco::app {

struct DrawRequest {
  std::filesystem::path db, ruleset;
  std::filesystem::path plan;     // "": DIR/draw.json
  std::string period;             // 2027, 2027-H1, 2027-Q1 (or 2027Q1), 2027-03 (required)
  std::optional<std::uint64_t> seed;  // nullopt: fresh from the system's entropy (recorded)
  std::string as_of;              // YYYY-MM-DD, a day of the period; "": today (UTC)
  std::string format = "json";    // the published list: json | csv
};

// status: done; bad_request (no store, no plan or a plan that cannot be used, naming the file
// and key, or its expressions' diagnostics; no period or one that is not a period; a bad day or
// one outside the period; a row a condition of the plan cannot decide; a draw that cannot be
// made, e.g. too few inspectors for an enterprise: nothing recorded); ruleset_errors;
// store_error.
struct DrawOutcome : RunResult {
  std::int64_t id = 0;
  std::uint64_t seed = 0;
  std::size_t selected = 0;
  std::string published;          // the published list in the request's format
  // The checker's warnings on the plan's expressions (rendered diagnostics, e.g. an optional
  // field read without has(): a row without it stops the draw), "" when none.
  std::string warnings;
};
DrawOutcome make_draw(const DrawRequest& request);

struct DrawVerifyRequest {
  std::filesystem::path db, ruleset, plan;  // plan "": DIR/draw.json
  std::int64_t id = 0;
};
// done with `problems` empty: the draw recomputes bit for bit from its recorded inputs, which
// equal the ones rebuilt now; done with problems: each difference named. bad_request: no such
// draw, no plan.
struct DrawVerifyOutcome : RunResult {
  std::vector<std::string> problems;
  std::string inputs_sha256;
  bool not_found = false;         // the store has no draw `id` (bad_request)
  bool verified() const { return status == RunStatus::done && problems.empty(); }
};
DrawVerifyOutcome verify_draw(const DrawVerifyRequest& request);

struct DrawShowRequest {
  std::filesystem::path db, ruleset;
  std::int64_t id = 0;            // 0: list every recorded draw of the ruleset
  std::string format = "json";
};
// One recorded draw as the rows the workbench lists (what a published list heads with).
struct DrawSummary {
  std::int64_t id = 0;
  std::string created_at, period, seed, as_of, ruleset, ruleset_sha256, inputs_sha256, result_sha256;
  std::int64_t data_batch = 0;
  std::size_t population = 0, selected = 0;
};
// The published list of draw `id` from its record alone, after checking that its recorded
// inputs still give its recorded result (`recomputes` false otherwise: nothing is published);
// or, with id 0, the summaries, newest first. bad_request: no such draw.
struct DrawShowOutcome : RunResult {
  std::string published;
  bool recomputes = true;
  std::vector<DrawSummary> draws;
  bool not_found = false;         // the store has no draw `id` (bad_request)
};
DrawShowOutcome show_draws(const DrawShowRequest& request);

// The inspector roster: the record type the draw plan's "inspectors" range over ("for": "i in
// inspector") and which of some ids key one of its records in the store. Any record counts,
// whatever the plan's "where": an inspector no longer drawn still stands for the inspections
// they were on. What links a workbench account to an inspector (app/accounts.hpp) is checked
// against it.
struct RosterRequest {
  std::filesystem::path db, ruleset, plan;  // plan "": DIR/draw.json
  std::vector<std::string> ids;
};
// status: done, with `record` "" when the ruleset has no draw plan (no file at the plan's path:
// there is no roster to check against); bad_request: a plan that cannot be read, or whose
// "inspectors" name no record with a single key (naming the file and key), no store; ruleset_errors;
// store_error.
struct RosterOutcome : RunResult {
  std::string plan;              // the plan's path, for messages
  std::string record;            // the roster's record type ("inspector"); "": no plan
  std::set<std::string> known;   // those of the ids that key a record of it
  bool declared() const { return !record.empty(); }
};
RosterOutcome roster_ids(const RosterRequest& request);
// The same on a ruleset and store already open (`ruleset_dir`: the folder holding its plan).
RosterOutcome roster_ids(const dsl::model::Ruleset& rs, engine::store::Store& st, const std::filesystem::path& ruleset_dir,
                         const std::vector<std::string>& ids);

}  // namespace eco::app
