# `ecoaudit template`: the data-entry workbook of the Jinzhong schema read back with python3's
# zipfile (sheets, headers, required marks, drop-down lists, date formats, comments) and the
# command's errors.
if(TARGET ecoaudit)
  add_test(NAME template.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/template-cli)
endif()
