#include "app/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <set>

#include "app/compliance_history.hpp"
#include "app/ruleset_cache.hpp"
#include "app/piece_pipeline.hpp"
#include "app/report_data.hpp"
#include "app/ruleset.hpp"
#include "app/snapshot_cache.hpp"
#include "engine/enforcement/records.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/pause.hpp"
#include "engine/store/store.hpp"
#include "engine/sweeps/history.hpp"

namespace eco::app {

bool SweepOutcome::fails(dsl::model::Severity severity) const {
  using dsl::model::Verdict;
  for (std::size_t s = 0; s < counts[0].size(); ++s) {
    if (counts[static_cast<std::size_t>(Verdict::error)][s]) return true;
    if (s < static_cast<std::size_t>(severity)) continue;
    if (counts[static_cast<std::size_t>(Verdict::violation)][s] || counts[static_cast<std::size_t>(Verdict::late)][s])
      return true;
  }
  return false;
}

namespace {

using dsl::model::Verdict;

// Thrown between blocks when the run's stop token asks: unwinds the run (dropping the
// unrecorded history, removing the partial reports).
struct Cancelled {};

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// One sweep or audit between its evaluation's start and its commit: what evaluating,
// recording and writing its reports share.
struct Evaluation {
  const EvaluationRequest& o;
  const SweepProgress& progress;
  const std::stop_token& stop;
  SweepOutcome& outcome;
  reports::ReportData& report;
  const std::string& base;  // of the report files' names
  engine::store::Store& store;
  const engine::Snapshot& snapshot;
  const dsl::model::RecordType* owner;  // the owner record type, if the schema has one
  const engine::CompiledRuleset& compiled;
  const engine::EvalOptions& eo;
  engine::sweeps::SweepRecorder* recorder;  // a recorded sweep
  Messages& errors;
  std::atomic<std::size_t>& evaluated;      // findings handed over so far (block progress)
  std::chrono::steady_clock::time_point t1;  // the evaluation's start
  // The enforcement workflow's records (engine/enforcement): dismissed findings are removed,
  // the others it concerns carry their state; `owner_orders`: the rectification orders of this
  // owner ("" every owner) are checked after the rules, when `orders` says so.
  const engine::enforcement::Overlay& overlay;
  bool orders;
  std::string owner_orders;

  // Evaluates every rule, handing each piece of findings (the workflow applied) to `sink`,
  // then the rectification orders as a last piece.
  template <class Sink>
  void evaluate(Sink&& sink) {
    compiled.evaluate(snapshot, eo, [&](std::vector<engine::Finding>& piece) {
      evaluated += piece.size();
      engine::enforcement::apply(overlay, piece);
      sink(piece);
    });
    if (!orders) return;
    auto piece = engine::enforcement::order_findings(overlay, o.as_of, owner_orders, o.keep_all);
    engine::enforcement::apply(overlay, piece);
    if (!piece.empty()) sink(piece);
  }

