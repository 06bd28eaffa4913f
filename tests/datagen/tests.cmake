# The demo data generator (tools/datagen): unit tests, and a check that the CSV headers it
# writes are exactly the field names of the Jinzhong schema (what the importer validates).
add_test(NAME datagen_tests COMMAND datagen_tests)
add_test(NAME datagen_schema_columns
         COMMAND ${CMAKE_COMMAND} -DGEN=$<TARGET_FILE:ecoaudit-datagen>
                 -DSCHEMA_DIR=${PROJECT_SOURCE_DIR}/rulesets/jinzhong/schema
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/datagen-schema-check
                 -P ${PROJECT_SOURCE_DIR}/tools/datagen/check_columns.cmake)
