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
# Every schema field and record type of the Jinzhong ruleset is in the bureau's data contract
# (rulesets/jinzhong/plan/DATA.md) or announced in rulesets/jinzhong/DATA-ADDITIONS.md, and that
# file lists nothing the schema lacks (scripts/data_additions.py); the self-test shows that a
# field added to the schema, or a row left for a removed one, fails the check.
if(TARGET ecoaudit)
  add_test(NAME rules.data-additions
    COMMAND python3 ${PROJECT_SOURCE_DIR}/scripts/data_additions.py --eco $<TARGET_FILE:ecoaudit>
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong --check)
  add_test(NAME rules.data-additions-self-test
    COMMAND python3 ${PROJECT_SOURCE_DIR}/scripts/data_additions.py self-test $<TARGET_FILE:ecoaudit>
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong)
endif()
