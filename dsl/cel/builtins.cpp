#include "dsl/cel/builtins.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <span>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>
#include <re2/re2.h>

#include "dsl/cel/time.hpp"
#include "dsl/common/utf8.hpp"

namespace eco::dsl::cel::detail {

namespace {

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;
constexpr std::int64_t kSecondsPerDay = 86400;

Value overflow() { return Value::error(ErrorCode::overflow, "return error for overflow"); }
Value range_error(std::string_view what) { return Value::error(ErrorCode::range, fmt::format("range error: {}", what)); }

bool is(const Value& v, ValueKind k) { return v.kind() == k; }

Value make_timestamp(std::int64_t s, std::int32_t n) {
  if (!timestamp_in_range(s)) return range_error("timestamp out of range");
  return Value::timestamp(s, n);
}

Value make_duration(std::int64_t s, std::int64_t n) {
  Value d = Value::duration(s, n);
  if (!duration_in_range(d.seconds(), d.nanos())) return range_error("duration out of range");
  return d;
}

// Date ± whole days held in a duration.
Value date_plus(const Value& d, const Value& dur, int sign) {
  if (dur.nanos() != 0 || dur.seconds() % kSecondsPerDay != 0)
    return Value::error(ErrorCode::invalid_argument, "a date moves by whole days only");
  std::int64_t days = static_cast<std::int64_t>(d.as_date().days) + sign * (dur.seconds() / kSecondsPerDay);
  if (days < std::numeric_limits<std::int32_t>::min() / 2 || days > std::numeric_limits<std::int32_t>::max() / 2)
    return range_error("date out of range");
  return Value::date(Date{static_cast<std::int32_t>(days)});
}

std::string format_double(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

// ---- size and strings ----

Value fn_size(const Value* a, std::size_t, const Activation&) {
  switch (a[0].kind()) {
    case ValueKind::string: return Value::integer(static_cast<std::int64_t>(utf8::count_chars(a[0].text())));
    case ValueKind::bytes: return Value::integer(static_cast<std::int64_t>(a[0].text().size()));
    case ValueKind::list: return Value::integer(static_cast<std::int64_t>(a[0].list_size()));
    case ValueKind::map: return Value::integer(static_cast<std::int64_t>(a[0].map_size()));
    default: return no_overload("size");
  }
}

bool texts(const Value* a, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!is(a[i], ValueKind::string) && !is(a[i], ValueKind::enum_)) return false;
  return true;
}

Value fn_contains(const Value* a, std::size_t n, const Activation&) {
  if (!texts(a, n)) return no_overload("contains");
  return Value::boolean(a[0].text().find(a[1].text()) != std::string_view::npos);
}
Value fn_starts_with(const Value* a, std::size_t n, const Activation&) {
  if (!texts(a, n)) return no_overload("startsWith");
  return Value::boolean(a[0].text().starts_with(a[1].text()));
}
Value fn_ends_with(const Value* a, std::size_t n, const Activation&) {
  if (!texts(a, n)) return no_overload("endsWith");
  return Value::boolean(a[0].text().ends_with(a[1].text()));
}
Value fn_matches(const Value* a, std::size_t n, const Activation&) {
  if (!texts(a, n)) return no_overload("matches");
  RE2 re(re2::StringPiece(a[1].text().data(), a[1].text().size()), RE2::Quiet);
  if (!re.ok()) return Value::error(ErrorCode::invalid_argument, "invalid regular expression: " + re.error());
  return Value::boolean(RE2::PartialMatch(re2::StringPiece(a[0].text().data(), a[0].text().size()), re));
}

// ---- conversions ----

Value fn_int(const Value* a, std::size_t, const Activation&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::int_: return v;
    case ValueKind::uint_:
      if (v.as_uint() > static_cast<std::uint64_t>(INT64_MAX)) return range_error("uint out of int range");
      return Value::integer(static_cast<std::int64_t>(v.as_uint()));
    case ValueKind::double_: {
      double d = v.as_double();
      if (!(d > -kTwo63 && d < kTwo63)) return range_error("double out of int range");
      return Value::integer(static_cast<std::int64_t>(d));
    }
    case ValueKind::string: {
      std::string_view s = v.text();
      std::int64_t out = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), out);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty())
        return Value::error(ErrorCode::conversion, fmt::format("cannot convert '{}' to int", s));
      return Value::integer(out);
    }
    case ValueKind::timestamp: return Value::integer(v.seconds());
    case ValueKind::date: return Value::integer(v.as_date().days);
    default: return no_overload("int");
  }
}

Value fn_uint(const Value* a, std::size_t, const Activation&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::uint_: return v;
    case ValueKind::int_:
      if (v.as_int() < 0) return range_error("negative int to uint");
      return Value::uinteger(static_cast<std::uint64_t>(v.as_int()));
    case ValueKind::double_: {
      double d = v.as_double();
      if (!(d > -1.0 && d < kTwo64)) return range_error("double out of uint range");
      return Value::uinteger(static_cast<std::uint64_t>(d));
    }
    case ValueKind::string: {
      std::string_view s = v.text();
      std::uint64_t out = 0;
      auto r = std::from_chars(s.data(), s.data() + s.size(), out);
      if (r.ec != std::errc() || r.ptr != s.data() + s.size() || s.empty())
        return Value::error(ErrorCode::conversion, fmt::format("cannot convert '{}' to uint", s));
      return Value::uinteger(out);
    }
    default: return no_overload("uint");
  }
}

