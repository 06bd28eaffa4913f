# Excel import end to end: the template `ecoaudit template` writes, filled in with the Jinzhong
# demo data (libxlsxwriter: numbers, dates, booleans, enum labels, text), imports to the same
# store as the demo CSVs (every record table compared row by row).
if(TARGET ecoaudit)
  add_executable(workbook_roundtrip ${CMAKE_CURRENT_LIST_DIR}/roundtrip.cpp)
  target_link_libraries(workbook_roundtrip PRIVATE ecoaudit_app engine SQLiteCpp fmt::fmt PkgConfig::XLSXWRITER)
  add_test(NAME workbook.roundtrip
    COMMAND workbook_roundtrip $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}/rulesets/jinzhong
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong/demo ${CMAKE_CURRENT_BINARY_DIR}/workbook-roundtrip)
endif()
