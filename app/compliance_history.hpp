#pragma once
// The compliance history run (issue 15 item 5, docs/enforcement.md "Compliance history"): the
// status of each enterprise in each of the last quarters, from the recorded sweeps and the
// enforcement records, for the whole population or one enterprise. `ecoaudit history`, the
// audit report and the workbench's quarter grid call it; it never prints.
#include <filesystem>
#include <optional>
#include <set>
#include <string>

#include "app/run.hpp"
#include "engine/findings/compliance.hpp"

namespace eco::app {

struct HistoryRequest {
  std::filesystem::path db, ruleset;
  std::filesystem::path policy;          // "": DIR/enforcement.json (what is significant)
  std::optional<std::string> as_of;      // the grid ends with this day's quarter; default: the latest sweep's as-of day
  int quarters = 12;
  std::string enterprise;                // "": every enterprise
  // Only enterprises whose jurisdiction (the field the ruleset declares with `role jurisdiction`,
  // or else the policy's jurisdiction_field) is one of these (authorize()'s
  // limit_to); nullopt: all.
  std::optional<std::set<std::string>> limit_to;
};

struct HistoryOutcome : RunResult {
  engine::ComplianceHistory history;
};

// The grid. bad_request: no store, no policy or a bad one (naming the key), an as-of that is
// not a date, quarters outside 1..40, no recorded sweep and no as-of, an enterprise the store
// does not have; the ruleset must declare an owner record with one key field.
HistoryOutcome compliance_history(const HistoryRequest& request);

}  // namespace eco::app
