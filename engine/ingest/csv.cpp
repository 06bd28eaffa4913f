#include "engine/ingest/csv.hpp"

#include <csv.h>

#include <algorithm>
#include <exception>
#include <new>
#include <utility>

#include <fmt/format.h>

#include "dsl/common/utf8.hpp"

namespace eco::engine::ingest {

namespace {
constexpr int kRowNotBegun = 0;  // libcsv's pstate before any byte of a row
constexpr std::string_view kBom = "\xEF\xBB\xBF";
}  // namespace

CsvParser::CsvParser(RowFn on_row) : p_(new csv_parser), on_row_(std::move(on_row)) {
  if (csv_init(p_, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    delete p_;
    throw std::bad_alloc();
  }
}

CsvParser::~CsvParser() {
  csv_free(p_);
  delete p_;
}

void CsvParser::on_field(void* data, std::size_t len, void* self_ptr) {
  auto* self = static_cast<CsvParser*>(self_ptr);
  // A field that ends on the line it started on never shows in the per-line check of
  // feed_line(): check each one whole too.
  if (len > kMaxFieldBytes)
    self->fail(fmt::format("a field longer than {} bytes (field {} of the row)", kMaxFieldBytes, self->n_ + 1),
               self->row_line_, static_cast<std::uint32_t>(self->n_ + 1));
  if (self->n_ >= kMaxFields) {
    ++self->n_;  // counted, not stored: the row is reported as too wide
    return;
  }
  if (self->n_ == self->fields_.size()) self->fields_.emplace_back();
  self->fields_[self->n_++].assign(static_cast<const char*>(data), len);
}

void CsvParser::on_row_end(int, void* self_ptr) {
  auto* self = static_cast<CsvParser*>(self_ptr);
  if (self->n_ > kMaxFields) {
    self->fail(fmt::format("row has more than {} fields", kMaxFields), self->row_line_, 1);
    self->n_ = 0;
    return;
  }
  if (self->failed_) {
    self->n_ = 0;
    return;
  }
  self->views_.assign(self->fields_.begin(), self->fields_.begin() + static_cast<std::ptrdiff_t>(self->n_));
  ++self->rows_;
  // libcsv is C: an exception must not unwind through it. Keep it and rethrow from feed().
  try {
    self->on_row_(self->row_line_, self->views_);
  } catch (...) {
    self->pending_ = std::current_exception();
    self->failed_ = true;
  }
  self->n_ = 0;
}

bool CsvParser::fail(std::string message, std::uint32_t line, std::uint32_t column) {
  if (!failed_) {
    failed_ = true;
    error_ = std::move(message);
    error_line_ = line;
    error_column_ = column;
  }
  return false;
}

bool CsvParser::feed_line(std::string_view seg) {
  // A row starts on the line where the parser is first outside any row; blank lines are
  // skipped by libcsv without a callback, so the start is re-taken at every line start.
  if (p_->pstate == kRowNotBegun && n_ == 0) row_line_ = line_;
  std::size_t done = csv_parse(p_, seg.data(), seg.size(), &CsvParser::on_field, &CsvParser::on_row_end, this);
  if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
  if (failed_) return false;
  if (done < seg.size()) {
    auto col = static_cast<std::uint32_t>(dsl::utf8::count_chars(seg.substr(0, done)) + 1);
    if (csv_error(p_) == CSV_EPARSE)
      return fail("malformed quoting (a quote inside an unquoted field, or text after a closing quote)", line_,
                  col);
    return fail(fmt::format("CSV reader failed: {}", csv_strerror(csv_error(p_))), line_, col);
  }
  if (p_->entry_pos > kMaxFieldBytes)
    return fail(fmt::format("a field longer than {} bytes (an unterminated quote?)", kMaxFieldBytes), row_line_, 1);
  if (!seg.empty() && seg.back() == '\n') ++line_;
  return true;
}

bool CsvParser::feed_lines(std::string_view text) {
  while (!text.empty()) {
    auto nl = text.find('\n');
    std::size_t len = nl == std::string_view::npos ? text.size() : nl + 1;
    if (!feed_line(text.substr(0, len))) return false;
    text.remove_prefix(len);
  }
  return true;
}

bool CsvParser::feed(std::string_view text) {
  if (failed_) return false;
  if (!started_) {
    // The BOM may itself be split across pieces: hold back up to three bytes.
    std::size_t take = std::min(text.size(), kBom.size() - bom_buf_.size());
    bom_buf_.append(text.substr(0, take));
    text.remove_prefix(take);
    if (bom_buf_.size() < kBom.size() && kBom.starts_with(bom_buf_)) return true;
    started_ = true;
    std::string head = std::move(bom_buf_);
    bom_buf_.clear();
    if (head != kBom && !feed_lines(head)) return false;
  }
  return feed_lines(text);
}

bool CsvParser::finish() {
  if (failed_) return false;
  if (!started_) {
    started_ = true;
    std::string head = std::move(bom_buf_);
    if (!feed_lines(head)) return false;
  }
  int rc = csv_fini(p_, &CsvParser::on_field, &CsvParser::on_row_end, this);
  if (pending_) std::rethrow_exception(std::exchange(pending_, nullptr));
  if (rc != 0)
    return fail(fmt::format("the file ends inside a quoted field that starts on line {} (truncated file?)",
                            row_line_),
                row_line_, 1);
  return !failed_;
}

}  // namespace eco::engine::ingest
