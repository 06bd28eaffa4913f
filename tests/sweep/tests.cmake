# End-to-end runs of `ecoaudit sweep` on the Jinzhong demo data (per-rule verdict counts against
# golden/demo_verdicts.tsv, rewritten by update_goldens.sh; JSON, evidence, history via
# --data-as-of, exit codes).
if(TARGET ecoaudit)
  add_test(NAME sweep.cli
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/sweep-cli)
endif()
# Killed sweeps: the kill loop of the adversarial suite (tests/adversarial/kill_test.sh,
# CTest adversarial.kill) kills recorded sweeps in every format, imports and screenings.
if(TARGET ecoaudit)
  add_test(NAME sweep.fixture
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/fixture_test.sh $<TARGET_FILE:ecoaudit> ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/sweep-fixture)
endif()
