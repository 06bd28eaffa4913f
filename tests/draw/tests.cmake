# End-to-end runs of `ecoaudit draw` on a small fixture (tests/draw/ruleset, tests/draw/data):
# the recorded draw, its published list, --verify after changes, the append-only table.
if(TARGET ecoaudit)
  add_test(NAME draw.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/draw-cli)
endif()
