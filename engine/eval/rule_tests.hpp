#pragma once
// Running the rule tests written inside a ruleset (`test RULE "name" { ... }`): each test's
// `given` records become a snapshot of their own, its rule is evaluated at the test's as_of
// date, and every `expect VERDICT on KEY` is compared with the verdict found; its `message
// contains|lacks "TEXT"` checks with the finding's messages (contains: in the Chinese or the
// English message; lacks: in neither).
#include <string>
#include <vector>

#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"

namespace eco::engine {

struct ExpectationResult {
  std::string subject_key;
  dsl::model::Verdict expected = dsl::model::Verdict::pass;
  std::optional<dsl::model::Verdict> actual;   // nullopt: no such subject was evaluated
  const Finding* finding = nullptr;             // the finding behind `actual`, for its evidence
  std::vector<dsl::model::MessageCheck> failed_checks;  // the message checks the finding fails
  bool ok() const { return actual && *actual == expected && failed_checks.empty(); }
};

struct RuleTestResult {
  const dsl::model::RuleTest* test = nullptr;
  std::vector<ExpectationResult> expectations;
  std::vector<Finding> findings;
  bool passed() const;
};

// Runs every test of the ruleset (or those of `only_rule` when not empty). `today` is the
// as_of of tests that do not set one.
std::vector<RuleTestResult> run_rule_tests(const dsl::model::Ruleset& ruleset, dsl::Date today,
                                           const std::string& only_rule = "");

}  // namespace eco::engine
