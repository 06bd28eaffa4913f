# Reports of the demo data and of hand-made hostile data (report_fixture): their golden files
# and options are end-to-end cases (tests/e2e/cases/reports, CTests e2e.reports.*); here, the
# HTML reports in a real browser (Debian's chromium, headless), which no golden file can judge.
if(TARGET reports)
  add_executable(report_fixture ${CMAKE_CURRENT_LIST_DIR}/report_fixture.cpp)
  target_link_libraries(report_fixture PRIVATE reports)
  eco_expose(report_fixture PRIVATE tests/reports)
endif()
if(TARGET ecoaudit AND TARGET report_fixture)
  add_test(NAME reports.browser
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/browser_test.sh $<TARGET_FILE:ecoaudit> $<TARGET_FILE:report_fixture>
            ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/reports-browser)
  # Exit 77: chromium is not installed (ECOAUDIT_WITH_BROWSER=0); reported as skipped.
  set_tests_properties(reports.browser PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 900)
endif()
