#include "engine/ingest/hj212.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "engine/ingest/batch.hpp"
#include "engine/ingest/values.hpp"
#include "engine/store/schema_sql.hpp"
#include "engine/store/sqlite_error.hpp"

namespace eco::engine::ingest::hj212 {

namespace {

// The table of the register after 8 shifts of each byte value: the bitwise algorithm of the
// Appendix, one byte at a time.
struct CrcTable {
  std::uint16_t t[256];
  constexpr CrcTable() : t{} {
    for (unsigned b = 0; b < 256; ++b) {
      unsigned r = b;
      for (int j = 0; j < 8; ++j) r = (r & 1) ? (r >> 1) ^ 0xA001u : r >> 1;
      t[b] = static_cast<std::uint16_t>(r);
    }
  }
};
constexpr CrcTable kCrc;

// The Appendix's CRC keeps only the register's high byte from one byte to the next (the next
// register is t[high ^ byte]), and t is linear over GF(2) (each shift is). So the high byte
// after k more bytes c1..ck is M^k(h ^ c1) ^ M^(k-1)(c2) ^ ... ^ M(ck), with M(x) = t[x] >> 8:
// eight lookups that do not wait on each other replace a chain of eight dependent ones (the
// CRC was a sixth of the import's CPU, one table lookup per byte of every message).
struct CrcSlices {
  std::uint8_t p[9][256];  // p[k][x] = M^k(x)
  constexpr CrcSlices() : p{} {
    for (unsigned x = 0; x < 256; ++x) p[0][x] = static_cast<std::uint8_t>(x);
    for (int k = 1; k <= 8; ++k)
      for (unsigned x = 0; x < 256; ++x)
        p[k][x] = static_cast<std::uint8_t>(kCrc.t[p[k - 1][x]] >> 8);
  }
};
constexpr CrcSlices kSlices;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Shows a piece of input in a message: printable ASCII as is, the rest escaped, at most 40 bytes.
std::string shown(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 40; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  if (s.size() > 40) out += "...";
  return out;
}

// The value of `it` a key's suffix names (Rtd, Avg, Min, Max, Cou, ZsAvg, ZsMin, ZsMax);
// nullptr for any other. Dispatched on the length and a distinguishing byte before comparing
// whole: every value of every message comes through here.
std::optional<double>* value_slot(Item& it, std::string_view suffix) {
  auto is = [&](std::string_view name, std::optional<double>& slot) {
    return suffix == name ? &slot : nullptr;
  };
  if (suffix.size() == 3) switch (suffix[0]) {
      case 'A': return is("Avg", it.avg);
      case 'R': return is("Rtd", it.rtd);
      case 'C': return is("Cou", it.cou);
      case 'M': return suffix[1] == 'i' ? is("Min", it.min) : is("Max", it.max);
      default: return nullptr;
    }
  if (suffix.size() == 5 && suffix[0] == 'Z') switch (suffix[2]) {
      case 'A': return is("ZsAvg", it.zs_avg);
      case 'M': return suffix[3] == 'i' ? is("ZsMin", it.zs_min) : is("ZsMax", it.zs_max);
      default: return nullptr;
    }
  return nullptr;
}

bool valid_data_time(std::string_view t) {
  if (t.size() != 14 || !std::all_of(t.begin(), t.end(), is_digit)) return false;
  auto num = [&](std::size_t p, std::size_t n) {
    int v = 0;
    for (std::size_t i = p; i < p + n; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  int y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(8, 2), mi = num(10, 2), s = num(12, 2);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int dm = days[mo - 1] + (mo == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 1 : 0);
  return d <= dm;
}

}  // namespace

// Parses CP's content (between "&&" and "&&") into out.data_time and out.items; `cp_col` is
// the 0-based column of its first byte in the line, for errors.
bool parse_cp(std::string_view cp, std::size_t cp_col, Message& out, ParseError& err) {
  auto fail = [&](const char* code, std::size_t col, std::string msg) {
    err.code = code;
    err.column = static_cast<std::uint32_t>(col + 1);
    err.message = std::move(msg);
    return false;
  };
  // CP: groups separated by ';', items by ','.
  std::size_t q = 0;
  while (q < cp.size()) {
    std::size_t end = q;
    while (end < cp.size() && cp[end] != ';' && cp[end] != ',') ++end;
    std::string_view item = cp.substr(q, end - q);
    const std::size_t col = cp_col + q;
    std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0)
      return fail(code::kSyntax, col, fmt::format("'{}' in CP is not NAME=value", shown(item)));
    std::string_view key = item.substr(0, eq), val = item.substr(eq + 1);
    std::size_t dash = key.rfind('-');
    if (dash == std::string_view::npos) {
      if (key == "DataTime") {
        if (!out.data_time.empty()) return fail(code::kSyntax, col, "DataTime given twice");
        if (!valid_data_time(val))
          return fail(
              code::kSyntax, col + eq + 1,
              fmt::format("DataTime '{}' is not a time that exists (YYYYMMDDhhmmss)", shown(val)));
        out.data_time.assign(val);
      } else if (out.cn == "2061" || out.cn == "2031") {
        return fail(code::kSyntax, col,
                    fmt::format("'{}' is no field of hourly or daily data", shown(key)));
      }
    } else {
      std::string_view pc = key.substr(0, dash), suffix = key.substr(dash + 1);
      if (pc.empty())
        return fail(code::kSyntax, col, fmt::format("'{}' has no pollutant code", shown(key)));
      // A pollutant's values come together: its item is nearly always the last one.
      Item* it = nullptr;
      if (!out.items.empty() && out.items.back().code == pc)
        it = &out.items.back();
      else
        for (auto& x : out.items)
          if (x.code == pc) {
            it = &x;
            break;
          }
      if (!it) {
        out.items.emplace_back();
        it = &out.items.back();
        it->code.assign(pc);
      }
      if (suffix == "Flag") {
        if (!it->flag.empty())
          return fail(code::kSyntax, col, fmt::format("{} given twice", shown(key)));
        if (val.empty())
          return fail(code::kSyntax, col + eq + 1, fmt::format("{} is empty", shown(key)));
        it->flag.assign(val);
      } else {
        std::optional<double>* slot = value_slot(*it, suffix);
        if (!slot)
          return fail(code::kSyntax, col,
                      fmt::format("'{}': unknown value kind '{}' (Rtd, Avg, Min, Max, Cou, ZsAvg, "
                                  "ZsMin, ZsMax, Flag)",
                                  shown(key), shown(suffix)));
        if (*slot) return fail(code::kSyntax, col, fmt::format("{} given twice", shown(key)));
        double d = 0;
        auto [ptr, ec] = std::from_chars(val.data(), val.data() + val.size(), d);
        if (val.empty() || ec != std::errc() || ptr != val.data() + val.size() || !std::isfinite(d))
          return fail(code::kSyntax, col + eq + 1,
                      fmt::format("{} = '{}' is not a number", shown(key), shown(val)));
        *slot = d;
      }
    }
    q = end + 1;
    if (end == cp.size()) break;
  }
  if ((out.cn == "2061" || out.cn == "2031") && out.data_time.empty())
    return fail(code::kSyntax, cp_col, "hourly or daily data without DataTime");
  return true;
}

std::uint16_t crc16(std::string_view data) {
  if (data.empty()) return 0xFFFF;
  const auto* b = reinterpret_cast<const unsigned char*>(data.data());
  const std::size_t last = data.size() - 1;  // the last byte gives the whole register
  unsigned h = 0xFF;                         // the register's high byte
  std::size_t i = 0;
  for (; i + 8 <= last; i += 8) {
    const auto& p = kSlices.p;
    h = p[8][h ^ b[i]] ^ p[7][b[i + 1]] ^ p[6][b[i + 2]] ^ p[5][b[i + 3]] ^ p[4][b[i + 4]] ^
        p[3][b[i + 5]] ^ p[2][b[i + 6]] ^ p[1][b[i + 7]];
  }
  for (; i < last; ++i) h = kSlices.p[1][h ^ b[i]];
  return kCrc.t[h ^ b[last]];
}

bool parse_message(std::string_view line, Message& out, ParseError& err) {
  auto fail = [&](const char* code, std::size_t col, std::string msg) {
    err.code = code;
    err.column = static_cast<std::uint32_t>(col + 1);
    err.message = std::move(msg);
    return false;
  };
  out.qn.clear();
  out.st.clear();
  out.cn.clear();
  out.pw.clear();
  out.mn.clear();
  out.flag.clear();
  out.data_time.clear();
  out.cp.clear();
  out.items.clear();
  if (line.size() > kMaxLine)
    return fail(code::kFrame, kMaxLine,
                fmt::format("line of {} bytes: longer than any HJ 212 message ({} bytes)",
                            line.size(), kMaxLine));
  if (line.size() < 2 || line[0] != '#' || line[1] != '#')
    return fail(code::kFrame, 0,
                fmt::format("'{}' does not start with the header \"##\"", shown(line)));
  if (line.size() < 6 || !std::all_of(line.begin() + 2, line.begin() + 6, is_digit))
    return fail(code::kFrame, 2,
                fmt::format("'{}' is not a 4-digit data length", shown(line.substr(2, 4))));
  std::size_t len = static_cast<std::size_t>((line[2] - '0') * 1000 + (line[3] - '0') * 100 +
                                             (line[4] - '0') * 10 + (line[5] - '0'));
  if (line.size() < 10)
    return fail(code::kFrame, line.size(),
                "truncated message: no data segment and CRC after the length");
  std::size_t seg_len = line.size() - 10;
  std::string_view crc_text = line.substr(line.size() - 4);
  int crc_given = 0;
  for (char c : crc_text) {
    int h = hex_digit(c);
    if (h < 0) {
      // Either the message was cut (its CRC and the end of the segment are missing) or the
      // CRC is not hex: say which from the declared length.
      if (seg_len < len)
        return fail(code::kLength, 2,
                    fmt::format("truncated message: the length field says {} bytes of data "
                                "segment, the line has {} "
                                "before a 4-character CRC, and '{}' is no CRC",
                                len, seg_len, shown(crc_text)));
      return fail(code::kFrame, line.size() - 4,
                  fmt::format("'{}' is not a 4-digit hexadecimal CRC", shown(crc_text)));
    }
    crc_given = crc_given * 16 + h;
  }
  if (seg_len < len)
    return fail(code::kLength, 2,
                fmt::format("truncated message: the length field says {} bytes of data segment, "
                            "the line has only {}",
                            len, seg_len));
  if (seg_len != len)
    return fail(code::kLength, 2,
                fmt::format("the length field says {} bytes of data segment, the message has {}",
                            len, seg_len));
  std::string_view seg = line.substr(6, len);
  if (std::uint16_t c = crc16(seg); c != crc_given)
    return fail(
        code::kCrc, line.size() - 4,
        fmt::format(
            "CRC {} does not match the data segment's CRC16 {:04X} (HJ 212-2017 Appendix A)",
            crc_text, c));
  // Header fields up to CP.
  std::size_t p = 0;
  const std::size_t base = 6;
  bool seen_cp = false;
  std::string_view cp;
  std::size_t cp_at = 0;
  std::uint8_t seen = 0;
  while (p < seg.size()) {
    std::size_t eq = seg.find('=', p);
    if (eq == std::string_view::npos)
      return fail(code::kSyntax, base + p,
                  fmt::format("'{}' is not a field (NAME=value)", shown(seg.substr(p))));
    std::string_view key = seg.substr(p, eq - p);
    if (key == "CP") {
      if (seg.substr(eq + 1, 2) != "&&")
        return fail(code::kSyntax, base + eq + 1, "CP does not start with \"&&\"");
      if (seg.size() < eq + 5 || seg.substr(seg.size() - 2) != "&&")
        return fail(code::kSyntax, base + seg.size(),
                    "CP does not end with \"&&\" at the end of the data segment");
      cp_at = eq + 3;
      cp = seg.substr(cp_at, seg.size() - 2 - cp_at);
      seen_cp = true;
      break;
    }
    std::size_t semi = seg.find(';', eq + 1);
    if (semi == std::string_view::npos)
      return fail(code::kSyntax, base + p,
                  fmt::format("field '{}' is not followed by ';' and CP", shown(key)));
    std::string_view val = seg.substr(eq + 1, semi - eq - 1);
    static constexpr std::string_view kKeys[] = {"QN", "ST", "CN", "PW", "MN", "Flag"};
    std::size_t k = 0;
    while (k < 6 && kKeys[k] != key) ++k;
    if (k == 6)
      return fail(code::kSyntax, base + p,
                  fmt::format("unknown field '{}' (QN, ST, CN, PW, MN, Flag, CP)", shown(key)));
    if (seen & (1u << k))
      return fail(code::kSyntax, base + p, fmt::format("field {} given twice", key));
    seen |= static_cast<std::uint8_t>(1u << k);
    std::string* dst[] = {&out.qn, &out.st, &out.cn, &out.pw, &out.mn, &out.flag};
    dst[k]->assign(val);
    p = semi + 1;
  }
  if (!seen_cp) return fail(code::kSyntax, base + seg.size(), "no CP=&&...&& in the data segment");
  for (auto [bit, name] : {std::pair{1, "ST"}, {2, "CN"}, {4, "MN"}})
    if (!(seen & (1u << bit)))
      return fail(code::kSyntax, base, fmt::format("the data segment has no {}", name));
  if (out.mn.empty()) return fail(code::kSyntax, base, "MN is empty");
  if (out.cn.size() != 4 || !std::all_of(out.cn.begin(), out.cn.end(), is_digit))
    return fail(code::kSyntax, base,
                fmt::format("CN '{}' is not a 4-digit command code", shown(out.cn)));
  out.cp.assign(cp);
  return parse_cp(cp, base + cp_at, out, err);
}

Declaration read_declaration(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in)
    throw std::runtime_error(fmt::format("{}: cannot read the HJ 212 declaration", file.string()));
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const std::exception& ex) {
    throw std::runtime_error(fmt::format("{}: not JSON: {}", file.string(), ex.what()));
  }
  Declaration d;
  auto str = [&](const nlohmann::json& o, const char* key, bool required = true) -> std::string {
    if (!o.contains(key)) {
      if (required)
        throw std::runtime_error(fmt::format("{}: '{}' is missing", file.string(), key));
      return "";
    }
    if (!o[key].is_string())
      throw std::runtime_error(fmt::format("{}: '{}' is not a string", file.string(), key));
    return o[key].get<std::string>();
  };
  try {
    const auto& p = j.at("point");
    d.point_record = str(p, "record");
    d.point_mn = str(p, "mn");
    d.point_code = str(p, "code");
    d.point_facility = str(p, "facility");
    d.point_pollutant = str(p, "pollutant");
    d.point_outlet = str(p, "outlet", false);
    const auto& s = j.at("summary");
    d.summary_record = str(s, "record");
    d.summary_facility = str(s, "facility");
    d.summary_month = str(s, "month");
    d.summary_pollutant = str(s, "pollutant");
    d.summary_avg = str(s, "avg");
    d.summary_max = str(s, "max_hourly");
    d.summary_hours_valid = str(s, "hours_valid");
    d.summary_validity = str(s, "validity");
    d.summary_outlet = str(s, "outlet", false);
    d.value = str(s, "value");
    if (d.value != "Avg" && d.value != "ZsAvg")
      throw std::runtime_error(
          fmt::format("{}: summary.value must be \"Avg\" or \"ZsAvg\"", file.string()));
    for (const auto& [k, v] : s.at("hours_over").items()) d.hours_over[k] = v.get<std::string>();
    for (const auto& [k, v] : j.at("flags").items()) d.flags[k] = v.get<std::string>();
    d.valid = j.at("valid").get<std::vector<std::string>>();
    d.no_valid_hours = str(j, "no_valid_hours");
  } catch (const nlohmann::json::exception& ex) {
    throw std::runtime_error(fmt::format("{}: {}", file.string(), ex.what()));
  }
  return d;
}