Value fn_double(const Value* a, std::size_t, const Activation&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::double_: return v;
    case ValueKind::int_: return Value::dbl(static_cast<double>(v.as_int()));
    case ValueKind::uint_: return Value::dbl(static_cast<double>(v.as_uint()));
    case ValueKind::string: {
      std::string_view s = v.text();
      std::string_view body = s;
      if (!body.empty() && body[0] == '+') body.remove_prefix(1);
      double out = 0;
      auto r = std::from_chars(body.data(), body.data() + body.size(), out);
      if (r.ec == std::errc::result_out_of_range) {
        // Overflow to infinity and underflow to zero, as Go's ParseFloat returns them.
        bool neg = !body.empty() && body[0] == '-';
        std::size_t e = body.find_first_of("eE");
        bool tiny = e != std::string_view::npos && e + 1 < body.size() && body[e + 1] == '-';
        return Value::dbl(tiny ? (neg ? -0.0 : 0.0) : (neg ? -HUGE_VAL : HUGE_VAL));
      }
      if (r.ec != std::errc() || r.ptr != body.data() + body.size() || body.empty())
        return Value::error(ErrorCode::conversion, fmt::format("cannot convert '{}' to double", s));
      return Value::dbl(out);
    }
    default: return no_overload("double");
  }
}

Value fn_string(const Value* a, std::size_t, const Activation&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::string: return v;
    case ValueKind::enum_: return Value::string_view(v.text());
    case ValueKind::int_: return Value::string(std::to_string(v.as_int()));
    case ValueKind::uint_: return Value::string(std::to_string(v.as_uint()));
    case ValueKind::double_: return Value::string(format_double(v.as_double()));
    case ValueKind::bool_: return Value::string_view(v.as_bool() ? "true" : "false");
    case ValueKind::bytes:
      if (utf8::find_invalid(v.text())) return Value::error(ErrorCode::conversion, "invalid UTF-8 in bytes");
      return Value::string(std::string(v.text()));
    case ValueKind::timestamp: return Value::string(format_timestamp(v.seconds(), v.nanos()));
    case ValueKind::duration: return Value::string(format_duration(v.seconds(), v.nanos()));
    case ValueKind::date: return Value::string(format_date(v.as_date()));
    case ValueKind::type: return Value::string(std::string(v.text()));
    default: return no_overload("string");
  }
}

Value fn_bytes(const Value* a, std::size_t, const Activation&) {
  switch (a[0].kind()) {
    case ValueKind::bytes: return a[0];
    case ValueKind::string: return Value::bytes(std::string(a[0].text()));
    default: return no_overload("bytes");
  }
}

Value fn_bool(const Value* a, std::size_t, const Activation&) {
  switch (a[0].kind()) {
    case ValueKind::bool_: return a[0];
    case ValueKind::string: {
      std::string_view s = a[0].text();
      if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") return Value::boolean(true);
      if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") return Value::boolean(false);
      return Value::error(ErrorCode::conversion, fmt::format("Type conversion error: '{}' to bool", s));
    }
    default: return no_overload("bool");
  }
}

Value fn_timestamp(const Value* a, std::size_t, const Activation&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::timestamp: return v;
    case ValueKind::string: {
      auto t = parse_timestamp(v.text());
      if (!t) return Value::error(ErrorCode::range, fmt::format("cannot parse timestamp '{}' (or out of range)", v.text()));
      return Value::timestamp(t->seconds, t->nanos);
    }
    case ValueKind::int_: return make_timestamp(v.as_int(), 0);
    case ValueKind::date: return make_timestamp(std::int64_t{v.as_date().days} * kSecondsPerDay, 0);
    default: return no_overload("timestamp");
  }
}

Value fn_duration(const Value* a, std::size_t, const Activation&) {
  const Value& v = a[0];
  switch (v.kind()) {
    case ValueKind::duration: return v;
    case ValueKind::string: {
      auto d = parse_duration(v.text());
      if (!d) return Value::error(ErrorCode::range, fmt::format("cannot parse duration '{}' (or out of range)", v.text()));
      return Value::duration(d->seconds, d->nanos);
    }
    case ValueKind::int_: return make_duration(v.as_int() / 1'000'000'000, v.as_int() % 1'000'000'000);
    default: return no_overload("duration");
  }
}

Value fn_dyn(const Value* a, std::size_t, const Activation&) { return a[0]; }

Value fn_type(const Value* a, std::size_t, const Activation& act) { return Value::type(type_of(a[0], act)); }

// ---- EcoAudit date extensions ----

Value fn_date(const Value* a, std::size_t n, const Activation&) {
  const Value& v = a[0];
  if (n == 3) {  // date(year, month, day): calendar arithmetic such as "31 March of the next year"
    if (!is(a[0], ValueKind::int_) || !is(a[1], ValueKind::int_) || !is(a[2], ValueKind::int_)) return no_overload("date");
    const std::int64_t y = a[0].as_int(), m = a[1].as_int(), d = a[2].as_int();
    std::optional<Date> day;
    if (y >= -100000 && y <= 100000 && m >= 1 && m <= 12 && d >= 1 && d <= 31)
      day = make_date(static_cast<int>(y), static_cast<unsigned>(m), static_cast<unsigned>(d));
    if (!day) return Value::error(ErrorCode::conversion, fmt::format("{}-{}-{} is not a day of the calendar", y, m, d));
    return Value::date(*day);
  }
  switch (v.kind()) {
    case ValueKind::date: return v;
    case ValueKind::string: {
      auto d = parse_date(v.text());
      if (!d) return Value::error(ErrorCode::conversion, fmt::format("'{}' is not a date YYYY-MM-DD", v.text()));
      return Value::date(*d);
    }
    case ValueKind::timestamp: {
      std::int64_t s = v.seconds();
      if (n > 1) {
        if (!is(a[1], ValueKind::string)) return no_overload("date");
        auto off = zone_offset(a[1].text(), s);
        if (!off) return Value::error(ErrorCode::invalid_argument, fmt::format("unknown time zone '{}'", a[1].text()));
        s += *off;
      }
      std::int64_t days = s >= 0 ? s / kSecondsPerDay : -((-s + kSecondsPerDay - 1) / kSecondsPerDay);
      return Value::date(Date{static_cast<std::int32_t>(days)});
    }
    default: return no_overload("date");
  }
}

