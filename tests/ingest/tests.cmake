# End-to-end runs of `ecoaudit init / import / batches` on the Jinzhong ruleset and demo data:
# exit codes, messages, idempotence, and that a rejected import leaves the store unchanged.
if(TARGET ecoaudit)
  add_test(NAME ingest.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit>
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong ${CMAKE_CURRENT_LIST_DIR}/fixtures)
endif()
