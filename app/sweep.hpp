#pragma once
// The runs that evaluate the store: sweep (every rule over every subject, recorded in the
// store's sweep history) and audit (the findings of one owner and of everything that belongs
// to it). Each loads the checked ruleset and the store's snapshot, evaluates, records (a
// sweep) and writes its reports in the formats asked (reports::formats(); json, text and csv
// streamed piece by piece, html and xlsx from the whole set), and returns an outcome; it never
// prints. The history is written in one transaction committed after the reports are written
// and before they are put in place: a run that fails, is killed or is cancelled records nothing.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include "app/report_files.hpp"
#include "app/run.hpp"
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"

namespace eco::app {

class RulesetCache;   // app/ruleset_cache.hpp
class SnapshotCache;  // app/snapshot_cache.hpp

// What a sweep and an audit are both asked.
struct EvaluationRequest {
  std::filesystem::path db, ruleset;
  dsl::Date as_of{};              // the legal date: deadlines and dated parameters
  std::int64_t data_as_of = 0;    // > 0: the store as it stood after this import batch (a replay)
  std::vector<std::string> rules;  // only these rules (ids, each in the ruleset); empty: every rule
  bool keep_all = false;          // also the pass and not_applicable findings
  std::string lang = "zh";        // of the human-readable reports: zh or en
  ReportTarget reports;           // the formats and where they go
  // Explain one finding: evaluate only `explain_rule` with a trace of the subject
  // `explain_key`, write no report, and return that finding (SweepOutcome::explained).
  std::string explain_rule, explain_key;
  // Set: a run that only reads the store's current data (an audit, a sweep not recorded, no
  // data_as_of) takes its snapshot from this cache instead of loading its own, and shares it
  // with the runs after it until the store gets a new batch (app/snapshot_cache.hpp). The
  // workbench's live audits use one; the command line loads once per run anyway.
  SnapshotCache* snapshots = nullptr;
  // Set: the ruleset is taken from this cache (checked and compiled once, reloaded when its
  // folder changes; app/ruleset_cache.hpp) instead of being parsed and compiled for the run.
  RulesetCache* rulesets = nullptr;
};

struct SweepRequest : EvaluationRequest {
  // Dashboard charts by these fields of the owner record; empty: its required enum fields.
  std::vector<std::string> group_by;
  // Record the sweep in the store's history. Only a full sweep of the current data is
  // history: with data_as_of, rules or an explain nothing is recorded whatever this says.
  bool record = true;
};

struct AuditRequest : EvaluationRequest {
  std::string owner;  // the key of the owner record (an enterprise's 统一社会信用代码)
};

enum class SweepStage {
  loading,     // the store's snapshot is read
  evaluating,  // the rules are evaluated (rules, rows: how many)
  recording,   // the whole set of findings is recorded (html, xlsx; streamed runs record as they go)
  writing,     // the reports are finished
};

// A block of one rule's subjects evaluated (at most engine::CompiledRuleset::kSinkPieceRows).
struct SweepBlock {
  std::string_view rule;    // its id
  std::size_t rule_index;   // in the ruleset
  std::uint32_t rows_done;  // of the rule's subject rows
  std::uint32_t rows;
  std::size_t findings;     // of the run so far
};

// Progress of a sweep or an audit. Each callback may be empty; both are called on the thread
// that called the run.
struct SweepProgress {
  std::function<void(SweepStage stage, std::size_t rules, std::uint64_t rows)> stage;
  std::function<void(const SweepBlock& block)> block;
};

// Counts and timings of a run (--stats).
struct SweepStats {
  std::uint64_t subjects = 0;  // (rule, subject) pairs: the rows of each evaluated rule's subject record
  std::uint64_t rows = 0;      // rows of the snapshot
  std::size_t rules = 0;       // rules evaluated
  std::uint64_t planned = 0;   // pairs decided by the columnar plans
  double load_s = 0, eval_s = 0, record_s = 0, write_s = 0;
};

// status and errors (RunResult): done; ruleset_errors; bad_request (no store at the path, a
// rule, group-by field or owner that is not there); store_error; report_error (a report could
// not be written: nothing recorded, unless the report could only not be put in place after
// the sweep was committed); cancelled (nothing recorded, no report put in place).
struct SweepOutcome : RunResult {
  engine::RunInfo run;      // sweep_id and previous_sweep_id when recorded
  std::size_t findings = 0;  // evaluated (passes too with keep_all)
  std::size_t resolved = 0;  // recorded sweeps: the previous sweep's findings that are gone
  // The findings by verdict and severity (advice .. critical).
  static constexpr std::size_t kSeverities = static_cast<std::size_t>(dsl::model::Severity::critical) + 1;
  std::array<std::array<std::uint64_t, kSeverities>, dsl::model::kVerdictCount> counts{};
  std::optional<engine::Finding> explained;  // an explain: the finding, when there is one
  SweepStats stats;
  // The run's large structures (the snapshot, the findings of a whole-set report), handed to
  // the caller instead of freed: a process about to exit may keep them rather than free
  // millions of allocations one by one (the ecoaudit program does); anyone else drops them.
  // They refer to the run's ruleset, which is gone: keep or free them, never read them.
  std::vector<std::shared_ptr<void>> retained;

  // A violation or late finding of at least `severity`, or any error finding (a rule that
  // could not be evaluated: the run did not check what it was asked to).
  bool fails(dsl::model::Severity severity) const;
};

// Sweeps the store. `stop`, checked between blocks of subjects and before the commit,
// cancels the run: nothing is recorded and no report is put in place.
SweepOutcome run_sweep(const SweepRequest& request, const SweepProgress& progress = {}, std::stop_token stop = {});

// Audits one owner: only the subjects whose references lead to it are evaluated; never recorded.
SweepOutcome run_audit(const AuditRequest& request, const SweepProgress& progress = {}, std::stop_token stop = {});

}  // namespace eco::app