Value fn_days(const Value* a, std::size_t, const Activation&) {
  if (!is(a[0], ValueKind::int_)) return no_overload("days");
  std::int64_t s;
  if (__builtin_mul_overflow(a[0].as_int(), kSecondsPerDay, &s)) return overflow();
  return make_duration(s, 0);
}

Value fn_days_between(const Value* a, std::size_t, const Activation&) {
  if (!is(a[0], ValueKind::date) || !is(a[1], ValueKind::date)) return no_overload("days_between");
  return Value::integer(std::int64_t{a[1].as_date().days} - a[0].as_date().days);
}

// ---- timestamp, duration and date accessors ----

enum class Field { full_year, month, date, day_of_month, day_of_week, day_of_year, hours, minutes, seconds, millis };

template <Field F>
Value accessor(const Value* a, std::size_t n, const Activation&) {
  const Value& v = a[0];
  if (v.kind() == ValueKind::duration) {
    if (n != 1) return no_overload("duration accessor");
    // Durations answer in whole units of their total length, truncated toward zero.
    std::int64_t s = v.seconds();
    std::int64_t ns = v.nanos();
    if (s < 0 && ns > 0) {
      s += 1;
      ns -= 1'000'000'000;
    }
    switch (F) {
      case Field::hours: return Value::integer(s / 3600);
      case Field::minutes: return Value::integer(s / 60);
      case Field::seconds: return Value::integer(s);
      case Field::millis: return Value::integer(ns / 1'000'000);
      default: return no_overload("duration accessor");
    }
  }
  CivilTime c;
  std::int32_t nanos = 0;
  if (v.kind() == ValueKind::timestamp) {
    std::int64_t s = v.seconds();
    nanos = v.nanos();
    if (n > 1) {
      if (!is(a[1], ValueKind::string)) return no_overload("timestamp accessor");
      auto off = zone_offset(a[1].text(), s);
      if (!off) return Value::error(ErrorCode::invalid_argument, fmt::format("unknown time zone '{}'", a[1].text()));
      s += *off;
    }
    c = civil_from_seconds(s);
  } else if (v.kind() == ValueKind::date && n == 1) {
    c = civil_from_seconds(std::int64_t{v.as_date().days} * kSecondsPerDay);
  } else {
    return no_overload("timestamp accessor");
  }
  switch (F) {
    case Field::full_year: return Value::integer(c.year);
    case Field::month: return Value::integer(c.month - 1);
    case Field::date: return Value::integer(c.day);
    case Field::day_of_month: return Value::integer(c.day - 1);
    case Field::day_of_week: return Value::integer(c.day_of_week);
    case Field::day_of_year: return Value::integer(c.day_of_year);
    case Field::hours: return Value::integer(c.hour);
    case Field::minutes: return Value::integer(c.minute);
    case Field::seconds: return Value::integer(c.second);
    case Field::millis: return Value::integer(nanos / 1'000'000);
  }
  return no_overload("timestamp accessor");
}

// ---- add_months, abs, label (EcoAudit extensions) ----

// d plus n calendar months; a day past the end of the target month becomes its last day
// (2024-01-31 + 1 month = 2024-02-29), as reporting calendars count.
Value fn_add_months(const Value* a, std::size_t, const Activation&) {
  if (!is(a[0], ValueKind::date) || !is(a[1], ValueKind::int_)) return no_overload("add_months");
  const Ymd ymd = to_ymd(a[0].as_date());
  const std::int64_t n = a[1].as_int();
  if (n < -1200000 || n > 1200000) return range_error("date out of range");
  const std::int64_t months = static_cast<std::int64_t>(ymd.year) * 12 + (ymd.month - 1) + n;
  const auto year = static_cast<int>(months >= 0 ? months / 12 : -((-months + 11) / 12));
  const auto month = static_cast<unsigned>(months - static_cast<std::int64_t>(year) * 12 + 1);
  for (unsigned day = ymd.day; day >= 28; --day)
    if (auto d = make_date(year, month, day)) return Value::date(*d);
  if (auto d = make_date(year, month, ymd.day)) return Value::date(*d);
  return range_error("date out of range");
}

Value fn_abs(const Value* a, std::size_t, const Activation&) {
  switch (a[0].kind()) {
    case ValueKind::int_:
      if (a[0].as_int() == std::numeric_limits<std::int64_t>::min()) return overflow();
      return Value::integer(a[0].as_int() < 0 ? -a[0].as_int() : a[0].as_int());
    case ValueKind::uint_: return a[0];
    case ValueKind::double_: return Value::dbl(std::fabs(a[0].as_double()));
    default: return no_overload("abs");
  }
}

// The label an enum value has in the schema ("coking" -> "焦化"), for messages read aloud;
// the name when the value has no label. Other values: their text, as string() gives it.
Value fn_label(const Value* a, std::size_t n, const Activation& act) {
  if (is(a[0], ValueKind::enum_) && act.records) {
    const auto& schema = act.records->schema();
    if (a[0].enum_index() < schema.enums.size()) {
      const auto& e = schema.enums[a[0].enum_index()];
      if (int i = e.find(a[0].text()); i >= 0 && !e.values[static_cast<std::size_t>(i)].label.empty())
        return Value::string(e.values[static_cast<std::size_t>(i)].label);
    }
    return Value::string(std::string(a[0].text()));
  }
  if (is(a[0], ValueKind::string)) return a[0];
  return fn_string(a, n, act);
}

// ---- aggregates over lists (EcoAudit extension) ----

