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
// The run is app::run_screen (app/screen.hpp): this file parses the flags and prints.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <unistd.h>

#include "app/screen.hpp"
#include "cli/command.hpp"
#include "cli/report_output.hpp"
#include "cli/ruleset_loading.hpp"
#include "engine/ingest/import.hpp"

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
  app::ScreenRequest request;
  request.as_of = dsl::today();
  if (!o.as_of.empty()) {
    auto d = dsl::parse_date(o.as_of);
    if (!d) {
      std::fprintf(stderr, "ecoaudit screen: --as-of wants YYYY-MM-DD, got '%s'\n", o.as_of.c_str());
      return kExitUsage;
    }
    request.as_of = *d;
  }
  const auto formats = parse_formats("screen", o.format);
  if (!formats) return kExitUsage;
  if (!o.encoding.empty()) {
    request.encoding = ingest::parse_encoding(o.encoding);
    if (!request.encoding) {
      std::fprintf(stderr, "ecoaudit screen: unknown encoding '%s' (utf-8 or gb18030)\n", o.encoding.c_str());
      return kExitUsage;
    }
  }
  request.db = o.db;
  request.ruleset = o.ruleset;
  request.paths.assign(o.paths.begin(), o.paths.end());
  request.record_type = o.record_type;
  request.record = o.record;
  request.replace = o.replace;
  request.lang = o.lang;
  request.reports.formats = *formats;
  request.reports.out = o.out;
  request.reports.color = ::isatty(STDOUT_FILENO) != 0;  // colour only on a terminal
  const app::ScreenOutcome out = app::run_screen(request);
  const ingest::ImportResult& r = out.import;
  switch (out.status) {
    case app::RunStatus::ruleset_errors:
      print_ruleset_errors(o.ruleset, out.errors, "nothing was screened");
      return kExitUsage;
    case app::RunStatus::rejected:
      for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", ingest::render(e).c_str());
      std::fprintf(stderr, "screening stopped: %zu error%s in the documents; nothing was evaluated or stored\n",
                   r.error_count, r.error_count == 1 ? "" : "s");
      return kExitUsage;
    case app::RunStatus::report_error:
      print_messages("screen", out.errors);
      if (out.stopped) std::fputs("screening stopped: the report could not be written; nothing was stored\n", stderr);
      return kExitUsage;
    case app::RunStatus::done:
      break;
    default:
      print_messages("screen", out.errors);
      return kExitUsage;
  }
  for (const auto& e : r.errors) std::fprintf(stderr, "%s\n", ingest::render(e).c_str());
  if (o.record && r.batch) std::fprintf(stderr, "recorded as batch %lld\n", static_cast<long long>(r.batch));
  if (o.record && !r.batch) std::fputs("already in the store: nothing recorded\n", stderr);
  return out.approved() ? kExitOk : kExitFindings;
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
