#include "app/report_files.hpp"


#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "reports/report.hpp"

namespace eco::app {

namespace fs = std::filesystem;

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

bool ReportFile::publish(Messages& errors) {
  if (partial_.empty()) return true;
  std::error_code ec;
  fs::rename(partial_, path_, ec);
  if (ec) {
    errors.push_back(fmt::format("cannot write {}: {}", path_, ec.message()));
    return false;
  }
  partial_.clear();
  return true;
}

namespace {

std::ostream& console(const ReportTarget& t) { return t.console ? *t.console : std::cout; }

bool write_one(const reports::ReportData& data, reports::Format f, const ReportFile& file, const ReportTarget& t,
               Messages& errors) {
  const std::string& target = file.target();
  const bool to_stdout = target.empty();
  const reports::FormatEntry& entry = reports::format_entry(f);
  try {
    if (entry.file_only) {
      if (to_stdout) {
        errors.push_back(fmt::format("{} is written to a file: give --out FILE or --out DIR", entry.name));
        return false;
      }
      entry.write(data, console(t), target);
      return true;
    }
    std::ofstream out;
    if (!to_stdout) {
      out.open(target, std::ios::binary | std::ios::trunc);
      if (!out) {
        errors.push_back(fmt::format("cannot write {}", file.name()));
        return false;
      }
    }
    std::ostream& os = to_stdout ? console(t) : out;
    if (f == reports::Format::text) {
      reports::ReportData d = data;
      d.color = to_stdout && t.color;  // colour only on a terminal
      entry.write(d, os, target);
    } else {
      entry.write(data, os, target);
    }
    os.flush();
    // A file's last bytes reach the disk at close: a full disk may say so only then.
    if (!to_stdout) out.close();
    if (!os) {
      errors.push_back(fmt::format("cannot write {}", file.name()));
      return false;
    }
  } catch (const std::exception& e) {
    errors.push_back(fmt::format("writing the {} report: {}", entry.name, e.what()));
    return false;
  }
  return true;
}

}  // namespace

std::optional<std::vector<std::string>> report_paths(const std::vector<reports::Format>& formats,
                                                     const std::string& out, const std::string& base,
                                                     Messages& errors) {
  std::error_code ec;
  const bool into_dir =
      formats.size() > 1 || (!out.empty() && out != "-" && fs::is_directory(out, ec));
  if (!into_dir) return std::vector<std::string>{out == "-" ? std::string() : out};
  if (out.empty() || out == "-") {
    errors.push_back("several formats need --out DIR (a folder for the files)");
    return std::nullopt;
  }
  fs::create_directories(out, ec);
  if (ec) {
    errors.push_back(fmt::format("cannot create {}: {}", out, ec.message()));
    return std::nullopt;
  }
  std::vector<std::string> paths;
  for (auto f : formats) paths.push_back((fs::path(out) / (base + "." + reports::extension(f))).string());
  return paths;
}

std::unique_ptr<PendingReports> PendingReports::write(const reports::ReportData& data, const ReportTarget& target,
                                                      const std::string& base, Messages& errors) {
  const auto paths = report_paths(target.formats, target.out, base, errors);
  if (!paths) return nullptr;
  auto r = std::make_unique<PendingReports>();
  for (std::size_t i = 0; i < target.formats.size(); ++i) {
    r->files_.push_back(std::make_unique<ReportFile>((*paths)[i]));
    if (!write_one(data, target.formats[i], *r->files_.back(), target, errors)) return nullptr;  // removes the partial files
  }
  return r;
}

bool PendingReports::publish(Messages& errors) {
  bool ok = true;
  for (auto& f : files_) ok = f->publish(errors) && ok;
  return ok;
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

std::unique_ptr<StreamedReports> StreamedReports::open(const reports::ReportData& head, const ReportTarget& target,
                                                       const std::string& base,
                                                       const reports::EnterpriseLookup& enterprise, Messages& errors) {
  const auto& formats = target.formats;
  const auto paths = report_paths(formats, target.out, base, errors);
  if (!paths) return nullptr;
  std::unique_ptr<StreamedReports> r(new StreamedReports());
  for (std::size_t i = 0; i < formats.size(); ++i) {
    auto o = std::make_unique<Output>();
    o->format = formats[i];
    o->place = std::make_unique<ReportFile>((*paths)[i]);
    if (o->place->target().empty()) {
      o->os = &console(target);
    } else {
      o->file.open(o->place->target(), std::ios::binary | std::ios::trunc);
      if (!o->file) {
        errors.push_back(fmt::format("cannot write {}", o->name()));
        return nullptr;
      }
      o->os = &o->file;
    }
    reports::ReportData h = head;
    if (o->format == reports::Format::text)
      h.color = o->place->path().empty() && target.color;  // colour only on a terminal
    try {
      o->writer = reports::report_writer(o->format, *o->os, h, enterprise);
    } catch (const std::exception& e) {
      errors.push_back(fmt::format("writing the {} report: {}", reports::to_string(o->format), e.what()));
      return nullptr;
    }
    if (!o->writer) {
      errors.push_back(fmt::format("the {} report needs every finding at once", reports::to_string(o->format)));
      return nullptr;
    }
    r->outputs_.push_back(std::move(o));
  }
  return r;
}

StreamedReports::StreamedReports() = default;
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

bool StreamedReports::finish(const std::vector<engine::ResolvedFinding>& resolved, Messages& errors) {
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
      errors.push_back(e.what());
      ok = false;
    } catch (const std::exception& e) {
      errors.push_back(fmt::format("writing the {} report: {}", reports::to_string(o->format), e.what()));
      ok = false;
    }
  }
  return ok;
}

bool StreamedReports::publish(Messages& errors) {
  bool ok = true;
  for (auto& o : outputs_) ok = o->place->publish(errors) && ok;
  return ok;
}

}  // namespace eco::app
