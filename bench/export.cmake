# export_bench: rows/s and peak memory of `export` (CSV or XLSX) of an existing store.
# Run: export_bench --db STORE --ruleset DIR [--format csv|xlsx] [--runs N]
add_executable(export_bench ${CMAKE_CURRENT_LIST_DIR}/export_bench.cpp)
target_link_libraries(export_bench PRIVATE ecoaudit_app engine_export engine_store)
