#include "cli/report_output.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fmt/format.h>

#include "reports/json/findings_json.hpp"

namespace eco::cli {

namespace fs = std::filesystem;
namespace model = dsl::model;

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

std::map<std::string, std::string> field_descriptions(const model::Schema& schema) {
  std::map<std::string, std::string> out;
  for (const auto& r : schema.records)
    for (const auto& f : r.fields) out.emplace(r.name + "." + f.name, f.description);
  return out;
}

namespace {

// A field's value as a reader sees it: enum values with their label, booleans as words.
std::string shown(const engine::Snapshot& snap, const model::RecordType& rt, std::uint32_t row,
                  std::uint32_t field, const std::string& lang) {
  std::string v = snap.display(rt.index, row, field);
  if (v.empty()) return v;
  const auto& ft = rt.fields[field].type;
  if (ft.kind == model::Kind::enum_ && ft.enum_type) {
    const int i = ft.enum_type->find(v);
    if (i >= 0 && !ft.enum_type->values[static_cast<std::size_t>(i)].label.empty())
      return ft.enum_type->values[static_cast<std::size_t>(i)].label + " (" + v + ")";
  } else if (ft.kind == model::Kind::bool_) {
    return v == "true" ? (lang == "en" ? "yes" : "是") : (lang == "en" ? "no" : "否");
  }
  return v;
}

}  // namespace

reports::EnterpriseInfo enterprise_label(const engine::Snapshot& snap,
                                         const model::RecordType& owner, std::uint32_t row,
                                         const std::vector<reports::Dimension>& dimensions) {
  reports::EnterpriseInfo e;
  e.key = snap.key_of(owner.index, row);
  // The field the schema declares `role name` on the owner record; none: the key.
  const int name_field = snap.schema().owner() == &owner ? snap.schema().roles.owner_name : -1;
  e.name =
      name_field >= 0 ? snap.display(owner.index, row, static_cast<std::uint32_t>(name_field)) : "";
  if (e.name.empty()) e.name = e.key;
  for (const auto& dim : dimensions) {
    const int f = owner.find_field(dim.field);
    if (f < 0) continue;
    // Charts group by the label alone (the name is noise on an axis).
    std::string v = snap.display(owner.index, row, static_cast<std::uint32_t>(f));
    const auto& ft = owner.fields[static_cast<std::size_t>(f)].type;
    if (ft.kind == model::Kind::enum_ && ft.enum_type) {
      const int i = ft.enum_type->find(v);
      if (i >= 0 && !ft.enum_type->values[static_cast<std::size_t>(i)].label.empty())
        v = ft.enum_type->values[static_cast<std::size_t>(i)].label;
    }
    e.dimensions.emplace(dim.field, std::move(v));
  }
  return e;
}

reports::EnterpriseInfo enterprise_info(const engine::Snapshot& snap,
                                        const model::RecordType& owner, std::uint32_t row,
                                        const std::vector<reports::Dimension>& dimensions,
                                        const std::string& lang, bool related,
                                        std::size_t max_rows) {
  reports::EnterpriseInfo e = enterprise_label(snap, owner, row, dimensions);
  for (std::uint32_t f = 0; f < owner.fields.size(); ++f) {
    std::string v = shown(snap, owner, row, f, lang);
    if (!v.empty())
      e.fields.push_back({owner.fields[f].name, owner.fields[f].description, std::move(v)});
  }
  if (!related) return e;
  const auto& schema = snap.schema();
  for (std::uint32_t li = 0; li < owner.reverse_lists.size(); ++li) {
    const auto& list = owner.reverse_lists[li];
    const auto rows = snap.reverse(owner.index, row, li);
    if (rows.empty()) continue;
    const auto& child = schema.records[list.child];
    reports::RelatedRecords r;
    r.record = child.name;
    r.title = child.title;
    r.total = rows.size();
    // The columns that have a value in a shown row, without the reference back to the owner.
    const std::size_t n = std::min(rows.size(), max_rows);
    std::vector<std::uint32_t> cols;
    for (std::uint32_t f = 0; f < child.fields.size(); ++f) {
      if (f == list.child_field) continue;
      for (std::size_t i = 0; i < n; ++i)
        if (!snap.display(child.index, rows[i], f).empty()) {
          cols.push_back(f);
          break;
        }
    }
    for (auto f : cols)
      r.columns.push_back({child.fields[f].name, child.fields[f].description, ""});
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> cells;
      for (auto f : cols) cells.push_back(shown(snap, child, rows[i], f, lang));
      r.rows.push_back(std::move(cells));
    }
    e.related.push_back(std::move(r));
  }
  return e;
}

