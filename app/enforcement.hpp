#pragma once
// The enforcement runs (docs/enforcement.md): record an action on a violation (a rectification
// order, a penalty decision, a referral), move a violation's state, list the violations in the
// workflow with their history, and the watch list of significant violations left without
// enforcement. The ecoaudit command line (`ecoaudit enforce`, `ecoaudit watchlist`) and the
// workbench's server call these; they never print.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/inspections.hpp"
#include "app/run.hpp"
#include "engine/enforcement/records.hpp"

namespace eco::app {

struct ActionRequest {
  std::filesystem::path db, ruleset;
  std::string kind;                      // rectification_order | penalty | referral
  std::string rule, subject_key;         // the violation: a finding of the latest sweep
  engine::enforcement::Action action;    // the action's own fields (reference, dates, amount ...)
  RecordedBy recorded;
  // As OutcomeRequest's: an action already recorded with this client request id is answered,
  // not recorded again (recorded as the row's source "client request ID").
  std::string client_request;
  // Only violations of owners whose declared jurisdiction is one of these (nullopt: any);
  // outside them: bad_request with `out_of_scope`, named as if absent.
  std::optional<std::set<std::string>> limit_to;
};

struct ActionOutcome : RunResult {
  std::int64_t id = 0;
  engine::enforcement::FindingId violation;
  std::string state;                     // the violation's state after it
  bool replayed = false;                 // client_request was recorded before: nothing new written
  bool out_of_scope = false;
};
// Records the action. bad_request: an unknown kind; no recorded sweep; the finding is not a
// violation or late finding of the latest sweep (the message says what it is there, if
// anything); a missing or malformed field (named).
ActionOutcome record_action(const ActionRequest& request);

struct StateRequest {
  std::filesystem::path db, ruleset;
  std::string rule, subject_key;
  std::string to;                        // the state to move to
  std::string on;                        // YYYY-MM-DD
  std::string reason;
  RecordedBy recorded;
  std::optional<std::set<std::string>> limit_to;  // as ActionRequest's
};

struct StateOutcome : RunResult {
  engine::enforcement::Transition transition;
  bool out_of_scope = false;
};
// Moves the violation's state, checked (bad_request with the sentence naming the allowed ones).
StateOutcome change_state(const StateRequest& request);

struct ViolationsRequest {
  std::filesystem::path db, ruleset;
  std::string owner;                     // "" every owner
  // Only violations of owners whose declared jurisdiction (`role jurisdiction`) is one of these
  // (authorize()'s limit_to); nullopt: all. Without a declared jurisdiction a limited user sees none.
  std::optional<std::set<std::string>> limit_to;
};

// One violation the workflow concerns: its state, actions and transitions.
struct WorkflowViolation {
  engine::enforcement::FindingId violation;
  std::string owner_key;
  std::string owner_name, jurisdiction;  // the owner's `role name` and declared jurisdiction ("" none)
  std::string state;
  std::vector<engine::enforcement::Action> actions;
  std::vector<engine::enforcement::Transition> transitions;
};
struct ViolationsOutcome : RunResult {
  std::vector<WorkflowViolation> violations;  // by rule, subject
};
ViolationsOutcome list_violations(const ViolationsRequest& request);

// What the ruleset declares significant and when a violation is watched (DIR/enforcement.json,
// docs/enforcement.md), each number with its source.
struct WatchPolicy {
  std::vector<std::string> severities;   // a violation of these severities is significant
  std::string severities_source;
  std::int64_t repeat_sweeps = 0;        // or one reported in at least this many sweeps (0: not used)
  std::string repeat_source;
  std::int64_t days = 0;                 // watched once unresolved for more than this many days
  std::string days_source;
  std::string jurisdiction_field;        // of the owner record
};

struct WatchlistRequest {
  std::filesystem::path db, ruleset;
  std::filesystem::path policy;          // "": DIR/enforcement.json
  std::optional<std::int64_t> days;      // overrides the declared number of days
  std::optional<std::string> as_of;      // "": the latest sweep's as-of day
  // Only violations of enterprises whose jurisdiction is one of these (authorize()'s limit_to,
  // the workbench's inspectors); nullopt: all.
  std::optional<std::set<std::string>> limit_to;
};

struct WatchEntry {
  engine::enforcement::FindingId violation;
  std::string owner_key, owner_name, jurisdiction;
  std::vector<std::string> inspectors;   // of the owner's latest inspection; empty: never inspected
  std::string verdict, severity, first_seen, state;
  std::int64_t days_unresolved = 0;
  std::int64_t sweeps = 0;               // recorded sweeps that reported it
  std::vector<std::string> why;          // "severity high", "reported in 3 sweeps (>= 3)"
};

struct WatchlistOutcome : RunResult {
  WatchPolicy policy;
  std::int64_t sweep = 0;
  std::string as_of;
  std::vector<WatchEntry> entries;       // by jurisdiction, then inspectors, rule, subject
};
// The significant violations of the latest sweep unresolved for more than policy.days days
// (since their first_seen) with no enforcement action. An entry's jurisdiction is the owner's
// field the ruleset declares with `role jurisdiction` (what the workbench scopes inspectors
// by), or else the policy's jurisdiction_field (policy.jurisdiction_field says which).
// bad_request: no policy file or a bad one (naming the key), no recorded sweep.
WatchlistOutcome watchlist(const WatchlistRequest& request);

// The watch list as JSON (`ecoaudit watchlist --format json`, the workbench's /api/watchlist):
// sweep, as_of, policy (with its sources) and entries, keys in English.
std::string watchlist_json(const WatchlistOutcome& list);

}  // namespace eco::app
