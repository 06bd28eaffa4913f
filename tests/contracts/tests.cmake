# Issue 13 item 1: the engine knows the records it needs by their declared roles only.
#   contracts.e2e      a ruleset with other names for the owner, screened and waiver records,
#                      end to end (contracts_test.sh)
#   contracts.names    no record or field name of the Jinzhong schema is a string literal in the
#                      C++ of engine/, reports/, app/, server/ or cli/ (names_test.py; its self test too)
if(TARGET ecoaudit)
  add_test(NAME contracts.e2e
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/contracts_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/contracts-e2e)
endif()
add_test(NAME contracts.names
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/names_test.py check ${PROJECT_SOURCE_DIR})
add_test(NAME contracts.names_self_test
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/names_test.py self-test)
