#pragma once
// The inspection runs (docs/enforcement.md): open an inspection of an owner (an enterprise),
// from a recorded draw or targeted, with the checklist of what to verify on site; record the
// inspector's outcome of an item (a correction is a newer version); show an inspection with
// every recorded outcome; list the inspections. The ecoaudit command line (`ecoaudit
// inspection`) and the workbench's server call these; they never print.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/run.hpp"
#include "engine/enforcement/records.hpp"

namespace eco::app {

// Who records, and from where: every row the runs write carries it.
struct RecordedBy {
  std::string by;      // the inspector's or officer's name (the workbench: the signed-in account)
  std::string source;  // "ecoaudit inspection record", a file name, a request id
};

struct InspectionOpenRequest {
  std::filesystem::path db, ruleset;
  std::string owner;                     // the owner record's key (an enterprise's 统一社会信用代码)
  std::int64_t draw = 0;                 // > 0: the recorded draw that selected it
  std::string planned_on;                // YYYY-MM-DD
  std::vector<std::string> inspectors;   // ids; empty with a draw: the draw's team
  RecordedBy recorded;
  // Only an owner whose declared jurisdiction (`role jurisdiction`) is one of these
  // (authorize()'s limit_to); nullopt: any. Outside them: bad_request with `out_of_scope`.
  std::optional<std::set<std::string>> limit_to;
};

// status: done; bad_request (no sweep recorded yet, no such owner or draw, the owner not
// drawn in it, fewer than two inspectors, a bad date: the message says which); ruleset_errors;
// store_error.
struct InspectionOpenOutcome : RunResult {
  engine::enforcement::Inspection inspection;  // with its id and checklist
  std::size_t gone = 0;  // open findings of the latest sweep that the current data no longer has
  bool out_of_scope = false;  // refused: the owner is outside limit_to (named as if absent)
};
// Records an inspection whose checklist holds the owner's violation, late and unknown findings
// of the latest recorded sweep, evaluated again from the current data as of that sweep's date
// (for what to verify and the evidence digest), without the dismissed ones.
InspectionOpenOutcome open_inspection(const InspectionOpenRequest& request);

struct OutcomeRequest {
  std::filesystem::path db, ruleset;
  std::int64_t inspection = 0, item = 0;
  std::string outcome;                   // confirmed | not_confirmed | corrected_on_site | not_verified
  std::string note, checked_on;          // checked_on: YYYY-MM-DD
  std::vector<std::string> evidence_files;
  RecordedBy recorded;
  // The submitting client's id for this submission (the workbench's form makes one per save):
  // when an outcome of this inspection was already recorded with it, nothing is recorded and
  // that one is answered (`replayed`), so a submission resent over a flaky network records
  // once. Recorded as the row's source ("client request ID"). "": no such check.
  std::string client_request;
  std::optional<std::set<std::string>> limit_to;  // as InspectionOpenRequest's
};

struct OutcomeOutcome : RunResult {
  engine::enforcement::OutcomeRecord recorded;
  std::string state;                     // the violation's state after it
  bool replayed = false;                 // client_request was recorded before: nothing new written
  bool out_of_scope = false;             // refused: the inspection's owner is outside limit_to
};
// Records an outcome (bad_request naming what is wrong: an unknown outcome, inspection or item,
// a bad date, no name, a client request id already used for another item or outcome).
OutcomeOutcome record_outcome(const OutcomeRequest& request);

struct InspectionShowRequest {
  std::filesystem::path db, ruleset;
  std::int64_t inspection = 0;           // 0: list every inspection (of `owner` when given)
  std::string owner;
  std::optional<std::set<std::string>> limit_to;  // only owners of these jurisdictions (nullopt: all)
  // The account asking, for `viewer_roster_id`: its linked inspector roster id (Account::inspector),
  // else its name. "" name: nobody to resolve.
  std::string viewer_name;
  std::optional<std::string> viewer_inspector;
};

struct InspectionShowOutcome : RunResult {
  std::vector<engine::enforcement::Inspection> inspections;  // the one asked, or the list (no items)
  std::vector<engine::enforcement::OutcomeRecord> outcomes;  // of the one asked, every version
  // Parallel to `inspections`: the owner's `role name` and declared jurisdiction ("" none).
  std::vector<std::string> owner_names, jurisdictions;
  bool out_of_scope = false;             // the one asked is outside limit_to (bad_request)
  // The roster id the viewer stands for: their link when they have one; with none, their name
  // when it keys a record of the draw plan's roster (the naming convention before links,
  // docs/workbench.md "My inspections"); "" otherwise. An inspection whose team names it is
  // the viewer's own.
  std::string viewer_roster_id;
};
InspectionShowOutcome show_inspections(const InspectionShowRequest& request);

}  // namespace eco::app
