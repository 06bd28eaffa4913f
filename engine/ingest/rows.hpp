#pragma once
// Internal to the importer: the rows of one table of one record type, a CSV file or a sheet of
// a workbook. The first row given is the header (field names); each later row is converted
// field by field (convert_text), checked for its required fields and handed to a sink. The CSV
// and workbook readers both feed this one interface, so that they validate alike.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest/batch.hpp"

namespace eco::engine::ingest::detail {

class TableRows {
 public:
  // Receives each row that passed validation (values valid during the call) and its line.
  using Sink = std::function<void(const std::vector<Value>& vals, std::uint32_t line)>;

  // `columns` receives, per field of `r`, its 1-based column (0 = absent) once the header is
  // read. `sheet` is "" for a CSV file; for a workbook sheet it names the sheet, and errors are
  // placed at its cells ("企业!B7").
  TableRows(Batch& b, FileState& f, const dsl::model::RecordType& r, std::vector<std::uint32_t>& columns,
            std::string sheet, Sink sink);

  // One row, the header first: its 1-based line (CSV) or row (sheet) and its cells from column
  // 1 on. `problems`, when not empty, holds per cell why it cannot be a value ("" when it can):
  // that is reported as the cell's error instead of converting its text (the workbook reader's
  // checks of a cell's type against the field's).
  void row(std::uint32_t line, std::span<const std::string_view> cells, std::span<const std::string> problems = {});

  // Marks the header as unusable for a reason reported by the caller: no row is validated.
  void reject_header() { header_bad_ = true; }
  bool header_read() const { return header_done_; }
  bool header_ok() const { return header_done_ && !header_bad_; }
  // After the header: the field a 1-based column holds, or -1.
  int field_at(std::uint32_t column) const {
    return column >= 1 && column <= field_of_.size() ? field_of_[column - 1] : -1;
  }
  // After the header: its number of columns.
  std::size_t width() const { return width_; }

 private:
  void header(std::uint32_t line, std::span<const std::string_view> cells);
  ImportError at(std::uint32_t line, std::uint32_t column) const;

  Batch& b_;
  FileState& f_;
  const dsl::model::RecordType& r_;
  std::vector<std::uint32_t>& columns_;
  std::string sheet_;
  Sink sink_;
  std::vector<Value> vals_;
  std::vector<int> field_of_;
  bool header_done_ = false;
  bool header_bad_ = false;
  std::size_t width_ = 0;
};

}  // namespace eco::engine::ingest::detail