// The sum of a list of numbers; an empty list sums to int 0 (fn_sum_double: 0.0, chosen by
// the compiler when the checker typed the list as list(double)).
Value sum_list(const Value* a, Value empty) {
  if (!is(a[0], ValueKind::list)) return no_overload("sum");
  const std::size_t n = a[0].list_size();
  if (n == 0) return empty;
  Value acc = a[0].list_at(0);
  if (!is(acc, ValueKind::int_) && !is(acc, ValueKind::uint_) && !is(acc, ValueKind::double_))
    return acc.is_error_or_unknown() ? acc : no_overload("sum");
  for (std::size_t i = 1; i < n && !acc.is_error_or_unknown(); ++i) acc = add(acc, a[0].list_at(i));
  return acc;
}
Value fn_sum(const Value* a, std::size_t, const Activation&) { return sum_list(a, Value::integer(0)); }
Value fn_sum_double(const Value* a, std::size_t, const Activation&) { return sum_list(a, Value::dbl(0.0)); }

// The least (op 0 <) or greatest (op 2 >) element; an empty list has none (an error).
template <int Op>
Value fn_extreme(const Value* a, std::size_t, const Activation&) {
  constexpr std::string_view name = Op == 0 ? "min" : "max";
  if (!is(a[0], ValueKind::list)) return no_overload(name);
  const std::size_t n = a[0].list_size();
  if (n == 0) return Value::error(ErrorCode::no_data, fmt::format("{}() of an empty list", name));
  Value best = a[0].list_at(0);
  if (best.is_error_or_unknown()) return best;
  for (std::size_t i = 1; i < n; ++i) {
    Value x = a[0].list_at(i);
    Value r = relation(Op, x, best);
    if (r.is_error_or_unknown()) return r;
    if (r.as_bool()) best = std::move(x);
  }
  return best;
}

}  // namespace

Value no_overload(std::string_view function) {
  return Value::error(ErrorCode::no_matching_overload, fmt::format("no matching overload for '{}'", function));
}

Value add(const Value& a, const Value& b) {
  switch (a.kind()) {
    case ValueKind::int_:
      if (is(b, ValueKind::int_)) {
        std::int64_t r;
        if (__builtin_add_overflow(a.as_int(), b.as_int(), &r)) return overflow();
        return Value::integer(r);
      }
      break;
    case ValueKind::uint_:
      if (is(b, ValueKind::uint_)) {
        std::uint64_t r;
        if (__builtin_add_overflow(a.as_uint(), b.as_uint(), &r)) return overflow();
        return Value::uinteger(r);
      }
      break;
    case ValueKind::double_:
      if (is(b, ValueKind::double_)) return Value::dbl(a.as_double() + b.as_double());
      break;
    case ValueKind::string:
      if (is(b, ValueKind::string)) {
        if (a.text().size() + b.text().size() > kMaxStringBytes) return Value::error(ErrorCode::limit, kLimitString);
        std::string s;
        s.reserve(a.text().size() + b.text().size());
        s.append(a.text()).append(b.text());
        return Value::string(std::move(s));
      }
      break;
    case ValueKind::bytes:
      if (is(b, ValueKind::bytes)) {
        if (a.text().size() + b.text().size() > kMaxStringBytes) return Value::error(ErrorCode::limit, kLimitString);
        return Value::bytes(std::string(a.text()) + std::string(b.text()));
      }
      break;
    case ValueKind::list:
      if (is(b, ValueKind::list)) {
        if (b.list_size() == 0) return a;
        if (a.list_size() == 0) return b;
        if (a.list_size() + b.list_size() > kMaxListItems) return Value::error(ErrorCode::limit, kLimitList);
        std::vector<Value> items;
        items.reserve(a.list_size() + b.list_size());
        for (std::size_t i = 0; i < a.list_size(); ++i) items.push_back(a.list_at(i));
        for (std::size_t i = 0; i < b.list_size(); ++i) items.push_back(b.list_at(i));
        return Value::list(std::move(items));
      }
      break;
    case ValueKind::timestamp:
      if (is(b, ValueKind::duration)) {
        std::int64_t s;
        if (__builtin_add_overflow(a.seconds(), b.seconds(), &s)) return overflow();
        Value t = Value::timestamp(s, std::int64_t{a.nanos()} + b.nanos());
        return make_timestamp(t.seconds(), t.nanos());
      }
      break;
    case ValueKind::duration:
      if (is(b, ValueKind::timestamp)) return add(b, a);
      if (is(b, ValueKind::duration)) {
        std::int64_t s;
        if (__builtin_add_overflow(a.seconds(), b.seconds(), &s)) return overflow();
        return make_duration(s, std::int64_t{a.nanos()} + b.nanos());
      }
      if (is(b, ValueKind::date)) return date_plus(b, a, 1);
      break;
    case ValueKind::date:
      if (is(b, ValueKind::duration)) return date_plus(a, b, 1);
      break;
    default: break;
  }
  return no_overload("_+_");
}

