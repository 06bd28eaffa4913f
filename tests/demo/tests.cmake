# The demo dataset's deliberate cases (rulesets/jinzhong/demo/README.md, written from the notes of
# tools/datagen/scenarios.cpp) get, in the demo's sweep as of 2026-11-28, the verdicts their notes
# state; a mismatch names the case.
if(TARGET ecoaudit)
  add_test(NAME demo.notes
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/check_notes.py $<TARGET_FILE:ecoaudit>
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong)
endif()
