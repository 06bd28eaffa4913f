#include "engine/snapshot/snapshot.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace eco::engine {

namespace cel = dsl::cel;
namespace model = dsl::model;

namespace {

std::uint16_t enum_index(const model::Schema& schema, const model::Type& t) {
  if (!t.enum_type || schema.enums.empty()) return 0;
  return static_cast<std::uint16_t>(t.enum_type - schema.enums.data());
}

std::string format_double(double d) {
  // Shortest text that reads back as the same double: evidence shows what was stored.
  std::string s = fmt::format("{}", d);
  return s;
}

}  // namespace

Snapshot::Snapshot(const model::Schema& schema) : schema_(&schema) {
  tables_.resize(schema.records.size());
  for (const auto& rt : schema.records) {
    Table& t = tables_[rt.index];
    t.record = rt.index;
    t.columns.resize(rt.fields.size());
    for (std::size_t f = 0; f < rt.fields.size(); ++f) t.columns[f].kind = rt.fields[f].type.kind;
    t.nav.resize(rt.fields.size());
    t.reverse_offsets.resize(rt.reverse_lists.size());
    t.reverse_rows.resize(rt.reverse_lists.size());
    t.reverse_in_order.assign(rt.reverse_lists.size(), false);
  }
}

bool Snapshot::field(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value& out) const {
  const Column& c = tables_[record].columns[field];
  if (!c.present[row]) return false;
  switch (c.kind) {
    case model::Kind::bool_: out = cel::Value::boolean(c.ints[row] != 0); break;
    case model::Kind::int_: out = cel::Value::integer(c.ints[row]); break;
    case model::Kind::uint_: out = cel::Value::uinteger(static_cast<std::uint64_t>(c.ints[row])); break;
    case model::Kind::double_: out = cel::Value::dbl(c.doubles[row]); break;
    case model::Kind::date: out = cel::Value::date(dsl::Date{static_cast<std::int32_t>(c.ints[row])}); break;
    case model::Kind::enum_: {
      const auto& ft = schema_->records[record].fields[field].type;
      out = cel::Value::enumeration(enum_index(*schema_, ft),
                                    ft.enum_type->values[static_cast<std::size_t>(c.ints[row])].name);
      break;
    }
    default: out = cel::Value::string_view(c.strings[row]); break;
  }
  return true;
}

bool Snapshot::navigate(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value& out) const {
  const auto& nav = tables_[record].nav[field];
  if (nav.empty() || nav[row] < 0) return false;
  const auto& ref = schema_->records[record].fields[field].ref;
  out = cel::Value::record(ref->target, static_cast<std::uint64_t>(nav[row]));
  return true;
}

std::span<const std::uint32_t> Snapshot::reverse(std::uint32_t record, std::uint64_t row,
                                                 std::uint32_t reverse_index) const {
  const Table& t = tables_[record];
  const auto& off = t.reverse_offsets[reverse_index];
  if (off.empty()) return {};
  const auto& rows = t.reverse_rows[reverse_index];
  return std::span<const std::uint32_t>(rows.data() + off[row], off[row + 1] - off[row]);
}

std::string Snapshot::display(std::uint32_t record, std::uint32_t row, std::uint32_t field) const {
  const Column& c = tables_[record].columns[field];
  if (!c.present[row]) return "";
  switch (c.kind) {
    case model::Kind::bool_: return c.ints[row] ? "true" : "false";
    case model::Kind::int_:
    case model::Kind::uint_: return fmt::format("{}", c.ints[row]);
    case model::Kind::double_: return format_double(c.doubles[row]);
    case model::Kind::date: return dsl::format_date(dsl::Date{static_cast<std::int32_t>(c.ints[row])});
    case model::Kind::enum_: {
      const auto& ft = schema_->records[record].fields[field].type;
      return ft.enum_type->values[static_cast<std::size_t>(c.ints[row])].name;
    }
    default: return std::string(c.strings[row]);
  }
}

std::string Snapshot::key_of(std::uint32_t record, std::uint32_t row) const {
  const auto& rt = schema_->records[record];
  if (rt.key_fields.empty()) return fmt::format("#{}", row + 1);
  std::string key;
  for (std::size_t i = 0; i < rt.key_fields.size(); ++i) {
    if (i) key += '|';
    key += display(record, row, rt.key_fields[i]);
  }
  return key;
}

