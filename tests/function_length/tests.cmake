# No function of the engine longer than 150 lines (tests/function_length/function_length.py,
# with Universal Ctags); it prints the longest. The self test checks that the check can fail.
add_test(NAME function_length.engine
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/function_length.py check ${PROJECT_SOURCE_DIR})
add_test(NAME function_length.self_test
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/function_length.py self-test)
