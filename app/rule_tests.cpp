#include "app/rule_tests.hpp"

#include <fmt/format.h>

#include "app/ruleset.hpp"
#include "engine/eval/rule_tests.hpp"

namespace eco::app {

namespace {

std::string where(const dsl::SourceManager& sm, dsl::SourceRange r) {
  if (r.source >= sm.size()) return "?";
  const auto& f = sm.file(r.source);
  auto lc = f.line_col(r.begin);
  return fmt::format("{}:{}", f.path(), lc.line);
}

}  // namespace

RuleTestOutcome run_rule_tests(const RuleTestRequest& request) {
  RuleTestOutcome out;
  dsl::SourceManager sm;
  const auto rs = ruleset_for_run(request.ruleset, sm, out);
  if (!rs) return out;
  if (!request.rule.empty() && !rs->find_rule(request.rule)) {
    out.fail(RunStatus::bad_request, "no rule '" + request.rule + "' in " + request.ruleset.string());
    return out;
  }
  for (const auto& r : engine::run_rule_tests(*rs, request.today, request.rule)) {
    const auto& t = *r.test;
    RuleTestCase c;
    c.rule = rs->rules[t.rule].id;
    c.name = t.name;
    c.location = where(sm, t.range);
    c.passed = r.passed();
    for (const auto& e : r.expectations) {
      RuleTestExpectation x{e.subject_key, e.expected, e.actual, std::nullopt, e.failed_checks};
      if (!e.ok() && e.finding) x.finding = *e.finding;
      c.expectations.push_back(std::move(x));
    }
    ++(c.passed ? out.passed : out.failed);
    out.tests.push_back(std::move(c));
  }
  return out;
}

}  // namespace eco::app