Value subtract(const Value& a, const Value& b) {
  switch (a.kind()) {
    case ValueKind::int_:
      if (is(b, ValueKind::int_)) {
        std::int64_t r;
        if (__builtin_sub_overflow(a.as_int(), b.as_int(), &r)) return overflow();
        return Value::integer(r);
      }
      break;
    case ValueKind::uint_:
      if (is(b, ValueKind::uint_)) {
        std::uint64_t r;
        if (__builtin_sub_overflow(a.as_uint(), b.as_uint(), &r)) return overflow();
        return Value::uinteger(r);
      }
      break;
    case ValueKind::double_:
      if (is(b, ValueKind::double_)) return Value::dbl(a.as_double() - b.as_double());
      break;
    case ValueKind::timestamp:
      if (is(b, ValueKind::duration)) {
        std::int64_t s;
        if (__builtin_sub_overflow(a.seconds(), b.seconds(), &s)) return overflow();
        Value t = Value::timestamp(s, std::int64_t{a.nanos()} - b.nanos());
        return make_timestamp(t.seconds(), t.nanos());
      }
      if (is(b, ValueKind::timestamp)) {
        // The difference of two timestamps must fit in int64 nanoseconds (about 292 years),
        // as in cel-go and cel-cpp; the conformance suite's timestamp_range cases pin this.
        constexpr std::int64_t kMaxNanoSeconds = std::numeric_limits<std::int64_t>::max() / 1000000000;
        const std::int64_t s = a.seconds() - b.seconds();
        if (s > kMaxNanoSeconds || s < -kMaxNanoSeconds) return range_error("duration out of range");
        return make_duration(s, std::int64_t{a.nanos()} - b.nanos());
      }
      break;
    case ValueKind::duration:
      if (is(b, ValueKind::duration)) {
        std::int64_t s;
        if (__builtin_sub_overflow(a.seconds(), b.seconds(), &s)) return overflow();
        return make_duration(s, std::int64_t{a.nanos()} - b.nanos());
      }
      break;
    case ValueKind::date:
      if (is(b, ValueKind::duration)) return date_plus(a, b, -1);
      if (is(b, ValueKind::date))
        return Value::duration((std::int64_t{a.as_date().days} - b.as_date().days) * kSecondsPerDay, 0);
      break;
    default: break;
  }
  return no_overload("_-_");
}

Value multiply(const Value& a, const Value& b) {
  if (is(a, ValueKind::int_) && is(b, ValueKind::int_)) {
    std::int64_t r;
    if (__builtin_mul_overflow(a.as_int(), b.as_int(), &r)) return overflow();
    return Value::integer(r);
  }
  if (is(a, ValueKind::uint_) && is(b, ValueKind::uint_)) {
    std::uint64_t r;
    if (__builtin_mul_overflow(a.as_uint(), b.as_uint(), &r)) return overflow();
    return Value::uinteger(r);
  }
  if (is(a, ValueKind::double_) && is(b, ValueKind::double_)) return Value::dbl(a.as_double() * b.as_double());
  return no_overload("_*_");
}

Value divide(const Value& a, const Value& b) {
  if (is(a, ValueKind::int_) && is(b, ValueKind::int_)) {
    if (b.as_int() == 0) return Value::error(ErrorCode::division_by_zero, "divide by zero");
    if (a.as_int() == INT64_MIN && b.as_int() == -1) return overflow();
    return Value::integer(a.as_int() / b.as_int());
  }
  if (is(a, ValueKind::uint_) && is(b, ValueKind::uint_)) {
    if (b.as_uint() == 0) return Value::error(ErrorCode::division_by_zero, "divide by zero");
    return Value::uinteger(a.as_uint() / b.as_uint());
  }
  if (is(a, ValueKind::double_) && is(b, ValueKind::double_)) return Value::dbl(a.as_double() / b.as_double());
  return no_overload("_/_");
}

Value modulo(const Value& a, const Value& b) {
  if (is(a, ValueKind::int_) && is(b, ValueKind::int_)) {
    if (b.as_int() == 0) return Value::error(ErrorCode::modulus_by_zero, "modulus by zero");
    if (a.as_int() == INT64_MIN && b.as_int() == -1) return overflow();
    return Value::integer(a.as_int() % b.as_int());
  }
  if (is(a, ValueKind::uint_) && is(b, ValueKind::uint_)) {
    if (b.as_uint() == 0) return Value::error(ErrorCode::modulus_by_zero, "modulus by zero");
    return Value::uinteger(a.as_uint() % b.as_uint());
  }
  return no_overload("_%_");
}

Value negate(const Value& a) {
  if (is(a, ValueKind::int_)) {
    if (a.as_int() == INT64_MIN) return overflow();
    return Value::integer(-a.as_int());
  }
  if (is(a, ValueKind::double_)) return Value::dbl(-a.as_double());
  if (is(a, ValueKind::duration)) return make_duration(-a.seconds(), -std::int64_t{a.nanos()});
  return no_overload("-_");
}

Value index(const Value& c, const Value& k) {
  if (is(c, ValueKind::list)) {
    std::int64_t i;
    switch (k.kind()) {
      case ValueKind::int_: i = k.as_int(); break;
      case ValueKind::uint_:
        if (k.as_uint() > static_cast<std::uint64_t>(INT64_MAX)) return Value::error(ErrorCode::invalid_argument, "index out of range");
        i = static_cast<std::int64_t>(k.as_uint());
        break;
      case ValueKind::double_: {
        double d = k.as_double();
        if (std::trunc(d) != d || !(d > -kTwo63 && d < kTwo63))
          return Value::error(ErrorCode::invalid_argument, "invalid_argument: list index is not an integer");
        i = static_cast<std::int64_t>(d);
        break;
      }
      default: return Value::error(ErrorCode::invalid_argument, "invalid_argument: list index must be an int");
    }
    if (i < 0 || static_cast<std::uint64_t>(i) >= c.list_size())
      return Value::error(ErrorCode::invalid_argument, fmt::format("invalid_argument: index {} out of range", i));
    return c.list_at(static_cast<std::size_t>(i));
  }
  if (is(c, ValueKind::map)) {
    if (const Value* v = c.map_find(k)) return *v;
    if (is(k, ValueKind::string)) return Value::error(ErrorCode::no_such_key, fmt::format("no such key: '{}'", k.text()));
    return Value::error(ErrorCode::no_such_key, "no such key");
  }
  return no_overload("_[_]");
}

Value contains_element(const Value& e, const Value& c) {
  if (is(c, ValueKind::list)) {
    if (c.is_record_list()) {
      for (std::size_t i = 0, n = c.list_size(); i < n; ++i)
        if (equals(e, c.list_at(i))) return Value::boolean(true);
      return Value::boolean(false);
    }
    for (const Value& x : c.list_items())
      if (equals(e, x)) return Value::boolean(true);
    return Value::boolean(false);
  }
  if (is(c, ValueKind::map)) return Value::boolean(c.map_find(e) != nullptr);
  return no_overload("@in");
}

