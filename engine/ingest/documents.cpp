// XML (pugixml) and JSON (nlohmann/json) documents: records nested by type name, fields as
// XML attributes / child elements or JSON members, child records nested inside their parent
// with the key back to the parent implied.
#include <algorithm>
#include <iterator>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "dsl/common/utf8.hpp"
#include "engine/ingest/batch.hpp"

namespace eco::engine::ingest::detail {

using dsl::model::RecordType;
using json = nlohmann::json;

namespace {

constexpr int kMaxNesting = 32;

// Line and character column of a byte offset.
struct Lines {
  explicit Lines(std::string_view text) : text_(text) {
    starts_.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i)
      if (text[i] == '\n') starts_.push_back(i + 1);
  }
  std::pair<std::uint32_t, std::uint32_t> at(std::size_t off) const {
    off = std::min(off, text_.size());
    auto it = std::upper_bound(starts_.begin(), starts_.end(), off);
    std::size_t line = static_cast<std::size_t>(it - starts_.begin());
    std::size_t start = starts_[line - 1];
    return {static_cast<std::uint32_t>(line),
            static_cast<std::uint32_t>(dsl::utf8::count_chars(text_.substr(start, off - start)) + 1)};
  }
  std::string_view text_;
  std::vector<std::size_t> starts_;
};

// The parent's key a nested child inherits.
struct Parent {
  std::uint32_t rec = 0;
  const Value* key = nullptr;  // null when the parent's key is missing
};

bool nested_link(Batch& b, FileState& f, std::uint32_t child, const Parent& parent, std::vector<Value>& vals,
                 const ImportError& where) {
  const auto& s = b.schema();
  int pf = parent_field(s, child, parent.rec);
  if (pf < 0) {
    ImportError e = where;
    e.code = code::kStructure;
    e.record = s.records[child].name;
    e.message = fmt::format("{} cannot nest inside {}: it has no reference to {}", s.records[child].name,
                            s.records[parent.rec].name, s.records[parent.rec].name);
    b.error(f, std::move(e));
    return false;
  }
  if (!parent.key) return true;
  Value& v = vals[static_cast<std::size_t>(pf)];
  if (!v.is_null() && !(v == *parent.key)) {
    ImportError e = where;
    e.code = code::kStructure;
    e.record = s.records[child].name;
    e.field = s.records[child].fields[static_cast<std::size_t>(pf)].name;
    e.message = fmt::format("'{}' contradicts the enclosing {} '{}'", v.s, s.records[parent.rec].name, parent.key->s);
    b.error(f, std::move(e));
    return false;
  }
  v = *parent.key;
  return true;
}

const Value* key_of(const RecordType& r, const std::vector<Value>& vals) {
  if (r.key_fields.size() != 1 || vals[r.key_fields[0]].is_null()) return nullptr;
  return &vals[r.key_fields[0]];
}

// ---- XML ---------------------------------------------------------------------------------

class XmlReader {
 public:
  XmlReader(Batch& b, FileState& f, const std::string& text) : b_(b), f_(f), lines_(text) {}

  void run(const pugi::xml_document& doc) {
    pugi::xml_node root = doc.document_element();
    if (!root) return structure_error(root, "/", "the document has no root element");
    if (const auto* r = b_.schema().find_record(root.name())) {
      record(*r, root, "/" + std::string(root.name()), nullptr, 0);
      return;
    }
    visit_children_as_records(root, "/" + std::string(root.name()), nullptr, 0);
  }

 private:
  void structure_error(pugi::xml_node n, const std::string& path, std::string msg) {
    ImportError e = where(n, path);
    e.code = code::kStructure;
    e.message = std::move(msg);
    b_.error(f_, std::move(e));
  }

