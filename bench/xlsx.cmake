# xlsx_bench: rows/s and peak memory of importing a generated workbook (libxlsxwriter) beside
# the same rows as CSV. Run: xlsx_bench --rows 100000 [--inline] [--dir DIR]
add_executable(xlsx_bench ${CMAKE_CURRENT_LIST_DIR}/xlsx_bench.cpp)
target_link_libraries(xlsx_bench PRIVATE engine dsl SQLiteCpp spdlog::spdlog PkgConfig::XLSXWRITER)
eco_expose(xlsx_bench PRIVATE bench)  # bench/bench_store.hpp
