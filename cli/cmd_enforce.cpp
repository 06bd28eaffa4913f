// ecoaudit enforce order|penalty|referral|state|list: enforcement actions on a violation of the
// latest sweep, its state transitions (checked), and the violations in the workflow
// (app/enforcement.hpp, docs/enforcement.md). Parses and prints; the runs do the work.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "app/enforcement.hpp"
#include "cli/command.hpp"
#include "cli/workflow_output.hpp"

namespace eco::cli {
namespace {

// A subcommand and the action name it sets (a type alias: the command macro cannot take a comma).
using Named = std::pair<CLI::App*, const char*>;

struct EnforceCmd {
  std::string action;  // order | penalty | referral | state | list
  std::string db, ruleset, finding, by, to, on, reason, owner;
  engine::enforcement::Action a;
};

// RULE:KEY, split at the first ':' (rule ids hold none; a key may).
bool split_finding(const std::string& s, std::string& rule, std::string& key) {
  const auto colon = s.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  rule = s.substr(0, colon);
  key = s.substr(colon + 1);
  return true;
}

int run(const EnforceCmd& o) {
  const std::string command = "enforce " + o.action;
  const app::RecordedBy recorded{o.by, "ecoaudit " + command};
  std::string rule, key;
  if (o.action != "list" && !split_finding(o.finding, rule, key)) {
    std::fprintf(stderr, "ecoaudit %s: --finding \"%s\": RULE:KEY expected (as in sweep --explain)\n", command.c_str(),
                 o.finding.c_str());
    return kExitUsage;
  }
  if (o.action == "state") {
    app::StateRequest r{o.db, o.ruleset, rule, key, o.to, o.on, o.reason, recorded};
    const auto out = app::change_state(r);
    if (int rc = workflow_failure(command.c_str(), o.ruleset, out); rc >= 0) return rc;
    std::printf("%s on %s: %s -> %s (%s)\n", rule.c_str(), key.c_str(), engine::enforcement::to_string(out.transition.from),
                engine::enforcement::to_string(out.transition.to), out.transition.on.c_str());
    return kExitOk;
  }
  if (o.action == "list") {
    const auto out = app::list_violations({o.db, o.ruleset, o.owner});
    if (int rc = workflow_failure(command.c_str(), o.ruleset, out, "nothing shown"); rc >= 0) return rc;
    if (out.violations.empty()) std::printf("no violation is in the enforcement workflow\n");
    for (const auto& v : out.violations) {
      std::printf("%s %s:%s (enterprise %s): %s\n", v.violation.rule.c_str(), v.violation.subject_record.c_str(),
                  v.violation.subject_key.c_str(), v.owner_key.c_str(), v.state.c_str());
      for (const auto& a : v.actions) {
        std::string detail;
        if (a.kind == engine::enforcement::ActionKind::rectification_order)
          detail = fmt::format("deadline {}: {}", a.deadline, a.requirement);
        else if (a.kind == engine::enforcement::ActionKind::penalty)
          detail = fmt::format("{} yuan, case {}, basis {}", a.amount, a.case_number, a.legal_basis);
        else
          detail = fmt::format("to {}", a.referred_to);
        std::printf("  action %lld %s %s issued %s, %s (by %s)\n", static_cast<long long>(a.id),
                    engine::enforcement::to_string(a.kind), a.reference.c_str(), a.issued_on.c_str(), detail.c_str(),
                    a.recorded_by.c_str());
      }
      for (const auto& t : v.transitions)
        std::printf("  %s %s -> %s: %s (by %s)\n", t.on.c_str(), engine::enforcement::to_string(t.from),
                    engine::enforcement::to_string(t.to), t.reason.c_str(), t.recorded_by.c_str());
    }
    return kExitOk;
  }
  app::ActionRequest r{o.db, o.ruleset, o.action == "order" ? "rectification_order" : o.action, rule, key, o.a, recorded};
  const auto out = app::record_action(r);
  if (int rc = workflow_failure(command.c_str(), o.ruleset, out); rc >= 0) return rc;
  std::printf("action %lld (%s %s) on %s %s:%s; the violation's state: %s\n", static_cast<long long>(out.id),
              r.kind.c_str(), o.a.reference.c_str(), out.violation.rule.c_str(), out.violation.subject_record.c_str(),
              out.violation.subject_key.c_str(), out.state.c_str());
  return kExitOk;
}

// The subcommands and their options (a function: the command macro cannot take the commas of
// lambda captures).
std::function<int()> setup(CLI::App& sub) {
  auto o = std::make_shared<EnforceCmd>();
  sub.require_subcommand(1);
  auto common = [o](CLI::App* c, bool finding) {
    c->add_option("--db", o->db, "Store file")->required();
    c->add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
    if (!finding) return;
    c->add_option("--finding", o->finding, "The violation: RULE:KEY of a finding of the latest sweep")
        ->required();
    c->add_option("--by", o->by, "Who records it")->required();
  };
  auto action = [o, common](CLI::App* c) {
    common(c, true);
    c->add_option("--reference", o->a.reference, "Document number of the decision")->required();
    c->add_option("--issued", o->a.issued_on, "Day it was issued (YYYY-MM-DD)")->required();
    c->add_option("--note", o->a.note, "A note");
  };
  auto* order = sub.add_subcommand("order", "Record a rectification order (责令改正): its deadline is checked by later sweeps");
  action(order);
  order->add_option("--deadline", o->a.deadline, "Rectification deadline (YYYY-MM-DD)")->required();
  order->add_option("--requirement", o->a.requirement, "What the order requires")->required();
  auto* penalty = sub.add_subcommand("penalty", "Record a penalty decision (行政处罚决定)");
  action(penalty);
  penalty->add_option("--amount", o->a.amount, "Amount in yuan")->required();
  penalty->add_option("--basis", o->a.legal_basis, "Legal basis (law and article)")->required();
  penalty->add_option("--case", o->a.case_number, "Case number")->required();
  auto* referral = sub.add_subcommand("referral", "Record a referral (移送) to another authority");
  action(referral);
  referral->add_option("--to", o->a.referred_to, "The receiving authority")->required();
  auto* state = sub.add_subcommand("state", "Move a violation's state (checked against the allowed transitions)");
  common(state, true);
  state->add_option("--to", o->to, "open, under_enforcement, resolved_pending_verification or resolved")
      ->required();
  state->add_option("--on", o->on, "Day it happened (YYYY-MM-DD)")->required();
  state->add_option("--reason", o->reason, "What was reported or verified")->required();
  auto* list = sub.add_subcommand("list", "The violations in the enforcement workflow: state, actions, transitions");
  common(list, false);
  list->add_option("--enterprise", o->owner, "Only this enterprise's");
  for (const auto& [c, name] : std::initializer_list<Named>{
           {order, "order"}, {penalty, "penalty"}, {referral, "referral"}, {state, "state"}, {list, "list"}})
    c->callback([o, name = std::string(name)] { o->action = name; });
  // As main() does for every command's own options: a blank value is a usage error.
  for (auto* c : sub.get_subcommands([](CLI::App*) { return true; }))
    for (auto* opt : c->get_options())
      if (opt->get_type_size() != 0) opt->check(non_blank());
  return [o] { return run(*o); };
}

ECOAUDIT_COMMAND("enforce", "Enforcement: rectification orders, penalty decisions, referrals, a violation's state", setup);

}  // namespace
}  // namespace eco::cli
