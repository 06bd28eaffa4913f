# End-to-end runs of `ecoaudit import-monitoring` (HJ 212-2017) on the Jinzhong ruleset and demo
# data with a month of generated messages (tools/datagen/hj212_messages.py).
if(TARGET ecoaudit)
  add_test(NAME monitoring.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/monitoring_test.sh $<TARGET_FILE:ecoaudit>
            ${PROJECT_SOURCE_DIR}/rulesets/jinzhong ${PROJECT_SOURCE_DIR}/tools/datagen/hj212_messages.py)
endif()
