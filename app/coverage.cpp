#include "app/coverage.hpp"

#include <map>
#include <set>

#include "app/ruleset.hpp"

namespace eco::app {

namespace {

using dsl::model::Verdict;

bool needs_rule(const std::string& mode) {
  return mode.find('S') != std::string::npos || mode.find('A') != std::string::npos;
}

bool reads_optional(const dsl::model::Rule& r) {
  bool any = !r.require.optional_reads.empty();
  for (const auto* c : {r.when ? &*r.when : nullptr, r.deadline ? &*r.deadline : nullptr})
    if (c && !c->optional_reads.empty()) any = true;
  return any;
}

}  // namespace

CoverageOutcome run_coverage(const CoverageRequest& request) {
  CoverageOutcome out;
  dsl::SourceManager sm;
  const auto rs = ruleset_for_run(request.ruleset, sm, out);
  if (!rs) return out;
  out.ruleset = rs->id;
  // Which verdicts each rule's tests expect: a rule needs a test on each side of its
  // requirement (a violation, or advice for an advice rule; a pass or not applicable), and an
  // unknown when it reads an optional field unguarded (its absence must give unknown).
  std::vector<std::set<Verdict>> expected(rs->rules.size());
  for (const auto& r : rs->rules) {
    CoverageRule c;
    c.id = r.id;
    c.title_zh = r.title_zh;
    c.severity = r.severity;
    c.requirements = r.requirements;
    c.basis = dsl::model::declared_basis(*rs, r);
    out.rules.push_back(std::move(c));
  }
  for (const auto& t : rs->tests)
    if (t.rule < out.rules.size()) {
      ++out.rules[t.rule].tests;
      for (const auto& e : t.expectations) expected[t.rule].insert(e.verdict);
    }
  for (std::size_t i = 0; i < out.rules.size(); ++i) {
    auto& c = out.rules[i];
    if (!c.basis.basis) ++out.undeclared;
    if (c.tests == 0) {  // reported as a rule without a test
      ++out.untested;
      continue;
    }
    const auto& ex = expected[i];
    c.lacks_violation = !ex.count(Verdict::violation) && !ex.count(Verdict::advice);
    c.lacks_pass = !ex.count(Verdict::pass) && !ex.count(Verdict::not_applicable);
    c.lacks_unknown = reads_optional(rs->rules[i]) && !ex.count(Verdict::unknown);
    if (c.incomplete()) ++out.incomplete;
  }
  std::map<std::string, std::vector<std::size_t>> rules_of;  // requirement id -> rule indices
  for (std::size_t i = 0; i < rs->rules.size(); ++i)
    for (const auto& req : rs->rules[i].requirements) rules_of[req].push_back(i);
  for (const auto& req : rs->catalogue) {
    CoverageRequirement c{req.id, req.mode, req.title, {}, 0, needs_rule(req.mode), CoverageRequirement::Status::ok};
    for (std::size_t i : rules_of[req.id]) {
      c.tests += out.rules[i].tests;
      c.rules.push_back(rs->rules[i].id);
    }
    if (c.needs_rule) {
      ++out.need;
      if (c.rules.empty()) c.status = CoverageRequirement::Status::no_rule, ++out.without_rule;
      else ++out.encoded;
    } else if (c.rules.empty()) {
      c.status = req.mode == "-" ? CoverageRequirement::Status::out_of_reach : CoverageRequirement::Status::indicator;
    }
    out.requirements.push_back(std::move(c));
  }
  return out;
}

}  // namespace eco::app