namespace {

using dsl::model::RecordType;
namespace fs = std::filesystem;

// One row per message: CP as sent (every value and its flag, byte for byte), keyed by point,
// command and data time. Values are read back through parse_cp.
const char* kDataTable =
    "CREATE TABLE IF NOT EXISTS _hj212_message (mn TEXT NOT NULL, cn INTEGER NOT NULL, "
    "data_time INTEGER NOT NULL, qn TEXT, cp TEXT NOT NULL, _batch INTEGER NOT NULL, "
    "_file INTEGER NOT NULL, _line INTEGER NOT NULL, PRIMARY KEY (mn, cn, data_time)) WITHOUT "
    "ROWID";

std::uint32_t field_of(const RecordType& r, const std::string& name, const std::string& what) {
  for (std::size_t i = 0; i < r.fields.size(); ++i)
    if (r.fields[i].name == name) return static_cast<std::uint32_t>(i);
  throw std::runtime_error(fmt::format(
      "the HJ 212 declaration's {} names field '{}', which record type {} does not have", what,
      name, r.name));
}

// The declaration resolved against the schema: the point and summary record types and the
// fields it names.
struct Layout {
  const RecordType* pr = nullptr;          // monitoring points
  const RecordType* sr = nullptr;          // monthly summaries
  std::vector<std::string> point_cols;     // MN, code, facility, pollutant[, outlet]
  std::vector<std::string> limit_cols;     // the point's limit per hours_over entry
  std::vector<std::uint32_t> over_fields;  // the summary's hours-over field per entry
  std::uint32_t s_fac = 0, s_month = 0, s_pol = 0, s_avg = 0, s_max = 0, s_hours = 0, s_valid = 0;
  int s_outlet = -1;
};

// Checks the declaration against the schema before anything is touched; throws
// std::runtime_error naming what the schema lacks.
Layout resolve(const Declaration& d, const dsl::model::Schema& schema) {
  Layout l;
  l.pr = schema.find_record(d.point_record);
  if (!l.pr)
    throw std::runtime_error(fmt::format(
        "the HJ 212 declaration names record type '{}', which the schema lacks", d.point_record));
  l.sr = schema.find_record(d.summary_record);
  if (!l.sr)
    throw std::runtime_error(fmt::format(
        "the HJ 212 declaration names record type '{}', which the schema lacks", d.summary_record));
  const RecordType& pr = *l.pr;
  const RecordType& sr = *l.sr;
  l.point_cols = {d.point_mn, d.point_code, d.point_facility, d.point_pollutant};
  if (!d.point_outlet.empty()) l.point_cols.push_back(d.point_outlet);
  for (const auto& c : l.point_cols) field_of(pr, c, "point");
  for (const auto& [sum_field, limit] : d.hours_over) {
    l.over_fields.push_back(field_of(sr, sum_field, "summary.hours_over"));
    field_of(pr, limit, "summary.hours_over");
    l.limit_cols.push_back(limit);
  }
  l.s_fac = field_of(sr, d.summary_facility, "summary.facility");
  l.s_month = field_of(sr, d.summary_month, "summary.month");
  l.s_pol = field_of(sr, d.summary_pollutant, "summary.pollutant");
  l.s_avg = field_of(sr, d.summary_avg, "summary.avg");
  l.s_max = field_of(sr, d.summary_max, "summary.max_hourly");
  l.s_hours = field_of(sr, d.summary_hours_valid, "summary.hours_valid");
  l.s_valid = field_of(sr, d.summary_validity, "summary.validity");
  l.s_outlet = d.summary_outlet.empty()
                   ? -1
                   : static_cast<int>(field_of(sr, d.summary_outlet, "summary.outlet"));
  return l;
}

// A data flag the declaration knows, and whether it makes a value count.
struct FlagInfo {
  std::string flag;
  bool valid = false;
};

// The declaration's flags as a short list: a message has a handful of values, each looked up
// once by the writer, and the declaration a handful of flags (a map per value showed up in the
// writer's profile).
std::vector<FlagInfo> flag_table(const Declaration& d) {
  std::vector<FlagInfo> out;
  for (const auto& [flag, meaning] : d.flags)
    out.push_back(
        {flag, std::find(d.valid.begin(), d.valid.end(), meaning) != d.valid.end()});
  return out;
}

// a == b for the short names the writer compares per value (flags of a byte or two, pollutant
// codes of a few): the bytes compared in line, where == called memcmp (calls that showed in
// the writer's profile).
bool same(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// The value of a run of ASCII digits the parser has checked (CN, DataTime).
std::int64_t digits_value(std::string_view s) {
  std::int64_t v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

struct Point {
  std::string facility, pollutant, outlet;
  std::vector<std::optional<double>> limits;  // per Declaration::hours_over entry
};
// Monitoring points: (MN, pollutant code) -> facility, pollutant, outlet, limits.
using Points = std::unordered_map<std::string, std::unordered_map<std::string, Point>>;

Points load_points(SQLite::Database& db, const Declaration& d, const Layout& l) {
  Points points;
  std::string sql = "SELECT ";
  std::vector<std::string> cols = l.point_cols;
  cols.insert(cols.end(), l.limit_cols.begin(), l.limit_cols.end());
  for (std::size_t i = 0; i < cols.size(); ++i)
    sql += (i ? ", " : "") + store::quote_ident(cols[i]);
  sql += " FROM " + store::quote_ident(l.pr->name);
  SQLite::Statement q(db, sql);
  while (q.executeStep()) {
    Point pt;
    pt.facility = q.getColumn(2).getString();
    pt.pollutant = q.getColumn(3).getString();
    std::size_t at = 4;
    if (!d.point_outlet.empty()) pt.outlet = q.getColumn(static_cast<int>(at++)).getString();
    for (std::size_t i = 0; i < l.limit_cols.size(); ++i, ++at) {
      auto c = q.getColumn(static_cast<int>(at));
      pt.limits.push_back(c.isNull() ? std::nullopt : std::optional<double>(c.getDouble()));
    }
    points[q.getColumn(0).getString()][q.getColumn(1).getString()] = std::move(pt);
  }
  return points;
}

// [YYYYMM00000000, next month's) as data times.
std::pair<std::int64_t, std::int64_t> month_range(const std::string& ym) {
  int y = std::stoi(ym.substr(0, 4)), mo = std::stoi(ym.substr(4));
  int ny = mo == 12 ? y + 1 : y, nm = mo == 12 ? 1 : mo + 1;
  return {(y * 100LL + mo) * 100000000LL, (ny * 100LL + nm) * 100000000LL};
}

// The monthly summary of one facility, pollutant and month, summed from its points' hourly values.
struct Acc {
  detail::FileState* file = nullptr;
  std::uint32_t line = 0;
  std::string outlet;
  std::uint64_t hours = 0, other_hours = 0;
  double sum = 0, max = 0;
  std::vector<std::int64_t> over;
  std::vector<bool> limit_missing;
  std::string missing_point;
};

// A month of one MN touched by the batch (YYYYMM), with where it was first seen: its summaries
// are recomputed from everything the store holds for it.
struct Touch {
  detail::FileState* file = nullptr;
  std::uint32_t line = 0;
  // The store held hourly data of this point and month before this batch: its summaries are
  // recomputed from the store; otherwise from the messages as they are imported.
  bool earlier = false;
  std::string month;  // YYYY-MM-01
  // Per pollutant code seen: its summary (nullptr: a code no point declares). A message has
  // a handful of codes, so a short list beats hashing.
  struct Code {
    std::string code;
    Acc* acc;
    const Point* point;
  };
  std::vector<Code> accs;
};

// Parsed messages in blocks, handed from the reader thread to the writer: a pool of four, so
// that reading runs at most a few blocks ahead of writing.
struct Block {
  std::vector<std::uint32_t> lines;
  std::vector<Message> msgs;
  std::size_t n = 0;
};
class BlockQueue {
 public:
  static constexpr std::size_t kBlock = 1024;
  struct Aborted {};  // thrown to the reader when the writer gave up

  BlockQueue() : pool_(4) {
    for (auto& blk : pool_) {
      blk.lines.resize(kBlock);
      blk.msgs.resize(kBlock);
      spare_.push_back(&blk);
    }
  }
  // Reader: an empty block to fill (waits for one; throws Aborted once the writer gave up).
  Block* spare() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !spare_.empty() || aborted_; });
    if (aborted_) throw Aborted{};
    Block* b = spare_.front();
    spare_.pop_front();
    b->n = 0;
    return b;
  }
  // Reader: a filled block, to write.
  void fill(Block* b) {
    std::lock_guard lk(mu_);
    full_.push_back(b);
    cv_.notify_all();
  }
  // Reader: nothing more comes.
  void done() {
    std::lock_guard lk(mu_);
    done_ = true;
    cv_.notify_all();
  }
  // Writer: the next filled block, or nullptr when the reader is done and all were written.
  Block* next() {
    std::unique_lock lk(mu_);
    cv_.wait(lk, [&] { return !full_.empty() || done_; });
    if (full_.empty()) return nullptr;
    Block* b = full_.front();
    full_.pop_front();
    return b;
  }
  // Writer: a written block, to fill again.
  void recycle(Block* b) {
    std::lock_guard lk(mu_);
    spare_.push_back(b);
    cv_.notify_all();
  }
  // Writer: stop the reader.
  void abort() {
    std::lock_guard lk(mu_);
    aborted_ = true;
    cv_.notify_all();
  }