const Snapshot::RowsByTarget& Snapshot::rows_by_target(std::uint32_t record, const std::vector<std::uint32_t>& path) const {
  std::lock_guard lock(*find_mutex_);
  auto& slot = by_target_[{record, path}];
  if (slot) return *slot;
  auto index = std::make_unique<RowsByTarget>();
  std::uint32_t target = record;
  for (std::uint32_t field : path) target = schema_->records[target].fields[field].ref->target;
  const std::size_t n = tables_[record].rows;
  // Each row's target row (-1: a broken chain), following the resolved references.
  std::vector<std::int32_t> to(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    std::int64_t row = r;
    std::uint32_t rec = record;
    for (std::uint32_t field : path) {
      const auto& nav = tables_[rec].nav[field];
      row = nav.empty() ? -1 : nav[static_cast<std::size_t>(row)];
      if (row < 0) break;
      rec = schema_->records[rec].fields[field].ref->target;
    }
    to[r] = static_cast<std::int32_t>(row);
  }
  index->offsets.assign(tables_[target].rows + 1, 0);
  for (auto t : to)
    if (t >= 0) ++index->offsets[static_cast<std::size_t>(t) + 1];
  for (std::size_t t = 1; t < index->offsets.size(); ++t) index->offsets[t] += index->offsets[t - 1];
  index->rows.resize(index->offsets.back());
  std::vector<std::uint32_t> next(index->offsets.begin(), index->offsets.end() - 1);
  for (std::uint32_t r = 0; r < n; ++r)
    if (to[r] >= 0) index->rows[next[static_cast<std::size_t>(to[r])]++] = r;
  slot = std::move(index);
  return *slot;
}