  void stage(SweepStage s) const {
    if (progress.stage) progress.stage(s, 0, 0);
  }
  // What the outcome counts, as the findings go by.
  void tally(const std::vector<engine::Finding>& piece) {
    outcome.findings += piece.size();
    for (const auto& f : piece)
      ++outcome.counts[static_cast<std::size_t>(f.verdict)][static_cast<std::size_t>(f.severity)];
  }
  // The reports are written: commits the recorded sweep, unless the run was cancelled.
  void commit() {
    if (stop.stop_requested()) throw Cancelled{};
    if (!recorder) return;
    const auto tr = std::chrono::steady_clock::now();
    recorder->commit();
    outcome.stats.record_s += seconds_since(tr);
    engine::store::pause_point("report-publish");
  }
};

// The findings handed over piece by piece, recorded and written (json, text, csv) or searched
// for the explained one, each piece then dropped. False when a report could not be written
// (the messages in ev.errors).
bool evaluate_streamed(Evaluation& ev) {
  auto& stats = ev.outcome.stats;
  auto& report = ev.report;
  const bool explain = !ev.o.explain_rule.empty();
  std::unique_ptr<StreamedReports> out;
  if (!explain) {
    // csv: a finding's enterprise, read from the snapshot when asked (the last one kept:
    // findings come subject by subject, mostly enterprise by enterprise); an audit knows
    // only its own enterprise, as the whole-set report does.
    auto last = std::make_shared<reports::EnterpriseInfo>();
    reports::EnterpriseLookup enterprise = [&ev, last](const std::string& key) -> const reports::EnterpriseInfo* {
      const auto& report = ev.report;
      if (!ev.owner) return nullptr;
      if (report.kind == reports::ReportKind::audit)
        return !report.enterprises.empty() && report.enterprises.front().key == key ? &report.enterprises.front()
                                                                                 : nullptr;
      if (!last->key.empty() && last->key == key) return last.get();
      const auto row = ev.snapshot.find(ev.owner->index, key);
      if (!row) return nullptr;
      *last = enterprise_label(ev.snapshot, *ev.owner, *row, report.dimensions);
      return last.get();
    };
    out = StreamedReports::open(report, ev.o.reports, ev.base, enterprise, ev.errors);
    if (!out) return false;
  }
  // Each piece is recorded, then written, then dropped; both on threads of their own, so
  // that the evaluation goes on meanwhile. Two pieces at most are held at once (one being
  // recorded, one being written) besides the one being evaluated.
  std::vector<PiecePipeline::Stage> stages;
  if (ev.recorder)
    stages.push_back([&](std::vector<engine::Finding>& piece) {
      const auto tr = std::chrono::steady_clock::now();
      ev.recorder->add(piece);
      stats.record_s += seconds_since(tr);
    });
  stages.push_back([&](std::vector<engine::Finding>& piece) {
    const auto tw = std::chrono::steady_clock::now();
    ev.tally(piece);
    if (explain) {
      if (!ev.outcome.explained)
        for (auto& f : piece)
          if (f.subject_key == ev.o.explain_key) {
            ev.outcome.explained = std::move(f);
            break;
          }
    } else {
      out->add(piece);
    }
    stats.write_s += seconds_since(tw);
  });
  PiecePipeline pipeline(std::move(stages), 2);
  ev.evaluate([&](std::vector<engine::Finding>& piece) { pipeline.push(piece); });
  pipeline.finish();
  stats.eval_s = seconds_since(ev.t1);
  if (ev.recorder) {
    const auto tr = std::chrono::steady_clock::now();
    report.resolved = ev.recorder->finish().resolved;
    stats.record_s += seconds_since(tr);
  }
  // The reports are written out before the sweep is committed, and put in place after: a
  // sweep whose report could not be written is not history (returning rolls it back), and
  // a sweep that could not be recorded leaves the previous reports where they were.
  if (out) {
    const auto tw = std::chrono::steady_clock::now();
    ev.stage(SweepStage::writing);
    const bool ok = out->finish(report.resolved, ev.errors);
    stats.write_s += seconds_since(tw);
    if (!ok) return false;
  }
  ev.commit();
  return !out || out->publish(ev.errors);
}

// The whole set of findings held (html, xlsx), recorded, then every report written from it.
// `human`: a report shows the enterprises (html, csv, xlsx); `history`: the html dashboard's
// chart of the earlier sweeps. False when a report could not be written (the messages in
// ev.errors).
bool evaluate_whole_set(Evaluation& ev, std::vector<engine::Finding>& findings, bool human, bool history) {
  auto& stats = ev.outcome.stats;
  auto& report = ev.report;
  ev.evaluate([&](std::vector<engine::Finding>& piece) {
    if (findings.empty()) findings = std::move(piece);
    else findings.insert(findings.end(), std::make_move_iterator(piece.begin()), std::make_move_iterator(piece.end()));
  });
  stats.eval_s = seconds_since(ev.t1) - stats.record_s;
  ev.tally(findings);
  if (ev.recorder) {
    ev.stage(SweepStage::recording);
    const auto tr = std::chrono::steady_clock::now();
    ev.recorder->add(findings);
    report.resolved = ev.recorder->finish().resolved;
    stats.record_s += seconds_since(tr);
  }
  report.findings = &findings;
  // The enterprises with findings, read while the snapshot lives (for html, csv and xlsx).
  if (human && ev.owner && report.kind == reports::ReportKind::sweep) {
    std::set<std::string> keys;
    for (const auto& f : findings) keys.insert(f.owner.key);
    for (const auto& k : keys)
      if (auto row = ev.snapshot.find(ev.owner->index, k))
        report.enterprises.push_back(enterprise_info(ev.snapshot, *ev.owner, *row, report.dimensions, ev.o.lang, false));
    // The recorded sweeps, and this one (recorded at the commit, after the reports), as the
    // history will list them.
    if (history) {
      constexpr std::size_t kShown = 24;  // read_history()'s default
      report.history = engine::sweeps::read_history(ev.store, report.run.ruleset, kShown);
      if (ev.recorder) {
        report.history.push_back(ev.recorder->summary());
        if (report.history.size() > kShown) report.history.erase(report.history.begin());
      }
    }
  }
  // As in the streamed path: the reports are written (beside their places) before the
  // sweep is committed and put in place after, so that a sweep whose report cannot be
  // written is not history (returning rolls it back) and leaves the previous reports as
  // they were.
  ev.stage(SweepStage::writing);
  const auto tw = std::chrono::steady_clock::now();
  auto pending = PendingReports::write(report, ev.o.reports, ev.base, ev.errors);
  stats.write_s = seconds_since(tw);
  if (!pending) return false;
  ev.commit();
  return pending->publish(ev.errors);
}

// The request's rules and group-by fields, each in the ruleset: "" when they are, else the message.
std::string check_names(const EvaluationRequest& o, const dsl::model::Ruleset& rs, const std::vector<std::string>& rules,
                        const std::vector<std::string>& group_by) {
  for (const auto& id : rules)
    if (!rs.find_rule(id)) return "no rule '" + id + "' in " + o.ruleset.string();
  if (group_by.empty()) return "";
  // Named fields are checked whatever the formats (a text report has no charts, but a
  // misspelt name is still a mistake to say, not to ignore).
  const auto* owner = rs.schema.owner();
  if (!owner) return "--group-by: the ruleset declares no owner record (`role owner`) to group by";
  std::string error;
  dimensions(*owner, group_by, error);
  return error;
}

// The report files' name: the command, and the owner's key with anything unusual in it replaced.
std::string report_base(const std::string& command, const std::string& owner_key) {
  std::string base = command;
  if (owner_key.empty()) return base;
  base += "-";
  for (char c : owner_key) base += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  return base;
}

// The sweep and the audit: `sweep` or `owner` says which.
SweepOutcome evaluate_run(const EvaluationRequest& o, const SweepRequest* sweep, const std::string& owner_key,
                          const SweepProgress& progress, std::stop_token stop) {
  const auto t0 = std::chrono::steady_clock::now();
  const bool audit = sweep == nullptr;
  SweepOutcome outcome;
  auto& stats = outcome.stats;
  const auto stage = [&](SweepStage s, std::size_t rules, std::uint64_t rows) {
    if (progress.stage) progress.stage(s, rules, rows);
  };
  const auto bad = [&](const std::string& message) {
    outcome.fail(RunStatus::bad_request, message);
    return std::move(outcome);
  };
  if (!std::filesystem::exists(o.db))
    return bad("no store at " + o.db.string() + " (create it with `ecoaudit init`)");
  const auto& formats = o.reports.formats;
  const auto wants = [&](reports::Format f) { return std::find(formats.begin(), formats.end(), f) != formats.end(); };
  const bool human = wants(reports::Format::html) || wants(reports::Format::csv) || wants(reports::Format::xlsx);
  const bool explain = !o.explain_rule.empty();
  auto sm = std::make_shared<dsl::SourceManager>();
  std::shared_ptr<const dsl::model::Ruleset> rs;
  std::shared_ptr<const RulesetCache::Entry> cached;  // the cache's compiled rules, when given one
  if (o.rulesets) {
    cached = o.rulesets->get(o.ruleset, outcome);
    if (!cached) return outcome;
    sm = cached->sources;
    rs = cached->ruleset;
  } else {
    rs = ruleset_for_run(o.ruleset, *sm, outcome);
  }
  if (!rs) return outcome;
  // The store is opened with this ruleset's schema: it lives as long as the run, even when the
  // run evaluates with a cached snapshot's ruleset (below).
  const auto run_ruleset = rs;
  // An explain evaluates only its rule.
  std::vector<std::string> rules = o.rules;
  if (explain) rules = {o.explain_rule};
  if (auto message = check_names(o, *rs, rules, sweep ? sweep->group_by : std::vector<std::string>{}); !message.empty())
    return bad(message);
  engine::RunInfo run;
  run.command = audit ? "audit" : "sweep";
  run.generated_at = engine::store::utc_now();
  run.as_of = o.as_of;
  run.ruleset = rs->id;
  run.ruleset_title = rs->title;
  run.ruleset_sha256 = rs->sha256;
  if (o.data_as_of > 0) run.data_as_of_batch = o.data_as_of;

  auto report_holder = std::make_shared<reports::ReportData>();
  reports::ReportData& report = *report_holder;
  report.kind = audit ? reports::ReportKind::audit : reports::ReportKind::sweep;
  report.lang = o.lang;
  report.enterprise = owner_key;
  auto& resolved = report.resolved;
  const std::string base = report_base(run.command, owner_key);
  // Only a full sweep of the current data is history: audits, replays (data_as_of) and
  // partial sweeps (rules) are not recorded.
  const bool record = sweep && sweep->record && o.data_as_of == 0 && o.rules.empty() && !explain;
  // Formats that are not streamable (html, xlsx) need every finding before their first byte:
  // they get the whole set. The others (and an explain, which writes no report) take the
  // findings piece by piece as the evaluation hands them over, so that a sweep holds one
  // piece, never all of them.
  const bool streamed = explain || std::all_of(formats.begin(), formats.end(), [](reports::Format f) {
                          return reports::format_entry(f).streamable;
                        });
  auto findings_holder = std::make_shared<std::vector<engine::Finding>>();
  std::vector<engine::Finding>& findings = *findings_holder;  // the whole set (html, xlsx)
  std::vector<std::array<std::uint64_t, 2>> plan_rows;  // per rule: decided by its columnar plan, left to the tree
  std::atomic<std::size_t> evaluated{0};                // findings handed over so far (block progress)
  Messages errors;
  const auto report_failed = [&] {
    for (const auto& e : errors) outcome.fail(RunStatus::report_error, e);
    return std::move(outcome);
  };
  try {
    engine::store::OpenOptions oo;
    oo.read_only = !record;
    if (cached) oo.schema_version = store_schema_version(*rs);  // the workbench's runs: described once
    auto store = engine::store::Store::open(o.db, rs->schema, oo);
    stage(SweepStage::loading, 0, 0);
    std::shared_ptr<engine::LoadedSnapshot> loaded;
    if (o.snapshots && !record && o.data_as_of == 0) {
      // A run that only reads the current data shares the cache's snapshot, and evaluates with
      // the ruleset that snapshot's schema belongs to (the same sha256 as the run's own).
      const auto entry = o.snapshots->get(o.db, *store, sm, rs);
      loaded = entry->snapshot;
      rs = entry->ruleset;
    } else {
      loaded = std::make_shared<engine::LoadedSnapshot>(engine::load_snapshot(*store, run.data_as_of_batch));
    }
    const auto& snapshot = loaded->snapshot;
    run.batches = loaded->batches;
    stats.rows = loaded->rows;
    // (rule, subject) pairs: the rows of each evaluated rule's subject record type.
    for (const auto& r : rs->rules)
      if (!r.bindings.empty() && (rules.empty() || std::find(rules.begin(), rules.end(), r.id) != rules.end()))
        stats.subjects += snapshot.rows(r.bindings.back().record);
    stats.rules = rules.empty() ? rs->rules.size() : rules.size();
    stats.load_s = seconds_since(t0);
    if (stop.stop_requested()) throw Cancelled{};

    const auto t1 = std::chrono::steady_clock::now();
    const auto* owner = rs->schema.owner();
    if (audit && !owner) return bad("the ruleset declares no owner record (`role owner`) to audit");
    if (audit && !snapshot.find(owner->index, owner_key))
      return bad("no " + owner->name + " with id '" + owner_key + "' in the store");
    // The record-shaped parts of the human-readable reports that do not depend on the
    // findings, read before evaluating: a bad group-by stops the run before anything is
    // evaluated or recorded.
    if (human && owner) {
      report.field_descriptions = field_descriptions(rs->schema);
      if (report.kind == reports::ReportKind::sweep) {
        std::string error;
        auto dims = dimensions(*owner, sweep->group_by, error);
        if (!dims) return bad(error);
        report.dimensions = std::move(*dims);
        report.enterprises_checked = snapshot.rows(owner->index);
      } else if (auto row = snapshot.find(owner->index, owner_key)) {
        report.enterprises.push_back(enterprise_info(snapshot, *owner, *row, {}, o.lang, true));
      }
    }
    // The enterprise's quarter grid (docs/enforcement.md "Compliance history"), from the
    // recorded sweeps, when the ruleset declares what is significant. A policy that cannot be
    // read stops the audit: a report without the grid it should show would say less than it
    // seems to.
    if (audit) {
      try {
        report.compliance = enterprise_compliance(*store, *rs, o.ruleset, owner_key, o.as_of);
      } catch (const engine::store::StoreError&) {
        throw;
      } catch (const std::runtime_error& e) {
        return bad(e.what());
      }
    }
    stage(SweepStage::evaluating, stats.rules, stats.rows);
    // The cache's compiled rules when they are those of the ruleset evaluated with (the
    // snapshot cache hands out the Ruleset object it was loaded with, which is the ruleset
    // cache's unless the ruleset changed in between); else compiled for this run.
    std::optional<engine::CompiledRuleset> own_compiled;
    const engine::CompiledRuleset& compiled = cached && &cached->compiled->ruleset() == rs.get()
                                                  ? *cached->compiled
                                                  : own_compiled.emplace(*rs);
    engine::EvalOptions eo;
    eo.as_of = o.as_of;
    eo.keep_all = o.keep_all;
    eo.rules = rules;
    eo.trace_subject = o.explain_key;
    // An audit evaluates only what belongs to the owner: subjects whose references lead to it.
    if (audit) eo.scope = engine::EvalOptions::Scope{owner->name, {owner_key}};
    eo.columnar_rows = &plan_rows;  // for the stats: how many pairs the columnar plans decided
    // Between blocks: the progress, and the cancellation (which unwinds the evaluation).
    eo.after_piece = [&](std::size_t rule, std::uint32_t done, std::uint32_t rows) {
      if (progress.block) progress.block({rs->rules[rule].id, rule, done, rows, evaluated.load()});
      if (stop.stop_requested()) throw Cancelled{};
    };

    // The sweep's history is written in one short transaction once the reports are written
    // (the findings wait outside the store until then, holding no lock): a sweep that stops
    // before (killed, an error, a report that cannot be written, cancelled) is not recorded.
    std::optional<engine::sweeps::SweepRecorder> recorder;
    if (record) {
      const auto tr = std::chrono::steady_clock::now();
      recorder.emplace(*store, run);
      run.sweep_id = recorder->sweep_id();
      if (recorder->previous_sweep_id()) run.previous_sweep_id = recorder->previous_sweep_id();
      stats.record_s += seconds_since(tr);
    }
    report.run = run;

    // Read once, when the recording begins: the enforcement records the sweep's findings carry.
    const auto overlay = engine::enforcement::read_overlay(*store);
    Evaluation ev{o, progress, stop, outcome, report, base, *store, snapshot, owner, compiled, eo,
                  recorder ? &*recorder : nullptr, errors, evaluated, t1, overlay, rules.empty(), owner_key};
    const bool written = streamed ? evaluate_streamed(ev) : evaluate_whole_set(ev, findings, human, wants(reports::Format::html));
    if (!written) return report_failed();
    outcome.retained.push_back(std::move(loaded));
  } catch (const engine::store::StoreError& ex) {
    outcome.fail(RunStatus::store_error, ex.what());
    return outcome;
  } catch (const reports::ReportError& ex) {
    outcome.fail(RunStatus::report_error, ex.what());
    return outcome;
  } catch (const Cancelled&) {
    outcome = SweepOutcome{};
    outcome.fail(RunStatus::cancelled, "cancelled: nothing was recorded");
    return outcome;
  }
  for (const auto& r : plan_rows) stats.planned += r[0];
  outcome.run = run;
  outcome.resolved = resolved.size();
  outcome.retained.push_back(std::move(findings_holder));
  outcome.retained.push_back(std::move(report_holder));
  return outcome;
}

}  // namespace

SweepOutcome run_sweep(const SweepRequest& request, const SweepProgress& progress, std::stop_token stop) {
  return evaluate_run(request, &request, "", progress, std::move(stop));
}

SweepOutcome run_audit(const AuditRequest& request, const SweepProgress& progress, std::stop_token stop) {
  return evaluate_run(request, nullptr, request.owner, progress, std::move(stop));
}

}  // namespace eco::app