 private:
  std::vector<Block> pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Block*> full_, spare_;
  bool done_ = false, aborted_ = false;
};

// One import_monitoring run: the batch, the points, the months touched and their summaries.
class MonitoringImport {
 public:
  MonitoringImport(store::Store& store, const MonitoringOptions& options, MonitoringResult& res)
      : d_(options.declaration),
        options_(options),
        l_(resolve(d_, store.schema())),
        flags_(flag_table(d_)),
        zs_(d_.value == "ZsAvg"),
        res_(res),
        b_(store, options.import, res.import),
        db_(store.db()) {
    b_.begin();
    db_.exec(kDataTable);
    points_ = load_points(db_, d_, l_);
    if (options.quarantine) {
      quarantine_.open(*options.quarantine, std::ios::binary | std::ios::trunc);
      if (!quarantine_)
        throw std::runtime_error(
            fmt::format("{}: cannot write the quarantine file", options.quarantine->string()));
    }
    ins_.emplace(db_,
                 "INSERT INTO _hj212_message(mn, cn, data_time, qn, cp, _batch, _file, _line) "
                 "VALUES(?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING");
    old_.emplace(
        db_,
        // The file's path from the store, not from this batch: the first may come from an earlier one.
        "SELECT m.cp, f.path, m._line FROM _hj212_message m LEFT JOIN _batch_file f "
        "ON f.id = m._file WHERE m.mn = ? AND m.cn = ? AND m.data_time = ?");
    earlier_.emplace(db_,
                     "SELECT 1 FROM _hj212_message WHERE mn = ? AND cn = 2061 AND "
                     "data_time >= ? AND data_time < ? AND _batch <> ? LIMIT 1");
    batch_ = res.import.staged_batch;
  }

