// `ecoaudit test PATH [--rule ID] [--today DATE] [--verbose-pass]`: runs the rule tests
// written in a ruleset. Prints each failure with the expected and actual verdict and the
// evidence, then `N passed, M failed`; exit 1 on any failure, 2 when the ruleset does not check.
// The run is app::run_rule_tests (app/rule_tests.hpp): this file parses the flags and prints.
#include <cstdio>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "app/rule_tests.hpp"
#include "cli/command.hpp"
#include "cli/finding_text.hpp"
#include "cli/report_output.hpp"
#include "reports/report.hpp"

namespace eco::cli {
namespace {

using dsl::model::to_string;

int run_tests(const std::string& path, const std::string& rule, const std::string& today_text, bool show_pass) {
  app::RuleTestRequest request{path, dsl::today(), rule};
  if (!today_text.empty()) {
    auto d = dsl::parse_date(today_text);
    if (!d) {
      std::fprintf(stderr, "ecoaudit test: --today wants YYYY-MM-DD, got '%s'\n", today_text.c_str());
      return kExitUsage;
    }
    request.today = *d;
  }
  const app::RuleTestOutcome outcome = app::run_rule_tests(request);
  switch (outcome.status) {
    case app::RunStatus::done:
      break;
    case app::RunStatus::ruleset_errors:
      std::fputs(outcome.errors.c_str(), stderr);
      std::fprintf(stderr, "ecoaudit test: %s does not check; no test was run\n", path.c_str());
      return kExitUsage;
    default:
      print_messages("test", outcome.errors);
      return kExitUsage;
  }
  std::string out;
  for (const auto& t : outcome.tests) {
    if (t.passed) {
      if (show_pass) out += fmt::format("PASS {} \"{}\"\n", t.rule, reports::printable(t.name));
      continue;
    }
    out += fmt::format("FAIL {} \"{}\" ({})\n", t.rule, reports::printable(t.name), t.location);
    if (t.expectations.empty()) out += "    the test expects nothing\n";
    for (const auto& e : t.expectations) {
      if (e.ok()) continue;
      if (!e.actual) {
        out += fmt::format("    {}: expected {}, but no subject with that key was evaluated\n", reports::printable(e.subject_key),
                           to_string(e.expected));
        continue;
      }
      if (*e.actual != e.expected)
        out += fmt::format("    {}: expected {}, got {}\n", reports::printable(e.subject_key), to_string(e.expected), to_string(*e.actual));
      for (const auto& c : e.failed_checks)
        out += fmt::format("    {}: the message should {} \"{}\"\n", reports::printable(e.subject_key),
                           c.contains ? "contain" : "lack", reports::printable(c.text));
      if (e.finding) out += finding_details(*e.finding, "      ");
    }
  }
  out += fmt::format("{} passed, {} failed\n", outcome.passed, outcome.failed);
  std::fputs(out.c_str(), stdout);
  return outcome.failed ? kExitFindings : kExitOk;
}

std::function<int()> setup_test(CLI::App& sub) {
  auto path = std::make_shared<std::string>();
  auto rule = std::make_shared<std::string>();
  auto today = std::make_shared<std::string>();
  auto show = std::make_shared<bool>(false);
  sub.add_option("PATH", *path, "Ruleset folder (holding ruleset.rules) or a .rules file")->required();
  sub.add_option("--rule", *rule, "Run only the tests of this rule");
  sub.add_option("--today", *today, "as_of for tests that set none (default: today)");
  sub.add_flag("--list", *show, "Also list the tests that pass");
  return [=] { return run_tests(*path, *rule, *today, *show); };
}

}  // namespace

ECOAUDIT_COMMAND("test", "Run the rule tests written in a ruleset; ends with 'N passed, M failed'", setup_test);

}  // namespace eco::cli
