// ecoaudit changes: what each recorded sweep changed against the previous one, per
// jurisdiction and inspector team: new findings, findings no longer found, violations put on the
// watch list (app/change_notices.hpp, docs/enforcement.md "Change notices"). Parses and prints.
#include <cstdio>
#include <memory>

#include "app/change_notices.hpp"
#include "cli/command.hpp"
#include "cli/workflow_output.hpp"
#include "reports/changes.hpp"

namespace eco::cli {
namespace {

struct ChangesCmd {
  std::string db, ruleset, policy, format = "text", lang = "zh";
  std::int64_t sweep = 0;
  int sweeps = 1;
};

int run(const ChangesCmd& o) {
  app::ChangesRequest r;
  r.db = o.db;
  r.ruleset = o.ruleset;
  r.policy = o.policy;
  r.sweep = o.sweep;
  r.sweeps = o.sweeps;
  const auto out = app::change_notices(r);
  if (int rc = workflow_failure("changes", o.ruleset, out, "nothing shown"); rc >= 0) return rc;
  const std::string text = o.format == "json"   ? reports::changes_json(out.notices)
                           : o.format == "atom" ? reports::changes_atom(out.notices, o.lang,
                                                                        "tag:ecoaudit,2026:changes/" + out.notices.ruleset)
                                                : reports::changes_text(out.notices);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return kExitOk;
}

ECOAUDIT_COMMAND("changes", "What each recorded sweep changed: new, resolved, put on the watch list, per jurisdiction and inspector",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<ChangesCmd>();
                   sub.add_option("--db", o->db, "Store file")->required();
                   sub.add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
                   sub.add_option("--policy", o->policy, "The watch-list policy (default: DIR/enforcement.json)");
                   sub.add_option("--sweep", o->sweep, "The newest sweep to report (default: the latest)")
                       ->check(CLI::PositiveNumber);
                   sub.add_option("--sweeps", o->sweeps, "How many recorded sweeps, ending with it (default 1)")
                       ->check(CLI::Range(1, 100));
                   sub.add_option("--format", o->format, "text, json or atom")->check(CLI::IsMember({"text", "json", "atom"}));
                   sub.add_option("--lang", o->lang, "zh or en (atom)")->check(CLI::IsMember({"zh", "en"}));
                   return [o] { return run(*o); };
                 });

}  // namespace
}  // namespace eco::cli
