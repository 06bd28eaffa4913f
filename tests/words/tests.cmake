# The engine's words (tests/words/cjk_literals.py): no Chinese in a string literal of engine/
# outside the input it parses (tests/words/allowed.txt); its words are in the catalog
# engine/findings/words.json (unit tests: tests/unit/engine/words_test.cpp). The self test
# checks that the check can fail.
add_test(NAME words.cjk_literals
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cjk_literals.py check ${PROJECT_SOURCE_DIR})
add_test(NAME words.self_test
  COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cjk_literals.py self-test)
