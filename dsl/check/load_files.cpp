// Pass 1: reading the files of a ruleset. Includes are resolved relative to the including
// file and read depth first, each file once (by canonical path), so a file included from two
// places contributes its declarations once and a cycle is reported instead of followed.
#include <fstream>
#include <iterator>
#include <set>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "dsl/check/context.hpp"
#include "dsl/common/codes.hpp"
#include "dsl/parser/parse.hpp"

namespace eco::dsl::check {

namespace fs = std::filesystem;

namespace {

// Well above any hand-written ruleset (the 10 MB generated file of the issue included), and
// far below the 4 GiB a SourceRange offset can address.
constexpr std::uintmax_t kMaxFileBytes = 64u << 20;
// Include chains deeper than this are certainly generated or cyclic through symlinks.
constexpr std::size_t kMaxIncludeDepth = 64;

// A range no file owns: render_text prints such a diagnostic without a location.
constexpr SourceRange kNowhere{UINT32_MAX, 0, 0};

// The folder includes must stay in (issue 17: an include read /etc/shadow and printed its first
// line): the nearest folder, from the entry's own upwards, that holds a ruleset.rules (a file
// checked alone belongs to the ruleset around it), else the entry's folder; symlinks resolved.
fs::path include_root(const fs::path& entry) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(entry, ec), ec).parent_path();
  for (fs::path d = dir; !d.empty(); d = d.parent_path()) {
    if (fs::is_regular_file(d / "ruleset.rules", ec)) return d;
    if (d == d.parent_path()) break;
  }
  return dir;
}

// Whether canonical path `p` lies inside canonical folder `root`.
bool inside(const fs::path& p, const fs::path& root) {
  auto r = root.begin(), q = p.begin();
  for (; r != root.end(); ++r, ++q)
    if (q == p.end() || *q != *r) {
      // A trailing empty element ("dir/") matches anything.
      if (r->empty()) return true;
      return false;
    }
  return true;
}

struct Loader {
  Context& ctx;
  fs::path root;                          // canonical: includes may not leave it
  std::set<std::string> seen;             // canonical paths read (or tried) so far
  std::vector<std::string> stack;         // canonical paths of the include chain
  std::vector<std::string> stack_display; // the same, as shown to the user
  EVP_MD_CTX* md = nullptr;

  // Reads and parses one file; `from` is the include's range (kNowhere for the entry).
  bool load(const fs::path& display, SourceRange from) {
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(display, ec);
    std::string key = ec ? display.lexically_normal().generic_string() : canon.generic_string();
    std::string shown = display.generic_string();
    for (std::size_t i = 0; i < stack.size(); ++i) {
      if (stack[i] != key) continue;
      std::string chain;
      for (std::size_t j = i; j < stack_display.size(); ++j) chain += stack_display[j] + " -> ";
      ctx.diags.error(code::kInclude, from, fmt::format("include cycle: {}{}", chain, shown));
      return false;
    }
    if (!seen.insert(key).second) return true;  // already read through another include
    if (stack.size() >= kMaxIncludeDepth) {
      ctx.diags.error(code::kInclude, from,
                      fmt::format("includes nested deeper than {} files", kMaxIncludeDepth));
      return false;
    }

    if (fs::is_directory(display, ec)) {
      ctx.diags.error(code::kInclude, from, fmt::format("cannot read '{}': it is a folder", shown));
      return false;
    }
    std::uintmax_t size = fs::file_size(display, ec);
    std::ifstream in(display, std::ios::binary);
    if (ec || !in) {
      ctx.diags.error(code::kInclude, from, fmt::format("cannot read '{}': no such file", shown));
      return false;
    }
    if (size > kMaxFileBytes) {
      ctx.diags.error(code::kFileTooLarge, from,
                      fmt::format("'{}' is {} bytes; rule files are limited to {} bytes", shown, size,
                                  kMaxFileBytes));
      return false;
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) {
      ctx.diags.error(code::kInclude, from, fmt::format("cannot read '{}'", shown));
      return false;
    }
    EVP_DigestUpdate(md, text.data(), text.size());
    // Editors on Windows save UTF-8 with a byte order mark; it is not part of the text.
    if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);

    std::uint32_t id = ctx.sm.add(shown, std::move(text));
    ctx.rs.files.push_back(shown);
    ast::File file = parse_file(ctx.sm, id, ctx.diags);

    stack.push_back(key);
    stack_display.push_back(shown);
    for (const ast::Include& inc : file.includes) {
      fs::path target = (display.parent_path() / fs::path(inc.path.value)).lexically_normal();
      // Resolved through every symlink, so that a link inside the folder cannot lead out of it;
      // a path that does not exist is refused the same way, so that an include cannot probe
      // which files exist outside. Nothing outside is opened.
      fs::path real = fs::weakly_canonical(fs::absolute(target, ec), ec);
      if (ec || !inside(real, root)) {
        auto& d = ctx.diags.error(code::kIncludeOutside, inc.range,
                                  fmt::format("include '{}' leaves the ruleset's folder", inc.path.value));
        add_note(d, "includes stay inside the ruleset's folder (the nearest one holding ruleset.rules), symlinks resolved");
        continue;
      }
      load(target, inc.range);
    }
    stack.pop_back();
    stack_display.pop_back();
    // Declarations are checked in include order: an included file's come before those of the
    // file including it, so "first declared here" points where a reader meets it first.
    ctx.files.push_back(std::move(file));
    return true;
  }
};

}  // namespace

bool load_files(const fs::path& entry, Context& ctx) {
  Loader loader{ctx, include_root(entry), {}, {}, {}, EVP_MD_CTX_new()};
  EVP_DigestInit_ex(loader.md, EVP_sha256(), nullptr);
  bool ok = loader.load(entry, kNowhere);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(loader.md, digest, &len);
  EVP_MD_CTX_free(loader.md);
  ctx.rs.sha256.clear();
  for (unsigned int i = 0; i < len; ++i) ctx.rs.sha256 += fmt::format("{:02x}", digest[i]);
  return ok;
}

void load_catalogue(const fs::path& entry_dir, Context& ctx) {
  fs::path p = entry_dir / "requirements.txt";
  std::error_code ec;
  if (!fs::is_regular_file(p, ec)) return;
  std::ifstream in(p);
  if (!in) return;
  ctx.has_catalogue = true;
  ctx.catalogue_path = p.lexically_normal().generic_string();
  // One requirement per line: ID <TAB> mode <TAB> title. '#' starts a comment line.
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.starts_with("\xEF\xBB\xBF")) line.erase(0, 3);
    std::size_t first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    std::vector<std::string> cols;
    std::size_t start = first;
    while (true) {
      std::size_t tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    for (auto& c : cols) {
      while (!c.empty() && c.back() == ' ') c.pop_back();
      while (!c.empty() && c.front() == ' ') c.erase(0, 1);
    }
    model::Requirement r;
    r.id = cols[0];
    if (cols.size() > 1) r.mode = cols[1];
    if (cols.size() > 2) r.title = cols[2];
    if (ctx.catalogue_index.count(r.id)) continue;
    ctx.catalogue_index[r.id] = ctx.rs.catalogue.size();
    ctx.rs.catalogue.push_back(std::move(r));
  }
}

}  // namespace eco::dsl::check