  ImportError where(pugi::xml_node n, const std::string& path) {
    ImportError e;
    if (n) {
      // offset_debug() points at an element's name; the element starts at its '<'.
      std::ptrdiff_t at = n.offset_debug() - (n.type() == pugi::node_element ? 1 : 0);
      auto [line, col] = lines_.at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, at)));
      e.line = line;
      e.column = col;
    }
    e.location = path;
    return e;
  }

  // Text directly inside a record (or the wrapper) element belongs to no field: say so rather
  // than drop it.
  bool stray_text(pugi::xml_node el, const std::string& path) {
    for (pugi::xml_node c : el.children()) {
      if (c.type() != pugi::node_pcdata && c.type() != pugi::node_cdata) continue;
      std::string_view t = trim(c.value());
      if (t.empty()) continue;
      std::string shown(t.substr(0, 40));
      while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
      if (!shown.empty() && static_cast<unsigned char>(shown.back()) >= 0xC0) shown.pop_back();
      structure_error(c, path, fmt::format("text '{}{}' directly inside <{}> belongs to no field", shown,
                                           shown.size() < t.size() ? "…" : "", el.name()));
      return true;
    }
    return false;
  }

  void visit_children_as_records(pugi::xml_node parent, const std::string& path, const Parent* p, int depth) {
    stray_text(parent, path);
    std::map<std::string, int> seen;
    for (pugi::xml_node c : parent.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = c.name();
      std::string cpath = fmt::format("{}/{}[{}]", path, name, ++seen[name]);
      const auto* r = b_.schema().find_record(name);
      if (!r) {
        structure_error(c, cpath, fmt::format("<{}> is not a record type of the schema", name));
        continue;
      }
      record(*r, c, cpath, p, depth);
    }
  }

  void record(const RecordType& r, pugi::xml_node el, const std::string& path, const Parent* parent, int depth) {
    if (depth > kMaxNesting) return structure_error(el, path, "records nested too deeply");
    ++f_.result.rows_read;
    std::vector<Value> vals(r.fields.size());
    std::vector<bool> given(r.fields.size(), false);
    bool ok = true;
    if (stray_text(el, path)) ok = false;
    auto set = [&](std::string_view name, std::string_view text, pugi::xml_node at, const std::string& fpath) {
      int fi = r.find_field(name);
      if (fi < 0) {
        structure_error(at, fpath, fmt::format("'{}' is not a field of {}", name, r.name));
        ok = false;
        return;
      }
      if (given[static_cast<std::size_t>(fi)]) {
        structure_error(at, fpath, fmt::format("field '{}' is given twice", name));
        ok = false;
        return;
      }
      given[static_cast<std::size_t>(fi)] = true;
      if (text.size() > kMaxFieldBytes) {
        ImportError e = where(at, fpath);
        e.code = code::kLimit;
        e.record = r.name;
        e.field = std::string(name);
        e.message = fmt::format("a value of {} bytes is longer than the {} bytes a field may hold", text.size(),
                                kMaxFieldBytes);
        b_.error(f_, std::move(e));
        ok = false;
        vals[static_cast<std::size_t>(fi)].set_text("");
        return;
      }
      std::string msg = convert_text(r.fields[static_cast<std::size_t>(fi)],
                                     b_.check_for(r.index, static_cast<std::uint32_t>(fi)), text,
                                     vals[static_cast<std::size_t>(fi)]);
      if (!msg.empty()) {
        ImportError e = where(at, fpath);
        e.code = code::kValue;
        e.record = r.name;
        e.field = std::string(name);
        e.message = std::move(msg);
        b_.error(f_, std::move(e));
        ok = false;
        vals[static_cast<std::size_t>(fi)].set_text("");  // present, and already reported
      }
    };
    for (pugi::xml_attribute a : el.attributes()) {
      std::string_view an = a.name();
      if (an.starts_with("xmlns") || an.starts_with("xsi:")) continue;
      set(an, trim(a.value()), el, path + "/@" + std::string(an));
    }
    std::vector<std::pair<pugi::xml_node, std::string>> children;
    std::map<std::string, int> seen;
    for (pugi::xml_node c : el.children()) {
      if (c.type() != pugi::node_element) continue;
      std::string name = c.name();
      std::string cpath = fmt::format("{}/{}[{}]", path, name, ++seen[name]);
      pugi::xml_node inner = c.find_child([](pugi::xml_node n) { return n.type() == pugi::node_element; });
      int fi = r.find_field(name);
      bool has_text = !trim(text_of(c)).empty();
      if (fi >= 0 && !inner) {
        set(name, trim(text_of(c)), c, cpath);
      } else if (b_.schema().find_record(name) && !(fi >= 0 && has_text)) {
        children.emplace_back(c, cpath);
      } else if (fi >= 0) {
        // A field holds text only; <name>a<b/>c</name> is neither a value nor missing.
        ImportError e = where(inner, cpath + "/" + inner.name());
        e.code = code::kStructure;
        e.record = r.name;
        e.field = name;
        e.message = !has_text
                        ? fmt::format("holds the element <{}>, not text: a field holds text only", inner.name())
                        : fmt::format("has mixed content (text and the element <{}>): a field holds text only",
                                      inner.name());
        b_.error(f_, std::move(e));
        given[static_cast<std::size_t>(fi)] = true;
        vals[static_cast<std::size_t>(fi)].set_text("");  // present, and already reported
        ok = false;
      } else {
        set(name, "", c, cpath);  // reports the unknown field
      }
    }
    ImportError w = where(el, path);
    if (parent && !nested_link(b_, f_, r.index, *parent, vals, w)) ok = false;
    if (!check_required(b_, f_, r, vals, w, nullptr)) ok = false;
    if (ok) stage(b_, f_, r.index, vals, w);
    Parent me{r.index, key_of(r, vals)};
    for (auto& [c, cpath] : children) record(*b_.schema().find_record(c.name()), c, cpath, &me, depth + 1);
  }

  // All the text of an element: its text and CDATA children joined (a comment may split it).
  static std::string text_of(pugi::xml_node n) {
    std::string out;
    for (pugi::xml_node c : n.children())
      if (c.type() == pugi::node_pcdata || c.type() == pugi::node_cdata) out += c.value();
    return out;
  }

  static std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
    return s;
  }

  Batch& b_;
  FileState& f_;
  Lines lines_;
};

