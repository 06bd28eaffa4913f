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
// The runs are app::run_sweep and app::run_audit (app/sweep.hpp): this file parses the flags,
// shows their progress on a terminal and prints their outcome.
#include <charconv>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <unistd.h>

#include <fmt/format.h>

#include "app/sweep.hpp"
#include "cli/command.hpp"
#include "cli/finding_text.hpp"
#include "cli/report_output.hpp"
#include "cli/ruleset_loading.hpp"
#include "reports/report.hpp"

namespace eco::cli {
namespace {

using dsl::model::Severity;

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

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

int run_sweep(const SweepCmd& o) {
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
  const auto formats = parse_formats(o.command, o.format);
  if (!formats) return kExitUsage;
  // --explain RULE:KEY evaluates only that rule.
  const auto colon = o.explain.find(':');
  if (!o.explain.empty() && (colon == std::string::npos || colon == 0 || colon + 1 == o.explain.size())) {
    std::fprintf(stderr, "ecoaudit %s: --explain wants RULE:SUBJECT_KEY (a rule id and the key of the subject), got '%s'\n",
                 o.command.c_str(), o.explain.c_str());
    return kExitUsage;
  }
  app::SweepRequest sweep;
  app::AuditRequest audit;
  app::EvaluationRequest& r = o.command == "audit" ? static_cast<app::EvaluationRequest&>(audit) : sweep;
  r.db = o.db;
  r.ruleset = o.ruleset;
  r.as_of = as_of;
  r.data_as_of = o.data_as_of;
  r.rules = o.rules;
  r.keep_all = o.verdicts == "all";
  r.lang = o.lang;
  r.reports.formats = *formats;
  r.reports.out = o.out;
  r.reports.color = ::isatty(STDOUT_FILENO) != 0;  // colour only on a terminal
  if (!o.explain.empty()) {
    r.explain_rule = o.explain.substr(0, colon);
    r.explain_key = o.explain.substr(colon + 1);
  }
  sweep.group_by = o.group_by;
  sweep.record = !o.no_record;
  audit.owner = o.enterprise;
  app::SweepProgress watch;
  watch.stage = [](app::SweepStage stage, std::size_t rules, std::uint64_t rows) {
    switch (stage) {
      case app::SweepStage::loading: return progress("loading the store...");
      case app::SweepStage::evaluating: return progress(fmt::format("evaluating {} rules over {} rows...", rules, rows));
      case app::SweepStage::recording: return progress("recording the sweep...");
      case app::SweepStage::writing: return progress("");
    }
  };
  app::SweepOutcome outcome = o.command == "audit" ? app::run_audit(audit, watch) : app::run_sweep(sweep, watch);
  progress("");
  switch (outcome.status) {
    case app::RunStatus::done:
      break;
    case app::RunStatus::ruleset_errors:
      print_ruleset_errors(o.ruleset, outcome.errors, "nothing was evaluated");
      return kExitUsage;
    default:
      print_messages(o.command, outcome.errors);
      return kExitUsage;
  }
  for (auto& kept : outcome.retained) keep_until_exit(std::move(kept));

  if (!o.explain.empty()) {
    // --explain RULE:KEY prints one finding with everything the decision rests on.
    if (outcome.explained) {
      const auto& f = *outcome.explained;
      std::string text = reports::printable(fmt::format("{} {} {}:{} ({})", dsl::model::to_string(f.verdict), f.rule,
                                                        f.subject_record, f.subject_key, dsl::model::to_string(f.severity))) +
                         "\n";
      if (!f.owner.empty()) text += "  " + f.owner.record + ": " + reports::printable(f.owner.key) + "\n";
      text += finding_details(f, "  ", o.lang == "en");
      std::fputs(text.c_str(), stdout);
      return kExitOk;
    }
    std::fprintf(stderr, "ecoaudit %s: --explain %s: no finding of rule '%s' on '%s' (passes are not findings; add --verdicts all)\n",
                 o.command.c_str(), o.explain.c_str(), r.explain_rule.c_str(), r.explain_key.c_str());
    return kExitUsage;
  }

  const auto& st = outcome.stats;
  if (o.stats)
    std::fprintf(o.out.empty() || o.out == "-" ? stderr : stdout,
                 "stats: subjects=%llu rows=%llu rules=%zu findings=%zu planned=%llu load_s=%.3f eval_s=%.3f "
                 "record_s=%.3f write_s=%.3f peak_rss_mb=%.0f\n",
                 static_cast<unsigned long long>(st.subjects), static_cast<unsigned long long>(st.rows), st.rules,
                 outcome.findings, static_cast<unsigned long long>(st.planned), st.load_s, st.eval_s, st.record_s,
                 st.write_s, peak_rss_mb());
  return fail_on && outcome.fails(*fail_on) ? kExitFindings : kExitOk;
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
