# Rule tests: the shipped rulesets check clean and pass their own tests (`ecoaudit test`), and
# a wrong expectation fails the run.
if(TARGET ecoaudit)
  add_test(NAME rules.tests
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR})
endif()
