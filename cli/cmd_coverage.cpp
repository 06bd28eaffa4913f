// `ecoaudit coverage PATH [--format text|json] [--by-basis] [--allow-undeclared-basis]`: the
// table requirement → rules → tests of a ruleset, from its catalogue (requirements.txt), and
// each rule's deadline basis (model::declared_basis: its `basis` clause or its deadline
// parameter's). Exit 1 when a requirement of mode S or A has no rule, a rule has no test, a
// rule's tests miss a side (no expected violation or advice, no expected pass or
// not_applicable, no expected unknown although the rule reads an optional field unguarded), or
// a rule's basis is undeclared (unless --allow-undeclared-basis); 0 when everything is
// covered; 2 when the ruleset does not check. Rows of mode I (plan-level indicators) and -
// (out of reach of record data) are listed but need no rule. --by-basis lists the rules under
// each basis instead of the requirement table.
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/command.hpp"
#include "cli/ruleset_loading.hpp"

namespace eco::cli {
namespace {

bool needs_rule(const std::string& mode) {
  return mode.find('S') != std::string::npos || mode.find('A') != std::string::npos;
}

struct Options {
  std::string path;
  std::string format = "text";
  bool by_basis = false;
  bool allow_undeclared_basis = false;
};

int run_coverage(const Options& o) {
  const std::string& path = o.path;
  const std::string& format = o.format;
  dsl::SourceManager sm;
  auto rs = load_checked_ruleset(path, sm, "no coverage was computed");
  if (!rs) return kExitUsage;

  std::vector<std::size_t> tests_of(rs->rules.size(), 0);
  // Which verdicts each rule's tests expect: a rule needs a test on each side of its
  // requirement (a violation, or advice for an advice rule; a pass or not applicable), and an
  // unknown when it reads an optional field unguarded (its absence must give unknown).
  using dsl::model::Verdict;
  std::vector<std::set<Verdict>> expected(rs->rules.size());
  for (const auto& t : rs->tests)
    if (t.rule < tests_of.size()) {
      ++tests_of[t.rule];
      for (const auto& e : t.expectations) expected[t.rule].insert(e.verdict);
    }
  auto reads_optional = [](const dsl::model::Rule& r) {
    bool any = !r.require.optional_reads.empty();
    for (const auto* c : {r.when ? &*r.when : nullptr, r.deadline ? &*r.deadline : nullptr})
      if (c && !c->optional_reads.empty()) any = true;
    return any;
  };
  std::vector<std::string> shape_gaps;  // "rule: what its tests never expect"
  for (std::size_t i = 0; i < rs->rules.size(); ++i) {
    if (tests_of[i] == 0) continue;  // reported as a rule without a test
    const auto& ex = expected[i];
    std::vector<std::string> lacks;
    if (!ex.count(Verdict::violation) && !ex.count(Verdict::advice)) lacks.push_back("a violation");
    if (!ex.count(Verdict::pass) && !ex.count(Verdict::not_applicable)) lacks.push_back("a pass");
    if (reads_optional(rs->rules[i]) && !ex.count(Verdict::unknown)) lacks.push_back("an unknown (it reads an optional field)");
    if (lacks.empty()) continue;
    std::string what;
    for (const auto& l : lacks) what += (what.empty() ? "" : ", ") + l;
    shape_gaps.push_back(fmt::format("{}: no test expects {}", rs->rules[i].id, what));
  }
  std::map<std::string, std::vector<std::size_t>> rules_of;  // requirement id -> rule indices
  for (std::size_t i = 0; i < rs->rules.size(); ++i)
    for (const auto& req : rs->rules[i].requirements) rules_of[req].push_back(i);

  std::size_t missing_rules = 0, untested_rules = 0, encoded = 0, need = 0;
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  std::string text = fmt::format("{:<10} {:<5} {:<6} {:<44} {}\n", "requirement", "mode", "tests", "rules", "status");
  for (const auto& req : rs->catalogue) {
    const auto& rules = rules_of[req.id];
    std::size_t tests = 0;
    std::string names;
    for (std::size_t i : rules) {
      tests += tests_of[i];
      names += (names.empty() ? "" : ", ") + rs->rules[i].id;
    }
    std::string status = "ok";
    if (needs_rule(req.mode)) {
      ++need;
      if (rules.empty()) status = "NO RULE", ++missing_rules;
      else ++encoded;
    } else {
      status = req.mode == "-" ? "out of reach of record data" : "indicator (no rule needed)";
      if (!rules.empty()) status = "ok";
    }
    text += fmt::format("{:<10} {:<5} {:<6} {:<44} {}\n", req.id, req.mode, tests, names.empty() ? "-" : names, status);
    rows.push_back({{"requirement", req.id},
                    {"mode", req.mode},
                    {"title", req.title},
                    {"rules", nlohmann::ordered_json::array()},
                    {"tests", tests},
                    {"status", status}});
    for (std::size_t i : rules) rows.back()["rules"].push_back(rs->rules[i].id);
  }
  nlohmann::ordered_json untested = nlohmann::ordered_json::array();
  for (std::size_t i = 0; i < rs->rules.size(); ++i)
    if (tests_of[i] == 0) {
      ++untested_rules;
      untested.push_back(rs->rules[i].id);
      text += fmt::format("rule without a test: {}\n", rs->rules[i].id);
    }
  for (const auto& g : shape_gaps) text += "rule tests incomplete: " + g + "\n";
  text += fmt::format("{} of {} S/A requirements have a rule ({} without); {} rules, {} without a test\n", encoded, need,
                      missing_rules, rs->rules.size(), untested_rules);
  text += fmt::format("{} rules whose tests miss a violation, a pass or a needed unknown\n", shape_gaps.size());

  // Deadline bases: one line per rule, or the rules under each basis (--by-basis).
  using dsl::model::Basis;
  std::size_t undeclared = 0;
  nlohmann::ordered_json rule_rows = nlohmann::ordered_json::array();
  std::map<std::string, std::vector<std::size_t>> under;  // basis name -> rule indices
  std::vector<dsl::model::DeclaredBasis> bases;
  for (const auto& r : rs->rules) bases.push_back(dsl::model::declared_basis(*rs, r));
  std::string basis_text = fmt::format("{:<44} {:<16} {}\n", "rule", "basis", "declared by");
  for (std::size_t i = 0; i < rs->rules.size(); ++i) {
    const auto& r = rs->rules[i];
    const auto& b = bases[i];
    const std::string name = b.basis ? std::string(dsl::model::to_string(*b.basis)) : "undeclared";
    if (!b.basis) ++undeclared;
    under[name].push_back(i);
    basis_text += fmt::format("{:<44} {:<16} {}\n", r.id, b.basis ? name : "UNDECLARED", b.basis ? b.from : "-");
    nlohmann::ordered_json reqs = r.requirements;
    rule_rows.push_back({{"id", r.id},
                         {"title", r.title_zh},
                         {"severity", std::string(dsl::model::to_string(r.severity))},
                         {"requirements", std::move(reqs)},
                         {"basis", b.basis ? nlohmann::ordered_json(name) : nlohmann::ordered_json(nullptr)},
                         {"basis_from", b.from},
                         {"tests", tests_of[i]}});
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
      by_basis[name].push_back(rs->rules[i].id);
      grouped += fmt::format("  {:<44} {}\n", rs->rules[i].id, rs->rules[i].title_zh);
    }
  }
  const std::string basis_summary =
      fmt::format("{} of {} rules declare their deadline basis ({} undeclared{})\n", rs->rules.size() - undeclared,
                  rs->rules.size(), undeclared, undeclared && o.allow_undeclared_basis ? ", allowed by --allow-undeclared-basis" : "");
  if (o.by_basis) text = grouped + basis_summary;
  else text += basis_text + basis_summary;
  if (format == "json") {
    nlohmann::ordered_json doc{{"ruleset", rs->id},
                               {"requirements", std::move(rows)},
                               {"rules_without_tests", std::move(untested)},
                               {"summary",
                                {{"requirements_needing_rules", need},
                                 {"encoded", encoded},
                                 {"without_rule", missing_rules},
                                 {"rules", rs->rules.size()},
                                 {"rules_without_tests", untested_rules},
                                 {"rules_with_incomplete_tests", shape_gaps.size()},
                                 {"rules_with_undeclared_basis", undeclared}}},
                               {"incomplete_tests", shape_gaps},
                               {"rules", std::move(rule_rows)},
                               {"by_basis", std::move(by_basis)}};
    text = doc.dump(2) + "\n";
  }
  std::fputs(text.c_str(), stdout);
  const bool basis_gap = undeclared && !o.allow_undeclared_basis;
  return missing_rules || untested_rules || !shape_gaps.empty() || basis_gap ? kExitFindings : kExitOk;
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
