#pragma once
// Column-at-a-time evaluation of a rule's `when` and `require`, the fast path of a sweep.
//
// The tree evaluator (dsl/cel) decides one (rule, subject) pair at a time through virtual
// nodes and 16-byte values. Most subjects of a sweep pass, and for them that is the whole
// cost. A ColumnarPlan evaluates the same expressions over a block of subject rows at once,
// reading the snapshot's typed columns directly, and sorts each row into: clearly passing,
// clearly not applicable, clearly violating (a rule without a deadline), or "ask the tree".
//
// Soundness does not depend on covering CEL: every value is three-valued (true, false, and
// "undecided" for missing fields, errors, overflow and anything the plan does not implement),
// `&&`, `||`, `!` and `?:` follow CEL's commutative error rules (false && x = false, true || x =
// true whatever x is), and any row whose outcome is undecided is evaluated by the tree
// evaluator as before. So the plan only has to be right when it claims true or false; an
// unsupported expression makes rows slower, never wrong.
//
// Supported: fields of the subject and of records reached through references (missing or
// dangling = undecided), has(), constants and anything computed from parameters and the
// evaluation date only (folded once per evaluation by the tree evaluator), lets, == != < <= >
// >= on ints, doubles, dates, bools, strings and enums (enum against a constant by value
// index), `in` a constant list or map, int arithmetic with overflow checks, double
// arithmetic, days_between(), size() of a reverse list, and all()/exists() over a reverse
// list (the body evaluated over the children of the block's subjects in one frame). Rules with
// one `for` binding, or two where the second ranges over the first's children.
// docs/evaluation.md has the whole argument and how it is tested.
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "dsl/cel/program.hpp"
#include "dsl/model/ruleset.hpp"
#include "engine/snapshot/snapshot.hpp"

namespace eco::engine::columnar {

// What the plan concluded for one subject row.
enum class RowOutcome : std::uint8_t {
  undecided = 0,    // evaluate this row with the tree evaluator
  pass,             // `when` true (or absent) and `require` true; no lateness to check
  not_applicable,   // `when` false
  violated,         // `when` true, `require` false, no deadline (violation, or advice)
};

// Rows evaluated per block: large enough that per-node overhead vanishes, small enough that a
// block's vectors stay in cache.
inline constexpr std::uint32_t kBlockRows = 1024;

struct Workspace;

// `for y in x.children` right after `for x in T` (a rule of exactly these two bindings): the
// reverse list the second binding ranges over, as (record type of x, index in its
// RecordType::reverse_lists); nullopt for any other bindings. The nested plans and a scoped
// evaluation (an audit) read rules of that shape through it.
std::optional<std::pair<std::uint32_t, std::uint32_t>> reverse_binding(const dsl::model::Rule& rule,
                                                                      const dsl::model::Schema& schema);

class ColumnarPlan {
 public:
  ~ColumnarPlan();
  ColumnarPlan(const ColumnarPlan&) = delete;
  ColumnarPlan& operator=(const ColumnarPlan&) = delete;

  // A plan for `rule` over `snapshot`, or null when the rule cannot benefit (bindings other
  // than `for x in T` optionally followed by `for y in x.children`, or a `when` / `require` of
  // which nothing can be evaluated column-wise). `env` is the
  // rule's compile environment and `constants` an activation with its parameters and the
  // evaluation date bound (as the tree evaluator binds them): expressions reading only those
  // are computed once here. The plan is immutable; each thread uses its own Workspace.
  static std::unique_ptr<ColumnarPlan> compile(const dsl::model::Rule& rule, const dsl::cel::Env& env,
                                               dsl::cel::Activation& constants, const Snapshot& snapshot);

  // Scratch space for one thread (shared_ptr: its type is private to the implementation).
  std::shared_ptr<Workspace> workspace() const;

  // Decides subject rows [begin, end), at most kBlockRows of them: out[i] for row begin + i.
  // One-binding rules.
  void decide(std::uint32_t begin, std::uint32_t end, Workspace& ws, RowOutcome* out) const;

  // Two-binding rules (`for x in T  for y in x.children`): the reverse list the second binding
  // ranges over, as (record type of x, index in its RecordType::reverse_lists).
  std::optional<std::pair<std::uint32_t, std::uint32_t>> nested() const;
  // Decides `n` (at most kBlockRows) pairs: parents[i] the row of x, children[i] the row of y
  // (the subject); out[i] for pair i.
  void decide(const std::uint32_t* parents, const std::uint32_t* children, std::uint32_t n, Workspace& ws,
              RowOutcome* out) const;

  struct Impl;

 private:
  explicit ColumnarPlan(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace eco::engine::columnar