  void import_file(const fs::path& path);

  // The months' summaries, staged as records of the summary type; then the batch ends.
  void finish() {
    if (res_.import.error_count == 0) {
      recompute_earlier_months();
      std::vector<Value> vals(l_.sr->fields.size());
      for (auto& entry : acc_) stage_summary(entry.first, entry.second, vals);
    }
    b_.finish_loading();
    b_.check_references();
    b_.finish();
    if (quarantine_.is_open()) quarantine_.close();
  }

 private:
  void error(detail::FileState& f, std::string_view c, std::uint32_t line, std::uint32_t col,
             std::string msg) {
    ImportError e;
    e.code = c;
    e.line = line;
    e.column = col;
    e.message = std::move(msg);
    b_.error(f, std::move(e));
  }
  // A line that failed its frame, length, CRC or syntax: quarantined when asked, an error
  // otherwise.
  void reject(detail::FileState& f, std::string_view c, std::uint32_t line, std::uint32_t col,
              std::string msg) {
    if (!options_.quarantine) return error(f, c, line, col, std::move(msg));
    ImportError e;
    e.file = f.result.path;
    e.code = c;
    e.line = line;
    e.column = col;
    e.message = std::move(msg);
    res_.quarantined.push_back(std::move(e));
  }
  void read_file(InputFile& in, detail::FileState& f, BlockQueue& q);
  void parse_line(std::string_view line, detail::FileState& f, BlockQueue& q, Block*& cur);
  void write_message(detail::FileState& f, std::uint32_t line_no, const Message& m);
  bool store_message(detail::FileState& f, std::uint32_t line_no, const Message& m);
  void compare_stored(detail::FileState& f, std::uint32_t line_no, const Message& m);
  Touch& touch(detail::FileState& f, std::uint32_t line_no, const Message& m);
  // The declaration's entry of `flag`; nullptr when it knows no such flag.
  const FlagInfo* flag_info(std::string_view flag) const {
    for (const auto& fi : flags_)
      if (same(fi.flag, flag)) return &fi;
    return nullptr;
  }
  void accumulate(const std::string& mn, const std::string& month, Touch& touch, const Item& it);
  void recompute_earlier_months();
  void stage_summary(const std::tuple<std::string, std::string, std::string>& key, Acc& a,
                     std::vector<Value>& vals);
  void keep_underived(const Acc& a, std::vector<Value>& vals);

