// `ecoaudit coverage PATH [--format text|json] [--by-basis] [--allow-undeclared-basis]`: the
// table requirement → rules → tests of a ruleset, from its catalogue (requirements.txt), and
// each rule's deadline basis (model::declared_basis: its `basis` clause or its deadline
// parameter's). Exit 1 when a requirement of mode S or A has no rule, a rule has no test, a
// rule's tests miss a side (no expected violation or advice, no expected pass or
// not_applicable, no expected unknown although the rule reads an optional field unguarded), or
// a rule's basis is undeclared (unless --allow-undeclared-basis); 0 when everything is
// covered; 2 when the ruleset does not check. Rows of mode I (plan-level indicators) and -
// (out of reach of record data) are listed but need no rule. --by-basis lists the rules under
// each basis instead of the requirement table. The run is app::run_coverage (app/coverage.hpp):
// this file parses the flags and prints its text or JSON.
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/coverage.hpp"
#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

struct Options {
  std::string path;
  std::string format = "text";
  bool by_basis = false;
  bool allow_undeclared_basis = false;
};

const char* status_text(app::CoverageRequirement::Status s) {
  switch (s) {
    case app::CoverageRequirement::Status::ok: return "ok";
    case app::CoverageRequirement::Status::no_rule: return "NO RULE";
    case app::CoverageRequirement::Status::indicator: return "indicator (no rule needed)";
    case app::CoverageRequirement::Status::out_of_reach: return "out of reach of record data";
  }
  return "?";
}

