#pragma once
// How compiled expressions read records. The engine implements RecordAccessor over its
// columnar snapshot; the dsl layer knows nothing of how rows are stored. Records are
// addressed by (record type index, row) and fields by the schema's stable indices, so a
// compiled selection `f.kind` is one virtual call with two integers, never a name lookup.
#include <cstdint>
#include <span>

#include "dsl/cel/value.hpp"
#include "dsl/model/schema.hpp"

namespace eco::dsl::cel {

class RecordAccessor {
 public:
  virtual ~RecordAccessor() = default;

  // The schema the record and field indices refer to.
  virtual const model::Schema& schema() const = 0;

  // Stores the value of field `field` of row `row` of record type `record` in `out` and
  // returns true; returns false when the (optional) field has no value for this row.
  // Strings may be views into the snapshot; enum fields are Value::enumeration.
  virtual bool field(std::uint32_t record, std::uint64_t row, std::uint32_t field, Value& out) const = 0;

  // The record that reference field `field` of the row points to (a Value::record), or
  // false when the reference is empty or names no loaded record.
  virtual bool navigate(std::uint32_t record, std::uint64_t row, std::uint32_t field, Value& out) const = 0;

  // Rows of the child type of reverse list `reverse_index` (RecordType::reverse_lists) that
  // reference this row, in a stable order; the span lives as long as the snapshot.
  virtual std::span<const std::uint32_t> reverse(std::uint32_t record, std::uint64_t row,
                                                 std::uint32_t reverse_index) const = 0;
};

}  // namespace eco::dsl::cel