// ---- JSON --------------------------------------------------------------------------------

std::string pointer_escape(std::string_view key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

// A const char* that records how far the JSON lexer has read (nlohmann's SAX interface gives
// values no position), so that a refused value can be placed.
struct TrackedChars {
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;
  const char* p = nullptr;
  const char** cursor = nullptr;
  reference operator*() const { return *p; }
  TrackedChars& operator++() {
    *cursor = ++p;
    return *this;
  }
  TrackedChars operator++(int) {
    TrackedChars old = *this;
    ++*this;
    return old;
  }
  bool operator==(const TrackedChars& o) const { return p == o.p; }
};

// Builds the DOM like nlohmann's own SAX DOM builder, but while parsing refuses what the data
// contract does not allow: an object member name that appears twice (which json::parse would
// silently resolve to the last one), a NUL character ("\u0000") or a string over the field
// limit, and nesting deeper than kMaxJsonDepth (refused at that depth, before memory grows).
class StrictSax {
 public:
  StrictSax(json& root, std::string_view text, const char** cursor)
      : dom_(root, false), text_(text), cursor_(cursor) {}

  bool null() { return value() && dom_.null(); }
  bool boolean(bool v) { return value() && dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return value() && dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return value() && dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return value() && dom_.number_float(v, s); }
  bool string(json::string_t& v) { return value() && text_ok(v, false) && dom_.string(v); }
  bool binary(json::binary_t& v) { return value() && dom_.binary(v); }
  bool start_object(std::size_t n) {
    if (!value() || !depth_ok()) return false;
    frames_.push_back(Frame{true, {}, {}, -1});
    return dom_.start_object(n);
  }
  bool key(json::string_t& k) {
    Frame& fr = frames_.back();
    fr.key = k;
    if (!text_ok(k, true)) return false;
    if (std::find(fr.keys.begin(), fr.keys.end(), k) != fr.keys.end()) {
      problem_code_ = code::kSyntax;
      problem_pointer_ = pointer();
      problem_ = "duplicate member name (each field may appear once per object)";
      return false;
    }
    fr.keys.push_back(k);
    return dom_.key(k);
  }
  bool end_object() {
    frames_.pop_back();
    return dom_.end_object();
  }
  bool start_array(std::size_t n) {
    if (!value() || !depth_ok()) return false;
    frames_.push_back(Frame{false, {}, {}, -1});
    return dom_.start_array(n);
  }
  bool end_array() {
    frames_.pop_back();
    return dom_.end_array();
  }
  bool parse_error(std::size_t pos, const std::string&, const nlohmann::detail::exception& ex) {
    problem_code_ = code::kSyntax;
    problem_at_ = pos > 0 ? pos - 1 : 0;
    problem_ = "malformed JSON: " + std::string(ex.what());
    return false;
  }

  // The refusal, when the parse returned false: its code, message, byte offset (or npos) and
  // JSON pointer (or "").
  const char* problem_code_ = nullptr;
  std::string problem_;
  std::size_t problem_at_ = std::string::npos;
  std::string problem_pointer_;

 private:
  struct Frame {
    bool object;
    std::vector<std::string> keys;  // members so far (objects are small: a linear scan is fine)
    std::string key;
    long index;
  };
  bool value() {
    if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    return true;
  }
  std::size_t consumed() const { return static_cast<std::size_t>(*cursor_ - text_.data()); }
  bool depth_ok() {
    if (frames_.size() < kMaxJsonDepth) return true;
    problem_code_ = code::kLimit;
    problem_at_ = consumed() > 0 ? consumed() - 1 : 0;  // the '[' or '{' just read
    problem_ = fmt::format("arrays and objects nested deeper than {} levels", kMaxJsonDepth);
    return false;
  }
  // Called right after the lexer read the closing quote: the string starts at the last quote
  // before it that no backslash escapes.
  std::size_t string_start() const {
    std::size_t end = consumed();
    if (end < 2) return 0;
    for (std::size_t i = end - 1; i-- > 0;) {
      if (text_[i] != '"') continue;
      std::size_t bs = 0;
      while (i > bs && text_[i - bs - 1] == '\\') ++bs;
      if (bs % 2 == 0) return i;
    }
    return 0;
  }
  bool text_ok(const std::string& v, bool is_key) {
    const char* what = is_key ? "member name" : "string";
    if (v.size() > kMaxFieldBytes) {
      problem_code_ = code::kLimit;
      problem_ = fmt::format("a {} of {} bytes is longer than the {} bytes a field may hold", what, v.size(),
                             kMaxFieldBytes);
    } else if (v.find('\0') != std::string::npos) {
      problem_code_ = code::kForbiddenChar;
      problem_ = fmt::format("a {} holds a NUL character (\\u0000), which no value may hold", what);
    } else {
      return true;
    }
    problem_at_ = string_start();
    problem_pointer_.clear();
    for (char c : pointer()) problem_pointer_ += c == '\0' ? std::string("\\u0000") : std::string(1, c);
    return false;
  }
  std::string pointer() const {
    std::string p;
    for (const auto& fr : frames_) p += "/" + (fr.object ? pointer_escape(fr.key) : std::to_string(fr.index));
    return p;
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::vector<Frame> frames_;
  std::string_view text_;
  const char** cursor_;
};

class JsonReader {
 public:
  JsonReader(Batch& b, FileState& f) : b_(b), f_(f) {}

  void run(const json& doc) {
    if (!doc.is_object()) return structure_error("", "the document must be an object whose members are record types");
    for (const auto& [name, v] : doc.items()) {
      std::string path = "/" + pointer_escape(name);
      const auto* r = b_.schema().find_record(name);
      if (!r) {
        structure_error(path, fmt::format("'{}' is not a record type of the schema", name));
        continue;
      }
      records(*r, v, path, nullptr, 0);
    }
  }

 private:
  void structure_error(const std::string& path, std::string msg) {
    ImportError e;
    e.location = path.empty() ? "/" : path;
    e.code = code::kStructure;
    e.message = std::move(msg);
    b_.error(f_, std::move(e));
  }

  void records(const RecordType& r, const json& v, const std::string& path, const Parent* parent, int depth) {
    if (v.is_array()) {
      for (std::size_t i = 0; i < v.size(); ++i) record(r, v[i], fmt::format("{}/{}", path, i), parent, depth);
    } else {
      record(r, v, path, parent, depth);
    }
  }

  void record(const RecordType& r, const json& v, const std::string& path, const Parent* parent, int depth) {
    if (depth > kMaxNesting) return structure_error(path, "records nested too deeply");
    if (!v.is_object()) return structure_error(path, fmt::format("a {} record must be an object", r.name));
    ++f_.result.rows_read;
    std::vector<Value> vals(r.fields.size());
    bool ok = true;
    std::vector<std::pair<const RecordType*, std::pair<const json*, std::string>>> children;
    for (const auto& [name, x] : v.items()) {
      std::string fpath = path + "/" + pointer_escape(name);
      int fi = r.find_field(name);
      if (fi < 0) {
        if (const auto* cr = b_.schema().find_record(name); cr && (x.is_object() || x.is_array())) {
          children.push_back({cr, {&x, fpath}});
        } else {
          structure_error(fpath, fmt::format("'{}' is not a field of {}", name, r.name));
          ok = false;
        }
        continue;
      }
      std::string msg = convert(r.fields[static_cast<std::size_t>(fi)],
                                b_.check_for(r.index, static_cast<std::uint32_t>(fi)), x,
                                vals[static_cast<std::size_t>(fi)]);
      if (!msg.empty()) {
        ImportError e;
        e.location = fpath;
        e.code = code::kValue;
        e.record = r.name;
        e.field = name;
        e.message = std::move(msg);
        b_.error(f_, std::move(e));
        ok = false;
        vals[static_cast<std::size_t>(fi)].set_text("");  // present, and already reported
      }
    }
    ImportError w;
    w.location = path;
    if (parent && !nested_link(b_, f_, r.index, *parent, vals, w)) ok = false;
    if (!check_required(b_, f_, r, vals, w, nullptr)) ok = false;
    if (ok) stage(b_, f_, r.index, vals, w);
    Parent me{r.index, key_of(r, vals)};
    for (auto& [cr, c] : children) records(*cr, *c.first, c.second, &me, depth + 1);
  }

  // JSON values carry their own types: numbers for numeric fields, booleans for bool fields,
  // strings (converted like CSV cells) for everything else; null is a missing value.
  static std::string convert(const dsl::model::Field& f, Check check, const json& x, Value& out) {
    using dsl::model::Kind;
    if (x.is_null()) {
      out.set_null();
      return {};
    }
    if (x.is_string()) return convert_text(f, check, x.get_ref<const std::string&>(), out);
    switch (f.type.kind) {
      case Kind::int_:
      case Kind::uint_:
        if (x.is_number_integer()) {
          if (x.is_number_unsigned() && x.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
            return fmt::format("{} is out of the integer range", x.dump());
          out.set_int(x.get<std::int64_t>());
          return {};
        }
        return fmt::format("{} is not an integer", x.dump());
      case Kind::double_:
        if (x.is_number()) {
          out.set_real(x.get<double>());
          return {};
        }
        return fmt::format("{} is not a number", x.dump());
      case Kind::bool_:
        if (x.is_boolean()) {
          out.set_int(x.get<bool>() ? 1 : 0);
          return {};
        }
        return fmt::format("{} is not a boolean", x.dump());
      default: return fmt::format("{} is not a string", x.dump());
    }
  }

  Batch& b_;
  FileState& f_;
};

// What pugixml would accept but the data contract does not: a DTD (entity declarations can
// expand a document a billion-fold or name files to fetch; pugixml ignores them, so entities
// used in the text would silently stay as written), references to undefined entities, a bare
// '&', and character references to NUL or other characters XML does not allow (pugixml
// would put a NUL into the value, cutting it short). Comments, CDATA sections and processing
// instructions are skipped as XML does.
struct XmlProblem {
  std::size_t offset = 0;
  const char* code = nullptr;
  std::string message;
};

bool xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
         (c >= 0x10000 && c <= 0x10FFFF);
}

std::optional<XmlProblem> xml_prescan(std::string_view t) {
  auto skip_to = [&](std::size_t from, std::string_view end) {
    std::size_t e = t.find(end, from);
    return e == std::string_view::npos ? t.size() : e + end.size();
  };
  std::size_t i = 0;
  while (i < t.size()) {
    std::size_t next = t.find_first_of("<&", i);
    if (next == std::string_view::npos) break;
    i = next;
    std::string_view rest = t.substr(i);
    if (rest.starts_with("<!--")) {
      i = skip_to(i + 4, "-->");
    } else if (rest.starts_with("<![CDATA[")) {
      i = skip_to(i + 9, "]]>");
    } else if (rest.starts_with("<?")) {
      i = skip_to(i + 2, "?>");
    } else if (rest.starts_with("<!")) {
      return XmlProblem{i, code::kDtd,
                        "a document type declaration (<!DOCTYPE ...>, <!ENTITY ...>) is not accepted: a data "
                        "document carries no DTD (its entities could expand without bound or fetch files)"};
    } else if (rest.starts_with("&#")) {
      bool hex = rest.size() > 2 && (rest[2] == 'x' || rest[2] == 'X');
      std::size_t j = hex ? 3 : 2;
      std::uint64_t v = 0;
      std::size_t digits = 0;
      for (; j < rest.size() && digits < 16; ++j, ++digits) {
        char c = rest[j];
        int d = c >= '0' && c <= '9' ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                               : -1;
        if (d < 0) break;
        v = v * (hex ? 16 : 10) + static_cast<std::uint64_t>(d);
      }
      if (digits == 0 || j >= rest.size() || rest[j] != ';')
        return XmlProblem{i, code::kSyntax, "malformed character reference (write &#NNN; or &#xHHHH;, or &amp; for '&')"};
      if (v == 0)
        return XmlProblem{i, code::kForbiddenChar,
                          fmt::format("the character reference {} is a NUL character, which no value may hold",
                                      rest.substr(0, j + 1))};
      if (v > 0x10FFFF || !xml_char(static_cast<std::uint32_t>(v)))
        return XmlProblem{i, code::kForbiddenChar,
                          fmt::format("the character reference {} names a character XML does not allow",
                                      rest.substr(0, j + 1))};
      i += j + 1;
    } else if (rest.starts_with("&")) {
      std::size_t j = 1;
      while (j < rest.size() && j < 64 && rest[j] != ';' && rest[j] != '&' && rest[j] != '<' &&
             static_cast<unsigned char>(rest[j]) > ' ')
        ++j;
      if (j >= rest.size() || rest[j] != ';' || j == 1)
        return XmlProblem{i, code::kSyntax, "a bare '&' (write it as &amp;)"};
      std::string_view name = rest.substr(1, j - 1);
      if (name != "amp" && name != "lt" && name != "gt" && name != "quot" && name != "apos")
        return XmlProblem{i, code::kDtd,
                          fmt::format("the entity &{}; is not defined (only &amp; &lt; &gt; &quot; &apos; and "
                                      "character references are)",
                                      name)};
      i += j + 1;
    } else {
      ++i;
    }
  }
  return std::nullopt;
}

}  // namespace

void read_xml(Batch& b, FileState& f, const std::string& text) {
  if (auto problem = xml_prescan(text)) {
    auto [line, col] = Lines(text).at(problem->offset);
    ImportError e;
    e.code = problem->code;
    e.line = line;
    e.column = col;
    e.message = std::move(problem->message);
    b.error(f, std::move(e));
    return;
  }
  pugi::xml_document doc;
  pugi::xml_parse_result res =
      doc.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_declaration, pugi::encoding_utf8);
  if (!res) {
    Lines lines(text);
    auto [line, col] = lines.at(static_cast<std::size_t>(std::max<std::ptrdiff_t>(0, res.offset)));
    ImportError e;
    e.code = code::kSyntax;
    e.line = line;
    e.column = col;
    e.message = fmt::format("malformed XML: {}", res.description());
    if (res.status == pugi::status_end_element_mismatch || res.status == pugi::status_bad_end_element)
      e.message += " (an element is not closed, or closed by the wrong name)";
    b.error(f, std::move(e));
    return;
  }
  XmlReader(b, f, text).run(doc);
}

void read_json(Batch& b, FileState& f, const std::string& text) {
  json doc;
  const char* cursor = text.data();
  StrictSax sax(doc, text, &cursor);
  // strict: content after the document ({...}{...}, {...} garbage) is an error, not dropped.
  bool ok = json::sax_parse(TrackedChars{text.data(), &cursor}, TrackedChars{text.data() + text.size(), &cursor}, &sax,
                            json::input_format_t::json, true);
  if (!ok) {
    ImportError e;
    e.code = sax.problem_code_ ? sax.problem_code_ : code::kSyntax;
    e.location = sax.problem_pointer_;
    if (sax.problem_at_ != std::string::npos) {
      auto [line, col] = Lines(text).at(sax.problem_at_);
      e.line = line;
      e.column = col;
    }
    e.message = sax.problem_.empty() ? "malformed JSON" : sax.problem_;
    b.error(f, std::move(e));
    return;
  }
  JsonReader(b, f).run(doc);
}

}  // namespace eco::engine::ingest::detail
