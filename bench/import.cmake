# import_bench: rows/s and peak memory of `import` on generated CSVs (enterprises with
# facilities and transport entries). Run: import_bench --enterprises 1000000 [--dir DIR]
add_executable(import_bench ${CMAKE_CURRENT_LIST_DIR}/import_bench.cpp)
target_link_libraries(import_bench PRIVATE engine dsl SQLiteCpp spdlog::spdlog)
eco_expose(import_bench PRIVATE bench)  # bench/bench_store.hpp
