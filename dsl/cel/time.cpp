#include "dsl/cel/time.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>

namespace eco::dsl::cel {

namespace chr = std::chrono;

namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  return chr::sys_days{chr::year{y} / chr::month{m} / chr::day{d}}.time_since_epoch().count();
}

bool digits(std::string_view s, std::size_t from, std::size_t n, int& out) {
  if (from + n > s.size()) return false;
  out = 0;
  for (std::size_t i = from; i < from + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// Reads a fraction ".ddd" starting at pos (which points at '.'), up to 9 digits kept.
bool fraction(std::string_view s, std::size_t& pos, std::int32_t& nanos) {
  ++pos;
  std::size_t start = pos;
  std::int64_t v = 0;
  int kept = 0;
  while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
    if (kept < 9) {
      v = v * 10 + (s[pos] - '0');
      ++kept;
    }
    ++pos;
  }
  if (pos == start) return false;
  while (kept < 9) {
    v *= 10;
    ++kept;
  }
  nanos = static_cast<std::int32_t>(v);
  return true;
}

std::string trimmed_fraction(std::int32_t nanos) {
  if (nanos == 0) return {};
  std::string f = fmt::format("{:09}", nanos);
  while (!f.empty() && f.back() == '0') f.pop_back();
  return "." + f;
}

// ---- IANA zones from TZif files ----

struct Zone {
  std::vector<std::int64_t> transitions;  // ascending UTC seconds
  std::vector<std::uint8_t> type_of;      // ttinfo index per transition
  std::vector<std::int32_t> offsets;      // utoff per ttinfo
  std::int32_t initial = 0;               // offset before the first transition
};

std::int64_t be(const unsigned char* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  if (n == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
  return static_cast<std::int64_t>(v);
}

// Parses a TZif file (RFC 8536). Uses the 64-bit (v2+) block when present. Instants after
// the last transition keep the last offset: the footer's POSIX rule is not interpreted,
// which matters only for dates past the database's last listed transition.
std::unique_ptr<Zone> read_tzif(const std::string& bytes) {
  auto header = [&](std::size_t at, std::uint32_t c[6]) {
    if (bytes.size() < at + 44 || bytes.compare(at, 4, "TZif") != 0) return false;
    auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at + 20);
    for (int i = 0; i < 6; ++i) c[i] = static_cast<std::uint32_t>(be(p + 4 * i, 4));
    return true;
  };
  std::uint32_t c[6];  // isutcnt isstdcnt leapcnt timecnt typecnt charcnt
  if (!header(0, c)) return nullptr;
  int tsize = 4;
  std::size_t at = 0;
  if (bytes[4] >= '2') {
    std::size_t v1 = 44 + std::size_t{c[3]} * 5 + std::size_t{c[4]} * 6 + c[5] + std::size_t{c[2]} * 8 + c[1] + c[0];
    at = v1;
    if (!header(at, c)) return nullptr;
    tsize = 8;
  }
  std::size_t need = at + 44 + std::size_t{c[3]} * (tsize + 1) + std::size_t{c[4]} * 6;
  if (bytes.size() < need || c[4] == 0) return nullptr;
  auto* p = reinterpret_cast<const unsigned char*>(bytes.data() + at + 44);
  auto z = std::make_unique<Zone>();
  for (std::uint32_t i = 0; i < c[3]; ++i) z->transitions.push_back(be(p + i * tsize, tsize));
  p += std::size_t{c[3]} * tsize;
  for (std::uint32_t i = 0; i < c[3]; ++i) z->type_of.push_back(p[i]);
  p += c[3];
  for (std::uint32_t i = 0; i < c[4]; ++i) z->offsets.push_back(static_cast<std::int32_t>(be(p + i * 6, 4)));
  for (auto t : z->type_of)
    if (t >= z->offsets.size()) return nullptr;
  z->initial = z->offsets[0];
  return z;
}

const Zone* find_zone(std::string_view name) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Zone>, std::less<>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second.get();
  // Names are path components of the database: refuse anything that could leave it.
  bool ok = !name.empty() && name.size() < 128 && name.find("..") == std::string_view::npos &&
            name.front() != '/';
  for (char ch : name)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '/' || ch == '_' || ch == '-' || ch == '+')) ok = false;
  std::unique_ptr<Zone> zone;
  if (ok) {
    for (const char* dir : {"/usr/share/zoneinfo/", "/usr/lib/zoneinfo/", "/usr/share/lib/zoneinfo/"}) {
      std::ifstream in(std::string(dir) + std::string(name), std::ios::binary);
      if (!in) continue;
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      zone = read_tzif(bytes);
      if (zone) break;
    }
  }
  const Zone* out = zone.get();
  cache.emplace(std::string(name), std::move(zone));  // negative results are cached too
  return out;
}

}  // namespace

