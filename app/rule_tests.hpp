#pragma once
// The rule-test run: the tests written inside a ruleset (`test RULE "name" { ... }`), each
// evaluated on its own `given` records, every `expect VERDICT on KEY` compared with the
// verdict found and its `message contains|lacks` checks with the finding's messages. Touches no store.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/run.hpp"
#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"

namespace eco::app {

struct RuleTestRequest {
  std::filesystem::path ruleset;  // a folder holding ruleset.rules, or one .rules file
  dsl::Date today{};              // the as_of of tests that set none
  std::string rule;               // only the tests of this rule (bad_request when not in the ruleset); "": all
};

struct RuleTestExpectation {
  std::string subject_key;
  dsl::model::Verdict expected = dsl::model::Verdict::pass;
  std::optional<dsl::model::Verdict> actual;  // nullopt: no subject with that key was evaluated
  std::optional<engine::Finding> finding;     // the finding behind `actual` (failed expectations only)
  std::vector<dsl::model::MessageCheck> failed_checks;  // `message contains|lacks` checks that failed
  bool ok() const { return actual && *actual == expected && failed_checks.empty(); }
};

struct RuleTestCase {
  std::string rule, name;
  std::string location;  // "file:line" of the test
  bool passed = false;
  std::vector<RuleTestExpectation> expectations;  // every one, in the test's order
};

// status and errors (RunResult): done (failed tests included: see `failed`); ruleset_errors;
// bad_request (no such rule).
struct RuleTestOutcome : RunResult {
  std::vector<RuleTestCase> tests;  // in the ruleset's order
  std::size_t passed = 0, failed = 0;
};

RuleTestOutcome run_rule_tests(const RuleTestRequest& request);

}  // namespace eco::app
