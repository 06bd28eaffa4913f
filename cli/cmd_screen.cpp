// `ecoaudit screen --db FILE --ruleset DIR FILE... [--as-of DATE] [--format text,json,csv,xlsx,html]
//  [--out PATH] [--lang zh|en] [--record [--replace]]`: the permit officer's check of project
// applications before approval. The documents are validated exactly like an import, staged in
// the store's transaction so that rules can follow references into what the store already
// knows (the applicant, a replacement source), evaluated, and rolled back unless --record is
// given. A document holds only applications and their children (engine/screening/staging.hpp);
// --record refuses an application already stored with other values unless --replace.
// One decision per application: reject, conditional (documents to request, conditions) or
// approve. Exit: 0 when every application is approved, 1 otherwise, 2 on any error (the
// documents do not validate, the store or ruleset cannot be used).
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/finding_text.hpp"
#include "cli/ruleset_loading.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/ingest/import.hpp"
#include "engine/screening/decisions.hpp"
#include "engine/screening/staging.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/store.hpp"
#include "cli/report_output.hpp"
#include "reports/report.hpp"

namespace eco::cli {
namespace {

struct ScreenCmd {
  std::string db, ruleset, as_of, format = "text", out, lang = "zh", encoding;
  std::string record_type;  // "": the ruleset's screened record (`role screened`)
  std::vector<std::string> paths;
  bool record = false;
  bool replace = false;
};

int run_screen(const ScreenCmd& o) {
  namespace ingest = engine::ingest;
  if (o.replace && !o.record) {
    std::fputs("ecoaudit screen: --replace replaces stored applications when recording them: give it with --record\n",
               stderr);
    return kExitUsage;
  }
  dsl::Date as_of = dsl::today();
  if (!o.as_of.empty()) {
    auto d = dsl::parse_date(o.as_of);
    if (!d) {
      std::fprintf(stderr, "ecoaudit screen: --as-of wants YYYY-MM-DD, got '%s'\n", o.as_of.c_str());
      return kExitUsage;
    }
    as_of = *d;
  }
  if (!std::filesystem::exists(o.db)) {
    std::fprintf(stderr, "ecoaudit screen: no store at %s (create it with `ecoaudit init`)\n", o.db.c_str());
    return kExitUsage;
  }
  const auto formats = parse_formats("screen", o.format);
  if (!formats) return kExitUsage;
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(o.ruleset, sm, "nothing was screened");
  if (!rs) return kExitUsage;
  const auto* app = o.record_type.empty() ? rs->schema.screened() : rs->schema.find_record(o.record_type);
  if (!app && o.record_type.empty()) {
    std::fprintf(stderr,
                 "ecoaudit screen: the ruleset declares no record to screen (`record NAME \"...\" role screened`)\n");
    return kExitUsage;
  }
  if (!app) {
    std::fprintf(stderr, "ecoaudit screen: the ruleset declares no record type '%s' to screen\n", o.record_type.c_str());
    return kExitUsage;
  }
  // The field naming the screened record to a reader (`role name`), when it is the schema's.
  const int name_field = app == rs->schema.screened() ? rs->schema.roles.screened_name : -1;

  engine::RunInfo run;
  run.command = "screen";
  run.generated_at = engine::store::utc_now();
  run.as_of = as_of;
  run.ruleset = rs->id;
  run.ruleset_title = rs->title;
  run.ruleset_sha256 = rs->sha256;

  ingest::ImportOptions io;
  if (!o.encoding.empty()) {
    io.encoding = ingest::parse_encoding(o.encoding);
    if (!io.encoding) {
      std::fprintf(stderr, "ecoaudit screen: unknown encoding '%s' (utf-8 or gb18030)\n", o.encoding.c_str());
      return kExitUsage;
    }
  }
  io.ruleset_name = rs->id;
  io.ruleset_sha256 = rs->sha256;
  io.list_keys_of = {app->name};
  io.commit = o.record;
  engine::screening::StagingRules staging;
  staging.screened = app->index;
  staging.replace = !o.record || o.replace;  // a dry run replaces nothing for good
  staging.replace_hint = "give --replace to replace it (the old version is kept in the store's history)";
  engine::screening::restrict_import(io, rs->schema, staging);
  std::vector<engine::Finding> findings;
  std::vector<engine::ApplicationDecision> decisions;
  ingest::ImportResult r;
  reports::ReportData report;
  report.kind = reports::ReportKind::screening;
  report.lang = o.lang;
  report.findings = &findings;
  report.field_descriptions = field_descriptions(rs->schema);
  // The reports are written (beside their places) inside the import's transaction, before the
  // applications are committed, and put in place after: a screening whose report cannot be
  // written records nothing and leaves the previous reports as they were.
  std::unique_ptr<PendingReports> pending;
  struct Stop {};  // thrown out of the transaction to roll it back (the reason is on stderr)
  try {
    // Without --record the store is only read: the documents are staged in a private copy
    // (so a read-only store can be screened, and a dry run never waits for an import).
    engine::store::OpenOptions oo;
    oo.scratch = !o.record;
    auto store = engine::store::Store::open(o.db, rs->schema, oo);
    // Evaluated inside the import's transaction: the applications are visible together with
    // everything the store holds, and vanish again on the rollback unless --record.
    io.before_commit = [&](engine::store::Store& st, const ingest::ImportResult& staged) {
      auto loaded = engine::load_snapshot(st);
      // The applications' own batch is listed only when it is kept (--record).
      run.batches = loaded.batches;
      if (!o.record) std::erase(run.batches, staged.staged_batch);
      std::vector<std::string> keys;
      if (auto it = staged.keys.find(app->name); it != staged.keys.end()) keys = it->second;
      engine::CompiledRuleset compiled(*rs);
      engine::EvalOptions eo;
      eo.as_of = as_of;
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
      report.run = run;
      report.decisions = decisions;
      pending = PendingReports::write("screen", report, *formats, o.out, "screen");
      if (!pending) throw Stop{};
    };
    std::vector<std::filesystem::path> paths(o.paths.begin(), o.paths.end());
    r = ingest::import_paths(*store, paths, io);
  } catch (const engine::store::StoreError& ex) {
    std::fprintf(stderr, "ecoaudit screen: %s\n", ex.what());
    return kExitUsage;
  } catch (const Stop&) {
    std::fputs("screening stopped: the report could not be written; nothing was stored\n", stderr);
    return kExitUsage;
  }
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", ingest::render(e).c_str());
  if (!r.ok) {
    std::fprintf(stderr, "screening stopped: %zu error%s in the documents; nothing was evaluated or stored\n",
                 r.error_count, r.error_count == 1 ? "" : "s");
    return kExitUsage;
  }
  if (decisions.empty()) {
    std::fprintf(stderr, "ecoaudit screen: the documents hold no '%s' record to screen\n", app->name.c_str());
    return kExitUsage;
  }

  if (!pending || !pending->publish()) return kExitUsage;
  if (o.record && r.batch) std::fprintf(stderr, "recorded as batch %lld\n", static_cast<long long>(r.batch));
  if (o.record && !r.batch) std::fputs("already in the store: nothing recorded\n", stderr);
  for (const auto& d : decisions)
    if (d.decision != engine::Decision::approve) return kExitFindings;
  return kExitOk;
}

ECOAUDIT_COMMAND("screen", "Screen project applications (XML/JSON) against the rules before approval",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<ScreenCmd>();
                   sub.add_option("--db", o->db, "Store file: what the rules may look up")->required();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
                   sub.add_option("paths", o->paths, "Application documents (XML or JSON), or folders of them")->required();
                   sub.add_option("--as-of", o->as_of, "Legal date for deadlines and dated parameters (default: today)");
                   sub.add_option("--format", o->format, "text, json, csv, xlsx, html, or several comma-separated");
                   sub.add_option("--out", o->out, "A file for one format (default: standard output), a folder for several");
                   sub.add_option("--lang", o->lang, "Language of text output: zh or en")->check(CLI::IsMember({"zh", "en"}));
                   sub.add_option("--encoding", o->encoding, "Input encoding: utf-8 or gb18030");
                   sub.add_option("--record-type", o->record_type,
                                  "The record type screened (default: the ruleset's `role screened` record)");
                   sub.add_flag("--record", o->record, "Also store the applications (as an import batch)");
                   sub.add_flag("--replace", o->replace,
                                "With --record: replace applications already in the store (the old versions are kept "
                                "in its history); without it they are refused");
                   return [o] { return run_screen(*o); };
                 });

}  // namespace
}  // namespace eco::cli
