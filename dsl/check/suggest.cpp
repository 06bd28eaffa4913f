#include "dsl/check/suggest.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "dsl/common/utf8.hpp"

namespace eco::dsl::check {

namespace {
std::u32string decode_all(std::string_view s) {
  std::u32string out;
  for (std::size_t pos = 0; pos < s.size();) out.push_back(utf8::decode(s, pos));
  return out;
}
}  // namespace

std::size_t edit_distance(std::string_view a8, std::string_view b8) {
  std::u32string a = decode_all(a8), b = decode_all(b8);
  // Optimal string alignment distance: three rows are enough for the transposition case.
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    std::swap(prev2, prev);
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> closest(std::string_view name, const std::vector<std::string>& candidates) {
  std::size_t len = utf8::count_chars(name);
  std::size_t limit = std::max<std::size_t>(1, len / 3);
  std::optional<std::string> best;
  std::size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    if (c == name) continue;
    std::size_t d = edit_distance(name, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

std::string list_names(const std::vector<std::string>& names, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i)
    out += fmt::format("{}'{}'", i ? ", " : "", names[i]);
  if (names.size() > max) out += ", ...";
  return out;
}

}  // namespace eco::dsl::check
