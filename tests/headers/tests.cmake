# Headers declare no namespace aliases and no using-directives (tests/headers/headers_test.py):
# what a header brings in enters every file that includes it. The self test checks that the
# check can fail.
add_test(NAME headers.namespaces
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/headers_test.py check ${PROJECT_SOURCE_DIR})
add_test(NAME headers.self_test
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/headers_test.py self-test)
