#include "app/report_data.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace eco::app {

namespace model = dsl::model;

std::map<std::string, std::string> field_descriptions(const model::Schema& schema) {
  std::map<std::string, std::string> out;
  for (const auto& r : schema.records)
    for (const auto& f : r.fields) out.emplace(r.name + "." + f.name, f.description);
  return out;
}

namespace {

// A field's value as a reader sees it: enum values with their label, booleans as words.
std::string shown(const engine::Snapshot& snap, const model::RecordType& rt, std::uint32_t row,
                  std::uint32_t field, const std::string& lang) {
  std::string v = snap.display(rt.index, row, field);
  if (v.empty()) return v;
  const auto& ft = rt.fields[field].type;
  if (ft.kind == model::Kind::enum_ && ft.enum_type) {
    const int i = ft.enum_type->find(v);
    if (i >= 0 && !ft.enum_type->values[static_cast<std::size_t>(i)].label.empty())
      return ft.enum_type->values[static_cast<std::size_t>(i)].label + " (" + v + ")";
  } else if (ft.kind == model::Kind::bool_) {
    return v == "true" ? (lang == "en" ? "yes" : "是") : (lang == "en" ? "no" : "否");
  }
  return v;
}

}  // namespace

reports::EnterpriseInfo enterprise_label(const engine::Snapshot& snap,
                                         const model::RecordType& owner, std::uint32_t row,
                                         const std::vector<reports::Dimension>& dimensions) {
  reports::EnterpriseInfo e;
  e.key = snap.key_of(owner.index, row);
  // The field the schema declares `role name` on the owner record; none: the key.
  const int name_field = snap.schema().owner() == &owner ? snap.schema().roles.owner_name : -1;
  e.name =
      name_field >= 0 ? snap.display(owner.index, row, static_cast<std::uint32_t>(name_field)) : "";
  if (e.name.empty()) e.name = e.key;
  for (const auto& dim : dimensions) {
    const int f = owner.find_field(dim.field);
    if (f < 0) continue;
    // Charts group by the label alone (the name is noise on an axis).
    std::string v = snap.display(owner.index, row, static_cast<std::uint32_t>(f));
    const auto& ft = owner.fields[static_cast<std::size_t>(f)].type;
    if (ft.kind == model::Kind::enum_ && ft.enum_type) {
      const int i = ft.enum_type->find(v);
      if (i >= 0 && !ft.enum_type->values[static_cast<std::size_t>(i)].label.empty())
        v = ft.enum_type->values[static_cast<std::size_t>(i)].label;
    }
    e.dimensions.emplace(dim.field, std::move(v));
  }
  return e;
}

reports::EnterpriseInfo enterprise_info(const engine::Snapshot& snap,
                                        const model::RecordType& owner, std::uint32_t row,
                                        const std::vector<reports::Dimension>& dimensions,
                                        const std::string& lang, bool related,
                                        std::size_t max_rows) {
  reports::EnterpriseInfo e = enterprise_label(snap, owner, row, dimensions);
  for (std::uint32_t f = 0; f < owner.fields.size(); ++f) {
    std::string v = shown(snap, owner, row, f, lang);
    if (!v.empty())
      e.fields.push_back({owner.fields[f].name, owner.fields[f].description, std::move(v)});
  }
  if (!related) return e;
  const auto& schema = snap.schema();
  for (std::uint32_t li = 0; li < owner.reverse_lists.size(); ++li) {
    const auto& list = owner.reverse_lists[li];
    const auto rows = snap.reverse(owner.index, row, li);
    if (rows.empty()) continue;
    const auto& child = schema.records[list.child];
    reports::RelatedRecords r;
    r.record = child.name;
    r.title = child.title;
    r.total = rows.size();
    // The columns that have a value in a shown row, without the reference back to the owner.
    const std::size_t n = std::min(rows.size(), max_rows);
    std::vector<std::uint32_t> cols;
    for (std::uint32_t f = 0; f < child.fields.size(); ++f) {
      if (f == list.child_field) continue;
      for (std::size_t i = 0; i < n; ++i)
        if (!snap.display(child.index, rows[i], f).empty()) {
          cols.push_back(f);
          break;
        }
    }
    for (auto f : cols)
      r.columns.push_back({child.fields[f].name, child.fields[f].description, ""});
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<std::string> cells;
      for (auto f : cols) cells.push_back(shown(snap, child, rows[i], f, lang));
      r.rows.push_back(std::move(cells));
    }
    e.related.push_back(std::move(r));
  }
  return e;
}

std::optional<std::vector<reports::Dimension>> dimensions(const model::RecordType& owner,
                                                          const std::vector<std::string>& names,
                                                          std::string& error) {
  std::vector<reports::Dimension> out;
  if (names.empty()) {
    for (const auto& f : owner.fields)
      if (f.type.kind == model::Kind::enum_ && !f.optional && !f.key)
        out.push_back({f.name, f.description});
    return out;
  }
  for (const auto& n : names) {
    const int f = owner.find_field(n);
    if (f < 0) {
      error = fmt::format("--group-by: {} has no field '{}'", owner.name, n);
      return std::nullopt;
    }
    out.push_back({n, owner.fields[static_cast<std::size_t>(f)].description});
  }
  return out;
}

}  // namespace eco::app
