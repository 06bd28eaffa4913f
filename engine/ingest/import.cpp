#include "engine/ingest/import.hpp"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <chrono>
#include <cstdio>
#include <iterator>
#include <optional>
#include <string_view>

#include <fmt/format.h>
#include "engine/log/log.hpp"

#include "engine/ingest/batch.hpp"
#include "engine/ingest/csv.hpp"
#include "engine/ingest/rows.hpp"

static_assert(eco::engine::ingest::CsvParser::kMaxFieldBytes == eco::engine::ingest::kMaxFieldBytes,
              "one field limit for every format");

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
void parse_csv_file(Batch& b, FileState& f, InputFile& in, TextDecoder& dec, TableRows& file) {
  CsvParser parser([&file](std::uint32_t line, std::span<const std::string_view> cells) { file.row(line, cells); });
  auto error = [&](std::string code, std::uint32_t line, std::uint32_t col, std::string msg) {
    ImportError e;
    e.code = std::move(code);
    e.line = line;
    e.column = col;
    e.message = std::move(msg);
    return e;
  };
  std::vector<char> buf(1 << 20);
  std::string text;
  for (;;) {
    std::size_t n = in.read(buf.data(), buf.size());
    text.clear();
    bool decoded = n > 0 ? dec.feed(std::string_view(buf.data(), n), text) : dec.finish(text);
    if (!decoded) {
      const DecodeError& d = dec.error();
      return b.refuse_file(f, error(code::kEncoding, d.line, d.column, d.message));
    }
    if (!parser.feed(text)) {
      // A malformed file is not read further; what it would have said is moot.
      return b.error(f, error(code::kSyntax, parser.error_line(), parser.error_column(), parser.error()));
    }
    if (n == 0) break;
  }
  if (std::string changed = in.changes(); !changed.empty())
    return b.refuse_file(f, error(code::kChanged, 0, 0,
                                  "changed while it was being imported (" + changed +
                                      "); import it again once it is complete"));
  if (!parser.finish()) return b.error(f, error(code::kSyntax, parser.error_line(), parser.error_column(), parser.error()));
  if (parser.rows() == 0) b.error(f, error(code::kHeader, 1, 0, "empty file: no header row"));
}

}  // namespace

