// ecoaudit history: the compliance history, each enterprise's status in each of the last
// quarters (app/compliance_history.hpp, docs/enforcement.md "Compliance history"). Parses and
// prints or writes the rendering; the run derives the grid.
#include <cstdio>
#include <fstream>
#include <memory>

#include "app/compliance_history.hpp"
#include "cli/command.hpp"
#include "cli/workflow_output.hpp"
#include "engine/store/store.hpp"
#include "reports/compliance.hpp"
#include "reports/report.hpp"

namespace eco::cli {
namespace {

struct HistoryCmd {
  std::string db, ruleset, policy, as_of, enterprise, out, format = "text", lang = "zh";
  int quarters = 12;
};

int run(const HistoryCmd& o) {
  if ((o.format == "xlsx" || o.format == "html") && o.out.empty()) {
    std::fprintf(stderr, "ecoaudit history: --format %s needs --out FILE\n", o.format.c_str());
    return kExitUsage;
  }
  app::HistoryRequest r;
  r.db = o.db;
  r.ruleset = o.ruleset;
  r.policy = o.policy;
  if (!o.as_of.empty()) r.as_of = o.as_of;
  r.quarters = o.quarters;
  r.enterprise = o.enterprise;
  const auto res = app::compliance_history(r);
  if (int rc = workflow_failure("history", o.ruleset, res, "nothing shown"); rc >= 0) return rc;
  const auto& h = res.history;
  std::string text;
  try {
    if (o.format == "xlsx") {
      reports::write_compliance_xlsx(h, o.lang, o.out);
    } else {
      text = o.format == "json"   ? reports::compliance_json(h)
             : o.format == "csv"  ? reports::compliance_csv(h, o.lang)
             : o.format == "html" ? reports::compliance_html(h, o.lang, engine::store::utc_now())
                                  : reports::compliance_text(h);
    }
  } catch (const reports::ReportError& e) {
    std::fprintf(stderr, "ecoaudit history: %s\n", e.what());
    return kExitUsage;
  }
  if (o.format == "xlsx") {
    std::printf("wrote %s\n", o.out.c_str());
    return kExitOk;
  }
  if (o.out.empty()) {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return kExitOk;
  }
  std::ofstream f(o.out, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (!f) {
    std::fprintf(stderr, "ecoaudit history: cannot write %s\n", o.out.c_str());
    return kExitUsage;
  }
  std::printf("wrote %s\n", o.out.c_str());
  return kExitOk;
}

ECOAUDIT_COMMAND("history", "Compliance history: each enterprise's status in each of the last quarters",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<HistoryCmd>();
                   sub.add_option("--db", o->db, "Store file")->required();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
                   sub.add_option("--policy", o->policy, "What counts as significant (default: DIR/enforcement.json)");
                   sub.add_option("--as-of", o->as_of, "The last quarter is this day's (default: the latest sweep's as-of day)");
                   sub.add_option("--quarters", o->quarters, "How many quarters (default 12)")->check(CLI::Range(1, 40));
                   sub.add_option("--enterprise", o->enterprise, "Only this enterprise (its key)");
                   sub.add_option("--format", o->format, "text, json, csv, xlsx or html")
                       ->check(CLI::IsMember({"text", "json", "csv", "xlsx", "html"}));
                   sub.add_option("--lang", o->lang, "zh or en (csv, xlsx, html)")->check(CLI::IsMember({"zh", "en"}));
                   sub.add_option("-o,--out", o->out, "Write to this file (required for xlsx and html)");
                   return [o] { return run(*o); };
                 });

}  // namespace
}  // namespace eco::cli
