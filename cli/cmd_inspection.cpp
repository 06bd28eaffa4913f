// ecoaudit inspection open|record|show|list: inspections of an enterprise with the checklist of
// what to verify on site, and the inspector's outcome of each item (app/inspections.hpp,
// docs/enforcement.md). Parses and prints; the runs do the work.
#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "app/inspections.hpp"
#include "cli/command.hpp"
#include "cli/workflow_output.hpp"

namespace eco::cli {
namespace {

// A subcommand and the action name it sets (a type alias: the command macro cannot take a comma).
using Named = std::pair<CLI::App*, const char*>;

struct InspectionCmd {
  std::string action;  // open | record | show | list
  std::string db, ruleset, owner, planned_on, by, outcome, note, checked_on;
  std::vector<std::string> inspectors, evidence;
  std::int64_t draw = 0, id = 0, item = 0;
};

void print_checklist(const engine::enforcement::Inspection& in,
                     const std::vector<engine::enforcement::OutcomeRecord>& outcomes) {
  std::printf("inspection %lld of %s %s on %s, inspectors %s%s\n", static_cast<long long>(in.id), in.owner_record.c_str(),
              in.owner_key.c_str(), in.planned_on.c_str(), joined(in.inspectors).c_str(),
              in.draw ? fmt::format(" (drawn in draw {})", in.draw).c_str() : " (targeted)");
  std::printf("recorded %s by %s from %s; checklist from sweep %lld: %zu item%s\n", in.created_at.c_str(),
              in.created_by.c_str(), in.source.c_str(), static_cast<long long>(in.sweep), in.items.size(),
              in.items.size() == 1 ? "" : "s");
  for (const auto& it : in.items) {
    std::printf("  %lld. %-8s %-9s %s %s:%s  %s\n", static_cast<long long>(it.item), it.severity.c_str(),
                it.verdict.c_str(), it.finding.rule.c_str(), it.finding.subject_record.c_str(),
                it.finding.subject_key.c_str(), it.title_zh.c_str());
    std::printf("     verify: %s\n", it.verify_zh.c_str());
    std::printf("     evidence digest: %s\n", it.evidence_digest.c_str());
    for (const auto& o : outcomes) {
      if (o.item != it.item) continue;
      std::printf("     v%lld %s on %s by %s (%s, %s)%s%s\n", static_cast<long long>(o.version),
                  engine::enforcement::to_string(o.outcome), o.checked_on.c_str(), o.recorded_by.c_str(),
                  o.source.c_str(), o.recorded_at.c_str(), o.note.empty() ? "" : fmt::format(": {}", o.note).c_str(),
                  o.evidence_files.empty() ? "" : fmt::format(" [evidence: {}]", joined(o.evidence_files)).c_str());
    }
  }
}

int run(const InspectionCmd& o) {
  const std::string command = "inspection " + o.action;
  const app::RecordedBy recorded{o.by, "ecoaudit " + command};
  if (o.action == "open") {
    app::InspectionOpenRequest r{o.db, o.ruleset, o.owner, o.draw, o.planned_on, o.inspectors, recorded};
    const auto out = app::open_inspection(r);
    if (int rc = workflow_failure(command.c_str(), o.ruleset, out); rc >= 0) return rc;
    print_checklist(out.inspection, {});
    if (out.gone)
      std::printf("(%zu finding%s of the latest sweep no longer found in the current data: not listed)\n", out.gone,
                  out.gone == 1 ? "" : "s");
    return kExitOk;
  }
  if (o.action == "record") {
    app::OutcomeRequest r{o.db, o.ruleset, o.id, o.item, o.outcome, o.note, o.checked_on, o.evidence, recorded};
    const auto out = app::record_outcome(r);
    if (int rc = workflow_failure(command.c_str(), o.ruleset, out); rc >= 0) return rc;
    std::printf("inspection %lld item %lld: %s on %s (version %lld); the violation's state: %s\n",
                static_cast<long long>(o.id), static_cast<long long>(o.item),
                engine::enforcement::to_string(out.recorded.outcome), out.recorded.checked_on.c_str(),
                static_cast<long long>(out.recorded.version), out.state.c_str());
    return kExitOk;
  }
  app::InspectionShowRequest r{o.db, o.ruleset, o.action == "show" ? o.id : 0, o.owner};
  const auto out = app::show_inspections(r);
  if (int rc = workflow_failure(command.c_str(), o.ruleset, out, "nothing shown"); rc >= 0) return rc;
  if (o.action == "show") {
    print_checklist(out.inspections.front(), out.outcomes);
    return kExitOk;
  }
  for (const auto& in : out.inspections)
    std::printf("%lld  %s  %s  %s  %s%s\n", static_cast<long long>(in.id), in.planned_on.c_str(), in.owner_key.c_str(),
                joined(in.inspectors).c_str(), in.created_by.c_str(),
                in.draw ? fmt::format("  draw {}", in.draw).c_str() : "");
  if (out.inspections.empty()) std::printf("no inspections recorded\n");
  return kExitOk;
}

// The subcommands and their options (a function: the command macro cannot take the commas of
// lambda captures).
std::function<int()> setup(CLI::App& sub) {
  auto o = std::make_shared<InspectionCmd>();
  sub.require_subcommand(1);
  auto common = [o](CLI::App* c) {
    c->add_option("--db", o->db, "Store file")->required();
    c->add_option("--ruleset", o->ruleset, "Ruleset folder")->required();
  };
  auto* open = sub.add_subcommand("open", "Open an inspection of an enterprise: its checklist from the latest sweep");
  common(open);
  open->add_option("--enterprise", o->owner, "Key of the enterprise (owner record) inspected")->required();
  open->add_option("--on", o->planned_on, "Day of the inspection (YYYY-MM-DD)")->required();
  open->add_option("--draw", o->draw, "The recorded draw that selected it (its team goes unless --inspectors)")
      ->check(CLI::PositiveNumber);
  open->add_option("--inspectors", o->inspectors, "Inspector ids (two or more), comma-separated")->delimiter(',');
  open->add_option("--by", o->by, "Who records it")->required();
  auto* record = sub.add_subcommand("record", "Record the outcome of a checklist item (again: a correction, a new version)");
  common(record);
  record->add_option("id", o->id, "Inspection id")->required()->check(CLI::PositiveNumber);
  record->add_option("--item", o->item, "Checklist item number")->required()->check(CLI::PositiveNumber);
  record->add_option("--outcome", o->outcome, "confirmed, not_confirmed, corrected_on_site or not_verified")
      ->required();
  record->add_option("--date", o->checked_on, "Day of the check (YYYY-MM-DD)")->required();
  record->add_option("--note", o->note, "What was found");
  record->add_option("--evidence", o->evidence, "Evidence file names (photos, records), comma-separated")
      ->delimiter(',');
  record->add_option("--by", o->by, "Who records it (the inspector)")->required();
  auto* show = sub.add_subcommand("show", "Show an inspection: its checklist and every recorded outcome");
  common(show);
  show->add_option("id", o->id, "Inspection id")->required()->check(CLI::PositiveNumber);
  auto* list = sub.add_subcommand("list", "List the inspections, newest first");
  common(list);
  list->add_option("--enterprise", o->owner, "Only this enterprise's");
  for (const auto& [c, name] : std::initializer_list<Named>{
           {open, "open"}, {record, "record"}, {show, "show"}, {list, "list"}})
    c->callback([o, name = std::string(name)] { o->action = name; });
  // As main() does for every command's own options: a blank value is a usage error.
  for (auto* c : sub.get_subcommands([](CLI::App*) { return true; }))
    for (auto* opt : c->get_options())
      if (opt->get_type_size() != 0) opt->check(non_blank());
  return [o] { return run(*o); };
}

ECOAUDIT_COMMAND("inspection", "Inspections: open one with its on-site checklist, record the outcome of each item, show them", setup);

}  // namespace
}  // namespace eco::cli
