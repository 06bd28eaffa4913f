# Rule tests: the shipped rulesets check clean and pass their own tests, a wrong expectation
# fails the run, coverage and deadline bases: the end-to-end cases tests/e2e/cases/rules
# (CTests e2e.rules.*), which also hold the check of scripts/basis_lists.py.

# Every citation of the Jinzhong ruleset quotes words that are in the plan (rulesets/jinzhong/plan).
add_test(NAME rules.citations
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/citations_test.py ${PROJECT_SOURCE_DIR}/rulesets/jinzhong
          ${PROJECT_SOURCE_DIR}/rulesets/jinzhong/plan/plan.txt)
# Nothing numeric is written inside a Jinzhong rule: numbers and dates are named parameters.
add_test(NAME rules.constants
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/constants_test.py ${PROJECT_SOURCE_DIR}/rulesets/jinzhong)
# Every rule whose deadline is a grace period or a plan date has tests tagged `# boundary:` on the
# day before, on and after it, each claim checked against the dates written in the test (issue 12).
if(TARGET ecoaudit)
  add_test(NAME rules.boundary
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/boundary_test.py $<TARGET_FILE:ecoaudit>
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong)
endif()
