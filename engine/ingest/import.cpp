#include "engine/ingest/import.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <sstream>

#include <fmt/format.h>
#include "engine/log/log.hpp"

#include "engine/ingest/batch.hpp"
#include "engine/ingest/csv.hpp"

namespace eco::engine::ingest {

namespace fs = std::filesystem;
using detail::Batch;
using detail::FileState;

std::string render(const ImportError& e) {
  std::string out = e.file;
  if (e.line) {
    out += fmt::format(":{}", e.line);
    if (e.column) out += fmt::format(":{}", e.column);
  }
  out += fmt::format(": error[{}]: ", e.code);
  if (!e.location.empty()) out += e.location + ": ";
  if (!e.record.empty()) out += e.field.empty() ? e.record + ": " : e.record + "." + e.field + ": ";
  out += e.message;
  return out;
}

namespace detail {

namespace {

std::string lower(std::string s) {
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

// Streams a CSV file: header, then each row converted, checked and staged.
class CsvFile {
 public:
  // `sink` receives each row that passed validation (values valid during the call).
  using Sink = std::function<void(const std::vector<Value>& vals, std::uint32_t line)>;
  CsvFile(Batch& b, FileState& f, const dsl::model::RecordType& r, Sink sink)
      : b_(b), f_(f), r_(r), sink_(std::move(sink)) {
    vals_.resize(r.fields.size());
    f.columns.assign(r.fields.size(), 0);
  }

  void row(std::uint32_t line, std::span<const std::string_view> cells) {
    if (!header_done_) return header(line, cells);
    ++f_.result.rows_read;
    if (header_bad_) return;
    if (cells.size() != width_) {
      ImportError e;
      e.code = code::kRagged;
      e.line = line;
      e.column = static_cast<std::uint32_t>(std::min(cells.size(), width_) + 1);
      e.record = r_.name;
      e.message = fmt::format("row has {} field{}, the header has {}", cells.size(), cells.size() == 1 ? "" : "s",
                              width_);
      b_.error(f_, std::move(e));
      return;
    }
    bool ok = true;
    for (std::size_t fi = 0; fi < r_.fields.size(); ++fi) {
      std::uint32_t col = f_.columns[fi];
      if (col == 0) {
        vals_[fi].set_null();
        continue;
      }
      std::string msg = convert_text(r_.fields[fi], b_.check_for(r_.index, static_cast<std::uint32_t>(fi)),
                                     cells[col - 1], vals_[fi]);
      if (!msg.empty()) {
        ImportError e;
        e.code = code::kValue;
        e.line = line;
        e.column = col;
        e.record = r_.name;
        e.field = r_.fields[fi].name;
        e.message = std::move(msg);
        b_.error(f_, std::move(e));
        ok = false;
        vals_[fi].set_text("");  // not "missing": the value was there, and is reported already
      }
    }
    ImportError where;
    where.line = line;
    if (!check_required(b_, f_, r_, vals_, where, &f_.columns) || !ok) return;
    sink_(vals_, line);
  }

 private:
  void header(std::uint32_t line, std::span<const std::string_view> cells) {
    header_done_ = true;
    width_ = cells.size();
    for (std::size_t c = 0; c < cells.size(); ++c) {
      std::string_view name = cells[c];
      int fi = r_.find_field(name);
      ImportError e;
      e.code = code::kHeader;
      e.line = line;
      e.column = static_cast<std::uint32_t>(c + 1);
      e.record = r_.name;
      if (fi < 0) {
        e.message = fmt::format("column '{}' names no field of {}", name, r_.name);
        if (name.empty()) e.message = "empty column name";
      } else if (f_.columns[fi] != 0) {
        e.field = std::string(name);
        e.message = fmt::format("column '{}' appears twice (columns {} and {})", name, f_.columns[fi], c + 1);
      } else {
        f_.columns[fi] = static_cast<std::uint32_t>(c + 1);
        continue;
      }
      header_bad_ = true;
      b_.error(f_, std::move(e));
    }
    for (std::size_t fi = 0; fi < r_.fields.size(); ++fi) {
      const auto& fd = r_.fields[fi];
      if (f_.columns[fi] != 0 || (fd.optional && !fd.key)) continue;
      ImportError e;
      e.code = code::kHeader;
      e.line = line;
      e.record = r_.name;
      e.field = fd.name;
      e.message = fmt::format("required column '{}' is missing from the header", fd.name);
      header_bad_ = true;
      b_.error(f_, std::move(e));
    }
  }

  Batch& b_;
  FileState& f_;
  const dsl::model::RecordType& r_;
  Sink sink_;
  std::vector<Value> vals_;
  bool header_done_ = false;
  bool header_bad_ = false;
  std::size_t width_ = 0;
};

}  // namespace

namespace {

// Rows validated by the reading thread, waiting for the writing thread. A fixed pool of
// chunks is recycled, so memory stays bounded and value strings keep their capacity.
struct Chunk {
  std::vector<std::vector<Value>> rows;
  std::vector<std::uint32_t> lines;
  std::size_t n = 0;
};

class ChunkQueue {
 public:
  static constexpr std::size_t kRows = 2048;
  static constexpr std::size_t kChunks = 4;

