#pragma once
// Helpers for the CEL unit tests: building ASTs by hand and an in-memory RecordAccessor.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dsl/ast/expr.hpp"
#include "dsl/cel/program.hpp"
#include "dsl/cel/record.hpp"

// Inside eco::dsl, so that ast:: and cel:: name eco::dsl's namespaces without an alias.
namespace eco::dsl::celtest {

inline ast::ExprId next_id() {
  static ast::ExprId id = 1000;
  return ++id;
}

inline ast::Expr make(auto kind) {
  ast::Expr e;
  e.id = next_id();
  e.kind = std::move(kind);
  return e;
}

template <class T>
ast::Expr lit(T v) {
  return make(ast::Constant{v});
}
inline ast::Expr str(std::string s) { return make(ast::Constant{std::move(s)}); }
inline ast::Expr id(std::string name) { return make(ast::Ident{std::move(name), false}); }

template <class... A>
std::vector<ast::Expr> args(A&&... a) {
  std::vector<ast::Expr> v;
  (v.push_back(std::forward<A>(a)), ...);
  return v;
}

template <class... A>
ast::Expr call(std::string f, A&&... a) {
  return make(ast::Call{nullptr, std::move(f), args(std::forward<A>(a)...)});
}

template <class... A>
ast::Expr member(ast::Expr target, std::string f, A&&... a) {
  return make(ast::Call{std::make_unique<ast::Expr>(std::move(target)), std::move(f), args(std::forward<A>(a)...)});
}

inline ast::Expr sel(ast::Expr operand, std::string field) {
  return make(ast::Select{std::make_unique<ast::Expr>(std::move(operand)), std::move(field), false});
}
inline ast::Expr has(ast::Expr operand, std::string field) {
  return make(ast::Select{std::make_unique<ast::Expr>(std::move(operand)), std::move(field), true});
}

template <class... A>
ast::Expr list(A&&... a) {
  return make(ast::CreateList{args(std::forward<A>(a)...)});
}

// Evaluates an expression with named variable bindings.
inline cel::Value eval(const ast::Expr& e, std::vector<std::pair<std::string, cel::Value>> vars = {},
                       const cel::RecordAccessor* records = nullptr, const eco::dsl::model::Schema* schema = nullptr,
                       std::map<std::string, std::uint32_t> record_vars = {}) {
  cel::Env env(schema);
  for (auto& [n, r] : record_vars) env.declare_record(n, r);
  std::vector<std::uint32_t> slots;
  for (auto& [n, v] : vars) slots.push_back(env.declare(n));
  auto p = cel::compile(e, env);
  auto act = p->activation();
  act.records = records;
  for (std::size_t i = 0; i < vars.size(); ++i) act.bind(slots[i], vars[i].second);
  return p->evaluate(act);
}

// Records held as rows of optional values, for tests and benchmarks.
class MemoryRecords : public cel::RecordAccessor {
 public:
  explicit MemoryRecords(const eco::dsl::model::Schema& s) : schema_(s), tables_(s.records.size()) {}

  const eco::dsl::model::Schema& schema() const override { return schema_; }

  // Adds a row; values by field index (nullopt = missing). Returns the row index.
  std::uint64_t add(std::uint32_t record, std::vector<std::optional<cel::Value>> values) {
    tables_[record].push_back(std::move(values));
    return tables_[record].size() - 1;
  }
  // Declares that `parent_row` of `record` has child rows `rows` in reverse list `reverse`.
  void set_reverse(std::uint32_t record, std::uint64_t parent_row, std::uint32_t reverse, std::vector<std::uint32_t> rows) {
    reverse_[{record, parent_row, reverse}] = std::move(rows);
  }
  // Declares where the reference field of a row points.
  void set_nav(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value target) {
    nav_[{record, row, field}] = std::move(target);
  }

  bool field(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value& out) const override {
    const auto& r = tables_[record][row];
    if (field >= r.size() || !r[field]) return false;
    out = *r[field];
    return true;
  }
  bool navigate(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value& out) const override {
    auto it = nav_.find({record, row, field});
    if (it == nav_.end()) return false;
    out = it->second;
    return true;
  }
  std::span<const std::uint32_t> reverse(std::uint32_t record, std::uint64_t row, std::uint32_t rev) const override {
    auto it = reverse_.find({record, row, rev});
    if (it == reverse_.end()) return {};
    return it->second;
  }

 private:
  using Key = std::tuple<std::uint32_t, std::uint64_t, std::uint32_t>;
  const eco::dsl::model::Schema& schema_;
  std::vector<std::vector<std::vector<std::optional<cel::Value>>>> tables_;
  std::map<Key, std::vector<std::uint32_t>> reverse_;
  std::map<Key, cel::Value> nav_;
};

}  // namespace eco::dsl::celtest
