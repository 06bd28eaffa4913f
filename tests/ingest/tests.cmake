# The schema-only ruleset of the end-to-end case tests/e2e/cases/ingest/jinzhong (`ecoaudit
# init / import / batches` on the Jinzhong schema and the demo data) is assembled in the build
# tree: its ruleset.rules (fixtures/jinzhong_schema) beside a copy of rulesets/jinzhong/schema, because an include may not
# leave its ruleset's folder (P012). configure_file re-copies a schema file when it changes.
set(_ingest_rs ${CMAKE_CURRENT_BINARY_DIR}/jinzhong_schema)
configure_file(${CMAKE_CURRENT_LIST_DIR}/fixtures/jinzhong_schema/ruleset.rules ${_ingest_rs}/ruleset.rules COPYONLY)
file(GLOB _ingest_schema CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/rulesets/jinzhong/schema/*.rules)
foreach(_f ${_ingest_schema})
  get_filename_component(_n ${_f} NAME)
  configure_file(${_f} ${_ingest_rs}/schema/${_n} COPYONLY)
endforeach()
