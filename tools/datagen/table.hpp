#pragma once
// One CSV output file per record type, written through a large buffer. Columns are named
// at compile time (`col(k_enterprise, "county")` fails to compile on a typo), so the hot
// loop never looks a column up by name.
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace eco::datagen {

// Index of column `f` in `cols`; a compile-time error when it is not there.
template <std::size_t N>
consteval std::size_t col(const std::string_view (&cols)[N], std::string_view f) {
  for (std::size_t i = 0; i < N; ++i)
    if (cols[i] == f) return i;
  throw "unknown column";  // not a constant expression: makes the call ill-formed
}

// Days since 1970-01-01 <-> civil dates (proleptic Gregorian).
int days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(int z, int& y, unsigned& m, unsigned& d);
// "YYYY-MM-DD" of a day number.
std::string date_str(int days);

// A CSV file being written: the current row's cells, reused from row to row.
class Table {
 public:
  Table(std::string_view name, std::span<const std::string_view> cols);
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  ~Table();

  // Opens DIR/<name>.csv and writes the header. Throws std::runtime_error on failure.
  void open(const std::filesystem::path& dir);
  // Clears every cell of the current row (missing values).
  void begin();
  // Cell `i` of the current row.
  std::string& operator[](std::size_t i) { return cells_[i]; }
  void set(std::size_t i, std::string_view v) { cells_[i].assign(v); }
  void set_int(std::size_t i, long long v);
  void set_double(std::size_t i, double v, int decimals);
  void set_bool(std::size_t i, bool v) { cells_[i].assign(v ? "true" : "false"); }
  void set_date(std::size_t i, int days);
  // Writes the current row.
  void end();
  // Flushes and closes; throws on a write error.
  void close();

  std::string_view name() const { return name_; }
  std::size_t rows() const { return rows_; }

 private:
  void put(std::string_view s);
  void flush();

  std::string name_;
  std::span<const std::string_view> cols_;
  std::vector<std::string> cells_;
  std::string buf_;
  std::FILE* file_ = nullptr;
  std::size_t rows_ = 0;
};

}  // namespace eco::datagen
