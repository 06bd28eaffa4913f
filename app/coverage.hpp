#pragma once
// The coverage run: the table requirement → rules → tests of a ruleset, from its catalogue
// (requirements.txt), what each rule's tests miss, and each rule's deadline basis
// (model::declared_basis: its `basis` clause or its deadline parameter's). Touches no store.
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/run.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::app {

struct CoverageRequest {
  std::filesystem::path ruleset;  // a folder holding ruleset.rules (and requirements.txt)
};

// A requirement of the catalogue. Modes S and A need a rule; I (a plan-level indicator) and
// - (out of reach of record data) are listed but need none.
struct CoverageRequirement {
  enum class Status { ok, no_rule, indicator, out_of_reach };
  std::string id, mode, title;
  std::vector<std::string> rules;  // the rules naming it, in the ruleset's order
  std::size_t tests = 0;           // of those rules
  bool needs_rule = false;         // mode S or A
  Status status = Status::ok;      // ok as soon as a rule names it
};

struct CoverageRule {
  std::string id, title_zh;
  dsl::model::Severity severity = dsl::model::Severity::advice;
  std::vector<std::string> requirements;
  std::size_t tests = 0;
  // What its tests never expect (a rule with tests only): a violation (or advice), a pass
  // (or not_applicable), an unknown although it reads an optional field unguarded.
  bool lacks_violation = false, lacks_pass = false, lacks_unknown = false;
  dsl::model::DeclaredBasis basis;  // basis nullopt: undeclared

  bool incomplete() const { return lacks_violation || lacks_pass || lacks_unknown; }
};

// status and errors (RunResult): done or ruleset_errors.
struct CoverageOutcome : RunResult {
  std::string ruleset;  // its id
  std::vector<CoverageRequirement> requirements;  // the catalogue's order
  std::vector<CoverageRule> rules;                // the ruleset's order
  std::size_t need = 0;            // requirements of mode S or A
  std::size_t encoded = 0;         // of those, with a rule
  std::size_t without_rule = 0;    // of those, without
  std::size_t untested = 0;        // rules without a test
  std::size_t incomplete = 0;      // rules whose tests miss a side
  std::size_t undeclared = 0;      // rules whose deadline basis is undeclared

  // Everything covered: every S/A requirement has a rule, every rule tests on each side, and
  // (unless allowed) every rule declares its basis.
  bool covered(bool allow_undeclared_basis) const {
    return !without_rule && !untested && !incomplete && (allow_undeclared_basis || !undeclared);
  }
};

CoverageOutcome run_coverage(const CoverageRequest& request);

}  // namespace eco::app