  const Declaration& d_;
  const MonitoringOptions& options_;
  const Layout l_;
  const std::vector<FlagInfo> flags_;
  const bool zs_;  // the declaration summarises ZsAvg (else Avg)
  MonitoringResult& res_;
  detail::Batch b_;
  SQLite::Database& db_;
  Points points_;
  std::ofstream quarantine_;
  std::optional<SQLite::Statement> ins_, old_, earlier_, existing_;
  std::int64_t batch_ = 0;
  std::uint32_t line_no_ = 0;  // of the file being read (the reader thread's)
  ParseError pe_;
  std::map<std::pair<std::string, std::string>, Touch> touched_;
  // The codes of the previous message's point (write_message) and its MN.
  const std::unordered_map<std::string, Point>* last_codes_ = nullptr;
  std::string last_codes_mn_;
  // The month touched by the previous hourly message: a file runs point by point, hour by
  // hour, so most messages fall into it (no key built, no map searched).
  Touch* last_touch_ = nullptr;
  std::string_view last_mn_, last_ym_;  // views into last_touch_'s key in touched_
  // Monthly summaries from every hourly value the store holds for the months touched: per
  // facility, pollutant and month (several points of one facility add up).
  std::map<std::tuple<std::string, std::string, std::string>, Acc> acc_;
};

