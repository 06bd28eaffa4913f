# sweep_bench: EcoAudit as an engine of the shared sweep harness (../shared/bench); prints the
# harness's one JSON line. Run: sweep_bench DATA_DIR, or through bench/ecoaudit.sh.
add_executable(sweep_bench ${CMAKE_CURRENT_LIST_DIR}/sweep_bench.cpp)
target_link_libraries(sweep_bench PRIVATE reports engine dsl fmt::fmt CLI11::CLI11)
target_compile_definitions(sweep_bench PRIVATE ECOAUDIT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
