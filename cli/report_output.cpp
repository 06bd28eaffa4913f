#include "cli/report_output.hpp"

#include <algorithm>
#include <cstdio>

namespace eco::cli {

std::optional<std::vector<reports::Format>> parse_formats(const std::string& command,
                                                          const std::string& list) {
  std::vector<reports::Format> out;
  // Split by hand: getline would drop a trailing empty item ("json,"), which is as much a
  // mistake as an empty one in the middle.
  std::vector<std::string> items{""};
  for (char c : list) {
    if (c == ',') items.emplace_back();
    else items.back().push_back(c);
  }
  if (list.empty()) items.clear();
  for (const auto& item : items) {
    auto f = reports::parse_format(item);
    if (!f) {
      // "html, json, csv, xlsx or text": every format of the registry.
      std::string names;
      const auto& all = reports::formats();
      for (std::size_t i = 0; i < all.size(); ++i)
        names += (i == 0 ? "" : i + 1 == all.size() ? " or " : ", ") + std::string(all[i].name);
      std::fprintf(stderr, "ecoaudit %s: --format wants %s (comma-separated), got '%s'\n", command.c_str(),
                   names.c_str(), item.c_str());
      return std::nullopt;
    }
    if (std::find(out.begin(), out.end(), *f) == out.end()) out.push_back(*f);
  }
  if (out.empty()) {
    std::fprintf(stderr, "ecoaudit %s: --format is empty\n", command.c_str());
    return std::nullopt;
  }
  return out;
}

void print_messages(const std::string& command, const std::string& errors) {
  std::size_t b = 0;
  while (b < errors.size()) {
    std::size_t e = errors.find('\n', b);
    if (e == std::string::npos) e = errors.size();
    std::fprintf(stderr, "ecoaudit %s: %s\n", command.c_str(), errors.substr(b, e - b).c_str());
    b = e + 1;
  }
}

}  // namespace eco::cli