void read_csv(Batch& b, FileState& f, InputFile& in, TextDecoder& dec) {
  // Two stages on the two cores: this thread writes to SQLite (the connection stays on it)
  // while a reader thread parses and validates the next rows.
  const auto& r = b.schema().records[static_cast<std::size_t>(f.record)];
  ChunkQueue queue(r.fields.size());
  Chunk* cur = nullptr;
  TableRows file(b, f, r, f.columns, "", [&](const std::vector<Value>& vals, std::uint32_t line) {
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
      parse_csv_file(b, f, in, dec, file);
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

// The files an import reads: named files as given, folders expanded to their CSV, XML, JSON,
// XLSX and XLS files in name order. Anything that is not a regular file (after following symbolic
// links) is an error, never skipped: named, or found in a folder under any name.
std::vector<fs::path> collect(const std::vector<fs::path>& paths, std::vector<ImportError>& errors,
                              bool& inputs_invalid) {
  auto error = [&](const fs::path& p, const char* code, std::string msg) {
    ImportError e;
    e.file = p.string();
    e.code = code;
    e.message = std::move(msg);
    errors.push_back(std::move(e));
    if (std::string_view(code) == code::kNotRegular) inputs_invalid = true;
  };
  std::vector<fs::path> out;
  for (const auto& p : paths) {
    std::optional<std::string> why = not_regular_reason(p);
    if (!why) {
      error(p, code::kFile, "no such file or folder");
      continue;
    }
    if (why->empty()) {
      out.push_back(p);
      continue;
    }
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      error(p, code::kNotRegular, "not a regular file: " + *why);
      continue;
    }
    std::vector<fs::path> found;
    fs::recursive_directory_iterator it(p, ec), end;
    if (ec) error(p, code::kFile, fmt::format("cannot read the folder: {}", ec.message()));
    for (; !ec && it != end; it.increment(ec)) {
      const fs::path& q = it->path();
      std::optional<std::string> qwhy = not_regular_reason(q);
      if (qwhy && qwhy->empty()) {
        std::string ext = detail::lower(q.extension().string());
        if (ext == ".csv" || ext == ".xml" || ext == ".json" || ext == ".xlsx" || ext == ".xls") found.push_back(q);
        continue;
      }
      std::error_code sec;
      auto st = it->symlink_status(sec);
      if (!sec && st.type() == fs::file_type::directory) continue;  // a real folder: the walk enters it
      if (!qwhy) {
        // Gone since the folder was listed.
        error(q, code::kFile, "no such file (removed while the folder was read)");
        continue;
      }
      // Symbolic links to folders are not followed (a loop could never end).
      error(q, code::kNotRegular, "not a regular file: " + (*qwhy == "a folder" ? "a symbolic link to a folder (not followed; name the folder itself)" : *qwhy));
    }
    if (ec) error(p, code::kFile, fmt::format("cannot read the folder: {}", ec.message()));
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
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

// Reads a whole XML/JSON document through the decoder; false (error reported) when it
// cannot be, or changed while it was read.
bool read_document(Batch& b, FileState& f, InputFile& in, TextDecoder& dec, std::string& text) {
  auto refuse = [&](const char* code, std::uint32_t line, std::uint32_t col, std::string msg) {
    ImportError e;
    e.code = code;
    e.line = line;
    e.column = col;
    e.message = std::move(msg);
    b.refuse_file(f, std::move(e));
    return false;
  };
  auto too_large = [&](std::uint64_t bytes) {
    return refuse(code::kLimit, 0, 0,
                  fmt::format("{:.1f} MiB is too large for an XML/JSON document (at most {} MiB); export large "
                              "tables as CSV",
                              static_cast<double>(bytes) / (1 << 20), kMaxDocumentBytes >> 20));
  };
  // Documents are parsed whole (permit and application documents are small): keep that bounded.
  if (in.size_at_open() > kMaxDocumentBytes) return too_large(in.size_at_open());
  std::vector<char> buf(1 << 16);
  for (;;) {
    std::size_t n = in.read(buf.data(), buf.size());
    if (in.bytes_read() > kMaxDocumentBytes) return too_large(in.bytes_read());
    bool decoded = n > 0 ? dec.feed(std::string_view(buf.data(), n), text) : dec.finish(text);
    if (!decoded) return refuse(code::kEncoding, dec.error().line, dec.error().column, dec.error().message);
    if (n == 0) break;
  }
  if (std::string changed = in.changes(); !changed.empty())
    return refuse(code::kChanged, 0, 0,
                  "changed while it was being imported (" + changed + "); import it again once it is complete");
  if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);
  return true;
}

}  // namespace

namespace detail {
std::string lower_ext(const fs::path& p) { return lower(p.extension().string()); }
}  // namespace detail

ImportResult import_paths(store::Store& store, const std::vector<fs::path>& paths, const ImportOptions& options) {
  auto t0 = std::chrono::steady_clock::now();
  ImportResult result;
  std::vector<ImportError> missing;
  std::vector<fs::path> files = collect(paths, missing, result.inputs_invalid);
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
    fr.encoding = options.encoding ? std::string(to_string(*options.encoding)) : "";
    FileState& f = batch.add_file(std::move(fr));
    auto fail = [&](const char* c, std::string msg) {
      ImportError e;
      e.code = c;
      e.message = std::move(msg);
      batch.error(f, std::move(e));
    };
    const dsl::model::RecordType* record = nullptr;
    f.workbook = f.result.format == "xlsx" || f.result.format == "xls";
    if (f.result.format != "csv" && f.result.format != "xml" && f.result.format != "json" && !f.workbook) {
      fail(code::kFile, "unknown format (expected .csv, .xml, .json, .xlsx or .xls)");
      continue;
    }
    if (f.result.format == "csv") {
      record = store.schema().find_record(path.stem().string());
      if (!record) {
        fail(code::kFile, fmt::format("no record type '{}' in the schema (a CSV file is named after its record type: "
                                      "<record>.csv)",
                                      path.stem().string()));
        continue;
      }
    }
    std::unique_ptr<InputFile> in;
    try {
      in = std::make_unique<InputFile>(path, options.before_read);
    } catch (const InputFile::Error& ex) {
      if (ex.code == code::kNotRegular) result.inputs_invalid = true;
      fail(ex.code == code::kNotRegular ? code::kNotRegular : code::kFile, ex.what());
      continue;
    }
    TextDecoder dec(options.encoding);
    try {
      if (record) {
        f.record = static_cast<int>(record->index);
        detail::read_csv(batch, f, *in, dec);
      } else if (f.workbook) {
        detail::read_workbook(batch, f, *in);
      } else {
        std::string text;
        if (read_document(batch, f, *in, dec, text)) {
          if (f.result.format == "xml")
            detail::read_xml(batch, f, text);
          else
            detail::read_json(batch, f, text);
        }
      }
    } catch (const InputFile::Error& ex) {
      fail(code::kFile, ex.what());
    }
    // A workbook's text is UTF-8 by its format (an .xls's code page is converted by FreeXL).
    f.result.encoding = std::string(to_string(f.workbook ? Encoding::utf8 : dec.encoding()));
    f.result.sha256 = in->sha256();
    f.result.bytes = in->bytes_read();
    batch.file_read(f);
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