// Adds one hourly value of point `mn` in `month` to its facility's summary: only a value
// whose flag the declaration makes valid counts, for the hours and for any exceedance.
void MonitoringImport::accumulate(const std::string& mn, const std::string& month, Touch& touch,
                                  const Item& it) {
  Acc* ap = nullptr;
  const Point* ptp = nullptr;
  auto cached = std::find_if(touch.accs.begin(), touch.accs.end(),
                             [&](const auto& e) { return same(e.code, it.code); });
  if (cached != touch.accs.end()) {
    ap = cached->acc;
    ptp = cached->point;
  } else {
    const auto& pts = points_[mn];
    auto pit = pts.find(it.code);
    if (pit != pts.end()) {
      const Point& pt = pit->second;
      ptp = &pt;
      ap = &acc_[{pt.facility, pt.pollutant, month}];
      if (!ap->file) {
        ap->file = touch.file;
        ap->line = touch.line;
        ap->outlet = pt.outlet;
        ap->over.assign(l_.limit_cols.size(), 0);
        ap->limit_missing.assign(l_.limit_cols.size(), false);
      }
    }
    touch.accs.push_back({it.code, ap, ptp});
  }
  if (!ap) return;  // a parameter no point declares (O2, flow, ...): kept, not summarised
  Acc& a = *ap;
  const Point& pt = *ptp;
  const FlagInfo* fl = flag_info(it.flag);
  const std::optional<double>& value = zs_ ? it.zs_avg : it.avg;
  bool valid = fl && fl->valid && value.has_value();
  if (!valid) {
    ++a.other_hours;
    return;
  }
  double v = *value;
  a.max = a.hours ? std::max(a.max, v) : v;
  ++a.hours;
  a.sum += v;
  for (std::size_t i = 0; i < l_.limit_cols.size(); ++i) {
    if (!pt.limits[i]) {
      a.limit_missing[i] = true;
      a.missing_point = mn;
    } else if (v > *pt.limits[i]) {
      ++a.over[i];
    }
  }
}

// Two stages on the two cores: a reader thread reads, frames, checks and parses the lines
// (reporting what fails, or quarantining it) into blocks of messages; this thread writes them
// to SQLite (the connection stays on it) and sums up the months.
void MonitoringImport::import_file(const fs::path& path) {
  FileResult fr;
  fr.path = path.string();
  fr.format = "hj212";
  fr.encoding = "ascii";
  detail::FileState& f = b_.add_file(std::move(fr));
  std::unique_ptr<InputFile> in;
  line_no_ = 0;
  try {
    in = std::make_unique<InputFile>(path, options_.import.before_read);
    BlockQueue q;
    std::exception_ptr reader_error;
    std::thread reader([&] {
      try {
        read_file(*in, f, q);
      } catch (const BlockQueue::Aborted&) {
      } catch (...) {
        reader_error = std::current_exception();
      }
      q.done();
    });
    try {
      while (Block* blk = q.next()) {
        for (std::size_t i = 0; i < blk->n; ++i) write_message(f, blk->lines[i], blk->msgs[i]);
        q.recycle(blk);
      }
    } catch (...) {
      q.abort();
      reader.join();
      throw;
    }
    reader.join();
    if (reader_error) std::rethrow_exception(reader_error);
  } catch (const InputFile::Error& ex) {
    if (ex.code == ingest::code::kNotRegular) res_.import.inputs_invalid = true;
    error(f, ex.code == ingest::code::kNotRegular ? ingest::code::kNotRegular : ingest::code::kFile,
          0, 0, ex.what());
    return;
  }
  f.result.sha256 = in->sha256();
  f.result.bytes = in->bytes_read();
  b_.file_read(f);
  if (std::string changed = in->changes(); !changed.empty()) {
    ImportError e;
    e.code = ingest::code::kChanged;
    e.message = "changed while it was being imported (" + changed +
                "); import it again once it is complete";
    b_.refuse_file(f, std::move(e));
  }
}

// The reader thread: reads in chunks, whole lines at a time, so that memory is a chunk and a
// line whatever the file. A line longer than any message is reported once and its bytes
// skipped (or quarantined).
void MonitoringImport::read_file(InputFile& in, detail::FileState& f, BlockQueue& q) {
  std::vector<char> buf(1 << 20);
  std::string text;
  bool eof = false, skipping = false;
  Block* cur = nullptr;
  while (!eof) {
    std::size_t n = in.read(buf.data(), buf.size());
    eof = n == 0;
    std::string_view chunk(buf.data(), n);
    if (skipping) {
      std::size_t nl = chunk.find('\n');
      if (quarantine_.is_open())
        quarantine_ << chunk.substr(0, nl == std::string_view::npos ? chunk.size() : nl);
      if (nl == std::string_view::npos) continue;
      if (quarantine_.is_open()) quarantine_ << "\r\n";
      skipping = false;
      chunk.remove_prefix(nl + 1);
    }
    text.append(chunk);
    std::size_t limit = eof ? text.size() : text.rfind('\n');
    limit = limit == std::string::npos ? 0 : (eof ? limit : limit + 1);
    std::size_t pos = 0;
    while (pos < limit) {
      std::size_t nl = text.find('\n', pos);
      std::size_t end = nl == std::string::npos || nl >= limit ? limit : nl;
      parse_line(std::string_view(text.data() + pos, end - pos), f, q, cur);
      pos = end + 1;
    }
    text.erase(0, std::min(limit, text.size()));
    if (!eof && text.size() > kMaxLine + 2) {
      ++line_no_;
      if (quarantine_.is_open()) quarantine_ << text;
      reject(f, code::kFrame, line_no_, static_cast<std::uint32_t>(kMaxLine + 1),
             fmt::format("line longer than any HJ 212 message ({} bytes): not read further",
                         kMaxLine));
      text.clear();
      skipping = true;
    }
  }
  if (cur) q.fill(cur);
}

// One line, parsed into the current block (or reported, or quarantined).
void MonitoringImport::parse_line(std::string_view line, detail::FileState& f, BlockQueue& q,
                                  Block*& cur) {
  ++line_no_;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  if (!cur) cur = q.spare();
  Message& pm = cur->msgs[cur->n];
  if (!parse_message(line, pm, pe_)) {
    if (quarantine_.is_open()) quarantine_ << line << "\r\n";
    reject(f, pe_.code, line_no_, pe_.column, pe_.message);
    return;
  }
  cur->lines[cur->n++] = line_no_;
  if (cur->n == BlockQueue::kBlock) {
    q.fill(cur);
    cur = nullptr;
  }
}

