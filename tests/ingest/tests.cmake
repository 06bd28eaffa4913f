# End-to-end runs of `ecoaudit init / import / batches` on the Jinzhong schema and demo data:
# exit codes, messages, idempotence, and that a rejected import leaves the store unchanged.
if(TARGET ecoaudit)
  add_test(NAME ingest.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit>
            ${CMAKE_CURRENT_LIST_DIR}/fixtures/jinzhong_schema ${PROJECT_SOURCE_DIR}/rulesets/jinzhong/demo
            ${CMAKE_CURRENT_LIST_DIR}/fixtures)
endif()
