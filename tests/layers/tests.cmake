# Build-enforced layers (docs/architecture.md, cmake/layers.cmake). Each probe is a one-line
# source compiled with exactly the include directories of a layer target's own sources
# ($<TARGET_PROPERTY:target,INCLUDE_DIRECTORIES>, which carries what the target links). A probe
# across a forbidden edge passes only when the compiler says the header is not there; its twin
# across an allowed edge of the same target must compile, so that a failure is the layering's
# and not a broken probe. The probes are built on demand by the tests (EXCLUDE_FROM_ALL).
function(eco_layer_probe target allowed forbidden)
  foreach(_kind allowed forbidden)
    set(_header ${${_kind}})
    string(MAKE_C_IDENTIFIER "${target}_${_kind}_${_header}" _id)
    set(_src ${CMAKE_CURRENT_BINARY_DIR}/layer_probes/${_id}.cpp)
    file(CONFIGURE OUTPUT ${_src} CONTENT "#include \"${_header}\"\n")
    add_library(probe_${_id} OBJECT EXCLUDE_FROM_ALL ${_src})
    target_include_directories(probe_${_id} PRIVATE $<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>)
    set(_test "layers.${target}.${_kind}.${_header}")
    add_test(NAME ${_test}
      COMMAND ${CMAKE_COMMAND} --build ${PROJECT_BINARY_DIR} --target probe_${_id})
    # The probes run the build tool in the build tree: one at a time.
    set_tests_properties(${_test} PROPERTIES RESOURCE_LOCK build_tree)
    if(_kind STREQUAL "forbidden")
      set_tests_properties(${_test} PROPERTIES
        PASS_REGULAR_EXPRESSION "${_header}: No such file or directory")
    endif()
  endforeach()
endfunction()

# A probed target has sources (an interface target would be probed through a target that links
# it alone). engine_findings holds the catalog of the engine's words, which both the evaluator
# and the reports reach: it sees the rule language's model, never the engine above it.
#               target          allowed edge                    forbidden edge
eco_layer_probe(engine_findings dsl/model/ruleset.hpp           engine/eval/evaluator.hpp)
eco_layer_probe(reports         engine/findings/finding.hpp     engine/store/store.hpp)
eco_layer_probe(reports         reports/report.hpp              engine/eval/evaluator.hpp)
eco_layer_probe(reports         dsl/model/schema.hpp            dsl/check/check.hpp)
eco_layer_probe(dsl_parser      dsl/ast/expr.hpp                dsl/model/schema.hpp)
eco_layer_probe(dsl_cel         dsl/model/schema.hpp            dsl/check/check.hpp)
eco_layer_probe(dsl_check       dsl/parser/parse.hpp            engine/snapshot/snapshot.hpp)
eco_layer_probe(engine_store    dsl/model/schema.hpp            engine/eval/evaluator.hpp)
eco_layer_probe(engine_eval     engine/snapshot/snapshot.hpp    engine/ingest/import.hpp)
eco_layer_probe(engine_sweeps   engine/findings/finding.hpp     reports/report.hpp)
eco_layer_probe(ecoaudit_app    engine/eval/evaluator.hpp       cli/command.hpp)
eco_layer_probe(ecoaudit_server app/accounts.hpp                engine/eval/evaluator.hpp)
eco_layer_probe(ecoaudit_server server/http/router.hpp          cli/command.hpp)

# Includes are written from the repository root: a relative "../" include would walk around the
# layers, so none is allowed in the layered folders.
add_test(NAME layers.no_relative_includes
  COMMAND bash -c "! grep -rnE '#include +\"\\.\\.?/' dsl engine reports app server cli"
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
