#include "engine/eval/waivers.hpp"

#include <algorithm>

namespace eco::engine {

WaiverIndex::WaiverIndex(std::vector<WaiverRow> rows) : rows_(std::move(rows)) {
  for (std::size_t i = 0; i < rows_.size(); ++i) by_subject_[rows_[i].subject_key].push_back(i);
}

WaiverIndex WaiverIndex::from_snapshot(const Snapshot& snap) {
  // The schema's waiver record and its fields' roles (`role waiver`, `role rule` ...): the
  // checker guarantees rule, subject, from and until once the record is declared.
  const dsl::model::RecordType* waiver = snap.schema().waiver();
  if (!waiver) return {};
  const auto& roles = snap.schema().roles.waiver_fields;
  const int rule = roles.rule, subject = roles.subject, from = roles.from, until = roles.until,
            record = roles.subject_type, basis = roles.basis, approver = roles.approver;
  if (rule < 0 || subject < 0 || from < 0 || until < 0) return {};
  std::vector<WaiverRow> rows;
  const auto n = static_cast<std::uint32_t>(snap.rows(waiver->index));
  rows.reserve(n);
  for (std::uint32_t w = 0; w < n; ++w) {
    auto get = [&](int field) {
      return field < 0 ? std::string() : snap.display(waiver->index, w, static_cast<std::uint32_t>(field));
    };
    rows.push_back({snap.key_of(waiver->index, w), get(rule), get(subject), get(record), get(from), get(until), get(basis),
                    get(approver)});
  }
  return WaiverIndex(std::move(rows));
}

std::optional<WaiverInfo> WaiverIndex::find(const dsl::model::Rule& rule, const std::string& subject_record,
                                            const std::string& subject_key, dsl::Date as_of) const {
  auto candidates = by_subject_.find(subject_key);
  if (candidates == by_subject_.end()) return std::nullopt;
  std::optional<WaiverInfo> best;
  for (std::size_t i : candidates->second) {
    const WaiverRow& w = rows_[i];
    if (w.target != rule.id &&
        std::find(rule.requirements.begin(), rule.requirements.end(), w.target) == rule.requirements.end())
      continue;
    if (!w.subject_record.empty() && w.subject_record != subject_record) continue;
    auto from = dsl::parse_date(w.valid_from), until = dsl::parse_date(w.valid_until);
    if (!from || !until || *from > as_of) continue;
    WaiverInfo wi{w.id, w.legal_basis, w.approver, *from, *until, *until < as_of};
    if (!best || (best->expired && !wi.expired) || (best->expired == wi.expired && wi.valid_until > best->valid_until))
      best = std::move(wi);
  }
  return best;
}

}  // namespace eco::engine
