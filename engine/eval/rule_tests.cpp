#include "engine/eval/rule_tests.hpp"

#include "engine/eval/evaluator.hpp"
#include "engine/snapshot/snapshot.hpp"

namespace eco::engine {

namespace {

bool check_holds(const dsl::model::MessageCheck& c, const Finding& f) {
  const bool found = f.message_zh.find(c.text) != std::string::npos || f.message_en.find(c.text) != std::string::npos;
  return found == c.contains;
}

}  // namespace

bool RuleTestResult::passed() const {
  if (expectations.empty()) return false;
  for (const auto& e : expectations)
    if (!e.ok()) return false;
  return true;
}

std::vector<RuleTestResult> run_rule_tests(const dsl::model::Ruleset& ruleset, dsl::Date today,
                                           const std::string& only_rule) {
  // One compiled ruleset serves every test: tests differ in data and date, not in rules.
  CompiledRuleset compiled(ruleset);
  std::vector<RuleTestResult> results;
  for (const auto& test : ruleset.tests) {
    if (test.rule >= ruleset.rules.size()) continue;
    const auto& rule = ruleset.rules[test.rule];
    if (!only_rule.empty() && rule.id != only_rule) continue;

    SnapshotBuilder builder(ruleset.schema);
    std::uint32_t file = builder.file_index("test \"" + test.name + "\"");
    std::uint32_t line = 0;
    for (const auto& given : test.given) {
      std::vector<std::optional<dsl::cel::Value>> values(ruleset.schema.records[given.record].fields.size());
      for (const auto& [field, expr] : given.fields) values[field] = evaluate_constant(expr);
      builder.add_row(given.record, values, Provenance{0, file, ++line});
    }
    Snapshot snap = builder.finish();

    EvalOptions opt;
    opt.as_of = test.as_of.value_or(today);
    opt.keep_all = true;
    opt.evidence = true;
    opt.rules = {rule.id};
    opt.threads = 1;

    RuleTestResult r;
    r.test = &test;
    r.findings = compiled.evaluate(snap, opt);
    for (const auto& exp : test.expectations) {
      ExpectationResult er;
      er.subject_key = exp.subject_key;
      er.expected = exp.verdict;
      for (const auto& f : r.findings)
        if (f.subject_key == exp.subject_key) {
          er.actual = f.verdict;
          for (const auto& c : exp.message_checks)
            if (!check_holds(c, f)) er.failed_checks.push_back(c);
          break;
        }
      r.expectations.push_back(std::move(er));
    }
    // A failed expectation is shown with its evaluation trace: evaluate its subject again.
    for (const auto& er : r.expectations) {
      if (er.ok()) continue;
      EvalOptions traced = opt;
      traced.trace_subject = er.subject_key;
      for (auto& t : compiled.evaluate(snap, traced))
        if (t.subject_key == er.subject_key)
          for (auto& f : r.findings)
            if (f.subject_key == er.subject_key && f.rule == t.rule) f.trace = std::move(t.trace);
    }
    // Pointers into findings are set last: the vector no longer moves.
    for (auto& er : r.expectations)
      for (const auto& f : r.findings)
        if (f.subject_key == er.subject_key) {
          er.finding = &f;
          break;
        }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace eco::engine