std::optional<std::vector<reports::Dimension>> dimensions(const std::string& command,
                                                          const model::RecordType& owner,
                                                          const std::vector<std::string>& names) {
  std::vector<reports::Dimension> out;
  if (names.empty()) {
    for (const auto& f : owner.fields)
      if (f.type.kind == model::Kind::enum_ && !f.optional && !f.key)
        out.push_back({f.name, f.description});
    return out;
  }
  for (const auto& n : names) {
    const int f = owner.find_field(n);
    if (f < 0) {
      std::fprintf(stderr, "ecoaudit %s: --group-by: %s has no field '%s'\n", command.c_str(),
                   owner.name.c_str(), n.c_str());
      return std::nullopt;
    }
    out.push_back({n, owner.fields[static_cast<std::size_t>(f)].description});
  }
  return out;
}

ReportFile::ReportFile(std::string path) : path_(path == "-" ? std::string() : std::move(path)) {
  if (path_.empty()) return;
  std::error_code ec;
  const auto st = fs::symlink_status(path_, ec);
  if (!fs::exists(st) || fs::is_regular_file(st)) partial_ = path_ + ".partial";
}

ReportFile::~ReportFile() {
  if (partial_.empty()) return;
  std::error_code ec;
  fs::remove(partial_, ec);
}

bool ReportFile::publish(const std::string& command) {
  if (partial_.empty()) return true;
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) {
    std::fprintf(stderr, "ecoaudit %s: cannot write %s: %s\n", command.c_str(), path_.c_str(), ec.message().c_str());
    return false;
  }
  partial_.clear();
  return true;
}

