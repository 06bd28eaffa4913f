#include "tools/datagen/table.hpp"

#include <stdexcept>

namespace eco::datagen {

// Howard Hinnant's days_from_civil / civil_from_days: exact integer arithmetic.
int days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

void civil_from_days(int z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::string date_str(int days) {
  int y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char out[11];
  out[0] = static_cast<char>('0' + y / 1000 % 10);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[4] = '-';
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[7] = '-';
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return std::string(out, 10);
}

Table::Table(std::string_view name, std::span<const std::string_view> cols)
    : name_(name), cols_(cols), cells_(cols.size()) {}

Table::~Table() {
  if (file_) std::fclose(file_);
}

void Table::open(const std::filesystem::path& dir) {
  const auto path = dir / (name_ + ".csv");
  file_ = std::fopen(path.c_str(), "wb");
  if (!file_) throw std::runtime_error("cannot write " + path.string());
  buf_.reserve(1 << 20);
  for (std::size_t i = 0; i < cols_.size(); ++i) {
    if (i) buf_.push_back(',');
    buf_.append(cols_[i]);
  }
  buf_.push_back('\n');
}

void Table::begin() {
  for (auto& c : cells_) c.clear();
}

void Table::set_int(std::size_t i, long long v) {
  char tmp[24];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v);
  cells_[i].assign(tmp, r.ptr);
}

void Table::set_double(std::size_t i, double v, int decimals) {
  // Fixed notation with a set number of decimals: to_chars is exact (correctly rounded from
  // the binary value), so the text is the same on every platform.
  char tmp[64];
  auto r = std::to_chars(tmp, tmp + sizeof tmp, v, std::chars_format::fixed, decimals);
  cells_[i].assign(tmp, r.ptr);
}

void Table::set_date(std::size_t i, int days) { cells_[i] = date_str(days); }

void Table::put(std::string_view s) {
  // RFC 4180 quoting, only where a value needs it (names never do today; free text might).
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
    buf_.append(s);
    return;
  }
  buf_.push_back('"');
  for (char c : s) {
    if (c == '"') buf_.push_back('"');
    buf_.push_back(c);
  }
  buf_.push_back('"');
}

void Table::end() {
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (i) buf_.push_back(',');
    put(cells_[i]);
  }
  buf_.push_back('\n');
  ++rows_;
  if (buf_.size() >= (1u << 20)) flush();
}

void Table::flush() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), file_) != buf_.size())
    throw std::runtime_error("write error on " + name_ + ".csv");
  buf_.clear();
}

void Table::close() {
  if (!file_) return;
  flush();
  const bool bad = std::fclose(file_) != 0;
  file_ = nullptr;
  if (bad) throw std::runtime_error("write error on " + name_ + ".csv");
}

}  // namespace eco::datagen