Value relation(int op, const Value& a, const Value& b) {
  int r = compare(a, b);
  if (r == 3) {
    static constexpr std::string_view names[] = {"_<_", "_<=_", "_>_", "_>=_"};
    return no_overload(names[op]);
  }
  if (r == 2) return Value::boolean(false);
  switch (op) {
    case 0: return Value::boolean(r < 0);
    case 1: return Value::boolean(r <= 0);
    case 2: return Value::boolean(r > 0);
    default: return Value::boolean(r >= 0);
  }
}

std::string_view type_of(const Value& v, const Activation& a) {
  if (a.records) {
    const auto& schema = a.records->schema();
    if (v.kind() == ValueKind::record && v.record_type() < schema.records.size())
      return schema.records[v.record_type()].name;
    if (v.kind() == ValueKind::enum_ && v.enum_index() < schema.enums.size()) return schema.enums[v.enum_index()].name;
  }
  return kind_name(v.kind());
}

Value select_record_field(const Value& rec, std::string_view name, const Activation& a, bool test_only) {
  if (!a.records) return Value::error(ErrorCode::generic, "record without a record accessor");
  const auto& schema = a.records->schema();
  if (rec.record_type() >= schema.records.size()) return Value::error(ErrorCode::generic, "bad record type");
  const model::RecordType& rt = schema.records[rec.record_type()];
  Value out;
  if (int f = rt.find_field(name); f >= 0) {
    bool present = a.records->field(rt.index, rec.row(), static_cast<std::uint32_t>(f), out);
    if (test_only) return Value::boolean(present);
    if (!present)
      return Value::missing_field({rt.index, static_cast<std::uint32_t>(f)},
                                  fmt::format("no such field '{}' on {}", name, rt.name));
    return out;
  }
  for (std::uint32_t f = 0; f < rt.fields.size(); ++f) {
    const auto& fd = rt.fields[f];
    if (fd.ref && fd.ref->nav == name) {
      bool present = a.records->navigate(rt.index, rec.row(), f, out);
      if (test_only) return Value::boolean(present);
      if (!present) return Value::missing_field({rt.index, f}, fmt::format("no such field '{}' on {}", name, rt.name));
      return out;
    }
  }
  if (int r = rt.find_reverse(name); r >= 0) {
    auto rows = a.records->reverse(rt.index, rec.row(), static_cast<std::uint32_t>(r));
    if (test_only) return Value::boolean(!rows.empty());
    return Value::record_list(rt.reverse_lists[static_cast<std::size_t>(r)].child, rows);
  }
  return Value::error(ErrorCode::no_such_field, fmt::format("no such field '{}' on {}", name, rt.name));
}

}  // namespace eco::dsl::cel::detail

// ---- the function registry (functions.hpp) ----