bool timestamp_in_range(std::int64_t seconds) {
  return seconds >= kMinTimestampSeconds && seconds <= kMaxTimestampSeconds;
}

bool duration_in_range(std::int64_t seconds, std::int32_t nanos) {
  // Floor representation: -1s + 999999999ns is -1ns.
  if (seconds < 0 && nanos > 0) seconds += 1;
  return seconds >= -kMaxDurationSeconds && seconds <= kMaxDurationSeconds;
}

std::optional<SecondsNanos> parse_timestamp(std::string_view s) {
  int y, mo, d, h, mi, sec;
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
    return std::nullopt;
  if (!digits(s, 0, 4, y) || !digits(s, 5, 2, mo) || !digits(s, 8, 2, d) || !digits(s, 11, 2, h) ||
      !digits(s, 14, 2, mi) || !digits(s, 17, 2, sec))
    return std::nullopt;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  chr::year_month_day ymd{chr::year{y}, chr::month{static_cast<unsigned>(mo)}, chr::day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return std::nullopt;
  std::size_t pos = 19;
  std::int32_t nanos = 0;
  if (pos < s.size() && s[pos] == '.' && !fraction(s, pos, nanos)) return std::nullopt;
  std::int64_t offset = 0;
  if (pos >= s.size()) return std::nullopt;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    ++pos;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (pos + 6 != s.size() || s[pos + 3] != ':' || !digits(s, pos + 1, 2, oh) || !digits(s, pos + 4, 2, om) ||
        oh > 23 || om > 59)
      return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != s.size()) return std::nullopt;
  std::int64_t secs = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                      h * 3600 + mi * 60 + std::min(sec, 59) - offset;
  if (!timestamp_in_range(secs)) return std::nullopt;
  return SecondsNanos{secs, nanos};
}

std::string format_timestamp(std::int64_t seconds, std::int32_t nanos) {
  CivilTime c = civil_from_seconds(seconds);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}Z", c.year, c.month, c.day, c.hour, c.minute,
                     c.second, trimmed_fraction(nanos));
}

