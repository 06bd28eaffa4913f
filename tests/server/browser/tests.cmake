# The workbench in a real browser (tests/server/browser/*_test.py, CTest server.browser.<name>,
# label `browser`): each starts `ecoaudit serve` on a free port against a temporary store
# (tests/server/harness.py) and drives Debian's Chromium headless through chromedriver and
# python3-selenium (webui.py). Screenshots go to the build folder, server-browser-shots/<name>/.
# The interpreter is Debian's /usr/bin/python3, where python3-selenium is installed (a pyenv or
# venv python3 first on PATH does not see it); exit 77 (skipped) when chromium, chromedriver or
# selenium is missing (ECOAUDIT_WITH_BROWSER=0 in scripts/install-deps.sh).
find_program(ECO_BROWSER_PYTHON NAMES python3 PATHS /usr/bin NO_DEFAULT_PATH)
if(NOT ECO_BROWSER_PYTHON)
  find_program(ECO_BROWSER_PYTHON NAMES python3)
endif()
file(GLOB _browser_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*_test.py)
foreach(_t ${_browser_tests})
  get_filename_component(_name ${_t} NAME_WE)
  string(REGEX REPLACE "_test$" "" _name ${_name})
  add_test(NAME server.browser.${_name}
    COMMAND ${ECO_BROWSER_PYTHON} ${_t} $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/server-browser-shots)
  set_tests_properties(server.browser.${_name} PROPERTIES LABELS browser TIMEOUT 600 SKIP_RETURN_CODE 77
    ENVIRONMENT "PYTHONDONTWRITEBYTECODE=1")
endforeach()
