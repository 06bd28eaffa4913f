#pragma once
// The in-memory, columnar snapshot that rules are evaluated over.
//
// One Table per record type of the schema, one typed column per field (ints, doubles or
// string views into the snapshot's arena, with a presence bitmap), plus what evaluation
// needs precomputed: for every reference field the row it points to, and for every reverse
// list the child rows of each parent (CSR). Evaluation reads it through dsl::cel::RecordAccessor
// with integer indices only; it is immutable once built and safe to read from many threads.
//
// Snapshots are built by SnapshotBuilder from rows given as dsl::cel::Values: from a rule test's
// `given` records, from a store read transaction, or from a benchmark's data.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/cel/record.hpp"
#include "dsl/model/schema.hpp"

namespace eco::engine {

// Where a stored row came from: the import batch, file and line (0 = unknown).
struct Provenance {
  std::int64_t batch = 0;
  std::uint32_t file = 0;   // index into Snapshot::files()
  std::uint32_t line = 0;
};

struct Column {
  dsl::model::Kind kind = dsl::model::Kind::string;
  std::vector<std::int64_t> ints;          // int, bool, date (days), enum (value index)
  std::vector<double> doubles;             // double
  std::vector<std::string_view> strings;   // string, duration text (views into the arena)
  std::vector<std::uint8_t> present;       // 1 when the row has a value
  // Set by SnapshotBuilder::finish, for column-at-a-time evaluation (engine/eval/columnar):
  bool all_present = false;                // every row has a value
  // A string column of few distinct values (fewer than 65,536; not a key or reference):
  // each row's index into `dictionary` (0 where the row has no value). Equal texts have equal
  // codes, so a comparison with a constant compares integers. Empty for other columns.
  std::vector<std::uint32_t> codes;
  std::vector<std::string_view> dictionary;
};

struct Table {
  std::uint32_t record = 0;
  std::size_t rows = 0;
  std::vector<Column> columns;                          // one per schema field
  std::vector<Provenance> provenance;                   // one per row
  // Key text (in the arena) -> row (the first, should a key repeat). Built while loading for
  // the record types that references point to; for the others (monthly figures, limits, ...:
  // most rows of a large store) only when Snapshot::find first needs it.
  mutable std::unordered_map<std::string_view, std::uint32_t> by_key;
  mutable bool key_index = false;  // by_key holds every row
  // For each field: the target row of a reference (-1 when empty or dangling).
  std::vector<std::vector<std::int32_t>> nav;
  // For each reverse list of this type: CSR offsets (rows + 1) and the child rows.
  std::vector<std::vector<std::uint32_t>> reverse_offsets;
  std::vector<std::vector<std::uint32_t>> reverse_rows;
  // Per reverse list: true when reverse_rows[i] == i for every i (each child row has a parent,
  // and the children are stored in their parents' order, as exports list them): the children
  // of consecutive parents are then consecutive rows of the child table.
  std::vector<bool> reverse_in_order;
};

// Owns the text of a snapshot in large blocks: views stay valid for the snapshot's life (also
// across moves), and a million short strings cost a million copies, not a million allocations.
class TextArena {
 public:
  std::string_view add(std::string_view s);

 private:
  static constexpr std::size_t kBlock = 1 << 20;
  std::vector<std::unique_ptr<char[]>> blocks_;  // the shared blocks and the oversized values
  char* current_ = nullptr;                      // the shared block being filled
  std::size_t used_ = kBlock;                    // bytes used in current_
};

class Snapshot final : public dsl::cel::RecordAccessor {
 public:
  explicit Snapshot(const dsl::model::Schema& schema);

  const dsl::model::Schema& schema() const override { return *schema_; }
  bool field(std::uint32_t record, std::uint64_t row, std::uint32_t field, dsl::cel::Value& out) const override;
  bool navigate(std::uint32_t record, std::uint64_t row, std::uint32_t field, dsl::cel::Value& out) const override;
  std::span<const std::uint32_t> reverse(std::uint32_t record, std::uint64_t row,
                                         std::uint32_t reverse_index) const override;

  const Table& table(std::uint32_t record) const { return tables_[record]; }
  std::size_t rows(std::uint32_t record) const { return tables_[record].rows; }
  // The key of a row as text: key fields joined with '|', or "#<row+1>" for keyless types.
  std::string key_of(std::uint32_t record, std::uint32_t row) const;
  // The row with this key, if any. Safe to call from several threads.
  std::optional<std::uint32_t> find(std::uint32_t record, std::string_view key) const;
  const std::vector<std::string>& files() const { return files_; }
  const Provenance& provenance(std::uint32_t record, std::uint32_t row) const {
    return tables_[record].provenance[row];
  }
  // Renders a field's value for evidence and messages ("" when missing).
  std::string display(std::uint32_t record, std::uint32_t row, std::uint32_t field) const;

