#pragma once
// Calendar dates as days since 1970-01-01 (proleptic Gregorian), the representation every
// layer uses for `date` values: comparisons and day arithmetic are integer operations.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eco::dsl {

struct Date {
  std::int32_t days = 0;  // days since 1970-01-01
  friend auto operator<=>(const Date&, const Date&) = default;
};

// Parses exactly "YYYY-MM-DD" naming a day that exists (2023-02-29 is rejected).
std::optional<Date> parse_date(std::string_view text);

// Date from year, month (1-12) and day, or nullopt when that day does not exist.
std::optional<Date> make_date(int year, unsigned month, unsigned day);

// "YYYY-MM-DD".
std::string format_date(Date d);

struct Ymd {
  int year;
  unsigned month;
  unsigned day;
};
Ymd to_ymd(Date d);

// Today in the local time zone of the machine (the default --as-of).
Date today();

}  // namespace eco::dsl
