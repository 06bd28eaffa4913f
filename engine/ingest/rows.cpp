#include "engine/ingest/rows.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "engine/ingest/workbook.hpp"

namespace eco::engine::ingest::detail {

TableRows::TableRows(Batch& b, FileState& f, const dsl::model::RecordType& r, std::vector<std::uint32_t>& columns,
                     std::string sheet, Sink sink)
    : b_(b), f_(f), r_(r), columns_(columns), sheet_(std::move(sheet)), sink_(std::move(sink)) {
  vals_.resize(r.fields.size());
  columns_.assign(r.fields.size(), 0);
}

ImportError TableRows::at(std::uint32_t line, std::uint32_t column) const {
  ImportError e;
  e.line = line;
  e.column = column;
  e.record = r_.name;
  if (!sheet_.empty()) e.location = sheet_place(sheet_, line, column);
  return e;
}

void TableRows::row(std::uint32_t line, std::span<const std::string_view> cells, std::span<const std::string> problems) {
  if (!header_done_) return header(line, cells);
  ++f_.result.rows_read;
  if (header_bad_) return;
  if (cells.size() != width_) {
    ImportError e = at(line, static_cast<std::uint32_t>(std::min(cells.size(), width_) + 1));
    e.code = code::kRagged;
    e.message = fmt::format("row has {} field{}, the header has {}", cells.size(), cells.size() == 1 ? "" : "s", width_);
    b_.error(f_, std::move(e));
    return;
  }
  bool ok = true;
  for (std::size_t fi = 0; fi < r_.fields.size(); ++fi) {
    std::uint32_t col = columns_[fi];
    if (col == 0) {
      vals_[fi].set_null();
      continue;
    }
    std::string msg = col <= problems.size() && !problems[col - 1].empty()
                          ? problems[col - 1]
                          : convert_text(r_.fields[fi], b_.check_for(r_.index, static_cast<std::uint32_t>(fi)),
                                         cells[col - 1], vals_[fi]);
    if (!msg.empty()) {
      ImportError e = at(line, col);
      e.code = code::kValue;
      e.field = r_.fields[fi].name;
      e.message = std::move(msg);
      b_.error(f_, std::move(e));
      ok = false;
      vals_[fi].set_text("");  // not "missing": the value was there, and is reported already
    }
  }
  ImportError where;
  where.line = line;
  where.location = sheet_;
  if (!check_required(b_, f_, r_, vals_, where, &columns_) || !ok) return;
  sink_(vals_, line);
}

void TableRows::header(std::uint32_t line, std::span<const std::string_view> cells) {
  header_done_ = true;
  width_ = cells.size();
  field_of_.assign(cells.size(), -1);
  for (std::size_t c = 0; c < cells.size(); ++c) {
    std::string_view name = cells[c];
    int fi = r_.find_field(name);
    ImportError e = at(line, static_cast<std::uint32_t>(c + 1));
    e.code = code::kHeader;
    if (fi < 0) {
      e.message = fmt::format("column '{}' names no field of {}", name, r_.name);
      if (name.empty()) e.message = "empty column name";
    } else if (columns_[fi] != 0) {
      e.field = std::string(name);
      e.message = fmt::format("column '{}' appears twice (columns {} and {})", name,
                              sheet_.empty() ? std::to_string(columns_[fi]) : column_letters(columns_[fi]),
                              sheet_.empty() ? std::to_string(c + 1) : column_letters(static_cast<std::uint32_t>(c + 1)));
    } else {
      columns_[fi] = static_cast<std::uint32_t>(c + 1);
      field_of_[c] = fi;
      continue;
    }
    header_bad_ = true;
    b_.error(f_, std::move(e));
  }
  for (std::size_t fi = 0; fi < r_.fields.size(); ++fi) {
    const auto& fd = r_.fields[fi];
    if (columns_[fi] != 0 || (fd.optional && !fd.key)) continue;
    ImportError e = at(line, 0);
    e.code = code::kHeader;
    e.field = fd.name;
    e.message = fmt::format("required column '{}' is missing from the header", fd.name);
    header_bad_ = true;
    b_.error(f_, std::move(e));
  }
}

}  // namespace eco::engine::ingest::detail
