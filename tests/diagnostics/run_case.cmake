# Runs one golden diagnostics case: `ecoaudit check CASE` from the repository root, compared
# byte for byte with CASE's .err file (the full rendered output). The exit code must be 1
# when the expected output holds an error, else 0.
#   cmake -DECOAUDIT=path/to/ecoaudit -DSOURCE_DIR=repo -DCASE=tests/diagnostics/g/x.rules -P run_case.cmake
# With the environment variable ECOAUDIT_UPDATE_GOLDENS=1 (the one variable that rewrites every
# golden file, tests/e2e/README.md; the older UPDATE_GOLDEN=1 still works) the .err file is
# (re)written instead.
cmake_minimum_required(VERSION 3.25)
set(update OFF)
foreach(var ECOAUDIT_UPDATE_GOLDENS UPDATE_GOLDEN)
  if(DEFINED ENV{${var}} AND NOT "$ENV{${var}}" STREQUAL "" AND NOT "$ENV{${var}}" STREQUAL "0")
    set(update ON)
  endif()
endforeach()
execute_process(COMMAND ${ECOAUDIT} check ${CASE}
                WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
set(actual "${out}${err}")
string(REGEX REPLACE "\\.rules$" ".err" golden "${SOURCE_DIR}/${CASE}")
if(update)
  file(WRITE "${golden}" "${actual}")
  message(STATUS "updated ${golden}")
  return()
endif()
if(NOT EXISTS "${golden}")
  message(FATAL_ERROR "no golden file ${golden}; run with ECOAUDIT_UPDATE_GOLDENS=1 to create it. Output was:\n${actual}")
endif()
file(READ "${golden}" expected)
if(NOT actual STREQUAL expected)
  string(MD5 tag "${CASE}")
  set(tmp "${CMAKE_CURRENT_BINARY_DIR}/golden-${tag}.actual")
  file(WRITE "${tmp}" "${actual}")
  execute_process(COMMAND diff -u "${golden}" "${tmp}" OUTPUT_VARIABLE d)
  message(FATAL_ERROR "output differs from ${golden} (ECOAUDIT_UPDATE_GOLDENS=1 rewrites it):\n${d}")
endif()
string(FIND "${expected}" "error[" has_error)
if(has_error GREATER -1)
  set(want 1)
else()
  set(want 0)
endif()
if(NOT rc EQUAL want)
  message(FATAL_ERROR "exit code ${rc}, expected ${want}")
endif()