std::optional<SecondsNanos> parse_duration(std::string_view s) {
  std::size_t pos = 0;
  bool neg = false;
  if (pos < s.size() && (s[pos] == '-' || s[pos] == '+')) neg = s[pos++] == '-';
  if (pos >= s.size()) return std::nullopt;
  if (s.substr(pos) == "0") return SecondsNanos{};
  // Accumulate in nanoseconds with 128-bit headroom; the range check comes at the end.
  __int128 total = 0;
  while (pos < s.size()) {
    __int128 whole = 0;
    std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      whole = whole * 10 + (s[pos++] - '0');
      if (whole > (__int128{1} << 80)) return std::nullopt;
    }
    __int128 frac = 0, scale = 1;
    bool has_frac = false;
    if (pos < s.size() && s[pos] == '.') {
      ++pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (scale < __int128{1000000000000000000}) {
          frac = frac * 10 + (s[pos] - '0');
          scale *= 10;
        }
        ++pos;
        has_frac = true;
      }
    }
    if (pos == start || (pos == start + 1 && s[start] == '.' && !has_frac)) return std::nullopt;
    __int128 unit;
    auto rest = s.substr(pos);
    std::size_t ulen = 0;
    if (rest.starts_with("ns")) unit = 1, ulen = 2;
    else if (rest.starts_with("us")) unit = 1000, ulen = 2;
    else if (rest.starts_with("\xC2\xB5s")) unit = 1000, ulen = 3;  // µs
    else if (rest.starts_with("ms")) unit = 1000000, ulen = 2;
    else if (rest.starts_with("s")) unit = kNanosPerSecond, ulen = 1;
    else if (rest.starts_with("m")) unit = 60 * kNanosPerSecond, ulen = 1;
    else if (rest.starts_with("h")) unit = 3600 * kNanosPerSecond, ulen = 1;
    else return std::nullopt;
    pos += ulen;
    total += whole * unit + frac * unit / scale;
    if (total > (__int128{1} << 100)) return std::nullopt;
  }
  if (neg) total = -total;
  __int128 secs = total / kNanosPerSecond;
  __int128 ns = total % kNanosPerSecond;
  if (ns < 0) {
    ns += kNanosPerSecond;
    secs -= 1;
  }
  if (secs > kMaxDurationSeconds + 1 || secs < -kMaxDurationSeconds - 1) return std::nullopt;
  SecondsNanos out{static_cast<std::int64_t>(secs), static_cast<std::int32_t>(ns)};
  if (!duration_in_range(out.seconds, out.nanos)) return std::nullopt;
  return out;
}

std::string format_duration(std::int64_t seconds, std::int32_t nanos) {
  // Stored as floor (nanos >= 0); print as sign + magnitude.
  bool neg = seconds < 0;
  std::int64_t s = seconds;
  std::int32_t n = nanos;
  if (neg && n > 0) {
    s += 1;
    n = static_cast<std::int32_t>(kNanosPerSecond - n);
  }
  std::uint64_t mag = neg ? static_cast<std::uint64_t>(-(s)) : static_cast<std::uint64_t>(s);
  return fmt::format("{}{}{}s", neg ? "-" : "", mag, trimmed_fraction(n));
}

std::optional<std::int32_t> zone_offset(std::string_view tz, std::int64_t seconds) {
  if (tz == "UTC" || tz == "Z" || tz == "GMT" || tz == "Etc/UTC") return 0;
  // Fixed offsets: [+-]HH:MM (the sign is optional, meaning east).
  {
    std::string_view t = tz;
    int sign = 1;
    if (!t.empty() && (t[0] == '+' || t[0] == '-')) {
      sign = t[0] == '-' ? -1 : 1;
      t.remove_prefix(1);
    }
    int h, m;
    if (t.size() == 5 && t[2] == ':' && digits(t, 0, 2, h) && digits(t, 3, 2, m)) {
      if (h > 23 || m > 59) return std::nullopt;
      return sign * (h * 3600 + m * 60);
    }
  }
  const Zone* z = find_zone(tz);
  if (!z) return std::nullopt;
  auto it = std::upper_bound(z->transitions.begin(), z->transitions.end(), seconds);
  if (it == z->transitions.begin()) return z->initial;
  return z->offsets[z->type_of[static_cast<std::size_t>(it - z->transitions.begin() - 1)]];
}

CivilTime civil_from_seconds(std::int64_t local) {
  std::int64_t days = local / 86400;
  std::int64_t rem = local % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  chr::sys_days sd{chr::days{days}};
  chr::year_month_day ymd{sd};
  CivilTime c;
  c.year = static_cast<int>(ymd.year());
  c.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  c.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  c.hour = static_cast<int>(rem / 3600);
  c.minute = static_cast<int>(rem % 3600 / 60);
  c.second = static_cast<int>(rem % 60);
  c.day_of_week = static_cast<int>(chr::weekday{sd}.c_encoding());
  c.day_of_year = static_cast<int>(days - days_from_civil(c.year, 1, 1));
  return c;
}

}  // namespace eco::dsl::cel
