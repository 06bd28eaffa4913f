// `ecoaudit audit --enterprise ID ...` takes the same options and reports only the findings
// whose subject belongs to that enterprise (the enterprise itself, its facilities, permits,
// vehicles, manifests it shipped, ...: every subject whose references lead to it).
// `ecoaudit sweep --db FILE --ruleset DIR [--as-of DATE] [--data-as-of BATCH]
//  [--format text|json|html|csv|xlsx[,...]] [--out PATH] [--lang zh|en] [--group-by FIELD]...
//  [--verdicts all] [--fail-on SEVERITY] [--rule ID]... [--stats]`:
// evaluates every rule over every subject of the store and reports the findings (reports/:
// the sweep dashboard, or for audit the enterprise's audit report). json, text and csv are
// streamed: each evaluated piece of findings is recorded and written, then dropped (the run
// never holds every finding); html and xlsx take the whole set (docs/sweeps.md).
// Exit: 0, or 1 when --fail-on is given and a violation or late finding is at or above that
// severity or any finding is `error` (an evaluation limit exceeded); 2 on any error (ruleset
// does not check, store missing, bad option).
#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include "cli/command.hpp"
#include "cli/finding_text.hpp"
#include "cli/piece_pipeline.hpp"
#include "cli/report_output.hpp"
#include "cli/ruleset_loading.hpp"
#include "engine/eval/evaluator.hpp"
#include "engine/snapshot/from_store.hpp"
#include "engine/store/pause.hpp"
#include "engine/store/store.hpp"
#include "engine/sweeps/history.hpp"
#include "reports/report.hpp"

