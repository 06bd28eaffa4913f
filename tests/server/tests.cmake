# Server tests (tests/server/*_test.py): each starts `ecoaudit serve` on a free port against a
# temporary store (tests/server/harness.py) and talks HTTP to it. CTest names server.<name>.
file(GLOB _server_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*_test.py)
foreach(_t ${_server_tests})
  get_filename_component(_name ${_t} NAME_WE)
  string(REGEX REPLACE "_test$" "" _name ${_name})
  add_test(NAME server.${_name} COMMAND python3 ${_t} $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR})
  set_tests_properties(server.${_name} PROPERTIES TIMEOUT 300 ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endforeach()
# The same workbench in a real browser (Selenium + chromium-driver).
include(${CMAKE_CURRENT_LIST_DIR}/browser/tests.cmake)
