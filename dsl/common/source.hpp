#pragma once
// Source text of a rule file and positions inside it.
//
// Positions are byte offsets into the UTF-8 text; lines and columns are derived on demand
// from a line table. Columns count characters (code points), 1-based, so that
// "line 3, column 12" means the twelfth character of the line whatever script it is in.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace eco::dsl {

// A half-open byte range [begin, end) in one source file.
struct SourceRange {
  std::uint32_t source = 0;  // SourceId of the file, see SourceManager
  std::uint32_t begin = 0;
  std::uint32_t end = 0;

  bool empty() const { return begin == end; }
  friend bool operator==(const SourceRange&, const SourceRange&) = default;
};

// Returns the smallest range covering both a and b (same source assumed).
SourceRange cover(SourceRange a, SourceRange b);

struct LineCol {
  std::uint32_t line = 1;    // 1-based
  std::uint32_t column = 1;  // 1-based, in characters
};

// One loaded file: its path as the user named it, its text (normalised to UTF-8), and
// the byte offset of each line start. CRLF and lone CR end a line like LF does.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  std::size_t line_count() const { return line_starts_.size(); }

  // Line and character column of a byte offset (clamped to the text).
  LineCol line_col(std::uint32_t offset) const;
  // The text of a 1-based line, without its line terminator.
  std::string_view line_text(std::uint32_t line) const;
  // Byte offset where a 1-based line starts.
  std::uint32_t line_start(std::uint32_t line) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<std::uint32_t> line_starts_;
};

// Owns every file read during one run; SourceRange::source indexes into it.
class SourceManager {
 public:
  // Adds a file and returns its id. The text is taken as is (callers validate UTF-8).
  std::uint32_t add(std::string path, std::string text);
  const SourceFile& file(std::uint32_t id) const { return *files_.at(id); }
  std::size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace eco::dsl
