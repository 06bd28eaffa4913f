# hj212_bench: messages/s of `import-monitoring` (HJ 212-2017) on a generated file.
# Run: hj212_bench --messages 1000000
add_executable(hj212_bench ${CMAKE_CURRENT_LIST_DIR}/hj212_bench.cpp)
target_link_libraries(hj212_bench PRIVATE engine dsl SQLiteCpp spdlog::spdlog)
eco_expose(hj212_bench PRIVATE bench)  # bench/bench_store.hpp