// The writer: one parsed message checked against the points and flags, stored, and summed
// into its month.
void MonitoringImport::write_message(detail::FileState& f, std::uint32_t line_no,
                                     const Message& m) {
  ++res_.messages;
  if (m.cn == "2061")
    ++res_.hourly;
  else if (m.cn == "2031")
    ++res_.daily;
  else {
    ++res_.other;
    return;
  }
  // A file runs point by point: the previous message's point is nearly always this one's.
  if (!last_codes_ || last_codes_mn_ != m.mn) {
    auto pit = points_.find(m.mn);
    if (pit == points_.end()) {
      error(f, code::kPoint, line_no, 0,
            fmt::format("MN '{}' is no monitoring point: no {} record has {} = '{}'", shown(m.mn),
                        d_.point_record, d_.point_mn, shown(m.mn)));
      return;
    }
    last_codes_ = &pit->second;
    last_codes_mn_ = m.mn;
  }
  const bool hourly = m.cn == "2061";
  bool hourly_point = false, flags_ok = true;
  for (const auto& it : m.items) {
    const FlagInfo* fl = it.flag.empty() ? nullptr : flag_info(it.flag);
    if (!it.flag.empty() && !fl) {
      error(f, code::kFlag, line_no, 0,
            fmt::format("{}-Flag = '{}' is no data flag of HJ 212-2017 the declaration knows",
                        shown(it.code), shown(it.flag)));
      flags_ok = false;
      continue;
    }
    if (fl && fl->valid) ++res_.values_valid;
    if (hourly && !hourly_point && last_codes_->count(it.code)) hourly_point = true;
  }
  if (!flags_ok) return;
  res_.values += m.items.size();
  const bool inserted = store_message(f, line_no, m);
  if (hourly_point) {
    Touch& t = touch(f, line_no, m);
    if (inserted && !t.earlier)
      for (const auto& it : m.items) accumulate(m.mn, t.month, t, it);
  }
  if (inserted) {
    ++res_.messages_new;
    ++f.result.rows_new;
  } else {
    compare_stored(f, line_no, m);
  }
}

// Inserts the message unless the store has its point, command and time; true when inserted.
bool MonitoringImport::store_message(detail::FileState& f, std::uint32_t line_no,
                                     const Message& m) {
  SQLite::Statement& ins = *ins_;
  // The message outlives the statement's step: no copies. CN and DataTime are digits (checked
  // by the parser).
  ins.bindNoCopy(1, m.mn);
  ins.bind(2, static_cast<int64_t>(digits_value(m.cn)));
  ins.bind(3, static_cast<int64_t>(digits_value(m.data_time)));
  if (m.qn.empty())
    ins.bind(4);
  else
    ins.bindNoCopy(4, m.qn);
  ins.bindNoCopy(5, m.cp);
  ins.bind(6, static_cast<int64_t>(batch_));
  ins.bind(7, static_cast<int64_t>(f.id));
  ins.bind(8, static_cast<int64_t>(line_no));
  ins.exec();
  ins.reset();
  ++f.result.rows_read;
  return db_.getChanges() == 1;
}

// The same point, command and time again: the same CP is the same data (unchanged); another
// is a conflict the bureau has to resolve.
void MonitoringImport::compare_stored(detail::FileState& f, std::uint32_t line_no,
                                      const Message& m) {
  SQLite::Statement& old = *old_;
  old.bindNoCopy(1, m.mn);
  old.bind(2, static_cast<int64_t>(digits_value(m.cn)));
  old.bind(3, static_cast<int64_t>(digits_value(m.data_time)));
  std::string where;
  bool same = false;
  if (old.executeStep()) {
    same = old.getColumn(0).getString() == m.cp;
    where = fmt::format("{}:{}", old.getColumn(1).isNull() ? "?" : old.getColumn(1).getString(),
                        old.getColumn(2).getInt64());
  }
  old.reset();
  if (same) {
    ++res_.messages_unchanged;
    ++f.result.rows_unchanged;
  } else {
    error(f, code::kConflict, line_no, 0,
          fmt::format("MN '{}' CN {} DataTime {}: other values or flags than {} already gave",
                      shown(m.mn), m.cn, m.data_time, where));
  }
}

// The month of an hourly message, first seen here or before; whether the store held hourly
// data of it before this batch is asked once.
Touch& MonitoringImport::touch(detail::FileState& f, std::uint32_t line_no, const Message& m) {
  const std::string_view ym = std::string_view(m.data_time).substr(0, 6);
  if (last_touch_ && last_mn_ == m.mn && last_ym_ == ym) return *last_touch_;
  auto key = std::pair{m.mn, std::string(ym)};
  auto [tit, fresh] = touched_.try_emplace(key);
  Touch& t = tit->second;
  // Map nodes do not move: the views into the key stay valid.
  last_touch_ = &t;
  last_mn_ = tit->first.first;
  last_ym_ = tit->first.second;
  if (fresh) {
    t.file = &f;
    t.line = line_no;
    t.month = fmt::format("{}-{}-01", key.second.substr(0, 4), key.second.substr(4));
    auto [from, to] = month_range(key.second);
    SQLite::Statement& earlier = *earlier_;
    earlier.bind(1, m.mn);
    earlier.bind(2, static_cast<int64_t>(from));
    earlier.bind(3, static_cast<int64_t>(to));
    earlier.bind(4, static_cast<int64_t>(batch_));
    t.earlier = earlier.executeStep();
    earlier.reset();
  }
  return t;
}

// The months the store held data of before this batch are summed from everything it holds now.
void MonitoringImport::recompute_earlier_months() {
  SQLite::Statement q(db_,
                      "SELECT cp FROM _hj212_message WHERE mn = ? AND cn = 2061 AND "
                      "data_time >= ? AND data_time < ?");
  Message hm;
  hm.cn = "2061";
  ParseError hpe;
  for (auto& [key, touch] : touched_) {
    if (!touch.earlier) continue;  // summed up as the messages were imported
    const auto& [mn, ym] = key;
    auto [from, to] = month_range(ym);
    q.bind(1, mn);
    q.bind(2, static_cast<int64_t>(from));
    q.bind(3, static_cast<int64_t>(to));
    const std::string month = fmt::format("{}-{}-01", ym.substr(0, 4), ym.substr(4));
    while (q.executeStep()) {
      // Stored CPs passed this parser when they were imported.
      hm.data_time.clear();
      hm.items.clear();
      if (!parse_cp(q.getColumn(0).getString(), 0, hm, hpe)) continue;
      for (const Item& it : hm.items) accumulate(mn, month, touch, it);
    }
    q.reset();
  }
}