  // The rows of `record` grouped by the row their chain of references `path` (reference field
  // indexes, each of the record the previous one leads to) ends at: the rows leading to row t
  // of the last record are rows[offsets[t], offsets[t + 1]), ascending. Rows whose chain breaks
  // (an empty or dangling reference) are in no group. Built on first use for each (record,
  // path), in one pass over the record's rows, and kept with the snapshot (an audit asks for
  // one enterprise's facilities, permits, ... without visiting every row of each type). Safe to
  // call from several threads; the reference stays valid for the snapshot's life.
  struct RowsByTarget {
    std::vector<std::uint32_t> offsets, rows;
  };
  const RowsByTarget& rows_by_target(std::uint32_t record, const std::vector<std::uint32_t>& path) const;

 private:
  friend class SnapshotBuilder;
  const dsl::model::Schema* schema_;
  std::vector<Table> tables_;
  mutable TextArena arena_;         // owns every string the columns and keys view (find() adds keys)
  std::unique_ptr<std::mutex> find_mutex_ = std::make_unique<std::mutex>();  // guards lazy key indexes
  // rows_by_target()'s indexes, by (record, path); guarded by find_mutex_.
  mutable std::map<std::pair<std::uint32_t, std::vector<std::uint32_t>>, std::unique_ptr<RowsByTarget>> by_target_;
  std::vector<std::string> files_;
};

// Builds a Snapshot row by row, then links references and reverse lists in finish().
class SnapshotBuilder {
 public:
  explicit SnapshotBuilder(const dsl::model::Schema& schema);

  // Index for a source file name in provenance records.
  std::uint32_t file_index(const std::string& path);

  // Appends a row of `record`. `values` holds one entry per schema field; a null
  // std::optional is a missing value. Values must already have the field's type (strings
  // for strings and enum names, ints, doubles, bools, dates). Returns the row index.
  std::uint32_t add_row(std::uint32_t record, std::span<const std::optional<dsl::cel::Value>> values,
                        Provenance provenance = {});

  // One value of a row as a bulk loader reads it (no dsl::cel::Value per cell): missing, an
  // integer (int, uint, bool as 0/1, date as days since 1970-01-01), a double, or text (string
  // and duration fields, enum value names) that needs to stay valid only during add_cells.
  struct Cell {
    enum class Kind : std::uint8_t { missing, integer, real, text };
    Kind kind = Kind::missing;
    std::int64_t i = 0;
    double d = 0;
    std::string_view s;
  };
  // Room for `rows` more rows of `record` (a hint: a loader that knows its row count avoids
  // regrowing every column, which briefly holds each column twice).
  void reserve(std::uint32_t record, std::size_t rows);
  // Appends a row of `record` from one cell per schema field, with the conversions of
  // add_row (an integer in a double field is converted, and a double in an integer field).
  std::uint32_t add_cells(std::uint32_t record, std::span<const Cell> cells, Provenance provenance = {});

  // Links references (key lookup) and builds the reverse lists; the builder is spent.
  Snapshot finish();

 private:
  // A copy of `s` in the arena, shared with identical strings (enum-like text, repeated
  // references); `unique` text (key fields) is copied without the lookup.
  std::string_view intern(std::string_view s, bool unique = false);
  // The text of string field `field` of `record` in the arena: a reference resolved at once
  // shares its target's key (and notes the target row), a column of few distinct values is
  // interned, a column of mostly distinct values (plates, names) is copied.
  // `code` receives the text's index in interned_texts_ when it was interned, else kNoCode.
  std::string_view store_text(const dsl::model::RecordType& rt, std::uint32_t field, std::string_view s,
                              std::int32_t& nav_row, std::uint32_t& code);
  static constexpr std::uint32_t kNoCode = ~std::uint32_t{0};
  Snapshot snap_;
  std::unordered_map<std::string_view, std::uint32_t> interned_;  // text -> index in interned_texts_
  std::vector<std::string_view> interned_texts_;
  // Per record type and string field: each row's interned text index, while every value of
  // the column has been interned (cleared, and `coded_` false, once one is not).
  std::vector<std::vector<std::vector<std::uint32_t>>> codes_;
  std::vector<std::vector<bool>> coded_;
  // Per record type and field: the column's first few distinct interned texts, scanned before
  // the hash map (a county or a status column has a dozen values: comparing them is cheaper
  // than hashing every cell).
  struct Seen {
    std::string_view text;
    std::uint32_t code;
  };
  static constexpr std::size_t kSeenLimit = 24;
  std::vector<std::vector<std::vector<Seen>>> seen_;
  std::vector<std::vector<std::uint32_t>> seen_misses_;  // past kSeenMissLimit, not scanned
  static constexpr std::uint32_t kSeenMissLimit = 256;
  // Per record type and field: how many distinct strings the column added to interned_;
  // past kInternLimit the column's text is copied without the lookup.
  static constexpr std::uint32_t kInternLimit = 1 << 16;
  std::vector<std::vector<std::uint32_t>> interned_count_;
  // Per record type and field: the last reference text resolved and its target row (child
  // rows usually come grouped by parent, so most lookups are this one).
  struct LastRef {
    std::string_view text;
    std::int32_t row = -1;
  };
  std::vector<std::vector<LastRef>> last_ref_;
  std::vector<bool> duplicate_keys_;  // per record type: a key was added twice
  std::unordered_map<std::string, std::uint32_t> file_ids_;
};

}  // namespace eco::engine
