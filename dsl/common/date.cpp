#include "dsl/common/date.hpp"

#include <chrono>
#include <ctime>

#include <fmt/format.h>

namespace eco::dsl {

namespace chr = std::chrono;

std::optional<Date> make_date(int year, unsigned month, unsigned day) {
  chr::year_month_day ymd{chr::year{year}, chr::month{month}, chr::day{day}};
  if (!ymd.ok()) return std::nullopt;
  return Date{static_cast<std::int32_t>(chr::sys_days{ymd}.time_since_epoch().count())};
}

std::optional<Date> parse_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto digits = [&](std::size_t from, std::size_t n, int& out) {
    out = 0;
    for (std::size_t i = from; i < from + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int y, m, d;
  if (!digits(0, 4, y) || !digits(5, 2, m) || !digits(8, 2, d)) return std::nullopt;
  return make_date(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

Ymd to_ymd(Date d) {
  chr::year_month_day ymd{chr::sys_days{chr::days{d.days}}};
  return {static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
          static_cast<unsigned>(ymd.day())};
}

std::string format_date(Date d) {
  Ymd v = to_ymd(d);
  return fmt::format("{:04}-{:02}-{:02}", v.year, v.month, v.day);
}

Date today() {
  std::time_t t = std::time(nullptr);
  std::tm local{};
  localtime_r(&t, &local);
  return *make_date(local.tm_year + 1900, static_cast<unsigned>(local.tm_mon + 1),
                    static_cast<unsigned>(local.tm_mday));
}

}  // namespace eco::dsl
