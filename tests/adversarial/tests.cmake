# The standing adversarial suite (tests/adversarial/README.md): one CTest per case file. A
# fixture builds the demo store once; each case copies it.
if(TARGET ecoaudit)
  set(_adv_work ${CMAKE_CURRENT_BINARY_DIR}/adversarial)
  add_test(NAME adversarial.setup
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_case.sh --setup $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR} ${_adv_work})
  set_tests_properties(adversarial.setup PROPERTIES FIXTURES_SETUP adversarial_store)
  file(GLOB_RECURSE _adv_cases CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*.case)
  foreach(_case ${_adv_cases})
    file(RELATIVE_PATH _rel ${CMAKE_CURRENT_LIST_DIR} ${_case})
    string(REGEX REPLACE "\\.case$" "" _rel ${_rel})
    string(REPLACE "/" "." _name ${_rel})
    add_test(NAME adversarial.${_name}
      COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run_case.sh ${_case} $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR} ${_adv_work})
    set_tests_properties(adversarial.${_name} PROPERTIES FIXTURES_REQUIRED adversarial_store SKIP_RETURN_CODE 77)
  endforeach()
  # The kill loop (kill_test.sh): kill -9 inside and around every kind of write.
  add_test(NAME adversarial.kill
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/kill_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR} ${_adv_work}/kill)
  set_tests_properties(adversarial.kill PROPERTIES TIMEOUT 300)
endif()
