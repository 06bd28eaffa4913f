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
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/compliance.hpp"
#include "engine/store/store.hpp"

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

// One enterprise's row for its audit report (`ecoaudit audit`): the last `quarters` quarters
// ending with the quarter of `as_of` (the audit's as-of day; later sweeps are ignored), derived
// as compliance_history() derives them, under the policy `ruleset_dir`/enforcement.json as in
// force on `as_of`. nullopt when that file does not exist (what is significant is the bureau's
// to declare: no grid rather than a guessed one) or the ruleset has no owner record with one
// key field. Throws std::runtime_error naming the policy file and its wrong key; the store's
// errors as StoreError.
std::optional<engine::ComplianceHistory> enterprise_compliance(engine::store::Store& store,
                                                               const dsl::model::Ruleset& rs,
                                                               const std::filesystem::path& ruleset_dir,
                                                               const std::string& key, dsl::Date as_of,
                                                               int quarters = 12);

}  // namespace eco::app
