#pragma once
// Timestamps, durations and time zones for CEL: RFC 3339 and Go-style duration text, the
// ranges cel-spec allows, civil-time fields, and UTC offsets of fixed ("+05:30") or IANA
// ("Asia/Shanghai") zones. GCC 12's libstdc++ has no std::chrono::locate_zone, so IANA zones
// are read from the system database (/usr/share/zoneinfo, TZif files) by a small reader.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eco::dsl::cel {

inline constexpr std::int64_t kMinTimestampSeconds = -62135596800;  // 0001-01-01T00:00:00Z
inline constexpr std::int64_t kMaxTimestampSeconds = 253402300799;  // 9999-12-31T23:59:59Z
inline constexpr std::int64_t kMaxDurationSeconds = 315576000000;   // ~10000 years

struct SecondsNanos {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;  // [0, 1e9)
};

// True when the instant lies in 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z.
bool timestamp_in_range(std::int64_t seconds);
// True when |duration| <= kMaxDurationSeconds.
bool duration_in_range(std::int64_t seconds, std::int32_t nanos);

// Parses RFC 3339 ("2009-02-13T23:31:30.5Z", "2009-02-13T23:31:30+08:00"); nullopt when
// malformed or out of range.
std::optional<SecondsNanos> parse_timestamp(std::string_view text);
// "2009-02-13T23:31:30Z", with the fraction trimmed of trailing zeros.
std::string format_timestamp(std::int64_t seconds, std::int32_t nanos);

// Parses a Go-style duration: optional sign, then number+unit pairs ("1h30m", "-1.5s",
// "100ns"; units h m s ms us µs ns). nullopt when malformed or out of range.
std::optional<SecondsNanos> parse_duration(std::string_view text);
// Seconds with a trimmed fraction: "1000000s", "1.5s", "-0.000000001s".
std::string format_duration(std::int64_t seconds, std::int32_t nanos);

// Offset east of UTC, in seconds, of zone `tz` at the instant `seconds`: "UTC", "Z",
// fixed offsets "+HH:MM" "-HH:MM" "HH:MM", or an IANA name. nullopt for an unknown zone.
std::optional<std::int32_t> zone_offset(std::string_view tz, std::int64_t seconds);

struct CivilTime {
  int year = 1970;
  int month = 1;        // 1-12
  int day = 1;          // 1-31
  int hour = 0;
  int minute = 0;
  int second = 0;
  int day_of_week = 4;  // 0 = Sunday
  int day_of_year = 0;  // 0-based
};
// Civil fields of a local time given as seconds since 1970-01-01T00:00:00 local.
CivilTime civil_from_seconds(std::int64_t local_seconds);

}  // namespace eco::dsl::cel