namespace eco::cli {
namespace {

using dsl::model::Severity;
using dsl::model::Verdict;

struct SweepCmd {
  std::string command = "sweep";  // or "audit"
  std::string enterprise;         // audit: the enterprise whose findings are reported
  std::string db, ruleset, as_of, format = "text", out, verdicts = "findings", fail_on, lang = "zh";
  std::int64_t data_as_of = 0;
  std::vector<std::string> rules;
  std::vector<std::string> group_by;  // sweep dashboard: owner fields to chart by
  bool stats = false;
  bool no_record = false;
  std::string explain;  // RULE:SUBJECT_KEY: print that finding in full
};

// Progress lines on stderr, only when it is a terminal (schedulers and pipes get none).
void progress(const std::string& what) {
  static const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (tty) std::fprintf(stderr, "\r\033[K%s", what.c_str());  // stderr is unbuffered
}

double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int run_sweep(const SweepCmd& o) {
  const auto t0 = std::chrono::steady_clock::now();
  std::optional<Severity> fail_on;
  if (!o.fail_on.empty()) {
    fail_on = dsl::model::parse_severity(o.fail_on);
    if (!fail_on) {
      std::fprintf(stderr, "ecoaudit %s: --fail-on wants critical|high|medium|low|advice, got '%s'\n", o.command.c_str(),
                   o.fail_on.c_str());
      return kExitUsage;
    }
  }
  dsl::Date as_of = dsl::today();
  if (!o.as_of.empty()) {
    auto d = dsl::parse_date(o.as_of);
    if (!d) {
      std::fprintf(stderr, "ecoaudit %s: --as-of wants YYYY-MM-DD, got '%s'\n", o.command.c_str(), o.as_of.c_str());
      return kExitUsage;
    }
    as_of = *d;
  }
  if (!std::filesystem::exists(o.db)) {
    std::fprintf(stderr, "ecoaudit %s: no store at %s (create it with `ecoaudit init`)\n", o.command.c_str(), o.db.c_str());
    return kExitUsage;
  }
  const auto formats = parse_formats(o.command, o.format);
  if (!formats) return kExitUsage;
  const auto wants = [&](reports::Format f) { return std::find(formats->begin(), formats->end(), f) != formats->end(); };
  const bool human = wants(reports::Format::html) || wants(reports::Format::csv) || wants(reports::Format::xlsx);
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(o.ruleset, sm, "nothing was evaluated");
  if (!rs) return kExitUsage;
  // --explain RULE:KEY evaluates only that rule.
  const auto colon = o.explain.find(':');
  if (!o.explain.empty() && (colon == std::string::npos || colon == 0 || colon + 1 == o.explain.size())) {
    std::fprintf(stderr, "ecoaudit %s: --explain wants RULE:SUBJECT_KEY (a rule id and the key of the subject), got '%s'\n",
                 o.command.c_str(), o.explain.c_str());
    return kExitUsage;
  }
  const std::string explain_rule = o.explain.substr(0, colon);
  const std::string explain_key = colon == std::string::npos ? "" : o.explain.substr(colon + 1);
  std::vector<std::string> rules = o.rules;
  if (!o.explain.empty()) rules = {explain_rule};
  for (const auto& id : rules)
    if (!rs->find_rule(id)) {
      std::fprintf(stderr, "ecoaudit %s: no rule '%s' in %s\n", o.command.c_str(), id.c_str(), o.ruleset.c_str());
      return kExitUsage;
    }

  const auto* group_owner = rs->schema.owner();
  if (!o.group_by.empty()) {
    // Named fields are checked whatever the formats (a text report has no charts, but a
    // misspelt name is still a mistake to say, not to ignore).
    if (!group_owner) {
      std::fprintf(stderr, "ecoaudit %s: --group-by: the ruleset declares no owner record (`role owner`) to group by\n",
                   o.command.c_str());
      return kExitUsage;
    }
    if (!dimensions(o.command, *group_owner, o.group_by)) return kExitUsage;
  }
  engine::RunInfo run;
  run.command = o.command;
  run.generated_at = engine::store::utc_now();
  run.as_of = as_of;
  run.ruleset = rs->id;
  run.ruleset_title = rs->title;
  run.ruleset_sha256 = rs->sha256;
  if (o.data_as_of > 0) run.data_as_of_batch = o.data_as_of;

  reports::ReportData report;
  report.kind = o.command == "audit" ? reports::ReportKind::audit : reports::ReportKind::sweep;
  report.lang = o.lang;
  report.enterprise = o.enterprise;
  auto& resolved = report.resolved;
  std::string base = o.command;
  if (!o.enterprise.empty()) {
    // The file name carries the enterprise's id, with anything unusual in it replaced.
    base += "-";
    for (char c : o.enterprise) base += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
  }
  // Only a full sweep of the current data is history: audits, replays (--data-as-of) and
  // partial sweeps (--rule) are not recorded.
  const bool record = o.command == "sweep" && !o.no_record && o.data_as_of == 0 && o.rules.empty() && o.explain.empty();
  // Formats that are not streamable (html, xlsx) need every finding before their first byte:
  // they get the whole set. The others (and --explain, which writes no report) take the
  // findings piece by piece as the evaluation hands them over, so that a sweep holds one
  // piece, never all of them.
  const bool streamed = !o.explain.empty() || std::all_of(formats->begin(), formats->end(), [](reports::Format f) {
                          return reports::format_entry(f).streamable;
                        });
  std::vector<engine::Finding> findings;  // the whole set (html, xlsx)
  std::size_t count = 0;                  // findings evaluated
  bool fails = false;                     // a violation or late finding at or above --fail-on
  std::optional<engine::Finding> explained;
  std::vector<std::array<std::uint64_t, 2>> plan_rows;  // per rule: decided by its columnar plan, left to the tree
  double load_s = 0, eval_s = 0, record_s = 0, write_s = 0;
  std::uint64_t rows = 0, subjects = 0;
  // What --stats and --fail-on need, counted as the findings go by.
  const auto tally = [&](const std::vector<engine::Finding>& piece) {
    count += piece.size();
    if (fail_on && !fails)
      for (const auto& f : piece)
        // An error finding is a rule that could not be evaluated: whatever its severity, the
        // run did not check what it was asked to.
        if (((f.verdict == Verdict::violation || f.verdict == Verdict::late) && f.severity >= *fail_on) ||
            f.verdict == Verdict::error)
          fails = true;
  };
  try {
    engine::store::OpenOptions oo;
    oo.read_only = !record;
    auto store = engine::store::Store::open(o.db, rs->schema, oo);
    progress("loading the store...");
    auto loaded = engine::load_snapshot(*store, run.data_as_of_batch);
    const auto& snapshot = loaded.snapshot;
    run.batches = loaded.batches;
    rows = loaded.rows;
    // (rule, subject) pairs: the rows of each evaluated rule's subject record type.
    for (const auto& r : rs->rules)
      if (!r.bindings.empty() && (rules.empty() || std::find(rules.begin(), rules.end(), r.id) != rules.end()))
        subjects += snapshot.rows(r.bindings.back().record);
    load_s = seconds_since(t0);

    const auto t1 = std::chrono::steady_clock::now();
    const auto* owner = rs->schema.owner();
    if (!o.enterprise.empty() && !owner) {
      progress("");
      std::fprintf(stderr, "ecoaudit %s: the ruleset declares no owner record (`role owner`) to audit\n", o.command.c_str());
      return kExitUsage;
    }
    if (!o.enterprise.empty() && !snapshot.find(owner->index, o.enterprise)) {
      progress("");
      std::fprintf(stderr, "ecoaudit %s: no %s with id '%s' in the store\n", o.command.c_str(), owner->name.c_str(),
                   o.enterprise.c_str());
      return kExitUsage;
    }
    // The record-shaped parts of the human-readable reports that do not depend on the
    // findings, read before evaluating: a bad --group-by stops the run before anything is
    // evaluated or recorded.
    if (human && owner) {
      report.field_descriptions = field_descriptions(rs->schema);
      if (report.kind == reports::ReportKind::sweep) {
        auto dims = dimensions(o.command, *owner, o.group_by);
        if (!dims) return kExitUsage;
        report.dimensions = std::move(*dims);
        report.enterprises_checked = snapshot.rows(owner->index);
      } else if (auto row = snapshot.find(owner->index, o.enterprise)) {
        report.enterprises.push_back(enterprise_info(snapshot, *owner, *row, {}, o.lang, true));
      }
    }
    progress(fmt::format("evaluating {} rules over {} rows...", rules.empty() ? rs->rules.size() : rules.size(), rows));
    engine::CompiledRuleset compiled(*rs);
    engine::EvalOptions eo;
    eo.as_of = as_of;
    eo.keep_all = o.verdicts == "all";
    eo.rules = rules;
    eo.trace_subject = explain_key;
    // An audit evaluates only what belongs to the enterprise: subjects whose references lead to it.
    if (!o.enterprise.empty()) eo.scope = engine::EvalOptions::Scope{owner->name, {o.enterprise}};
    eo.columnar_rows = &plan_rows;  // for --stats: how many pairs the columnar plans decided

    // The sweep's history is written in one transaction, committed once the reports are
    // written: a sweep that stops before (killed, an error, a report that cannot be written)
    // is not recorded at all.
    std::optional<engine::sweeps::SweepRecorder> recorder;
    if (record) {
      const auto tr = std::chrono::steady_clock::now();
      recorder.emplace(*store, run);
      run.sweep_id = recorder->sweep_id();
      if (recorder->previous_sweep_id()) run.previous_sweep_id = recorder->previous_sweep_id();
      record_s += seconds_since(tr);
    }
    report.run = run;

    if (streamed) {
      std::unique_ptr<StreamedReports> out;
      if (o.explain.empty()) {
        // csv: a finding's enterprise, read from the snapshot when asked (the last one kept:
        // findings come subject by subject, mostly enterprise by enterprise); an audit knows
        // only its own enterprise, as the whole-set report does.
        auto last = std::make_shared<reports::EnterpriseInfo>();
        reports::EnterpriseLookup enterprise = [&, last](const std::string& key) -> const reports::EnterpriseInfo* {
          if (!owner) return nullptr;
          if (report.kind == reports::ReportKind::audit)
            return !report.enterprises.empty() && report.enterprises.front().key == key ? &report.enterprises.front()
                                                                                     : nullptr;
          if (!last->key.empty() && last->key == key) return last.get();
          const auto row = snapshot.find(owner->index, key);
          if (!row) return nullptr;
          *last = enterprise_label(snapshot, *owner, *row, report.dimensions);
          return last.get();
        };
        out = StreamedReports::open(o.command, report, *formats, o.out, base, enterprise);
        if (!out) return kExitUsage;
      }
      // Each piece is recorded, then written, then dropped; both on threads of their own, so
      // that the evaluation goes on meanwhile. Two pieces at most are held at once (one being
      // recorded, one being written) besides the one being evaluated.
      std::vector<PiecePipeline::Stage> stages;
      if (recorder)
        stages.push_back([&](std::vector<engine::Finding>& piece) {
          const auto tr = std::chrono::steady_clock::now();
          recorder->add(piece);
          record_s += seconds_since(tr);
        });
      stages.push_back([&](std::vector<engine::Finding>& piece) {
        const auto tw = std::chrono::steady_clock::now();
        tally(piece);
        if (!o.explain.empty()) {
          if (!explained)
            for (auto& f : piece)
              if (f.subject_key == explain_key) {
                explained = std::move(f);
                break;
              }
        } else {
          out->add(piece);
        }
        write_s += seconds_since(tw);
      });
      PiecePipeline pipeline(std::move(stages), 2);
      compiled.evaluate(snapshot, eo, [&](std::vector<engine::Finding>& piece) { pipeline.push(piece); });
      pipeline.finish();
      eval_s = seconds_since(t1);
      if (recorder) {
        const auto tr = std::chrono::steady_clock::now();
        resolved = recorder->finish().resolved;
        record_s += seconds_since(tr);
      }
      // The reports are written out before the sweep is committed, and put in place after: a
      // sweep whose report could not be written is not history (returning rolls it back), and
      // a sweep that could not be recorded leaves the previous reports where they were.
      if (out) {
        const auto tw = std::chrono::steady_clock::now();
        progress("");
        const bool ok = out->finish(resolved);
        write_s += seconds_since(tw);
        if (!ok) return kExitUsage;
      }
      if (recorder) {
        const auto tr = std::chrono::steady_clock::now();
        recorder->commit();
        record_s += seconds_since(tr);
      }
      if (recorder) engine::store::pause_point("report-publish");
      if (out && !out->publish()) return kExitUsage;
    } else {
      findings = compiled.evaluate(snapshot, eo);
      eval_s = seconds_since(t1) - record_s;
      tally(findings);
      if (recorder) {
        progress("recording the sweep...");
        const auto tr = std::chrono::steady_clock::now();
        recorder->add(findings);
        resolved = recorder->finish().resolved;
        record_s += seconds_since(tr);
      }
      report.findings = &findings;
      // The enterprises with findings, read while the snapshot lives.
      if (human && owner && report.kind == reports::ReportKind::sweep) {
        std::set<std::string> keys;
        for (const auto& f : findings) keys.insert(f.owner.key);
        for (const auto& k : keys)
          if (auto row = snapshot.find(owner->index, k))
            report.enterprises.push_back(enterprise_info(snapshot, *owner, *row, report.dimensions, o.lang, false));
        // Read inside the recording transaction: it includes this sweep.
        if (wants(reports::Format::html)) report.history = engine::sweeps::read_history(*store, run.ruleset);
      }
      // As in the streamed path: the reports are written (beside their places) before the
      // sweep is committed and put in place after, so that a sweep whose report cannot be
      // written is not history (returning rolls it back) and leaves the previous reports as
      // they were.
      progress("");
      const auto tw = std::chrono::steady_clock::now();
      report.run = run;
      auto pending = PendingReports::write(o.command, report, *formats, o.out, base);
      write_s = seconds_since(tw);
      if (!pending) return kExitUsage;
      if (recorder) {
        const auto tr = std::chrono::steady_clock::now();
        recorder->commit();
        record_s += seconds_since(tr);
      }
      if (recorder) engine::store::pause_point("report-publish");
      if (!pending->publish()) return kExitUsage;
    }
    keep_until_exit(std::move(loaded));
  } catch (const engine::store::StoreError& ex) {
    progress("");
    std::fprintf(stderr, "ecoaudit %s: %s\n", o.command.c_str(), ex.what());
    return kExitUsage;
  } catch (const reports::ReportError& ex) {
    progress("");
    std::fprintf(stderr, "ecoaudit %s: %s\n", o.command.c_str(), ex.what());
    return kExitUsage;
  }

  progress("");
  if (!o.explain.empty()) {
    // --explain RULE:KEY prints one finding with everything the decision rests on.
    if (explained) {
      const auto& f = *explained;
      std::string text = reports::printable(fmt::format("{} {} {}:{} ({})", dsl::model::to_string(f.verdict), f.rule,
                                                        f.subject_record, f.subject_key, dsl::model::to_string(f.severity))) +
                         "\n";
      if (!f.owner.empty()) text += "  " + f.owner.record + ": " + reports::printable(f.owner.key) + "\n";
      text += finding_details(f, "  ", o.lang == "en");
      std::fputs(text.c_str(), stdout);
      return kExitOk;
    }
    std::fprintf(stderr, "ecoaudit %s: --explain %s: no finding of rule '%s' on '%s' (passes are not findings; add --verdicts all)\n",
                 o.command.c_str(), o.explain.c_str(), explain_rule.c_str(), explain_key.c_str());
    return kExitUsage;
  }

  std::uint64_t planned = 0;
  for (const auto& r : plan_rows) planned += r[0];
  if (o.stats)
    std::fprintf(o.out.empty() || o.out == "-" ? stderr : stdout,
                 "stats: subjects=%llu rows=%llu rules=%zu findings=%zu planned=%llu load_s=%.3f eval_s=%.3f "
                 "record_s=%.3f write_s=%.3f peak_rss_mb=%.0f\n",
                 static_cast<unsigned long long>(subjects), static_cast<unsigned long long>(rows),
                 rules.empty() ? rs->rules.size() : rules.size(), count, static_cast<unsigned long long>(planned),
                 load_s, eval_s, record_s, write_s, peak_rss_mb());
  keep_until_exit(std::move(findings));
  keep_until_exit(std::move(report));
  return fails ? kExitFindings : kExitOk;
}

// The options sweep and audit share.
std::shared_ptr<SweepCmd> add_run_options(CLI::App& sub, const std::string& command) {
  auto o = std::make_shared<SweepCmd>();
  o->command = command;
  sub.add_option("--db", o->db, "Store file")->required();
  sub.add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
  sub.add_option("--as-of", o->as_of, "Legal date for deadlines and dated parameters (default: today)");
  sub.add_option("--data-as-of", o->data_as_of, "Evaluate the store as it stood after this import batch")
      ->check(CLI::Validator(
          [](std::string& v) -> std::string {
            std::int64_t id = 0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
            if (ec == std::errc() && end == v.data() + v.size() && id > 0) return "";
            return "wants the id of an import batch (a positive number; `ecoaudit batches` lists them), got '" + v + "'";
          },
          "BATCH_ID"));
  sub.add_option("--format", o->format,
                 "text (default), json, html, csv or xlsx; several comma-separated ones go into the folder --out");
  sub.add_option("--out", o->out, "Write the report to this file, or the reports into this folder (default: standard output)");
  sub.add_option("--verdicts", o->verdicts, "findings (default) or all (adds pass and not_applicable)")
      ->check(CLI::IsMember({"findings", "all"}));
  sub.add_option("--fail-on", o->fail_on,
                 "Exit 1 when a violation or late finding has at least this severity, or any finding is an error");
  sub.add_option("--lang", o->lang, "Language of the human-readable reports: zh (default) or en")->check(CLI::IsMember({"zh", "en"}));
  sub.add_option("--explain", o->explain, "Print one finding in full: RULE:SUBJECT_KEY");
  return o;
}

}  // namespace

ECOAUDIT_COMMAND("sweep", "Evaluate every rule over every subject in the store and report the findings",
                 [](CLI::App& sub) {
                   auto o = add_run_options(sub, "sweep");
                   sub.add_option("--rule", o->rules, "Evaluate only this rule (repeatable)");
                   sub.add_option("--group-by", o->group_by,
                                  "Dashboard charts by this field of the enterprise record (repeatable; default: its "
                                  "required enum fields)");
                   sub.add_flag("--stats", o->stats, "End with a line of counts, timings and peak memory");
                   sub.add_flag("--no-record", o->no_record, "Do not record this sweep in the store's sweep history");
                   return [o] { return run_sweep(*o); };
                 });

ECOAUDIT_COMMAND("audit", "Every finding about one enterprise and everything that belongs to it",
                 [](CLI::App& sub) {
                   auto o = add_run_options(sub, "audit");
                   sub.add_option("--enterprise", o->enterprise, "The enterprise's id (统一社会信用代码)")->required();
                   return [o] { return run_sweep(*o); };
                 });

}  // namespace eco::cli
