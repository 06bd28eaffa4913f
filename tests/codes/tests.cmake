# Diagnostic codes (tests/codes/codes_test.py): a code is written once, as a named constant in
# dsl/common/codes.hpp or engine/ingest/codes.hpp, never as a literal in the C++ elsewhere.
add_test(NAME codes.literals
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/codes_test.py literals ${PROJECT_SOURCE_DIR})
add_test(NAME codes.self_test
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/codes_test.py self-test)
