#pragma once
// Streaming CSV reading on libcsv (RFC 4180: quoted fields, embedded commas, quotes and
// newlines, CRLF or LF), strict about malformed quoting, with the line each row starts on.
// A leading byte-order mark is skipped. Unquoted fields are trimmed of spaces and tabs.
// Memory is bounded by the longest row, which is itself capped (kMaxFieldBytes).
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct csv_parser;

namespace eco::engine::ingest {

class CsvParser {
 public:
  // Called once per row (exceptions it throws come out of feed()/finish()) with the 1-based line the row starts on and its fields (views valid
  // during the call only). Blank lines are skipped.
  using RowFn = std::function<void(std::uint32_t line, std::span<const std::string_view> fields)>;

  static constexpr std::size_t kMaxFieldBytes = 1 << 20;
  static constexpr std::size_t kMaxFields = 4096;

  explicit CsvParser(RowFn on_row);
  ~CsvParser();
  CsvParser(const CsvParser&) = delete;
  CsvParser& operator=(const CsvParser&) = delete;

  // Parses the next piece of UTF-8 text (pieces may split rows and characters anywhere).
  // Returns false once the input is malformed; error(), error_line() and error_column() say
  // where. Nothing more is parsed after an error.
  bool feed(std::string_view text);
  // Ends the input: flushes a last row without a line end; false when the input ends inside
  // a quoted field (a truncated file).
  bool finish();

  const std::string& error() const { return error_; }
  std::uint32_t error_line() const { return error_line_; }
  std::uint32_t error_column() const { return error_column_; }
  std::uint64_t rows() const { return rows_; }

 private:
  static void on_field(void* data, std::size_t len, void* self);
  static void on_row_end(int c, void* self);
  bool feed_line(std::string_view segment);
  bool feed_lines(std::string_view text);
  bool fail(std::string message, std::uint32_t line, std::uint32_t column);

  csv_parser* p_;
  RowFn on_row_;
  std::vector<std::string> fields_;
  std::vector<std::string_view> views_;
  std::size_t n_ = 0;
  std::uint32_t line_ = 1;         // line of the text being fed
  std::uint32_t row_line_ = 1;     // line the current row started on
  std::uint64_t rows_ = 0;
  bool started_ = false;           // BOM check done
  bool failed_ = false;
  std::exception_ptr pending_;   // thrown by on_row_ inside libcsv, rethrown by feed()
  std::string bom_buf_;
  std::string error_;
  std::uint32_t error_line_ = 0, error_column_ = 0;
};

}  // namespace eco::engine::ingest
