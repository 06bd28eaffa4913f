// The demo's online-monitoring month: HJ 212-2017 messages of the monitored facilities, and
// the monthly summaries derived from them (cems_rows writes those into emission_monthly, so the
// demo has one source for that month: importing the messages changes no summary).
#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "tools/datagen/gen.hpp"

namespace eco::datagen {

namespace {

// HJ 212-2017 Appendix A's CRC16 over the data segment: register 0xFFFF; per byte the
// register's high byte XOR the byte, then 8 shifts right, XOR 0xA001 when a 1 is shifted out.
unsigned crc16(std::string_view data) {
  unsigned r = 0xFFFF;
  for (unsigned char c : data) {
    r = (r >> 8) ^ c;
    for (int i = 0; i < 8; ++i) r = (r & 1) ? (r >> 1) ^ 0xA001 : r >> 1;
  }
  return r;
}

// "##" + 4-digit length + segment + 4-hex CRC + CRLF.
std::string frame(const std::string& seg) {
  char head[16], tail[16];
  std::snprintf(head, sizeof head, "##%04zu", seg.size());
  std::snprintf(tail, sizeof tail, "%04X", crc16(seg));
  return head + seg + tail + "\r\n";
}

std::string fixed2(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.2f", v);
  return b;
}

double parse(const std::string& s) {
  double v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

unsigned days_in(int y, unsigned m) {
  const int first = days_from_civil(y, m, 1);
  const int next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, m + 1, 1);
  return static_cast<unsigned>(next - first);
}

constexpr const char* kCodes[] = {"a34013", "a21026", "a21002"};  // pm, so2, nox (Appendix B)

}  // namespace

Gen::MonthFigures Gen::monitored_month(Monitored& m, int pi, double ule, double permit,
                                       const MonthFigures& target) {
  // A stream of its own per facility and pollutant (FNV-1a of the id): the main stream, which
  // every other record draws from, is left as it was.
  std::uint64_t h = 1469598103934665603ull ^ opt_.seed;
  for (unsigned char c : m.fid + static_cast<char>('0' + pi)) h = (h ^ c) * 1099511628211ull;
  Rng r(h);
  const int n = static_cast<int>(days_in(m.year, m.month) * 24);
  const int valid = std::min(target.hours_valid, n);
  // The targets are drawn independently and may contradict each other; the hours reconcile them.
  int ou = std::min(target.over_ule, valid), op = std::min(target.over_permit, ou);
  if (permit <= ule) {
    // The permit limit is the ULE level (or below): an hour over one is over the other. A month
    // drawn with no hour over the permit has none over the ULE level; one drawn over the permit
    // counts the larger number for both.
    if (target.over_permit > 0) op = ou = std::max(ou, std::min(target.over_permit, valid));
    else op = ou = 0;
  }
  double x = target.max;
  if (op > 0) x = std::max(x, permit * 1.15);
  else if (ou > 0) x = x > ule && x <= permit ? x : std::min(ule * 1.3, permit);
  else x = std::min(x, ule);
  std::vector<double> vals;
  vals.reserve(static_cast<std::size_t>(valid));
  // Over the permit limit: near the month's maximum, the first one at it.
  for (int i = 0; i < op; ++i) vals.push_back(i == 0 ? x : r.uniform(std::max(permit + 0.01, x * 0.7), x));
  // Over the ULE level but not the permit limit.
  const double below_permit = std::min(permit, x);
  for (int i = op; i < ou; ++i) vals.push_back(i == 0 ? x : r.uniform(ule + 0.01, below_permit));
  // The other hours, at or below the ULE level (and the maximum), their mean near the one
  // the month was drawn with.
  const int rest = valid - ou;
  if (rest > 0) {
    double over_sum = 0;
    for (double v : vals) over_sum += v;
    const double cap = ou == 0 ? x : ule;
    const double mean = std::clamp((target.avg * valid - over_sum) / rest, 0.1 * cap, 0.97 * cap);
    const double spread = 0.9 * std::min(mean, cap - mean);
    for (int i = 0; i < rest; ++i)
      vals.push_back(ou == 0 && i == 0 ? x : mean + r.uniform(-spread, spread));
  }
  // Which hours are valid: the others are maintenance, calibration, fault or shut-down hours.
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) order[static_cast<std::size_t>(i)] = i;
  for (int i = n - 1; i > 0; --i) std::swap(order[static_cast<std::size_t>(i)], order[static_cast<std::size_t>(r.range(0, i))]);
  for (int i = valid - 1; i > 0; --i) std::swap(vals[static_cast<std::size_t>(i)], vals[static_cast<std::size_t>(r.range(0, i))]);
  auto& hours = m.hours[static_cast<std::size_t>(pi)];
  hours.assign(static_cast<std::size_t>(n), Hour{});
  for (int i = 0; i < n; ++i) {
    Hour& hr = hours[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
    if (i < valid) {
      hr.zs = fixed2(vals[static_cast<std::size_t>(i)]);
      hr.flag = 'N';
    } else {
      static constexpr char flags[] = {'M', 'C', 'D', 'F'};
      static constexpr unsigned w[] = {40, 25, 20, 15};
      hr.flag = flags[r.weighted(w)];
      // A maintenance hour may read far over any limit: it must prove nothing.
      hr.zs = fixed2(hr.flag == 'M' && r.chance(0.3) ? ule * 3 : ule * r.uniform(0.2, 0.9));
    }
  }
  // The figures as `ecoaudit import-monitoring` derives them: valid hours in time order, the
  // values as the messages write them, strictly above each limit.
  MonthFigures f;
  double sum = 0;
  for (const Hour& hr : hours) {
    if (hr.flag != 'N') continue;
    const double v = parse(hr.zs);
    f.max = f.hours_valid ? std::max(f.max, v) : v;
    ++f.hours_valid;
    sum += v;
    f.over_ule += v > ule;
    f.over_permit += v > permit;
  }
  if (f.hours_valid) f.avg = sum / static_cast<double>(f.hours_valid);
  return f;
}

void Gen::write_hj212() {
  if (monitored_.empty()) return;
  const Monitored& first = monitored_.front();
  for (const auto& m : monitored_)
    if (m.year != first.year || m.month != first.month) throw std::logic_error("monitored months differ");
  std::vector<std::string> lines;
  Rng r(opt_.seed ^ 212);
  const unsigned days = days_in(first.year, first.month);
  unsigned qn = 0;
  for (unsigned d = 1; d <= days; ++d) {
    for (unsigned hr = 0; hr < 24; ++hr) {
      char t[16];
      std::snprintf(t, sizeof t, "%04d%02u%02u%02u0000", first.year, first.month, d, hr);
      const std::size_t at = (d - 1) * 24 + hr;
      for (const auto& m : monitored_) {
        char q[32];
        std::snprintf(q, sizeof q, "%s%03u", t, ++qn % 1000);
        std::string seg = std::string("QN=") + q + ";ST=31;CN=2061;PW=123456;MN=" + m.mn +
                          ";Flag=4;CP=&&DataTime=" + t;
        for (std::size_t pi = 0; pi < 3; ++pi) {
          const Hour& h = m.hours[pi][at];
          const double zs = parse(h.zs);
          // The measured value (Avg) and its range: the corrected one (ZsAvg) is summarised.
          const double avg = zs / 1.1;
          seg += std::string(";") + kCodes[pi] + "-Avg=" + fixed2(avg) + "," + kCodes[pi] + "-ZsAvg=" + h.zs + "," +
                 kCodes[pi] + "-Min=" + fixed2(avg * 0.8) + "," + kCodes[pi] + "-Max=" + fixed2(avg * 1.2) + "," +
                 kCodes[pi] + "-Flag=" + h.flag;
        }
        // O2 (a19001): stored with the message, not summarised.
        seg += ";a19001-Avg=" + fixed2(r.uniform(8, 12)) + ",a19001-Flag=" + m.hours[0][at].flag + "&&";
        lines.push_back(frame(seg));
      }
    }
    // Daily data: the mean of the day's valid hours, formed from 20 valid hours or more
    // (HJ 75-2017); a pollutant with fewer has no daily value.
    char t[16];
    std::snprintf(t, sizeof t, "%04d%02u%02u000000", first.year, first.month, d);
    for (const auto& m : monitored_) {
      std::string seg = "ST=31;CN=2031;PW=123456;MN=" + m.mn + ";Flag=4;CP=&&DataTime=" + t;
      for (std::size_t pi = 0; pi < 3; ++pi) {
        double sum = 0;
        int nv = 0;
        for (unsigned hr = 0; hr < 24; ++hr) {
          const Hour& h = m.hours[pi][(d - 1) * 24 + hr];
          if (h.flag == 'N') sum += parse(h.zs), ++nv;
        }
        if (nv >= 20)
          seg += std::string(";") + kCodes[pi] + "-ZsAvg=" + fixed2(sum / nv) + "," + kCodes[pi] + "-Flag=N";
      }
      lines.push_back(frame(seg + "&&"));
    }
  }
  // Three transmissions broken on the way, each followed by the intact message as re-sent:
  // quarantined, they lose nothing (the import then derives the same summaries).
  auto bare = [](const std::string& l) { return l.substr(0, l.size() - 2); };
  std::vector<std::string> out;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i == 9) {  // a flag changed in transit: same length, the CRC no longer matches
      std::string b = lines[i];
      const auto p = b.find("-Flag=N");
      if (p != std::string::npos) b[p + 6] = 'M';
      out.push_back(b);
    } else if (i == 19) {  // cut in the middle
      out.push_back(bare(lines[i]).substr(0, lines[i].size() / 2) + "\r\n");
    } else if (i == 29) {  // the length field one more than the data segment
      std::string b = lines[i];
      char len[16];
      std::snprintf(len, sizeof len, "%04d", std::stoi(b.substr(2, 4)) + 1);
      b.replace(2, 4, len);
      out.push_back(b);
    }
    out.push_back(lines[i]);
  }
  const auto dir = opt_.out / "hj212";
  std::filesystem::create_directories(dir);
  char name[32];
  std::snprintf(name, sizeof name, "%04d-%02u.txt", first.year, first.month);
  std::ofstream f(dir / name, std::ios::binary | std::ios::trunc);
  for (const auto& l : out) f << l;
  f.close();
  if (!f) throw std::runtime_error("cannot write " + (dir / name).string());
}

}  // namespace eco::datagen
