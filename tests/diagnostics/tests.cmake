# Golden diagnostics: every tests/diagnostics/<group>/<NAME>.rules is a case whose full
# `ecoaudit check` output is pinned in <NAME>.err beside it (files in deeper folders, and
# schema.rules here, are included by cases, not cases themselves). One CTest per case:
#   ctest -R '^diagnostics\.'                 run them
#   ECOAUDIT_UPDATE_GOLDENS=1 ctest -R '^diagnostics\.'   rewrite the .err files (review the git diff!)
file(GLOB _diag_cases CONFIGURE_DEPENDS ${CMAKE_CURRENT_LIST_DIR}/*/*.rules)
foreach(_case ${_diag_cases})
  file(RELATIVE_PATH _rel ${PROJECT_SOURCE_DIR} ${_case})
  get_filename_component(_name ${_case} NAME_WE)
  get_filename_component(_dir ${_case} DIRECTORY)
  get_filename_component(_group ${_dir} NAME)
  add_test(NAME diagnostics.${_group}.${_name}
           COMMAND ${CMAKE_COMMAND} -DECOAUDIT=$<TARGET_FILE:ecoaudit> -DSOURCE_DIR=${PROJECT_SOURCE_DIR}
                   -DCASE=${_rel} -P ${CMAKE_CURRENT_LIST_DIR}/run_case.cmake)
endforeach()