namespace {

bool write_one(const std::string& command, const reports::ReportData& data, reports::Format f,
               const ReportFile& file) {
  const std::string& target = file.target();
  const bool to_stdout = target.empty();
  const reports::FormatEntry& entry = reports::format_entry(f);
  try {
    if (entry.file_only) {
      if (to_stdout) {
        std::fprintf(stderr,
                     "ecoaudit %s: %s is written to a file: give --out FILE or --out DIR\n",
                     command.c_str(), entry.name);
        return false;
      }
      entry.write(data, std::cout, target);
      return true;
    }
    std::ofstream out;
    if (!to_stdout) {
      out.open(target, std::ios::binary | std::ios::trunc);
      if (!out) {
        std::fprintf(stderr, "ecoaudit %s: cannot write %s\n", command.c_str(), file.name().c_str());
        return false;
      }
    }
    std::ostream& os = to_stdout ? std::cout : out;
    if (f == reports::Format::text) {
      reports::ReportData d = data;
      d.color = to_stdout && ::isatty(STDOUT_FILENO) != 0;  // colour only on a terminal
      entry.write(d, os, target);
    } else {
      entry.write(data, os, target);
    }
    os.flush();
    // A file's last bytes reach the disk at close: a full disk may say so only then.
    if (!to_stdout) out.close();
    if (!os) {
      std::fprintf(stderr, "ecoaudit %s: cannot write %s\n", command.c_str(), file.name().c_str());
      return false;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ecoaudit %s: writing the %s report: %s\n", command.c_str(), entry.name, e.what());
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> report_paths(const std::string& command,
                                                     const std::vector<reports::Format>& formats,
                                                     const std::string& out, const std::string& base) {
  std::error_code ec;
  const bool into_dir =
      formats.size() > 1 || (!out.empty() && out != "-" && fs::is_directory(out, ec));
  if (!into_dir) return std::vector<std::string>{out == "-" ? std::string() : out};
  if (out.empty() || out == "-") {
    std::fprintf(stderr, "ecoaudit %s: several formats need --out DIR (a folder for the files)\n",
                 command.c_str());
    return std::nullopt;
  }
  fs::create_directories(out, ec);
  if (ec) {
    std::fprintf(stderr, "ecoaudit %s: cannot create %s: %s\n", command.c_str(), out.c_str(),
                 ec.message().c_str());
    return std::nullopt;
  }
  std::vector<std::string> paths;
  for (auto f : formats) paths.push_back((fs::path(out) / (base + "." + reports::extension(f))).string());
  return paths;
}

std::unique_ptr<PendingReports> PendingReports::write(const std::string& command, const reports::ReportData& data,
                                                      const std::vector<reports::Format>& formats,
                                                      const std::string& out, const std::string& base) {
  const auto paths = report_paths(command, formats, out, base);
  if (!paths) return nullptr;
  auto r = std::make_unique<PendingReports>();
  r->command_ = command;
  for (std::size_t i = 0; i < formats.size(); ++i) {
    r->files_.push_back(std::make_unique<ReportFile>((*paths)[i]));
    if (!write_one(command, data, formats[i], *r->files_.back())) return nullptr;  // removes the partial files
  }
  return r;
}

bool PendingReports::publish() {
  bool ok = true;
  for (auto& f : files_) ok = f->publish(command_) && ok;
  return ok;
}

bool write_reports(const std::string& command, const reports::ReportData& data,
                   const std::vector<reports::Format>& formats, const std::string& out,
                   const std::string& base) {
  auto pending = PendingReports::write(command, data, formats, out, base);
  return pending && pending->publish();
}

// One streamed report's output: standard output, or a ReportFile (written as <path>.partial
// and renamed over <path> when the report is complete, so that a sweep that fails half-way,
// a store error or text that is not UTF-8, leaves the previous report in place).
struct StreamedReports::Output {
  reports::Format format;
  std::unique_ptr<ReportFile> place;
  std::ofstream file;
  std::ostream* os = nullptr;
  std::unique_ptr<reports::ReportWriter> writer;

  std::string name() const { return place->name(); }
  ~Output() {
    writer.reset();
    file.close();  // before the ReportFile removes what it wrote
  }
};

std::unique_ptr<StreamedReports> StreamedReports::open(const std::string& command, const reports::ReportData& head,
                                                       const std::vector<reports::Format>& formats,
                                                       const std::string& out, const std::string& base,
                                                       const reports::EnterpriseLookup& enterprise) {
  const auto paths = report_paths(command, formats, out, base);
  if (!paths) return nullptr;
  std::unique_ptr<StreamedReports> r(new StreamedReports(command));
  for (std::size_t i = 0; i < formats.size(); ++i) {
    auto o = std::make_unique<Output>();
    o->format = formats[i];
    o->place = std::make_unique<ReportFile>((*paths)[i]);
    if (o->place->target().empty()) {
      o->os = &std::cout;
    } else {
      o->file.open(o->place->target(), std::ios::binary | std::ios::trunc);
      if (!o->file) {
        std::fprintf(stderr, "ecoaudit %s: cannot write %s\n", command.c_str(), o->name().c_str());
        return nullptr;
      }
      o->os = &o->file;
    }
    reports::ReportData h = head;
    if (o->format == reports::Format::text)
      h.color = o->place->path().empty() && ::isatty(STDOUT_FILENO) != 0;  // colour only on a terminal
    try {
      o->writer = reports::report_writer(o->format, *o->os, h, enterprise);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ecoaudit %s: writing the %s report: %s\n", command.c_str(),
                   reports::to_string(o->format), e.what());
      return nullptr;
    }
    if (!o->writer) {
      std::fprintf(stderr, "ecoaudit %s: the %s report needs every finding at once\n", command.c_str(),
                   reports::to_string(o->format));
      return nullptr;
    }
    r->outputs_.push_back(std::move(o));
  }
  return r;
}

StreamedReports::StreamedReports(std::string command) : command_(std::move(command)) {}
StreamedReports::~StreamedReports() = default;

void StreamedReports::check(const Output& o) const {
  if (!*o.os) throw reports::ReportError(fmt::format("cannot write {}", o.name()));
}

void StreamedReports::add(const std::vector<engine::Finding>& piece) {
  for (auto& o : outputs_) {
    try {
      o->writer->add(piece);
    } catch (const std::exception& e) {
      throw reports::ReportError(fmt::format("writing the {} report: {}", reports::to_string(o->format), e.what()));
    }
    check(*o);
  }
}

bool StreamedReports::finish(const std::vector<engine::ResolvedFinding>& resolved) {
  bool ok = true;
  for (auto& o : outputs_) {
    try {
      o->writer->finish(resolved);
      o->os->flush();
      check(*o);
      if (o->file.is_open()) {
        // A file's last bytes reach the disk at close: a full disk may say so only then.
        o->file.close();
        if (!o->file) throw reports::ReportError(fmt::format("cannot write {}", o->name()));
      }
    } catch (const reports::ReportError& e) {
      std::fprintf(stderr, "ecoaudit %s: %s\n", command_.c_str(), e.what());
      ok = false;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ecoaudit %s: writing the %s report: %s\n", command_.c_str(),
                   reports::to_string(o->format), e.what());
      ok = false;
    }
  }
  return ok;
}

bool StreamedReports::publish() {
  bool ok = true;
  for (auto& o : outputs_) ok = o->place->publish(command_) && ok;
  return ok;
}

}  // namespace eco::cli
