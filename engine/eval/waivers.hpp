#pragma once
// The waiver index: the recorded exemptions of a snapshot by subject key, built once per
// evaluation, and the choice of the waiver that applies to a finding.
//
// A waiver names a rule (or one of its requirement ids), a subject key, optionally the subject's
// record type, and the days it is valid. For a finding of rule R on subject S at date as_of the
// candidates are S's waivers of R (or of a requirement R implements), of S's record type or of
// none, valid from as_of or earlier. A candidate still valid on as_of is preferred to an expired
// one, then the one valid longest. Waivers whose dates do not parse never apply.
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "dsl/common/date.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/findings/finding.hpp"
#include "engine/snapshot/snapshot.hpp"

namespace eco::engine {

// One recorded waiver, its fields as the snapshot displays them (empty when absent).
struct WaiverRow {
  std::string id;              // the waiver record's key
  std::string target;          // a rule id or a requirement id
  std::string subject_key;
  std::string subject_record;  // empty: a subject of any record type
  std::string valid_from, valid_until;
  std::string legal_basis, approver;
};

class WaiverIndex {
 public:
  WaiverIndex() = default;
  explicit WaiverIndex(std::vector<WaiverRow> rows);

  // The waivers of `snap`: the rows of the schema's waiver record (`role waiver`), read by
  // their fields' roles (rule, subject, from, until; subject_type, basis, approver optional).
  // A schema without a waiver record: no waivers.
  static WaiverIndex from_snapshot(const Snapshot& snap);

  // The waiver that applies to a finding of `rule` on subject `subject_key` (of record type
  // `subject_record`) on `as_of`: one valid that day, else the last expired one; nullopt when
  // none. WaiverInfo::expired says which.
  std::optional<WaiverInfo> find(const dsl::model::Rule& rule, const std::string& subject_record,
                                 const std::string& subject_key, dsl::Date as_of) const;

  bool empty() const { return by_subject_.empty(); }

 private:
  std::vector<WaiverRow> rows_;
  std::unordered_map<std::string, std::vector<std::size_t>> by_subject_;
};

}  // namespace eco::engine