  explicit ChunkQueue(std::size_t width) : pool_(kChunks) {
    for (auto& c : pool_) {
      c.rows.assign(kRows, std::vector<Value>(width));
      c.lines.assign(kRows, 0);
      free_.push_back(&c);
    }
  }
  // Reader side: a free chunk to fill, or nullptr when the writer gave up.
  Chunk* take_free() {
    std::unique_lock lk(m_);
    cv_.wait(lk, [&] { return !free_.empty() || abort_; });
    if (abort_) return nullptr;
    Chunk* c = free_.front();
    free_.pop_front();
    c->n = 0;
    return c;
  }
  void push_full(Chunk* c) {
    std::lock_guard lk(m_);
    full_.push_back(c);
    cv_.notify_all();
  }
  void close() {
    std::lock_guard lk(m_);
    closed_ = true;
    cv_.notify_all();
  }
  // Writer side: the next filled chunk, or nullptr at the end.
  Chunk* take_full() {
    std::unique_lock lk(m_);
    cv_.wait(lk, [&] { return !full_.empty() || closed_; });
    if (full_.empty()) return nullptr;
    Chunk* c = full_.front();
    full_.pop_front();
    return c;
  }
  void give_back(Chunk* c) {
    std::lock_guard lk(m_);
    free_.push_back(c);
    cv_.notify_all();
  }
  void abort() {
    std::lock_guard lk(m_);
    abort_ = true;
    cv_.notify_all();
  }

