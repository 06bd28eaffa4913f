// ecoaudit watchlist: significant violations of the latest sweep left unresolved for more than N
// days without an enforcement action, per jurisdiction and inspector (app/enforcement.hpp,
// docs/enforcement.md). Parses and prints; the run does the work.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "app/enforcement.hpp"
#include "cli/command.hpp"
#include "cli/workflow_output.hpp"

namespace eco::cli {
namespace {

struct WatchCmd {
  std::string db, ruleset, policy, as_of, format = "text";
  std::int64_t days = -1;
};

int run(const WatchCmd& o) {
  app::WatchlistRequest r;
  r.db = o.db;
  r.ruleset = o.ruleset;
  r.policy = o.policy;
  if (o.days >= 0) r.days = o.days;
  if (!o.as_of.empty()) r.as_of = o.as_of;
  const auto out = app::watchlist(r);
  if (int rc = workflow_failure("watchlist", o.ruleset, out, "nothing listed"); rc >= 0) return rc;
  const auto& p = out.policy;
  if (o.format == "json") {
    std::printf("%s\n", app::watchlist_json(out).c_str());
    return kExitOk;
  }
  std::printf("watch list as of %s (sweep %lld): significant violations unresolved for more than %lld days "
              "with no enforcement action\n",
              out.as_of.c_str(), static_cast<long long>(out.sweep), static_cast<long long>(p.days));
  if (!p.severities.empty())
    std::printf("  significant: severity %s (%s)\n", joined(p.severities, " or ").c_str(), p.severities_source.c_str());
  if (p.repeat_sweeps > 0)
    std::printf("  significant: reported in %lld sweeps or more (%s)\n", static_cast<long long>(p.repeat_sweeps),
                p.repeat_source.c_str());
  std::printf("  days: %s\n", p.days_source.c_str());
  std::string group;
  for (const auto& e : out.entries) {
    const std::string g = fmt::format("{} {} / inspectors {}", p.jurisdiction_field, e.jurisdiction.empty() ? "(none)" : e.jurisdiction,
                                      e.inspectors.empty() ? "(not inspected)" : joined(e.inspectors));
    if (g != group) std::printf("%s\n", (group = g).c_str());
    std::printf("  %-8s %-9s %s %s:%s  %s %s  first seen %s, %lld days, %lld sweep%s, %s  [%s]\n", e.severity.c_str(),
                e.verdict.c_str(), e.violation.rule.c_str(), e.violation.subject_record.c_str(),
                e.violation.subject_key.c_str(), e.owner_key.c_str(), e.owner_name.c_str(), e.first_seen.c_str(),
                static_cast<long long>(e.days_unresolved), static_cast<long long>(e.sweeps), e.sweeps == 1 ? "" : "s",
                e.state.c_str(), joined(e.why, "; ").c_str());
  }
  std::printf("%zu violation%s on the watch list\n", out.entries.size(), out.entries.size() == 1 ? "" : "s");
  return kExitOk;
}

ECOAUDIT_COMMAND("watchlist", "Significant violations left unresolved without enforcement, per jurisdiction and inspector",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<WatchCmd>();
                   sub.add_option("--db", o->db, "Store file")->required();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
                   sub.add_option("--policy", o->policy, "The watch-list policy (default: DIR/enforcement.json)");
                   sub.add_option("--days", o->days, "Unresolved for more than this many days (overrides the policy's)")
                       ->check(CLI::NonNegativeNumber);
                   sub.add_option("--as-of", o->as_of, "Count the days up to this day (default: the latest sweep's as-of day)");
                   sub.add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
                   return [o] { return run(*o); };
                 });

}  // namespace
}  // namespace eco::cli
