#include "app/screen.hpp"

#include <algorithm>
#include <memory>
#include <mutex>

#include "app/report_data.hpp"
#include "app/ruleset.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/screening/decisions.hpp"
#include "engine/screening/staging.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/store.hpp"

namespace eco::app {

bool ScreenOutcome::approved() const {
  return std::all_of(decisions.begin(), decisions.end(),
                     [](const engine::ApplicationDecision& d) { return d.decision == engine::Decision::approve; });
}

namespace {

// Thrown out of the import's transaction to roll it back.
struct Stop {};       // the report could not be written (the messages are in the outcome)
struct Cancelled {};  // the stop token asked

}  // namespace

ScreenOutcome run_screen(const ScreenRequest& o, const ScreenProgress& progress, std::stop_token stop) {
  namespace ingest = engine::ingest;
  ScreenOutcome out;
  if (o.replace && !o.record) {
    out.fail(RunStatus::bad_request,
             "--replace replaces stored applications when recording them: give it with --record");
    return out;
  }
  if (!std::filesystem::exists(o.db)) {
    out.fail(RunStatus::bad_request, "no store at " + o.db.string() + " (create it with `ecoaudit init`)");
    return out;
  }
  dsl::SourceManager sm;
  auto rs = ruleset_for_run(o.ruleset, sm, out);
  if (!rs) return out;
  const auto* app = o.record_type.empty() ? rs->schema.screened() : rs->schema.find_record(o.record_type);
  if (!app && o.record_type.empty()) {
    out.fail(RunStatus::bad_request, "the ruleset declares no record to screen (`record NAME \"...\" role screened`)");
    return out;
  }
  if (!app) {
    out.fail(RunStatus::bad_request, "the ruleset declares no record type '" + o.record_type + "' to screen");
    return out;
  }
  // The field naming the screened record to a reader (`role name`), when it is the schema's.
  const int name_field = app == rs->schema.screened() ? rs->schema.roles.screened_name : -1;

  engine::RunInfo run;
  run.command = "screen";
  run.generated_at = engine::store::utc_now();
  run.as_of = o.as_of;
  run.ruleset = rs->id;
  run.ruleset_title = rs->title;
  run.ruleset_sha256 = rs->sha256;

  ingest::ImportOptions io;
  io.encoding = o.encoding;
  io.ruleset_name = rs->id;
  io.ruleset_sha256 = rs->sha256;
  io.list_keys_of = {app->name};
  io.commit = o.record;
  std::mutex progress_mutex;
  if (progress.file_started)
    io.before_read = [&](const std::filesystem::path& file, std::uint64_t offset) {
      if (offset != 0) return;  // the hook is called before every read; the first one starts the file
      std::lock_guard lock(progress_mutex);
      progress.file_started(file);
    };
  engine::screening::StagingRules staging;
  staging.screened = app->index;
  staging.replace = !o.record || o.replace;  // a dry run replaces nothing for good
  staging.replace_hint = o.replace_hint;
  engine::screening::restrict_import(io, rs->schema, staging);
  auto& findings = out.findings;
  auto& decisions = out.decisions;
  reports::ReportData report;
  report.kind = reports::ReportKind::screening;
  report.lang = o.lang;
  report.findings = &findings;
  report.field_descriptions = field_descriptions(rs->schema);
  // The reports are written (beside their places) inside the import's transaction, before the
  // applications are committed, and put in place after: a screening whose report cannot be
  // written records nothing and leaves the previous reports as they were.
  std::unique_ptr<PendingReports> pending;
  Messages errors;
  try {
    // Without record the store is only read: the documents are staged in a private copy
    // (so a read-only store can be screened, and a dry run never waits for an import).
    engine::store::OpenOptions oo;
    oo.scratch = !o.record;
    auto store = engine::store::Store::open(o.db, rs->schema, oo);
    // Evaluated inside the import's transaction: the applications are visible together with
    // everything the store holds, and vanish again on the rollback unless recorded.
    io.before_commit = [&](engine::store::Store& st, const ingest::ImportResult& staged) {
      if (stop.stop_requested()) throw Cancelled{};
      auto loaded = engine::load_snapshot(st);
      // The applications' own batch is listed only when it is kept (record).
      run.batches = loaded.batches;
      if (!o.record) std::erase(run.batches, staged.staged_batch);
      std::vector<std::string> keys;
      if (auto it = staged.keys.find(app->name); it != staged.keys.end()) keys = it->second;
      engine::CompiledRuleset compiled(*rs);
      engine::EvalOptions eo;
      eo.as_of = o.as_of;
      eo.screened_record = app->name;
      eo.scope = engine::EvalOptions::Scope{app->name, keys};
      findings = compiled.evaluate(loaded.snapshot, eo);
      // Values read from the documents are not in the store unless recorded: their evidence
      // names the file and line, with no batch.
      if (!o.record)
        for (auto& f : findings)
          for (auto& e : f.evidence)
            if (e.batch == staged.staged_batch) e.batch = 0;
      std::vector<engine::screening::DecisionInput> inputs;
      for (const auto& k : keys) {
        engine::screening::DecisionInput in{k, ""};
        if (auto row = loaded.snapshot.find(app->index, k); row && name_field >= 0)
          in.project_name = loaded.snapshot.display(app->index, *row, static_cast<std::uint32_t>(name_field));
        inputs.push_back(std::move(in));
      }
      decisions = engine::screening::decide(rs->schema, findings, inputs);
      if (decisions.empty()) return;  // nothing to screen (nothing staged either): said below
      if (stop.stop_requested()) throw Cancelled{};
      report.run = run;
      report.decisions = decisions;
      pending = PendingReports::write(report, o.reports, "screen", errors);
      if (!pending) throw Stop{};
      if (o.record && o.on_record) o.on_record(st, out, staged);
    };
    std::vector<std::filesystem::path> paths(o.paths.begin(), o.paths.end());
    out.import = ingest::import_paths(*store, paths, io);
  } catch (const engine::store::StoreError& ex) {
    out.fail(RunStatus::store_error, ex.what());
    return out;
  } catch (const Stop&) {
    for (const auto& e : errors) out.fail(RunStatus::report_error, e);
    out.stopped = true;
    return out;
  } catch (const Cancelled&) {
    out = ScreenOutcome{};
    out.fail(RunStatus::cancelled, "cancelled: nothing was stored");
    return out;
  }
  if (!out.import.ok) {
    out.status = RunStatus::rejected;
    return out;
  }
  if (decisions.empty()) {
    out.fail(RunStatus::bad_request, "the documents hold no '" + app->name + "' record to screen");
    return out;
  }
  if (!pending->publish(errors))
    for (const auto& e : errors) out.fail(RunStatus::report_error, e);
  return out;
}

}  // namespace eco::app
