# End-to-end runs of `ecoaudit screen` over a small fixture ruleset (decisions, documents to
# request, conditions, store lookups, --record, exit codes).
if(TARGET ecoaudit)
  add_test(NAME screen.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/screen-cli)
endif()
