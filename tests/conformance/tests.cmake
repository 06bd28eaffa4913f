# CEL conformance: the cel-spec suite (tests/conformance/data, converted from the npm package
# @bufbuild/cel-spec by scripts/cel-spec-convert.js) run through EcoAudit's parser and evaluator.
# The test fails when any case not listed in skip.txt fails, or when the pass rate of the
# evaluated cases drops below 95%.
add_executable(cel_conformance ${CMAKE_CURRENT_LIST_DIR}/runner.cpp)
target_link_libraries(cel_conformance PRIVATE dsl nlohmann_json::nlohmann_json fmt::fmt)
add_test(NAME cel_conformance
  COMMAND cel_conformance --data ${CMAKE_CURRENT_LIST_DIR}/data --skip ${CMAKE_CURRENT_LIST_DIR}/skip.txt
          --min-rate 95 --strict)