int run_coverage(const Options& o) {
  const app::CoverageOutcome c = app::run_coverage({o.path});
  if (c.status == app::RunStatus::ruleset_errors) {
    print_ruleset_errors(o.path, c.errors, "no coverage was computed");
    return kExitUsage;
  }
  // "rule: what its tests never expect", for the rules whose tests miss a side.
  std::vector<std::string> shape_gaps;
  for (const auto& r : c.rules) {
    if (!r.incomplete()) continue;
    std::string what;
    for (const auto& [lacks, text] : {std::pair{r.lacks_violation, "a violation"}, std::pair{r.lacks_pass, "a pass"},
                                      std::pair{r.lacks_unknown, "an unknown (it reads an optional field)"}})
      if (lacks) what += (what.empty() ? "" : ", ") + std::string(text);
    shape_gaps.push_back(fmt::format("{}: no test expects {}", r.id, what));
  }
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  std::string text = fmt::format("{:<10} {:<5} {:<6} {:<44} {}\n", "requirement", "mode", "tests", "rules", "status");
  for (const auto& req : c.requirements) {
    std::string names;
    for (const auto& id : req.rules) names += (names.empty() ? "" : ", ") + id;
    const std::string status = status_text(req.status);
    text += fmt::format("{:<10} {:<5} {:<6} {:<44} {}\n", req.id, req.mode, req.tests, names.empty() ? "-" : names, status);
    rows.push_back({{"requirement", req.id},
                    {"mode", req.mode},
                    {"title", req.title},
                    {"rules", req.rules},
                    {"tests", req.tests},
                    {"status", status}});
  }
  nlohmann::ordered_json untested = nlohmann::ordered_json::array();
  for (const auto& r : c.rules)
    if (r.tests == 0) {
      untested.push_back(r.id);
      text += fmt::format("rule without a test: {}\n", r.id);
    }
  for (const auto& g : shape_gaps) text += "rule tests incomplete: " + g + "\n";
  text += fmt::format("{} of {} S/A requirements have a rule ({} without); {} rules, {} without a test\n", c.encoded,
                      c.need, c.without_rule, c.rules.size(), c.untested);
  text += fmt::format("{} rules whose tests miss a violation, a pass or a needed unknown\n", shape_gaps.size());

  // Deadline bases: one line per rule, or the rules under each basis (--by-basis).
  nlohmann::ordered_json rule_rows = nlohmann::ordered_json::array();
  std::map<std::string, std::vector<std::size_t>> under;  // basis name -> rule indices
  std::string basis_text = fmt::format("{:<44} {:<16} {}\n", "rule", "basis", "declared by");
  for (std::size_t i = 0; i < c.rules.size(); ++i) {
    const auto& r = c.rules[i];
    const auto& b = r.basis;
    const std::string name = b.basis ? std::string(dsl::model::to_string(*b.basis)) : "undeclared";
    under[name].push_back(i);
    basis_text += fmt::format("{:<44} {:<16} {}\n", r.id, b.basis ? name : "UNDECLARED", b.basis ? b.from : "-");
    nlohmann::ordered_json reqs = r.requirements;
    rule_rows.push_back({{"id", r.id},
                         {"title", r.title_zh},
                         {"severity", std::string(dsl::model::to_string(r.severity))},
                         {"requirements", std::move(reqs)},
                         {"basis", b.basis ? nlohmann::ordered_json(name) : nlohmann::ordered_json(nullptr)},
                         {"basis_from", b.from},
                         {"tests", r.tests}});
  }
  const std::vector<std::string> basis_order = {"plan_date", "regulation", "plan_period_end", "grace_period", "advice",
                                                "undeclared"};
  nlohmann::ordered_json by_basis = nlohmann::ordered_json::object();
  std::string grouped;
  for (const auto& name : basis_order) {
    const auto& ids = under[name];
    by_basis[name] = nlohmann::ordered_json::array();
    grouped += fmt::format("{} ({} rules)\n", name, ids.size());
    for (std::size_t i : ids) {
      by_basis[name].push_back(c.rules[i].id);
      grouped += fmt::format("  {:<44} {}\n", c.rules[i].id, c.rules[i].title_zh);
    }
  }
  const std::string basis_summary =
      fmt::format("{} of {} rules declare their deadline basis ({} undeclared{})\n", c.rules.size() - c.undeclared,
                  c.rules.size(), c.undeclared, c.undeclared && o.allow_undeclared_basis ? ", allowed by --allow-undeclared-basis" : "");
  if (o.by_basis) text = grouped + basis_summary;
  else text += basis_text + basis_summary;
  if (o.format == "json") {
    nlohmann::ordered_json doc{{"ruleset", c.ruleset},
                               {"requirements", std::move(rows)},
                               {"rules_without_tests", std::move(untested)},
                               {"summary",
                                {{"requirements_needing_rules", c.need},
                                 {"encoded", c.encoded},
                                 {"without_rule", c.without_rule},
                                 {"rules", c.rules.size()},
                                 {"rules_without_tests", c.untested},
                                 {"rules_with_incomplete_tests", shape_gaps.size()},
                                 {"rules_with_undeclared_basis", c.undeclared}}},
                               {"incomplete_tests", shape_gaps},
                               {"rules", std::move(rule_rows)},
                               {"by_basis", std::move(by_basis)}};
    text = doc.dump(2) + "\n";
  }
  std::fputs(text.c_str(), stdout);
  return c.covered(o.allow_undeclared_basis) ? kExitOk : kExitFindings;
}

}  // namespace

ECOAUDIT_COMMAND("coverage", "Requirement -> rules -> tests table and each rule's deadline basis; exit 1 when an S/A requirement has no rule, a rule is not tested on each side or its basis is undeclared",
                 [](CLI::App& sub) {
                   auto o = std::make_shared<Options>();
                   sub.add_option("PATH", o->path, "Ruleset folder")->required();
                   sub.add_option("--format", o->format, "text or json")->check(CLI::IsMember({"text", "json"}));
                   sub.add_flag("--by-basis", o->by_basis, "List the rules under each deadline basis");
                   sub.add_flag("--allow-undeclared-basis", o->allow_undeclared_basis,
                                "Do not fail on rules whose deadline basis is undeclared");
                   return [=] { return run_coverage(*o); };
                 });

}  // namespace eco::cli
