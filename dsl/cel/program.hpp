#pragma once
// Compiling and evaluating CEL expressions.
//
// An expression is compiled once into a tree of pre-resolved nodes: variables become slot
// indices, record field selections become (record, field) indices, functions are bound to
// their implementation, constant regular expressions are compiled. Evaluation walks that tree
// over an Activation (the slot values and the record accessor); it allocates nothing for
// scalar results, looks nothing up by name and never throws: failures are error values.
//
// Usage:
//   cel::Env env(&schema);
//   auto f = env.declare_record("f", facility_index);
//   auto program = cel::compile(checked_expr, env);
//   cel::Activation act = program->activation();
//   act.records = &snapshot_accessor;
//   act.bind(f, cel::Value::record(facility_index, row));
//   cel::Value result = program->evaluate(act);
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dsl/ast/expr.hpp"
#include "dsl/cel/record.hpp"
#include "dsl/cel/value.hpp"
#include "dsl/model/ruleset.hpp"

namespace eco::dsl::cel {

// One entry of a dated parameter: the value in force from `from` on.
struct DatedEntry {
  Date from;
  Value value;
};

// The names an expression may use and the slots their values occupy in an Activation.
class Env {
 public:
  // `schema` (optional, must outlive programs compiled against this Env) lets selections on
  // record variables compile to field indices.
  explicit Env(const model::Schema* schema = nullptr) : schema_(schema) {}

  // Declares a variable (a dotted name such as "a.b" is allowed, as CEL's qualified
  // identifiers); returns its slot. Declaring a name twice returns the same slot.
  std::uint32_t declare(std::string_view name);
  // Declares a variable holding rows of schema record type `record`.
  std::uint32_t declare_record(std::string_view name, std::uint32_t record);
  // Slot of a declared name.
  std::optional<std::uint32_t> find(std::string_view name) const;
  // Record type of a variable declared with declare_record.
  std::optional<std::uint32_t> record_of(std::uint32_t slot) const;

  const model::Schema* schema() const { return schema_; }
  std::size_t size() const { return vars_.size(); }

  // The entries of every dated parameter, by Ruleset::params index (an undated one has none),
  // for `param_at(P, DATE)`: the value P had on DATE. Must outlive programs compiled against
  // this Env; without it param_at compiles to an error value.
  void set_param_history(const std::vector<std::vector<DatedEntry>>* h) { history_ = h; }
  const std::vector<DatedEntry>* param_history(std::uint32_t param) const {
    return history_ && param < history_->size() ? &(*history_)[param] : nullptr;
  }
  // The checked ruleset whose `calendar` (add_working_days, working_days_between) and `complete`
  // / `valid` declarations programs compiled against this Env apply. Must outlive them; without
  // it the declarations are not applied and the calendar functions are error values.
  void set_ruleset(const model::Ruleset* rs) { ruleset_ = rs; }
  const model::Ruleset* ruleset() const { return ruleset_; }

 private:
  struct Var {
    std::string name;
    std::optional<std::uint32_t> record;
  };
  const model::Schema* schema_;
  std::vector<Var> vars_;
  const std::vector<std::vector<DatedEntry>>* history_ = nullptr;
  const model::Ruleset* ruleset_ = nullptr;
};

// The values one evaluation reads. Slots [0, env.size()) are the declared variables; the
// rest are scratch space for comprehension variables. One Activation per thread.
struct Activation {
  std::vector<Value> slots;
  const RecordAccessor* records = nullptr;
  // Comprehension steps taken since the caller last reset it (the evaluator: per subject), and
  // the first limit an evaluation exceeded (null: none; one of kLimit*). The flag survives an
  // error absorbed by && or ||, so a limit always reaches the verdict.
  std::uint64_t steps = 0;
  const char* exceeded = nullptr;

  void bind(std::uint32_t slot, Value v) { slots[slot] = std::move(v); }
};

// The value of a dated parameter on day `on`: the latest entry whose `from` is on or before
// `on` (entries ascending by `from`). Before the first entry the parameter has no value: the
// result is unknown, naming `name`.
Value value_at(std::span<const DatedEntry> entries, Date on, std::string_view name);

namespace detail {
struct Node;
}

class Program {
 public:
  Program(std::unique_ptr<detail::Node> root, std::size_t slots);
  ~Program();
  Program(const Program&) = delete;
  Program& operator=(const Program&) = delete;

  // Evaluates over `a`, whose slots must number at least slot_count(). Results may view
  // strings owned by this program or by the record snapshot: they stay valid while both do.
  Value evaluate(Activation& a) const;
  // An activation with slot_count() null slots.
  Activation activation() const;
  std::size_t slot_count() const { return slots_; }

 private:
  std::unique_ptr<detail::Node> root_;
  std::size_t slots_;
};

struct CompileOptions {
  // The checker's resolution of names and selections (CheckedExpr::refs), when available.
  const std::unordered_map<ast::ExprId, model::Ref>* refs = nullptr;
  // Apply the ruleset's `complete` and `valid` declarations (Env::set_ruleset). A `for`
  // binding's list is compiled without: it enumerates the records on file, whether or not
  // they are all that exist.
  bool guards = true;
};

// Compiles an expression. Never fails: what cannot be resolved (an undeclared name, an
// unknown function, message construction) compiles to a node yielding an error value at
// run time, as CEL specifies for unchecked expressions.
std::unique_ptr<Program> compile(const ast::Expr& expr, const Env& env, const CompileOptions& options = {});

// Compiles a checked expression using the checker's side tables.
std::unique_ptr<Program> compile(const model::CheckedExpr& checked, const Env& env, bool guards = true);

}  // namespace eco::dsl::cel