 private:
  std::vector<Chunk> pool_;
  std::deque<Chunk*> free_, full_;
  std::mutex m_;
  std::condition_variable cv_;
  bool closed_ = false, abort_ = false;
};

struct Aborted {};

// Reads, decodes, parses and validates the file, handing valid rows to `file`'s sink.
void parse_csv_file(Batch& b, FileState& f, const fs::path& path, Encoding enc, CsvFile& file) {
  CsvParser parser([&file](std::uint32_t line, std::span<const std::string_view> cells) { file.row(line, cells); });
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(path.c_str(), "rb"), &std::fclose);
  auto fail = [&](std::string code, std::uint32_t line, std::uint32_t col, std::string msg) {
    ImportError e;
    e.code = std::move(code);
    e.line = line;
    e.column = col;
    e.message = std::move(msg);
    b.error(f, std::move(e));
  };
  if (!in) return fail(code::kFile, 0, 0, "cannot be read");
  std::vector<char> buf(1 << 20);
  std::string decoded;
  std::unique_ptr<Gb18030Decoder> dec;
  if (enc == Encoding::gb18030) dec = std::make_unique<Gb18030Decoder>();
  std::uint32_t decoded_lines = 1;
  bool ok = true;
  for (;;) {
    std::size_t n = std::fread(buf.data(), 1, buf.size(), in.get());
    bool last = n < buf.size();
    std::string_view text(buf.data(), n);
    if (dec) {
      decoded.clear();
      if (!dec->decode(text, decoded, last)) {
        fail(code::kEncoding, decoded_lines + static_cast<std::uint32_t>(std::count(decoded.begin(), decoded.end(), '\n')),
             0, fmt::format("not valid GB18030 (byte offset {})", dec->error_offset()));
        return;
      }
      decoded_lines += static_cast<std::uint32_t>(std::count(decoded.begin(), decoded.end(), '\n'));
      text = decoded;
    }
    if (!parser.feed(text)) {
      ok = false;
      break;
    }
    if (last) break;
  }
  if (ok) ok = parser.finish();
  if (!ok) fail(code::kSyntax, parser.error_line(), parser.error_column(), parser.error());
  if (parser.rows() == 0 && ok) fail(code::kHeader, 1, 0, "empty file: no header row");
}

}  // namespace

void read_csv(Batch& b, FileState& f, const fs::path& path, Encoding enc) {
  // Two stages on the two cores: this thread writes to SQLite (the connection stays on it)
  // while a reader thread parses and validates the next rows.
  const auto& r = b.schema().records[static_cast<std::size_t>(f.record)];
  ChunkQueue queue(r.fields.size());
  Chunk* cur = nullptr;
  CsvFile file(b, f, r, [&](const std::vector<Value>& vals, std::uint32_t line) {
    if (!cur && !(cur = queue.take_free())) throw Aborted{};
    std::vector<Value>& dst = cur->rows[cur->n];
    for (std::size_t i = 0; i < vals.size(); ++i) {
      dst[i].kind = vals[i].kind;
      dst[i].i = vals[i].i;
      dst[i].d = vals[i].d;
      if (vals[i].kind == Value::Kind::text) dst[i].s.assign(vals[i].s);
    }
    cur->lines[cur->n++] = line;
    if (cur->n == ChunkQueue::kRows) {
      queue.push_full(cur);
      cur = nullptr;
    }
  });
  std::exception_ptr reader_error;
  std::thread reader([&] {
    try {
      parse_csv_file(b, f, path, enc, file);
      if (cur) queue.push_full(cur);
    } catch (const Aborted&) {
    } catch (...) {
      reader_error = std::current_exception();
    }
    queue.close();
  });
  try {
    ImportError where;
    while (Chunk* c = queue.take_full()) {
      for (std::size_t i = 0; i < c->n; ++i) {
        where.line = c->lines[i];
        stage(b, f, r.index, c->rows[i], where);
      }
      queue.give_back(c);
    }
  } catch (...) {
    queue.abort();
    reader.join();
    throw;
  }
  reader.join();
  if (reader_error) std::rethrow_exception(reader_error);
}

}  // namespace detail

namespace {

// The files an import reads: named files as given, folders expanded to their CSV, XML and
// JSON files in name order.
std::vector<fs::path> collect(const std::vector<fs::path>& paths, std::vector<ImportError>& missing) {
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<fs::path> found;
      for (auto it = fs::recursive_directory_iterator(p, ec); !ec && it != fs::recursive_directory_iterator();
           it.increment(ec)) {
        if (!it->is_regular_file(ec)) continue;
        std::string ext = detail::lower(it->path().extension().string());
        if (ext == ".csv" || ext == ".xml" || ext == ".json") found.push_back(it->path());
      }
      std::sort(found.begin(), found.end());
      out.insert(out.end(), found.begin(), found.end());
    } else if (fs::exists(p, ec)) {
      out.push_back(p);
    } else {
      ImportError e;
      e.file = p.string();
      e.code = code::kFile;
      e.message = "no such file or folder";
      missing.push_back(std::move(e));
    }
  }
  // A file named twice (itself and through its folder) is read once.
  std::vector<fs::path> unique;
  std::vector<fs::path> seen;
  for (auto& p : out) {
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(p, ec);
    if (ec) canon = p;
    if (std::find(seen.begin(), seen.end(), canon) != seen.end()) continue;
    seen.push_back(canon);
    unique.push_back(std::move(p));
  }
  return unique;
}

std::string read_all(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return std::move(ss).str();
}

}  // namespace

namespace detail {
std::string lower_ext(const fs::path& p) { return lower(p.extension().string()); }
}  // namespace detail

