# End-to-end cases (tests/e2e/README.md): every tests/e2e/cases/<group>/<name>/case.toml is one
# CTest, e2e.<group>.<name>, run by tests/e2e/run_case.py against the built ecoaudit:
#   ctest -R '^e2e\.'                                  run them
#   ECOAUDIT_UPDATE_GOLDENS=1 ctest -R '^e2e\.'        rewrite their golden files (review the diff!)
if(TARGET ecoaudit)
  set(_e2e_vars "")
  if(TARGET reports)  # report_fixture (tests/reports/tests.cmake): hand-made hostile reports
    list(APPEND _e2e_vars --var report_fixture=$<TARGET_FILE:report_fixture>)
  endif()
  file(GLOB _e2e_cases CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/cases/*/*/case.toml)
  foreach(_case ${_e2e_cases})
    get_filename_component(_dir ${_case} DIRECTORY)
    get_filename_component(_name ${_dir} NAME)
    get_filename_component(_group_dir ${_dir} DIRECTORY)
    get_filename_component(_group ${_group_dir} NAME)
    add_test(NAME e2e.${_group}.${_name}
      COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/run_case.py ${_dir} --ecoaudit $<TARGET_FILE:ecoaudit>
              --src ${PROJECT_SOURCE_DIR} --build ${PROJECT_BINARY_DIR} --work ${CMAKE_CURRENT_BINARY_DIR}/e2e ${_e2e_vars})
    # Exit 77: the machine lacks what the case `requires` (e.g. /dev/full); reported as skipped.
    set_tests_properties(e2e.${_group}.${_name} PROPERTIES SKIP_RETURN_CODE 77)
  endforeach()
endif()
# The harness can fail: planted cases (tests/e2e/self_test) that break at a known step.
add_test(NAME e2e.harness_self_test
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/self_test.py ${CMAKE_CURRENT_BINARY_DIR}/e2e-self-test)