// The fields of the stored summary with this key (vals holds the key) that the messages do
// not give: the year-to-date quantity (annual_t needs the flow and the whole year), the
// concentration basis, an outlet the point does not name. They came from another source (the
// platform's statistics, the permit's execution report) and stay as they are: a summary
// recomputed from the messages replaces only what the messages prove.
void MonitoringImport::keep_underived(const Acc& a, std::vector<Value>& vals) {
  const RecordType& sr = *l_.sr;
  std::vector<bool> derived(sr.fields.size(), false);
  for (auto f : {l_.s_fac, l_.s_month, l_.s_pol, l_.s_hours, l_.s_avg, l_.s_max, l_.s_valid})
    derived[f] = true;
  for (auto f : l_.over_fields) derived[f] = true;
  if (l_.s_outlet >= 0 && !a.outlet.empty()) derived[static_cast<std::size_t>(l_.s_outlet)] = true;
  if (!existing_) {
    std::string sql = "SELECT ";
    for (std::size_t i = 0; i < sr.fields.size(); ++i)
      sql += (i ? ", " : "") + store::quote_ident(sr.fields[i].name);
    sql += " FROM " + store::quote_ident(sr.name) + " WHERE ";
    for (std::size_t k = 0; k < sr.key_fields.size(); ++k)
      sql += (k ? " AND " : "") + store::quote_ident(sr.fields[sr.key_fields[k]].name) + " = ?";
    existing_.emplace(db_, sql);
  }
  SQLite::Statement& q = *existing_;
  q.reset();
  int at = 1;
  for (auto k : sr.key_fields) {
    const Value& v = vals[k];
    switch (v.kind) {
      case Value::Kind::integer: q.bind(at++, static_cast<int64_t>(v.i)); break;
      case Value::Kind::real: q.bind(at++, v.d); break;
      case Value::Kind::text: q.bind(at++, v.s); break;
      case Value::Kind::null: q.bind(at++); break;
    }
  }
  if (!q.executeStep()) return;
  for (std::size_t i = 0; i < sr.fields.size(); ++i) {
    if (derived[i]) continue;
    const SQLite::Column c = q.getColumn(static_cast<int>(i));
    if (c.isInteger()) vals[i].set_int(c.getInt64());
    else if (c.isFloat()) vals[i].set_real(c.getDouble());
    else if (c.isText()) vals[i].set_text(c.getString());
  }
  q.reset();
}

// One month's summary, staged as a record of the summary type (or its errors reported).
void MonitoringImport::stage_summary(const std::tuple<std::string, std::string, std::string>& key,
                                     Acc& a, std::vector<Value>& vals) {
  const RecordType& sr = *l_.sr;
  // Named references, not structured bindings: the lambda below captures them.
  const std::string& facility = std::get<0>(key);
  const std::string& pollutant = std::get<1>(key);
  const std::string& month = std::get<2>(key);
  detail::FileState& f = *a.file;
  auto set = [&](std::uint32_t field, const std::string& text) {
    std::string why = convert_text(sr.fields[field], Check::none, text, vals[field]);
    if (!why.empty())
      b_.error(
          f, ImportError{f.result.path, a.line, 0, "", sr.name, sr.fields[field].name,
                         code::kDeclaration,
                         fmt::format("summary of {} {} {}: {}", facility, pollutant, month, why)});
    return why.empty();
  };
  for (auto& v : vals) v.set_null();
  bool ok = set(l_.s_fac, facility) && set(l_.s_month, month) && set(l_.s_pol, pollutant) &&
            set(l_.s_hours, std::to_string(a.hours));
  // A summary table empty when the batch began has no stored row to keep fields of (and no
  // key index yet: a lookup per summary would scan the rows staged so far).
  if (ok && !b_.bulk(sr.index)) keep_underived(a, vals);
  if (a.hours > 0) {
    ok = ok && set(l_.s_avg, fmt::format("{}", a.sum / static_cast<double>(a.hours))) &&
         set(l_.s_max, fmt::format("{}", a.max)) && set(l_.s_valid, d_.valid.front());
  } else {
    // No valid hour: the values are placeholders the validity flag keeps from proving anything.
    ok = ok && set(l_.s_avg, "0") && set(l_.s_max, "0") && set(l_.s_valid, d_.no_valid_hours);
  }
  if (l_.s_outlet >= 0 && !a.outlet.empty())
    ok = ok && set(static_cast<std::uint32_t>(l_.s_outlet), a.outlet);
  for (std::size_t i = 0; i < l_.over_fields.size(); ++i) {
    if (a.limit_missing[i]) {
      b_.error(f, ImportError{
                      f.result.path, a.line, 0, "", l_.pr->name, l_.limit_cols[i], code::kLimit,
                      fmt::format(
                          "MN '{}' has no {}: the hours of {} {} {} over it ({}) cannot be counted",
                          a.missing_point, l_.limit_cols[i], facility, pollutant, month,
                          sr.fields[l_.over_fields[i]].name)});
      ok = false;
    } else {
      ok = ok && set(l_.over_fields[i], std::to_string(a.over[i]));
    }
  }
  if (!ok) return;
  ImportError where;
  where.file = f.result.path;
  where.line = a.line;
  where.record = sr.name;
  detail::stage(b_, f, sr.index, vals, where);
  ++res_.summaries;
}

}  // namespace

MonitoringResult import_monitoring(store::Store& store, const std::vector<fs::path>& paths,
                                   const MonitoringOptions& options) {
  MonitoringResult res;
  MonitoringImport run(store, options, res);
  for (const auto& path : paths) run.import_file(path);
  run.finish();
  // The batch counts messages and summaries together; the messages' own counts tell them apart.
  if (res.import.ok) {
    res.summaries_new = res.import.rows_new - res.messages_new;
    res.summaries_changed = res.import.rows_updated;
    res.summaries_unchanged = res.import.rows_unchanged - res.messages_unchanged;
  }
  return res;
}

}  // namespace eco::engine::ingest::hj212