ImportResult import_paths(store::Store& store, const std::vector<fs::path>& paths, const ImportOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  ImportResult result;
  std::vector<ImportError> missing;
  std::vector<fs::path> files = collect(paths, missing);
  Batch batch(store, options, result);
  batch.begin();
  for (auto& e : missing) {
    ++result.error_count;
    result.errors.push_back(std::move(e));
  }
  for (const auto& path : files) {
    FileResult fr;
    fr.path = path.string();
    std::string ext = detail::lower_ext(path);
    fr.format = ext.empty() ? "" : ext.substr(1);
    FileScan scan;
    std::string scan_error;
    try {
      scan = scan_file(path);
    } catch (const std::exception& ex) {
      scan_error = ex.what();
    }
    fr.sha256 = scan.sha256;
    fr.bytes = scan.bytes;
    Encoding enc = options.encoding.value_or(scan.invalid_utf8_at ? Encoding::gb18030 : Encoding::utf8);
    fr.encoding = std::string(to_string(enc));
    FileState& f = batch.add_file(std::move(fr));
    auto fail = [&](const char* c, std::uint32_t line, std::string msg) {
      ImportError e;
      e.code = c;
      e.line = line;
      e.message = std::move(msg);
      batch.error(f, std::move(e));
    };
    if (!scan_error.empty()) {
      fail(code::kFile, 0, scan_error);
      continue;
    }
    if (f.result.format != "csv" && f.result.format != "xml" && f.result.format != "json") {
      fail(code::kFile, 0, "unknown format (expected .csv, .xml or .json)");
      continue;
    }
    if (scan.nul_at) {
      fail(code::kEncoding, 0,
           fmt::format("binary data, not text (NUL byte at offset {}); expected UTF-8 or GB18030 text", *scan.nul_at));
      continue;
    }
    if (scan.invalid_utf8_at && enc == Encoding::utf8) {
      fail(code::kEncoding, scan.invalid_utf8_line,
           fmt::format("not valid UTF-8 (byte offset {}); if the file is GB18030 use --encoding gb18030",
                       *scan.invalid_utf8_at));
      continue;
    }
    if (f.result.format == "csv") {
      const auto* r = store.schema().find_record(path.stem().string());
      if (!r) {
        fail(code::kFile, 0,
             fmt::format("no record type '{}' in the schema (a CSV file is named after its record type: "
                         "<record>.csv)",
                         path.stem().string()));
        continue;
      }
      f.record = static_cast<int>(r->index);
      detail::read_csv(batch, f, path, enc);
      continue;
    }
    // XML and JSON documents are parsed whole; keep that bounded.
    constexpr std::uint64_t kMaxDocumentBytes = 256ull << 20;
    if (scan.bytes > kMaxDocumentBytes) {
      fail(code::kFile, 0,
           fmt::format("{} MiB is too large for an XML/JSON document (at most {} MiB); export large tables as CSV",
                       scan.bytes >> 20, kMaxDocumentBytes >> 20));
      continue;
    }
    std::string text = read_all(path);
    if (enc == Encoding::gb18030) {
      std::uint64_t at = 0;
      auto utf8 = gb18030_to_utf8(text, &at);
      if (!utf8) {
        fail(code::kEncoding, 1 + static_cast<std::uint32_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(std::min<std::uint64_t>(at, text.size())), '\n')),
             fmt::format("neither UTF-8 nor GB18030 (byte offset {})", at));
        continue;
      }
      text = std::move(*utf8);
    }
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
    if (f.result.format == "xml")
      detail::read_xml(batch, f, text);
    else
      detail::read_json(batch, f, text);
  }
  auto tl = std::chrono::steady_clock::now();
  batch.finish_loading();
  auto t1 = std::chrono::steady_clock::now();
  batch.check_references();
  auto t2 = std::chrono::steady_clock::now();
  batch.finish();
  auto t3 = std::chrono::steady_clock::now();
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  logger().info("import: rows {:.0f} ms, indexes {:.0f} ms, reference check {:.0f} ms, commit {:.0f} ms", ms(t0, tl),
               ms(tl, t1), ms(t1, t2), ms(t2, t3));
  return result;
}

}  // namespace eco::engine::ingest