namespace eco::dsl::cel {

namespace {

using namespace detail;

// Operators as strict implementations: the compiler builds their own nodes (BinaryNode,
// RelNode, ...) over the same functions; these entries give them to dynamic calls and tests.
template <Value (*F)(const Value&, const Value&)>
Value op2(const Value* a, std::size_t, const Activation&) {
  return F(a[0], a[1]);
}
template <int Op>
Value op_relation(const Value* a, std::size_t, const Activation&) {
  return relation(Op, a[0], a[1]);
}
Value op_negate(const Value* a, std::size_t, const Activation&) { return negate(a[0]); }
Value op_not(const Value* a, std::size_t, const Activation&) {
  if (a[0].is(ValueKind::bool_)) return Value::boolean(!a[0].as_bool());
  return no_overload("!_");
}
Value op_in(const Value* a, std::size_t, const Activation&) { return contains_element(a[0], a[1]); }

std::string suffix(std::string_view k) {
  if (k == "int") return "int64";
  if (k == "uint") return "uint64";
  return std::string(k);
}

// Every overload. Ids are cel-spec's where it has the overload; the order is the checker's
// order of preference (it never matters for a well-typed call: exactly one entry fits it).
std::vector<Overload> build_table() {
  std::vector<Overload> t;
  using L = Lowering;
  using C = Columnar;
  auto add = [&](std::string id, std::string fn, bool member, std::string params, std::string result,
                 Builtin impl, C columnar = C::none, L lowering = L::call) {
    t.push_back(Overload{std::move(id), std::move(fn), member, std::move(params), std::move(result), lowering, impl,
                         columnar});
  };
  auto special = [&](std::string id, std::string fn, std::string params, std::string result, C columnar) {
    add(std::move(id), std::move(fn), false, std::move(params), std::move(result), nullptr, columnar, L::special);
  };
  auto op = [&](std::string id, std::string fn, std::string params, std::string result, Builtin impl,
                C columnar = C::none) {
    add(std::move(id), std::move(fn), false, std::move(params), std::move(result), impl, columnar, L::operator_);
  };

  // Forms the checker types by its own rules (typecheck.cpp) and the compiler lowers itself.
  special("logical_and", "_&&_", "bool bool", "bool", C::any);
  special("logical_or", "_||_", "bool bool", "bool", C::any);
  special("conditional", "_?_:_", "bool A A", "A", C::any);
  special("equals", "_==_", "A A", "bool", C::any);
  special("not_equals", "_!=_", "A A", "bool", C::any);
  op("in_list", "@in", "A list(A)", "bool", op_in, C::any);
  op("in_map", "@in", "A map(A,B)", "bool", op_in, C::any);
  op("index_list", "_[_]", "list(A) int", "A", op2<index>);
  op("index_map", "_[_]", "map(A,B) A", "B", op2<index>);

  op("logical_not", "!_", "bool", "bool", op_not, C::any);
  special("not_strictly_false", "@not_strictly_false", "bool", "bool", C::none);
  op("negate_int64", "-_", "int", "int", op_negate, C::integers);
  op("negate_double", "-_", "double", "double", op_negate, C::reals);

  for (auto k : {"int", "uint", "double"}) {
    const std::string s = suffix(k), ks(k), two = ks + " " + ks;
    const C col = ks == "int" ? C::integers : ks == "double" ? C::reals : C::none;
    op("add_" + s, "_+_", two, k, op2<detail::add>, col);
    op("subtract_" + s, "_-_", two, k, op2<subtract>, col);
    op("multiply_" + s, "_*_", two, k, op2<multiply>, col);
    op("divide_" + s, "_/_", two, k, op2<divide>, col);
  }
  op("modulo_int64", "_%_", "int int", "int", op2<modulo>, C::integers);
  op("modulo_uint64", "_%_", "uint uint", "uint", op2<modulo>);
  op("add_string", "_+_", "string string", "string", op2<detail::add>);
  op("add_bytes", "_+_", "bytes bytes", "bytes", op2<detail::add>);
  op("add_list", "_+_", "list(A) list(A)", "list(A)", op2<detail::add>);
  op("add_timestamp_duration", "_+_", "timestamp duration", "timestamp", op2<detail::add>);
  op("add_duration_timestamp", "_+_", "duration timestamp", "timestamp", op2<detail::add>);
  op("add_duration_duration", "_+_", "duration duration", "duration", op2<detail::add>);
  op("subtract_timestamp_timestamp", "_-_", "timestamp timestamp", "duration", op2<subtract>);
  op("subtract_timestamp_duration", "_-_", "timestamp duration", "timestamp", op2<subtract>);
  op("subtract_duration_duration", "_-_", "duration duration", "duration", op2<subtract>);
  // EcoAudit: a date plus or minus a whole number of days (days(30) is a duration).
  op("add_date_duration", "_+_", "date duration", "date", op2<detail::add>);
  op("add_duration_date", "_+_", "duration date", "date", op2<detail::add>);
  op("subtract_date_duration", "_-_", "date duration", "date", op2<subtract>);

  // Relations. The plans order ints, doubles, dates and texts (not booleans, nor across kinds).
  static const std::array<std::tuple<const char*, const char*, Builtin>, 4> rel = {
      {{"_<_", "less", op_relation<0>},
       {"_<=_", "less_equals", op_relation<1>},
       {"_>_", "greater", op_relation<2>},
       {"_>=_", "greater_equals", op_relation<3>}}};
  for (auto [fn, name, impl] : rel) {
    for (std::string_view k : {"bool", "int", "uint", "double", "string", "bytes", "timestamp", "duration", "date"}) {
      const bool planned = k == "int" || k == "double" || k == "string" || k == "date";
      op(fmt::format("{}_{}", name, suffix(k)), fn, fmt::format("{0} {0}", k), "bool", impl,
         planned ? C::any : C::none);
    }
    // cel-spec's heterogeneous numeric ordering.
    for (auto a : {"int", "uint", "double"})
      for (auto b : {"int", "uint", "double"})
        if (std::string_view(a) != b)
          op(fmt::format("{}_{}_{}", name, suffix(a), suffix(b)), fn, fmt::format("{} {}", a, b), "bool", impl);
  }

  // size: the plans count the rows of a reverse list (typed list(record)).
  for (auto [k, s] : {std::pair{"string", "string"}, {"bytes", "bytes"}, {"list(A)", "list"}, {"map(A,B)", "map"}}) {
    const C col = std::string_view(s) == "list" ? C::integers : C::none;
    add(fmt::format("size_{}", s), "size", false, k, "int", fn_size, col);
    add(fmt::format("{}_size", s), "size", true, k, "int", fn_size, col);
  }
  // EcoAudit: aggregates over lists (sum of numbers; least and greatest of ordered values). An
  // empty list(double) sums to 0.0, other empty lists to 0.
  for (auto k : {"int", "uint", "double"}) {
    const Builtin sum = std::string_view(k) == "double" ? fn_sum_double : fn_sum;
    add(fmt::format("sum_list_{}", suffix(k)), "sum", false, fmt::format("list({})", k), k, sum);
    add(fmt::format("list_{}_sum", suffix(k)), "sum", true, fmt::format("list({})", k), k, sum);
  }
  for (auto k : {"int", "uint", "double", "string", "date", "timestamp", "duration"}) {
    add(fmt::format("min_list_{}", suffix(k)), "min", false, fmt::format("list({})", k), k, fn_extreme<0>);
    add(fmt::format("list_{}_min", suffix(k)), "min", true, fmt::format("list({})", k), k, fn_extreme<0>);
    add(fmt::format("max_list_{}", suffix(k)), "max", false, fmt::format("list({})", k), k, fn_extreme<2>);
    add(fmt::format("list_{}_max", suffix(k)), "max", true, fmt::format("list({})", k), k, fn_extreme<2>);
  }
  add("contains_string", "contains", true, "string string", "bool", fn_contains);
  add("starts_with_string", "startsWith", true, "string string", "bool", fn_starts_with);
  add("ends_with_string", "endsWith", true, "string string", "bool", fn_ends_with);
  add("matches", "matches", false, "string string", "bool", fn_matches);
  add("matches_string", "matches", true, "string string", "bool", fn_matches);

  add("int64_to_int64", "int", false, "int", "int", fn_int);
  add("uint64_to_int64", "int", false, "uint", "int", fn_int);
  add("double_to_int64", "int", false, "double", "int", fn_int);
  add("string_to_int64", "int", false, "string", "int", fn_int);
  add("timestamp_to_int64", "int", false, "timestamp", "int", fn_int);
  add("uint64_to_uint64", "uint", false, "uint", "uint", fn_uint);
  add("int64_to_uint64", "uint", false, "int", "uint", fn_uint);
  add("double_to_uint64", "uint", false, "double", "uint", fn_uint);
  add("string_to_uint64", "uint", false, "string", "uint", fn_uint);
  add("double_to_double", "double", false, "double", "double", fn_double);
  add("int64_to_double", "double", false, "int", "double", fn_double);
  add("uint64_to_double", "double", false, "uint", "double", fn_double);
  add("string_to_double", "double", false, "string", "double", fn_double);
  for (auto k : {"string", "int", "uint", "double", "bool", "bytes", "timestamp", "duration", "date"})
    add(fmt::format("{}_to_string", suffix(k)), "string", false, k, "string", fn_string);
  add("bytes_to_bytes", "bytes", false, "bytes", "bytes", fn_bytes);
  add("string_to_bytes", "bytes", false, "string", "bytes", fn_bytes);
  add("bool_to_bool", "bool", false, "bool", "bool", fn_bool);
  add("string_to_bool", "bool", false, "string", "bool", fn_bool);
  add("timestamp_to_timestamp", "timestamp", false, "timestamp", "timestamp", fn_timestamp);
  add("string_to_timestamp", "timestamp", false, "string", "timestamp", fn_timestamp);
  add("int64_to_timestamp", "timestamp", false, "int", "timestamp", fn_timestamp);
  add("duration_to_duration", "duration", false, "duration", "duration", fn_duration);
  add("string_to_duration", "duration", false, "string", "duration", fn_duration);
  add("to_dyn", "dyn", false, "A", "dyn", fn_dyn);
  add("type", "type", false, "A", "type", fn_type);

  static const std::array<std::pair<const char*, Builtin>, 10> getters = {{
      {"getFullYear", accessor<Field::full_year>},
      {"getMonth", accessor<Field::month>},
      {"getDate", accessor<Field::date>},
      {"getDayOfMonth", accessor<Field::day_of_month>},
      {"getDayOfWeek", accessor<Field::day_of_week>},
      {"getDayOfYear", accessor<Field::day_of_year>},
      {"getHours", accessor<Field::hours>},
      {"getMinutes", accessor<Field::minutes>},
      {"getSeconds", accessor<Field::seconds>},
      {"getMilliseconds", accessor<Field::millis>},
  }};
  for (auto [g, impl] : getters) {
    add(fmt::format("timestamp_to_{}", g), g, true, "timestamp", "int", impl);
    add(fmt::format("timestamp_to_{}_with_tz", g), g, true, "timestamp string", "int", impl);
  }
  for (auto [g, impl] : std::span(getters).subspan(6))
    add(fmt::format("duration_to_{}", g), g, true, "duration", "int", impl);

  // EcoAudit's date extension.
  add("string_to_date", "date", false, "string", "date", fn_date);
  add("int64_int64_int64_to_date", "date", false, "int int int", "date", fn_date);
  add("enum_to_string", "string", false, "enum", "string", fn_string);  // an enum value's name
  add("add_months_date_int64", "add_months", false, "date int", "date", fn_add_months);
  add("date_add_months_int64", "add_months", true, "date int", "date", fn_add_months);
  add("abs_int64", "abs", false, "int", "int", fn_abs);
  add("abs_uint64", "abs", false, "uint", "uint", fn_abs);
  add("abs_double", "abs", false, "double", "double", fn_abs);
  add("label", "label", false, "A", "string", fn_label);
  add("date_to_date", "date", false, "date", "date", fn_date);
  add("timestamp_to_date", "date", false, "timestamp", "date", fn_date);
  add("timestamp_to_date_with_tz", "date", false, "timestamp string", "date", fn_date);
  op("subtract_date_date", "_-_", "date date", "duration", op2<subtract>);
  add("date_to_timestamp", "timestamp", false, "date", "timestamp", fn_timestamp);
  add("date_to_int64", "int", false, "date", "int", fn_int);
  for (auto [g, impl] : std::span(getters).first(6))
    add(fmt::format("date_to_{}", g), g, true, "date", "int", impl);
  add("int64_to_days", "days", false, "int", "duration", fn_days);
  // The plans compute days_between(a, b) as b - a over day numbers.
  add("days_between_date_date", "days_between", false, "date date", "int", fn_days_between, C::integers);
  // param_at(P, DATE): P names a dated parameter (the checker types the call itself; this
  // signature gives a call with the wrong number of arguments "no matching overload").
  special("param_at", "param_at", "dyn date", "dyn", C::none);
  // Working days by the ruleset's `calendar` (the checker requires one).
  special("add_working_days_date_int", "add_working_days", "date int", "date", C::none);
  special("working_days_between_date_date", "working_days_between", "date date", "int", C::none);
  return t;
}

const std::vector<Overload>& table() {
  static const std::vector<Overload> t = build_table();
  return t;
}

}  // namespace

std::size_t Overload::arity() const {
  if (params.empty()) return 0;
  std::size_t n = 1, depth = 0;
  for (char c : params) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ' ' && depth == 0) ++n;
  }
  return n;
}

std::span<const Overload> overloads() { return table(); }

const Overload* find_overload(std::string_view id) {
  static const std::unordered_map<std::string_view, const Overload*> by_id = [] {
    std::unordered_map<std::string_view, const Overload*> m;
    for (const Overload& o : table()) m.emplace(o.id, &o);
    return m;
  }();
  auto it = by_id.find(id);
  return it == by_id.end() ? nullptr : it->second;
}

Builtin dynamic(std::string_view function, std::size_t n) {
  for (const Overload& o : table())
    if (o.lowering == Lowering::call && o.function == function && o.arity() == n) return o.impl;
  return nullptr;
}

}  // namespace eco::dsl::cel
