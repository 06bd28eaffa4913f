# `ecoaudit backup`: a copy of the demo store taken while a reader holds a read transaction
# opens, holds the same rows, and sweeps to the same findings; the command's errors.
if(TARGET ecoaudit)
  add_test(NAME backup.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/backup-cli)
endif()