std::optional<std::uint32_t> Snapshot::find(std::uint32_t record, std::string_view key) const {
  const Table& t = tables_[record];
  {
    std::lock_guard lock(*find_mutex_);
    if (!t.key_index) {
      // First lookup in a record type no reference points to: index it now (the first row of
      // a repeated key wins, as when the index is built while loading).
      const auto& rt = schema_->records[record];
      if (!rt.key_fields.empty()) {
        t.by_key.reserve(t.rows);
        const bool one_text = rt.key_fields.size() == 1 && t.columns[rt.key_fields[0]].kind == model::Kind::string;
        for (std::uint32_t r = 0; r < t.rows; ++r) {
          if (one_text && t.columns[rt.key_fields[0]].present[r]) t.by_key.emplace(t.columns[rt.key_fields[0]].strings[r], r);
          else if (!one_text) t.by_key.emplace(arena_.add(key_of(record, r)), r);
        }
      }
      t.key_index = true;
    }
    if (auto it = t.by_key.find(key); it != t.by_key.end()) return it->second;
  }
  if (schema_->records[record].key_fields.empty() && key.size() > 1 && key[0] == '#') {
    std::size_t n = 0;
    for (char c : key.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (n >= 1 && n <= t.rows) return static_cast<std::uint32_t>(n - 1);
  }
  return std::nullopt;
}

SnapshotBuilder::SnapshotBuilder(const model::Schema& schema) : snap_(schema) {
  interned_count_.resize(schema.records.size());
  last_ref_.resize(schema.records.size());
  duplicate_keys_.assign(schema.records.size(), false);
  codes_.resize(schema.records.size());
  seen_.resize(schema.records.size());
  seen_misses_.resize(schema.records.size());
  coded_.resize(schema.records.size());
  for (const auto& rt : schema.records) {
    interned_count_[rt.index].assign(rt.fields.size(), 0);
    last_ref_[rt.index].resize(rt.fields.size());
    codes_[rt.index].resize(rt.fields.size());
    seen_[rt.index].resize(rt.fields.size());
    seen_misses_[rt.index].assign(rt.fields.size(), 0);
    coded_[rt.index].assign(rt.fields.size(), true);
  }
  // The record types references point to are indexed by key while loading (references resolve
  // through the index); the others only if Snapshot::find asks.
  for (const auto& rt : schema.records)
    for (const auto& f : rt.fields)
      if (f.ref && f.ref->target < snap_.tables_.size()) snap_.tables_[f.ref->target].key_index = true;
}

void SnapshotBuilder::reserve(std::uint32_t record, std::size_t rows) {
  Table& t = snap_.tables_[record];
  const auto& rt = snap_.schema_->records[record];
  const std::size_t n = t.rows + rows;
  for (std::size_t f = 0; f < t.columns.size(); ++f) {
    Column& c = t.columns[f];
    c.present.reserve(n);
    switch (c.kind) {
      case model::Kind::double_: c.doubles.reserve(n); break;
      case model::Kind::bool_:
      case model::Kind::int_:
      case model::Kind::uint_:
      case model::Kind::date:
      case model::Kind::enum_: c.ints.reserve(n); break;
      default:
        c.strings.reserve(n);
        if (rt.fields[f].ref) t.nav[f].reserve(n);
        break;
    }
  }
  t.provenance.reserve(n);
  if (!rt.key_fields.empty() && t.key_index) t.by_key.reserve(n);
}

std::uint32_t SnapshotBuilder::file_index(const std::string& path) {
  auto [it, inserted] = file_ids_.emplace(path, static_cast<std::uint32_t>(snap_.files_.size()));
  if (inserted) snap_.files_.push_back(path);
  return it->second;
}

std::string_view TextArena::add(std::string_view s) {
  if (s.empty()) return {};
  if (s.size() > kBlock / 4) {  // a large value gets a block of its own; current_ stays as is
    blocks_.push_back(std::make_unique<char[]>(s.size()));
    std::memcpy(blocks_.back().get(), s.data(), s.size());
    return {blocks_.back().get(), s.size()};
  }
  if (kBlock - used_ < s.size()) {
    blocks_.push_back(std::make_unique<char[]>(kBlock));
    current_ = blocks_.back().get();
    used_ = 0;
  }
  char* at = current_ + used_;
  std::memcpy(at, s.data(), s.size());
  used_ += s.size();
  return {at, s.size()};
}

std::string_view SnapshotBuilder::intern(std::string_view s, bool unique) {
  if (unique) return snap_.arena_.add(s);
  if (auto it = interned_.find(s); it != interned_.end()) return interned_texts_[it->second];
  std::string_view stored = snap_.arena_.add(s);
  interned_.emplace(stored, static_cast<std::uint32_t>(interned_texts_.size()));
  interned_texts_.push_back(stored);
  return stored;
}

std::string_view SnapshotBuilder::store_text(const model::RecordType& rt, std::uint32_t field, std::string_view s,
                                             std::int32_t& nav_row, std::uint32_t& code) {
  code = kNoCode;
  const model::Field& fd = rt.fields[field];
  if (fd.key && rt.key_fields.size() == 1) return snap_.arena_.add(s);
  if (fd.ref) {
    // Parents are usually loaded before their children: the reference resolves now, and its
    // text is the parent's key already in the arena.
    LastRef& last = last_ref_[rt.index][field];
    if (last.row >= 0 && last.text == s) {
      nav_row = last.row;
      return last.text;
    }
    const Table& target = snap_.tables_[fd.ref->target];
    const auto& tr = snap_.schema_->records[fd.ref->target];
    // Exports list children in their parents' order: the next parent row is the likely one,
    // one comparison instead of a hash lookup (a random memory access on a million keys).
    // (Only while the target's keys are unique: with a duplicate, by_key names the first row.)
    if (last.row >= 0 && !duplicate_keys_[fd.ref->target] && tr.key_fields.size() == 1 &&
        static_cast<std::size_t>(last.row) + 1 < target.rows) {
      const Column& kc = target.columns[tr.key_fields[0]];
      const auto next = static_cast<std::size_t>(last.row) + 1;
      if (kc.kind == model::Kind::string && kc.present[next] && kc.strings[next] == s) {
        nav_row = static_cast<std::int32_t>(next);
        last = {kc.strings[next], nav_row};
        return last.text;
      }
    }
    if (auto it = target.by_key.find(s); it != target.by_key.end()) {
      nav_row = static_cast<std::int32_t>(it->second);
      last = {it->first, nav_row};
      return it->first;
    }
  }
  auto& count = interned_count_[rt.index][field];
  if (count >= kInternLimit) return snap_.arena_.add(s);
  auto& seen = seen_[rt.index][field];
  auto& misses = seen_misses_[rt.index][field];
  if (misses < kSeenMissLimit) {
    for (const Seen& x : seen)
      // An empty text may have no data pointer: memcmp must not see it (UBSan: nonnull argument).
      if (x.text.size() == s.size() && (s.empty() || std::memcmp(x.text.data(), s.data(), s.size()) == 0)) {
        code = x.code;
        return x.text;
      }
    if (seen.size() == kSeenLimit) ++misses;  // a column of many values: stop scanning soon
  }
  if (auto it = interned_.find(s); it != interned_.end()) {
    code = it->second;
    if (seen.size() < kSeenLimit) seen.push_back({interned_texts_[code], code});
    return interned_texts_[code];
  }
  std::string_view stored = snap_.arena_.add(s);
  code = static_cast<std::uint32_t>(interned_texts_.size());
  interned_.emplace(stored, code);
  interned_texts_.push_back(stored);
  if (seen.size() < kSeenLimit) seen.push_back({stored, code});
  ++count;
  return stored;
}

std::uint32_t SnapshotBuilder::add_row(std::uint32_t record, std::span<const std::optional<cel::Value>> values,
                                       Provenance provenance) {
  const Table& t = snap_.tables_[record];
  std::vector<Cell> cells(t.columns.size());
  for (std::size_t f = 0; f < t.columns.size() && f < values.size(); ++f) {
    const std::optional<cel::Value>& v = values[f];
    if (!v || v->is(cel::ValueKind::null_)) continue;
    const cel::Value& x = *v;
    Cell& c = cells[f];
    switch (t.columns[f].kind) {
      case model::Kind::bool_: c = {Cell::Kind::integer, x.as_bool() ? 1 : 0, 0, {}}; break;
      case model::Kind::int_:
      case model::Kind::uint_:
        if (x.is(cel::ValueKind::double_)) c = {Cell::Kind::real, 0, x.as_double(), {}};
        else c = {Cell::Kind::integer, x.as_int(), 0, {}};
        break;
      case model::Kind::double_:
        if (x.is(cel::ValueKind::int_)) c = {Cell::Kind::integer, x.as_int(), 0, {}};
        else c = {Cell::Kind::real, 0, x.as_double(), {}};
        break;
      case model::Kind::date: c = {Cell::Kind::integer, x.as_date().days, 0, {}}; break;
      default: c = {Cell::Kind::text, 0, 0, x.text()}; break;
    }
  }
  return add_cells(record, cells, provenance);
}

std::uint32_t SnapshotBuilder::add_cells(std::uint32_t record, std::span<const Cell> cells, Provenance provenance) {
  Table& t = snap_.tables_[record];
  const auto& rt = snap_.schema_->records[record];
  auto row = static_cast<std::uint32_t>(t.rows++);
  for (std::size_t f = 0; f < t.columns.size(); ++f) {
    Column& c = t.columns[f];
    const Cell* v = f < cells.size() ? &cells[f] : nullptr;
    const bool present = v && v->kind != Cell::Kind::missing;
    c.present.push_back(present ? 1 : 0);
    std::int64_t iv = 0;
    double dv = 0;
    std::string_view sv;
    std::int32_t nav_row = -2;  // -2: resolved in finish()
    std::uint32_t code = kNoCode;
    if (present) {
      switch (c.kind) {
        case model::Kind::bool_: iv = v->kind == Cell::Kind::real ? v->d != 0 : v->i != 0; break;
        case model::Kind::int_:
        case model::Kind::uint_:
        case model::Kind::date: iv = v->kind == Cell::Kind::real ? static_cast<std::int64_t>(v->d) : v->i; break;
        case model::Kind::double_: dv = v->kind == Cell::Kind::integer ? static_cast<double>(v->i) : v->d; break;
        case model::Kind::enum_: {
          int idx = rt.fields[f].type.enum_type->find(v->s);
          iv = idx < 0 ? 0 : idx;
          break;
        }
        default: sv = store_text(rt, static_cast<std::uint32_t>(f), v->s, nav_row, code); break;
      }
    }
    if (c.kind == model::Kind::string && coded_[record][f]) {
      auto& codes = codes_[record][f];
      if (present && code == kNoCode) {
        coded_[record][f] = false;
        std::vector<std::uint32_t>().swap(codes);
      } else {
        codes.push_back(present ? code : 0);
      }
    }
    switch (c.kind) {
      case model::Kind::double_: c.doubles.push_back(dv); break;
      case model::Kind::bool_:
      case model::Kind::int_:
      case model::Kind::uint_:
      case model::Kind::date:
      case model::Kind::enum_: c.ints.push_back(iv); break;
      default:
        c.strings.push_back(sv);
        if (rt.fields[f].ref) t.nav[f].push_back(present ? nav_row : -1);
        break;
    }
  }
  t.provenance.push_back(provenance);
  if (!t.key_index) {
    // Not a reference target: indexed on first find(), if ever.
  } else if (rt.key_fields.size() == 1 && t.columns[rt.key_fields[0]].kind == model::Kind::string &&
             t.columns[rt.key_fields[0]].present[row]) {
    if (!t.by_key.emplace(t.columns[rt.key_fields[0]].strings[row], row).second)  // already in the arena
      duplicate_keys_[record] = true;
  } else if (!rt.key_fields.empty()) {
    if (!t.by_key.emplace(snap_.arena_.add(snap_.key_of(record, row)), row).second) duplicate_keys_[record] = true;
  }
  return row;
}

Snapshot SnapshotBuilder::finish() {
  const model::Schema& schema = *snap_.schema_;
  for (const auto& rt : schema.records) {
    Table& t = snap_.tables_[rt.index];
    for (std::size_t f = 0; f < rt.fields.size(); ++f) {
      const auto& ref = rt.fields[f].ref;
      if (!ref) continue;
      const Table& target = snap_.tables_[ref->target];
      auto& nav = t.nav[f];
      // String references were resolved as they came (-2: not yet, the target came later).
      if (nav.size() != t.rows) nav.assign(t.rows, -2);
      for (std::size_t r = 0; r < t.rows; ++r) {
        if (nav[r] != -2) continue;
        nav[r] = -1;
        if (!t.columns[f].present[r]) continue;
        const Column& c = t.columns[f];
        auto it = c.kind == model::Kind::string
                      ? target.by_key.find(c.strings[r])
                      : target.by_key.find(snap_.display(rt.index, static_cast<std::uint32_t>(r), static_cast<std::uint32_t>(f)));
        if (it != target.by_key.end()) nav[r] = static_cast<std::int32_t>(it->second);
      }
    }
  }
  // Dictionaries of the columns whose every text was interned: the interned indices become
  // dense per-column codes (`remap` is reset after each column, so it is allocated once).
  std::vector<std::uint32_t> remap(interned_texts_.size(), kNoCode);
  for (const auto& rt : schema.records) {
    Table& t = snap_.tables_[rt.index];
    for (std::size_t f = 0; f < rt.fields.size(); ++f) {
      Column& c = t.columns[f];
      c.all_present = std::all_of(c.present.begin(), c.present.end(), [](std::uint8_t p) { return p != 0; });
      auto& global = codes_[rt.index][f];
      if (c.kind != model::Kind::string || !coded_[rt.index][f] || global.size() != t.rows) continue;
      c.codes.resize(t.rows);
      std::vector<std::uint32_t> used;  // the interned indices of this column, to reset remap
      for (std::size_t r = 0; r < t.rows; ++r) {
        if (!c.present[r]) {
          c.codes[r] = 0;
          continue;
        }
        std::uint32_t& local = remap[global[r]];
        if (local == kNoCode) {
          local = static_cast<std::uint32_t>(c.dictionary.size());
          c.dictionary.push_back(interned_texts_[global[r]]);
          used.push_back(global[r]);
        }
        c.codes[r] = local;
      }
      for (std::uint32_t g : used) remap[g] = kNoCode;
      std::vector<std::uint32_t>().swap(global);
    }
  }
  // Reverse lists: counting sort of the children by parent row keeps each list in row order.
  for (const auto& parent : schema.records) {
    Table& pt = snap_.tables_[parent.index];
    for (std::size_t l = 0; l < parent.reverse_lists.size(); ++l) {
      const auto& rl = parent.reverse_lists[l];
      const Table& ct = snap_.tables_[rl.child];
      const auto& nav = ct.nav[rl.child_field];
      auto& off = pt.reverse_offsets[l];
      auto& rows = pt.reverse_rows[l];
      off.assign(pt.rows + 1, 0);
      for (std::size_t r = 0; r < ct.rows; ++r)
        if (!nav.empty() && nav[r] >= 0) ++off[static_cast<std::size_t>(nav[r]) + 1];
      for (std::size_t i = 0; i < pt.rows; ++i) off[i + 1] += off[i];
      rows.assign(off[pt.rows], 0);
      std::vector<std::uint32_t> fill(off.begin(), off.end() - 1);
      for (std::size_t r = 0; r < ct.rows; ++r)
        if (!nav.empty() && nav[r] >= 0) rows[fill[static_cast<std::size_t>(nav[r])]++] = static_cast<std::uint32_t>(r);
      bool in_order = true;
      for (std::size_t i = 0; i < rows.size() && in_order; ++i) in_order = rows[i] == i;
      pt.reverse_in_order[l] = in_order;
    }
  }
  return std::move(snap_);
}

}  // namespace eco::engine
