// The CEL compiler: ast::Expr -> a tree of nodes with every name, field and function resolved.
#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "dsl/cel/builtins.hpp"
#include "dsl/cel/functions.hpp"
#include "dsl/cel/program.hpp"

namespace eco::dsl::cel {

namespace detail {
struct Node {
  virtual ~Node() = default;
  virtual Value eval(Activation& a) const = 0;
};
}  // namespace detail

using detail::Node;
using NodePtr = std::unique_ptr<Node>;

namespace {

// Error and unknown propagation for strict operations: unknowns win over errors (an unknown
// input may make the error irrelevant), and the first error is reported.
bool propagate(const Value* args, std::size_t n, Value& out) {
  const Value* err = nullptr;
  const Value* unk = nullptr;
  for (std::size_t i = 0; i < n; ++i) {
    if (!args[i].is_error_or_unknown()) continue;
    if (args[i].is_unknown()) {
      if (!unk) {
        unk = &args[i];
        out = args[i];
      } else {
        out = merge_unknowns(out, args[i]);
      }
    } else if (!err) {
      err = &args[i];
    }
  }
  if (unk) return true;
  if (err) {
    out = *err;
    return true;
  }
  return false;
}

bool propagate2(const Value& x, const Value& y, Value& out) {
  if (!x.is_error_or_unknown() && !y.is_error_or_unknown()) return false;
  const Value args[2] = {x, y};
  return propagate(args, 2, out);
}

// ---- nodes ----

struct ConstNode final : Node {
  Value v;
  std::string storage;  // text viewed by v
  explicit ConstNode(Value val) : v(std::move(val)) {}
  Value eval(Activation&) const override { return v; }
};

NodePtr make_const_text(std::string text, ValueKind kind) {
  auto n = std::make_unique<ConstNode>(Value());
  n->storage = std::move(text);
  n->v = kind == ValueKind::bytes ? Value::bytes_view(n->storage) : Value::string_view(n->storage);
  return n;
}

struct SlotNode final : Node {
  std::uint32_t slot;
  explicit SlotNode(std::uint32_t s) : slot(s) {}
  Value eval(Activation& a) const override { return a.slots[slot]; }
};

struct ErrorNode final : Node {
  ErrorCode code;
  std::string message;
  ErrorNode(ErrorCode c, std::string m) : code(c), message(std::move(m)) {}
  Value eval(Activation&) const override { return Value::error(code, message); }
};

Value logic_rest(const Value& x, const Value& y, std::string_view op) {
  // Neither side decided the result; report unknowns first, then errors, then bad types.
  if (x.is_unknown() && y.is_unknown()) return merge_unknowns(x, y);
  if (x.is_unknown()) return x;
  if (y.is_unknown()) return y;
  if (x.is_error()) return x;
  if (y.is_error()) return y;
  return detail::no_overload(op);
}

struct AndNode final : Node {
  NodePtr l, r;
  AndNode(NodePtr a, NodePtr b) : l(std::move(a)), r(std::move(b)) {}
  Value eval(Activation& a) const override {
    Value x = l->eval(a);
    if (x.is(ValueKind::bool_) && !x.as_bool()) return x;
    Value y = r->eval(a);
    if (y.is(ValueKind::bool_) && (!y.as_bool() || x.is(ValueKind::bool_))) return y;
    return logic_rest(x, y, "_&&_");
  }
};

struct OrNode final : Node {
  NodePtr l, r;
  OrNode(NodePtr a, NodePtr b) : l(std::move(a)), r(std::move(b)) {}
  Value eval(Activation& a) const override {
    Value x = l->eval(a);
    if (x.is(ValueKind::bool_) && x.as_bool()) return x;
    Value y = r->eval(a);
    if (y.is(ValueKind::bool_) && (y.as_bool() || x.is(ValueKind::bool_))) return y;
    return logic_rest(x, y, "_||_");
  }
};

struct NotNode final : Node {
  NodePtr x;
  explicit NotNode(NodePtr n) : x(std::move(n)) {}
  Value eval(Activation& a) const override {
    Value v = x->eval(a);
    if (v.is(ValueKind::bool_)) return Value::boolean(!v.as_bool());
    if (v.is_error_or_unknown()) return v;
    return detail::no_overload("!_");
  }
};

// CEL's @not_strictly_false: only `false` stops a comprehension; errors let it go on so a
// later element can still decide the result.
struct NotStrictlyFalseNode final : Node {
  NodePtr x;
  explicit NotStrictlyFalseNode(NodePtr n) : x(std::move(n)) {}
  Value eval(Activation& a) const override {
    Value v = x->eval(a);
    if (v.is(ValueKind::bool_)) return v;
    return Value::boolean(true);
  }
};

struct CondNode final : Node {
  NodePtr c, t, f;
  CondNode(NodePtr a, NodePtr b, NodePtr d) : c(std::move(a)), t(std::move(b)), f(std::move(d)) {}
  Value eval(Activation& a) const override {
    Value v = c->eval(a);
    if (v.is(ValueKind::bool_)) return v.as_bool() ? t->eval(a) : f->eval(a);
    if (v.is_error_or_unknown()) return v;
    return detail::no_overload("_?_:_");
  }
};

struct EqNode final : Node {
  NodePtr l, r;
  bool negate;
  EqNode(NodePtr a, NodePtr b, bool n) : l(std::move(a)), r(std::move(b)), negate(n) {}
  Value eval(Activation& a) const override {
    Value x = l->eval(a);
    Value y = r->eval(a);
    Value out;
    if (propagate2(x, y, out)) return out;
    return Value::boolean(equals(x, y) != negate);
  }
};

// `x == "text"` / `x != "text"` (either side constant): the same result as EqNode (CEL
// equality of a string with a string or an enum value of that name; other kinds are unequal;
// errors and unknowns propagate) without evaluating the constant or dispatching on its kind.
struct EqConstTextNode final : Node {
  NodePtr x, constant;  // constant: the ConstNode owning `text`
  std::string_view text;
  bool negate;
  EqConstTextNode(NodePtr a, NodePtr c, std::string_view t, bool n)
      : x(std::move(a)), constant(std::move(c)), text(t), negate(n) {}
  Value eval(Activation& a) const override {
    Value v = x->eval(a);
    if (v.is_error_or_unknown()) return v;
    const bool eq = (v.is(ValueKind::string) || v.is(ValueKind::enum_)) && v.text() == text;
    return Value::boolean(eq != negate);
  }
};

NodePtr make_eq(NodePtr l, NodePtr r, bool negate) {
  for (int side = 0; side < 2; ++side) {
    const auto* c = dynamic_cast<const ConstNode*>((side ? l : r).get());
    if (c && c->v.is(ValueKind::string)) {
      const std::string_view text = c->v.text();
      return side ? std::make_unique<EqConstTextNode>(std::move(r), std::move(l), text, negate)
                  : std::make_unique<EqConstTextNode>(std::move(l), std::move(r), text, negate);
    }
  }
  return std::make_unique<EqNode>(std::move(l), std::move(r), negate);
}

struct RelNode final : Node {
  NodePtr l, r;
  int op;
  RelNode(NodePtr a, NodePtr b, int o) : l(std::move(a)), r(std::move(b)), op(o) {}
  Value eval(Activation& a) const override {
    Value x = l->eval(a);
    Value y = r->eval(a);
    // Fast paths for the comparisons rules make most.
    if (x.kind() == y.kind()) {
      if (x.is(ValueKind::int_)) {
        std::int64_t p = x.as_int(), q = y.as_int();
        switch (op) {
          case 0: return Value::boolean(p < q);
          case 1: return Value::boolean(p <= q);
          case 2: return Value::boolean(p > q);
          default: return Value::boolean(p >= q);
        }
      }
      if (x.is(ValueKind::double_)) {
        double p = x.as_double(), q = y.as_double();
        switch (op) {
          case 0: return Value::boolean(p < q);
          case 1: return Value::boolean(p <= q);
          case 2: return Value::boolean(p > q);
          default: return Value::boolean(p >= q);
        }
      }
    }
    Value out;
    if (propagate2(x, y, out)) return out;
    return detail::relation(op, x, y);
  }
};

using BinaryFn = Value (*)(const Value&, const Value&);

// Which limit a `limit` error names (its message is one of the kLimit* texts).
inline const char* limit_text(const Value& v) {
  for (const char* k : {kLimitString, kLimitList, kLimitSteps})
    if (v.error_info().message == k) return k;
  return kLimitString;
}

// A limit error is also noted in the activation: && and || may absorb the value, never the fact.
inline Value noted(Activation& a, Value v) {
  if (v.is_error() && v.error_info().code == ErrorCode::limit && !a.exceeded) a.exceeded = limit_text(v);
  return v;
}

struct BinaryNode final : Node {
  NodePtr l, r;
  BinaryFn fn;
  BinaryNode(NodePtr a, NodePtr b, BinaryFn f) : l(std::move(a)), r(std::move(b)), fn(f) {}
  Value eval(Activation& a) const override {
    Value x = l->eval(a);
    Value y = r->eval(a);
    Value out;
    if (propagate2(x, y, out)) return out;
    return noted(a, fn(x, y));
  }
};

struct NegateNode final : Node {
  NodePtr x;
  explicit NegateNode(NodePtr n) : x(std::move(n)) {}
  Value eval(Activation& a) const override {
    Value v = x->eval(a);
    if (v.is_error_or_unknown()) return v;
    return detail::negate(v);
  }
};

// `x in [constants]`: strings are found through a hash set, other values by CEL equality.
struct InConstListNode final : Node {
  NodePtr x;
  Value list;
  std::unordered_set<std::string_view> texts;
  bool all_texts = true;
  InConstListNode(NodePtr n, Value l) : x(std::move(n)), list(std::move(l)) {
    for (const Value& e : list.list_items()) {
      if (e.is(ValueKind::string)) texts.insert(e.text());
      else all_texts = false;
    }
  }
  Value eval(Activation& a) const override {
    Value v = x->eval(a);
    if (v.is_error_or_unknown()) return v;
    if ((v.is(ValueKind::string) || v.is(ValueKind::enum_)) && all_texts)
      return Value::boolean(texts.count(v.text()) != 0);
    return detail::contains_element(v, list);
  }
};

struct CallNode final : Node {
  detail::Builtin fn;
  std::vector<NodePtr> args;
  Value eval(Activation& a) const override {
    std::array<Value, 4> small;
    std::vector<Value> big;
    Value* vals = small.data();
    if (args.size() > small.size()) {
      big.resize(args.size());
      vals = big.data();
    }
    for (std::size_t i = 0; i < args.size(); ++i) vals[i] = args[i]->eval(a);
    Value out;
    if (propagate(vals, args.size(), out)) return out;
    return noted(a, fn(vals, args.size(), a));
  }
};

// param_at(P, DATE): the dated parameter P as it stood on DATE (judgement at an event's date).
struct ParamAtNode final : Node {
  const std::vector<DatedEntry>* entries = nullptr;
  std::string name;
  NodePtr date;
  Value eval(Activation& a) const override {
    Value d = date->eval(a);
    if (d.is_error_or_unknown()) return d;
    if (!d.is(ValueKind::date)) return detail::no_overload("param_at");
    return value_at(*entries, d.as_date(), name);
  }
};

struct MatchesConstNode final : Node {
  NodePtr target;
  std::unique_ptr<RE2> re;
  Value eval(Activation& a) const override {
    Value v = target->eval(a);
    if (v.is_error_or_unknown()) return v;
    if (!v.is(ValueKind::string)) return detail::no_overload("matches");
    return Value::boolean(RE2::PartialMatch(re2::StringPiece(v.text().data(), v.text().size()), *re));
  }
};

struct ListNode final : Node {
  std::vector<NodePtr> elems;
  Value eval(Activation& a) const override {
    std::vector<Value> items;
    items.reserve(elems.size());
    for (const auto& e : elems) items.push_back(e->eval(a));
    Value out;
    if (propagate(items.data(), items.size(), out)) return out;
    return Value::list(std::move(items));
  }
};

struct MapNode final : Node {
  std::vector<std::pair<NodePtr, NodePtr>> entries;
  Value eval(Activation& a) const override {
    std::vector<std::pair<Value, Value>> out;
    out.reserve(entries.size());
    for (const auto& [k, v] : entries) out.emplace_back(k->eval(a), v->eval(a));
    return Value::map(std::move(out));  // propagates errors in keys and values itself
  }
};

Value select_value(const Value& v, std::string_view field, bool test_only, Activation& a) {
  if (v.is_error_or_unknown()) return v;
  if (v.is(ValueKind::map)) {
    const Value* found = v.map_find(Value::string_view(field));
    if (test_only) return Value::boolean(found != nullptr);
    if (!found) return Value::error(ErrorCode::no_such_key, fmt::format("no such key: '{}'", field));
    return *found;
  }
  if (v.is(ValueKind::record)) return detail::select_record_field(v, field, a, test_only);
  if (test_only) return detail::no_overload("has");
  return Value::error(ErrorCode::no_matching_overload,
                      fmt::format("type '{}' does not support field selection", type_name(v)));
}

struct SelectNode final : Node {
  NodePtr operand;
  std::string field;
  bool test_only;
  SelectNode(NodePtr o, std::string f, bool t) : operand(std::move(o)), field(std::move(f)), test_only(t) {}
  Value eval(Activation& a) const override { return select_value(operand->eval(a), field, test_only, a); }
};

// A field of a record whose type the compiler knows: one accessor call, no name lookup.
struct RecordFieldNode final : Node {
  NodePtr operand;
  std::uint32_t record, field;
  std::string name;
  bool test_only;
  // The operand is a variable (`e.industry`, the common case): its slot is read in place,
  // without a virtual call and a copy of the record value.
  std::optional<std::uint32_t> slot;
  Value eval(Activation& a) const override {
    if (slot) {
      const Value& r = a.slots[*slot];
      if (r.is(ValueKind::record) && r.record_type() == record && a.records) return read(a, r.row());
    }
    Value r = operand->eval(a);
    if (!r.is(ValueKind::record) || r.record_type() != record || !a.records)
      return select_value(r, name, test_only, a);
    return read(a, r.row());
  }
  Value read(Activation& a, std::uint64_t row) const {
    Value out;
    bool present = a.records->field(record, row, field, out);
    if (test_only) return Value::boolean(present);
    if (!present) return Value::missing_field({record, field}, fmt::format("no such field '{}'", name));
    return out;
  }
};

struct RecordNavNode final : Node {
  NodePtr operand;
  std::uint32_t record, field;
  std::string name;
  bool test_only;
  Value eval(Activation& a) const override {
    Value r = operand->eval(a);
    if (!r.is(ValueKind::record) || r.record_type() != record || !a.records)
      return select_value(r, name, test_only, a);
    Value out;
    bool present = a.records->navigate(record, r.row(), field, out);
    if (test_only) return Value::boolean(present);
    if (!present) return Value::missing_field({record, field}, fmt::format("no such field '{}'", name));
    return out;
  }
};

struct RecordReverseNode final : Node {
  NodePtr operand;
  std::uint32_t record, reverse, child;
  std::string name;
  bool test_only;
  Value eval(Activation& a) const override {
    Value r = operand->eval(a);
    if (!r.is(ValueKind::record) || r.record_type() != record || !a.records)
      return select_value(r, name, test_only, a);
    auto rows = a.records->reverse(record, r.row(), reverse);
    if (test_only) return Value::boolean(!rows.empty());
    return Value::record_list(child, rows);
  }
};

// The step limit: noted, and the comprehension's value is the limit error.
inline Value step_limit(Activation& a) {
  if (!a.exceeded) a.exceeded = kLimitSteps;
  return Value::error(ErrorCode::limit, kLimitSteps);
}

// A field a `valid` declaration guards: its value is proof only where the declaration's
// condition holds for its record; elsewhere the read is unknown with the declared reason (a
// missing value stays missing, and a condition that cannot be evaluated says why).
struct ValidFieldNode final : Node {
  NodePtr operand, cond;
  std::uint32_t record = 0, field = 0, var = 0;  // var: the declaration's variable's slot
  std::string name;
  Reason reason;
  Value eval(Activation& a) const override {
    Value r = operand->eval(a);
    if (!r.is(ValueKind::record) || r.record_type() != record || !a.records) return select_value(r, name, false, a);
    Value out;
    if (!a.records->field(record, r.row(), field, out))
      return Value::missing_field({record, field}, fmt::format("no such field '{}'", name));
    a.slots[var] = r;
    Value c = cond->eval(a);
    if (c.is(ValueKind::bool_) && c.as_bool()) return out;
    if (c.is_error_or_unknown()) return c;
    return Value::unknown({}, {}, {reason});
  }
};

// A reverse list a `complete` declaration covers: complete (all that exists is on file) only
// for the parents where the declaration's condition holds. Elsewhere the list cannot prove
// absence: has() is true when it holds records and unknown otherwise, and any other use is
// unknown with the declared reason, except exists() and all(), which QuantifierNode lets go as
// far as the records on file prove.
struct CompleteListNode final : Node {
  NodePtr operand, cond;
  std::uint32_t record = 0, reverse = 0, child = 0, var = 0;
  std::string name;
  bool test_only = false;
  Reason reason;
  // The list on file, and whether it is complete; errors and unknowns are returned as they are.
  Value parts(Activation& a, bool& complete) const {
    complete = true;
    Value r = operand->eval(a);
    if (!r.is(ValueKind::record) || r.record_type() != record || !a.records) return select_value(r, name, false, a);
    auto rows = a.records->reverse(record, r.row(), reverse);
    a.slots[var] = r;
    Value c = cond->eval(a);
    complete = c.is(ValueKind::bool_) && c.as_bool();
    return Value::record_list(child, rows);
  }
  Value incomplete() const { return Value::unknown({}, {}, {reason}); }
  Value eval(Activation& a) const override {
    bool complete = true;
    Value l = parts(a, complete);
    if (!l.is(ValueKind::list)) return test_only && !l.is_error_or_unknown() ? detail::no_overload("has") : l;
    if (test_only) return l.list_size() > 0 || complete ? Value::boolean(l.list_size() > 0) : incomplete();
    return complete ? l : incomplete();
  }
};

// add_working_days(d, n) and working_days_between(a, b) over the ruleset's calendar; a day in a
// year the calendar does not hold makes the result unknown, never a guess.
struct WorkdayNode final : Node {
  const model::Calendar* cal = nullptr;
  bool between = false;
  NodePtr x, y;
  Value eval(Activation& a) const override {
    Value p = x->eval(a);
    Value q = y->eval(a);
    Value out;
    if (propagate2(p, q, out)) return out;
    int year = 0;
    if (between) {
      if (!p.is(ValueKind::date) || !q.is(ValueKind::date)) return detail::no_overload("working_days_between");
      if (auto n = cal->working_days_between(p.as_date(), q.as_date(), &year)) return Value::integer(*n);
    } else {
      if (!p.is(ValueKind::date) || !q.is(ValueKind::int_)) return detail::no_overload("add_working_days");
      if (auto d = cal->add_working_days(p.as_date(), q.as_int(), &year)) return Value::date(*d);
    }
    Reason why;
    why.kind = Reason::Kind::calendar_lacks_year;
    why.args = {cal->title.empty() ? cal->name : cal->title, cal->name, std::to_string(year), cal->years_text()};
    return Value::unknown({}, {}, {std::move(why)});
  }
};

struct ComprehensionNode final : Node {
  NodePtr range, init, cond, step, result;
  std::uint32_t iter1 = 0, iter2 = 0, accu = 0;
  bool two_vars = false;
  Value eval(Activation& a) const override {
    Value r = range->eval(a);
    if (r.is_error_or_unknown()) return r;
    bool is_map = r.is(ValueKind::map);
    if (!is_map && !r.is(ValueKind::list)) return detail::no_overload("comprehension over " + std::string(type_name(r)));
    a.slots[accu] = init->eval(a);
    std::size_t n = is_map ? r.map_size() : r.list_size();
    for (std::size_t i = 0; i < n; ++i) {
      if (++a.steps > kMaxSteps) return step_limit(a);
      if (is_map) {
        const auto& e = r.map_entries()[i];
        a.slots[iter1] = e.first;
        if (two_vars) a.slots[iter2] = e.second;
      } else if (two_vars) {
        a.slots[iter1] = Value::integer(static_cast<std::int64_t>(i));
        a.slots[iter2] = r.list_at(i);
      } else {
        a.slots[iter1] = r.list_at(i);
      }
      if (cond) {
        Value c = cond->eval(a);
        if (c.is(ValueKind::bool_) && !c.as_bool()) break;
      }
      a.slots[accu] = step->eval(a);
    }
    Value out = result->eval(a);
    a.slots[accu] = Value();
    return out;
  }
};

// `all` and `exists` over a list, as the parser expands them (accu = true / false; go on
// while @not_strictly_false(accu) / @not_strictly_false(!accu); accu = accu && p / accu || p;
// result accu): the same steps, values, errors and unknowns as ComprehensionNode running
// that expansion, without a virtual call per node of the loop condition and step. Other
// ranges (maps, errors) go to the general node.
//
// Over a list a `complete` declaration covers (CompleteListNode) and that is not complete for
// its parent, the records on file prove only presence: exists() true and all() false stand;
// exists() false and all() true would claim that no other record exists, and are unknown with
// the declaration's reason.
struct QuantifierNode final : Node {
  NodePtr range, pred;
  std::unique_ptr<ComprehensionNode> general;
  const CompleteListNode* guarded = nullptr;  // range, when it is a list a declaration covers
  std::uint32_t iter = 0;
  bool all = false;
  Value eval(Activation& a) const override {
    bool complete = true;
    Value r = guarded ? guarded->parts(a, complete) : range->eval(a);
    if (!r.is(ValueKind::list)) return general->eval(a);
    Value acc = loop(a, r);
    if (complete) return acc;
    if (acc.is(ValueKind::bool_) && acc.as_bool() == all) return guarded->incomplete();
    if (acc.is_unknown()) return merge_unknowns(acc, guarded->incomplete());
    return acc;
  }
  Value loop(Activation& a, const Value& r) const {
    Value acc = Value::boolean(all);
    const std::size_t n = r.list_size();
    for (std::size_t i = 0; i < n; ++i) {
      a.slots[iter] = r.list_at(i);
      if (acc.is(ValueKind::bool_) && acc.as_bool() != all) break;  // the loop condition
      if (++a.steps > kMaxSteps) return step_limit(a);
      // The step: AndNode / OrNode with accu on the left (whose short cut the condition took).
      Value y = pred->eval(a);
      if (y.is(ValueKind::bool_) && (y.as_bool() != all || acc.is(ValueKind::bool_))) acc = std::move(y);
      else acc = logic_rest(acc, y, all ? "_&&_" : "_||_");
    }
    return acc;
  }
};

// accu + [elems] in a comprehension step: appends in place when the accumulator is the
// only owner of its list, so map() and filter() are linear instead of quadratic.
struct AppendNode final : Node {
  std::uint32_t accu;
  std::vector<NodePtr> elems;
  Value eval(Activation& a) const override {
    std::array<Value, 2> small;
    std::vector<Value> vals;
    Value* v = small.data();
    if (elems.size() > small.size()) {
      vals.resize(elems.size());
      v = vals.data();
    }
    for (std::size_t i = 0; i < elems.size(); ++i) v[i] = elems[i]->eval(a);
    Value out;
    if (propagate(v, elems.size(), out)) return out;
    Value acc = std::move(a.slots[accu]);
    if (acc.is_error_or_unknown()) return acc;
    if (!acc.is(ValueKind::list)) return detail::no_overload("_+_");
    if (acc.list_size() + elems.size() > kMaxListItems) return noted(a, Value::error(ErrorCode::limit, kLimitList));
    for (std::size_t i = 0; i < elems.size(); ++i) ListBuilder::append(acc, std::move(v[i]));
    return acc;
  }
};

// transformMap's step: the accumulator map plus one entry.
struct MapInsertNode final : Node {
  std::uint32_t accu;
  NodePtr key, value;
  Value eval(Activation& a) const override {
    Value k = key->eval(a);
    Value v = value->eval(a);
    Value out;
    if (propagate2(k, v, out)) return out;
    const Value& acc = a.slots[accu];
    if (acc.is_error_or_unknown()) return acc;
    if (acc.map_size() + 1 > kMaxListItems) return noted(a, Value::error(ErrorCode::limit, kLimitList));
    std::vector<std::pair<Value, Value>> entries(acc.map_entries().begin(), acc.map_entries().end());
    entries.emplace_back(std::move(k), std::move(v));
    return Value::map(std::move(entries));
  }
};

// ---- the compiler ----

struct Static {
  enum Kind { none, record, record_list } kind = none;
  std::uint32_t rec = 0;
};

struct Compiled {
  NodePtr node;
  Static st;
};

constexpr std::string_view kTypeDenotations[] = {
    "int", "uint", "double", "bool", "string", "bytes", "list", "map", "null_type", "type",
    "google.protobuf.Timestamp", "google.protobuf.Duration"};

std::optional<std::string_view> type_denotation(std::string_view name) {
  for (auto t : kTypeDenotations)
    if (t == name) return t;
  return std::nullopt;
}

const ConstNode* const_node(const NodePtr& n) { return dynamic_cast<const ConstNode*>(n.get()); }

class Compiler {
 public:
  Compiler(const Env& env, const CompileOptions& opt) : env_(env), opt_(opt), next_slot_(env.size()) {}

  std::size_t slots() const { return next_slot_; }

  Compiled expr(const ast::Expr& e) {
    return std::visit([&](const auto& k) { return compile(e, k); }, e.kind);
  }

 private:
  struct Local {
    std::string name;
    std::uint32_t slot;
    Static st;
  };

  std::uint32_t new_slot() { return static_cast<std::uint32_t>(next_slot_++); }

  static Compiled plain(NodePtr n) { return Compiled{std::move(n), {}}; }

  Compiled compile(const ast::Expr&, const ast::Constant& c) {
    return plain(std::visit(
        [&](const auto& v) -> NodePtr {
          using T = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<T, ast::NullValue>) return std::make_unique<ConstNode>(Value::null());
          else if constexpr (std::is_same_v<T, bool>) return std::make_unique<ConstNode>(Value::boolean(v));
          else if constexpr (std::is_same_v<T, std::int64_t>) return std::make_unique<ConstNode>(Value::integer(v));
          else if constexpr (std::is_same_v<T, std::uint64_t>) return std::make_unique<ConstNode>(Value::uinteger(v));
          else if constexpr (std::is_same_v<T, double>) return std::make_unique<ConstNode>(Value::dbl(v));
          else if constexpr (std::is_same_v<T, std::string>) return make_const_text(v, ValueKind::string);
          else if constexpr (std::is_same_v<T, ast::Bytes>) return make_const_text(v.data, ValueKind::bytes);
          else return std::make_unique<ConstNode>(Value::date(v));
        },
        c.value));
  }

  Compiled ident(std::string_view name, bool leading_dot) {
    if (!leading_dot) {
      for (auto it = scope_.rbegin(); it != scope_.rend(); ++it)
        if (it->name == name) return Compiled{std::make_unique<SlotNode>(it->slot), it->st};
    }
    if (auto slot = env_.find(name)) {
      Static st;
      if (auto rec = env_.record_of(*slot)) st = Static{Static::record, *rec};
      return Compiled{std::make_unique<SlotNode>(*slot), st};
    }
    if (auto t = type_denotation(name)) return plain(std::make_unique<ConstNode>(Value::type(*t)));
    return plain(std::make_unique<ErrorNode>(ErrorCode::unbound, fmt::format("undeclared reference to '{}'", name)));
  }

  Compiled compile(const ast::Expr&, const ast::Ident& id) { return ident(id.name, id.leading_dot); }

  // CEL qualified names: `a.b.c` may name a variable "a.b.c", or "a.b" selected by c, ...
  // The longest declared prefix wins; a comprehension variable shadows them all.
  std::optional<Compiled> qualified(const ast::Expr& e) {
    std::vector<std::string_view> parts;
    const ast::Expr* cur = &e;
    while (const auto* s = cur->as<ast::Select>()) {
      if (s->test_only || !s->operand) return std::nullopt;
      parts.push_back(s->field);
      cur = s->operand.get();
    }
    const auto* root = cur->as<ast::Ident>();
    if (!root) return std::nullopt;
    parts.push_back(root->name);
    std::reverse(parts.begin(), parts.end());
    if (!root->leading_dot) {
      for (const auto& l : scope_)
        if (l.name == root->name) return std::nullopt;
    }
    for (std::size_t k = parts.size(); k >= 2; --k) {
      std::string name(parts[0]);
      for (std::size_t i = 1; i < k; ++i) name.append(".").append(parts[i]);
      if (env_.find(name) || (k == parts.size() && type_denotation(name))) {
        Compiled c = ident(name, true);
        for (std::size_t i = k; i < parts.size(); ++i) c = select_on(std::move(c), parts[i], false, 0);
        return c;
      }
    }
    return std::nullopt;
  }

  Compiled select_on(Compiled op, std::string_view field, bool test_only, ast::ExprId id) {
    const model::Schema* schema = env_.schema();
    const model::Ref* ref = nullptr;
    if (opt_.refs && id != 0) {
      auto it = opt_.refs->find(id);
      if (it != opt_.refs->end()) ref = &it->second;
    }
    if (schema) {
      std::optional<model::Ref::Kind> kind;
      std::uint32_t rec = 0, idx = 0;
      if (ref && (ref->kind == model::Ref::Kind::field || ref->kind == model::Ref::Kind::nav ||
                  ref->kind == model::Ref::Kind::reverse)) {
        kind = ref->kind;
        rec = ref->record;
        idx = ref->index;
      } else if (op.st.kind == Static::record && op.st.rec < schema->records.size()) {
        const auto& rt = schema->records[op.st.rec];
        rec = rt.index;
        if (int f = rt.find_field(field); f >= 0) {
          kind = model::Ref::Kind::field;
          idx = static_cast<std::uint32_t>(f);
        } else if (int r = rt.find_reverse(field); r >= 0) {
          kind = model::Ref::Kind::reverse;
          idx = static_cast<std::uint32_t>(r);
        } else {
          for (std::uint32_t f2 = 0; f2 < rt.fields.size(); ++f2)
            if (rt.fields[f2].ref && rt.fields[f2].ref->nav == field) {
              kind = model::Ref::Kind::nav;
              idx = f2;
            }
        }
      }
      if (kind && rec < schema->records.size()) {
        const auto& rt = schema->records[rec];
        if (*kind == model::Ref::Kind::field && idx < rt.fields.size() && !test_only)
          if (const auto* g = guard(model::Guard::Kind::valid, rec, idx)) {
            auto n = std::make_unique<ValidFieldNode>();
            n->operand = std::move(op.node);
            n->record = rec;
            n->field = idx;
            n->name = std::string(field);
            n->reason = {g->reason_zh, g->reason_en};
            n->cond = guard_condition(*g, n->var);
            return plain(std::move(n));
          }
        if (*kind == model::Ref::Kind::reverse && idx < rt.reverse_lists.size())
          if (const auto* g = guard(model::Guard::Kind::complete, rec, idx)) {
            auto n = std::make_unique<CompleteListNode>();
            n->operand = std::move(op.node);
            n->record = rec;
            n->reverse = idx;
            n->child = rt.reverse_lists[idx].child;
            n->name = std::string(field);
            n->test_only = test_only;
            n->reason = {g->reason_zh, g->reason_en};
            n->cond = guard_condition(*g, n->var);
            Static st{Static::record_list, n->child};
            return Compiled{std::move(n), test_only ? Static{} : st};
          }
        if (*kind == model::Ref::Kind::field && idx < rt.fields.size()) {
          auto n = std::make_unique<RecordFieldNode>();
          if (const auto* sn = dynamic_cast<const SlotNode*>(op.node.get())) n->slot = sn->slot;
          n->operand = std::move(op.node);
          n->record = rec;
          n->field = idx;
          n->name = std::string(field);
          n->test_only = test_only;
          return plain(std::move(n));
        }
        if (*kind == model::Ref::Kind::nav && idx < rt.fields.size() && rt.fields[idx].ref) {
          auto n = std::make_unique<RecordNavNode>();
          n->operand = std::move(op.node);
          n->record = rec;
          n->field = idx;
          n->name = std::string(field);
          n->test_only = test_only;
          Static st{Static::record, rt.fields[idx].ref->target};
          return Compiled{std::move(n), test_only ? Static{} : st};
        }
        if (*kind == model::Ref::Kind::reverse && idx < rt.reverse_lists.size()) {
          auto n = std::make_unique<RecordReverseNode>();
          n->operand = std::move(op.node);
          n->record = rec;
          n->reverse = idx;
          n->child = rt.reverse_lists[idx].child;
          n->name = std::string(field);
          n->test_only = test_only;
          Static st{Static::record_list, n->child};
          return Compiled{std::move(n), test_only ? Static{} : st};
        }
      }
    }
    return plain(std::make_unique<SelectNode>(std::move(op.node), std::string(field), test_only));
  }

  Compiled compile(const ast::Expr& e, const ast::Select& s) {
    if (!s.operand) return plain(std::make_unique<ErrorNode>(ErrorCode::generic, "selection without operand"));
    if (!s.test_only) {
      if (auto q = qualified(e)) return std::move(*q);
    }
    Compiled op = expr(*s.operand);
    return select_on(std::move(op), s.field, s.test_only, e.id);
  }

  Compiled compile(const ast::Expr&, const ast::CreateList& l) {
    auto n = std::make_unique<ListNode>();
    bool all_const = true;
    for (const auto& el : l.elements) {
      n->elems.push_back(expr(el).node);
      all_const = all_const && const_node(n->elems.back());
    }
    if (all_const) return plain(std::make_unique<ConstNode>(fold_list(n->elems)));
    return plain(std::move(n));
  }

  // Constant lists are built once; their strings are copied into owned storage (to_owned)
  // because the element nodes that held them are discarded.
  static Value fold_list(const std::vector<NodePtr>& elems) {
    std::vector<Value> items;
    for (const auto& e : elems) items.push_back(to_owned(const_node(e)->v));
    Value out;
    if (propagate(items.data(), items.size(), out)) return out;
    return Value::list(std::move(items));
  }

  Compiled compile(const ast::Expr&, const ast::CreateMap& m) {
    auto n = std::make_unique<MapNode>();
    bool all_const = true;
    for (const auto& en : m.entries) {
      if (!en.key || !en.value) return plain(std::make_unique<ErrorNode>(ErrorCode::generic, "malformed map entry"));
      NodePtr k = expr(*en.key).node;
      NodePtr v = expr(*en.value).node;
      all_const = all_const && const_node(k) && const_node(v);
      n->entries.emplace_back(std::move(k), std::move(v));
    }
    if (all_const) {
      std::vector<std::pair<Value, Value>> entries;
      for (const auto& [k, v] : n->entries) entries.emplace_back(to_owned(const_node(k)->v), to_owned(const_node(v)->v));
      return plain(std::make_unique<ConstNode>(Value::map(std::move(entries))));
    }
    return plain(std::move(n));
  }

  Compiled compile(const ast::Expr&, const ast::CreateStruct& s) {
    return plain(std::make_unique<ErrorNode>(
        ErrorCode::unbound, fmt::format("message construction '{}' is not supported", s.type_name)));
  }

  Compiled compile(const ast::Expr&, const ast::Comprehension& c) {
    if (!c.iter_range || !c.accu_init || !c.loop_step || !c.result)
      return plain(std::make_unique<ErrorNode>(ErrorCode::generic, "malformed comprehension"));
    if (c.macro == "all" || c.macro == "exists") {
      // The parser's expansion (dsl/parser/lower.cpp): the step is `accu op predicate`.
      const auto* step_call = c.loop_step->as<ast::Call>();
      if (step_call && step_call->args.size() == 2 && (step_call->function == (c.macro == "all" ? "_&&_" : "_||_"))) {
        auto q = std::make_unique<QuantifierNode>();
        q->all = c.macro == "all";
        q->general = general_comprehension(c);
        q->iter = q->general->iter1;
        // The predicate, compiled again in the scope of the iteration variable (its slot).
        Compiled range = expr(*c.iter_range);
        const Static elem = range.st.kind == Static::record_list ? Static{Static::record, range.st.rec} : Static{};
        q->range = std::move(range.node);
        q->guarded = dynamic_cast<const CompleteListNode*>(q->range.get());
        scope_.push_back({c.iter_var, q->iter, elem});
        q->pred = expr(step_call->args[1]).node;
        scope_.pop_back();
        return plain(std::move(q));
      }
    }
    return plain(general_comprehension(c));
  }

  std::unique_ptr<ComprehensionNode> general_comprehension(const ast::Comprehension& c) {
    auto n = std::make_unique<ComprehensionNode>();
    Compiled range = expr(*c.iter_range);
    n->range = std::move(range.node);
    n->init = expr(*c.accu_init).node;
    n->accu = new_slot();
    n->iter1 = new_slot();
    scope_.push_back({c.accu_var, n->accu, {}});
    Static elem = range.st.kind == Static::record_list ? Static{Static::record, range.st.rec} : Static{};
    scope_.push_back({c.iter_var, n->iter1, elem});
    if (c.loop_condition) n->cond = expr(*c.loop_condition).node;
    n->step = step(*c.loop_step, c.accu_var, n->accu);
    scope_.pop_back();
    n->result = expr(*c.result).node;
    scope_.pop_back();
    return n;
  }

  // A comprehension step; `accu + [x]` at its top (or as a branch of a top-level `?:`)
  // becomes an in-place append.
  NodePtr step(const ast::Expr& e, std::string_view accu_name, std::uint32_t accu) {
    if (const auto* call = e.as<ast::Call>()) {
      if (call->function == "_?_:_" && call->args.size() == 3 && !call->target) {
        return std::make_unique<CondNode>(expr(call->args[0]).node, step(call->args[1], accu_name, accu),
                                          step(call->args[2], accu_name, accu));
      }
      if (call->function == "_+_" && call->args.size() == 2 && !call->target) {
        const auto* id = call->args[0].as<ast::Ident>();
        const auto* list = call->args[1].as<ast::CreateList>();
        if (id && list && id->name == accu_name && !id->leading_dot) {
          auto n = std::make_unique<AppendNode>();
          n->accu = accu;
          for (const auto& el : list->elements) n->elems.push_back(expr(el).node);
          return n;
        }
      }
    }
    return expr(e).node;
  }

  // Macros written as calls (two-variable forms, and one-variable forms left unexpanded).
  std::optional<Compiled> macro_call(const ast::Call& c) {
    static constexpr std::string_view kMacros[] = {"all", "exists", "exists_one", "existsOne", "map", "filter",
                                                   "transformList", "transformMap"};
    if (!c.target || std::find(std::begin(kMacros), std::end(kMacros), c.function) == std::end(kMacros))
      return std::nullopt;
    const std::string& f = c.function;
    std::size_t nargs = c.args.size();
    if (nargs < 2) return std::nullopt;
    const auto* v1 = c.args[0].as<ast::Ident>();
    const auto* v2 = c.args[1].as<ast::Ident>();
    bool transform = f == "transformList" || f == "transformMap";
    bool two;
    if (transform) two = true;
    else if (f == "map") two = false;
    else if (f == "filter") two = false;
    else two = nargs == 3;
    if (!v1 || (two && !v2)) return std::nullopt;
    std::size_t first = two ? 2 : 1;  // index of the first expression argument
    std::size_t exprs = nargs - first;
    if (transform && exprs != 1 && exprs != 2) return std::nullopt;
    if (f == "map" && exprs != 1 && exprs != 2) return std::nullopt;
    if ((f == "filter" || f == "all" || f == "exists" || f == "exists_one" || f == "existsOne") && exprs != 1)
      return std::nullopt;

    auto n = std::make_unique<ComprehensionNode>();
    Compiled range = expr(*c.target);
    n->range = std::move(range.node);
    n->accu = new_slot();
    n->iter1 = new_slot();
    n->two_vars = two;
    Static elem = range.st.kind == Static::record_list ? Static{Static::record, range.st.rec} : Static{};
    scope_.push_back({v1->name, n->iter1, two ? Static{} : elem});
    if (two) {
      n->iter2 = new_slot();
      scope_.push_back({v2->name, n->iter2, elem});
    }
    auto accu = [&] { return std::make_unique<SlotNode>(n->accu); };
    auto append = [&](NodePtr value) {
      auto a = std::make_unique<AppendNode>();
      a->accu = n->accu;
      a->elems.push_back(std::move(value));
      return a;
    };
    if (f == "all") {
      n->init = std::make_unique<ConstNode>(Value::boolean(true));
      n->cond = std::make_unique<NotStrictlyFalseNode>(accu());
      n->step = std::make_unique<AndNode>(accu(), expr(c.args[first]).node);
      n->result = accu();
    } else if (f == "exists") {
      n->init = std::make_unique<ConstNode>(Value::boolean(false));
      n->cond = std::make_unique<NotStrictlyFalseNode>(std::make_unique<NotNode>(accu()));
      n->step = std::make_unique<OrNode>(accu(), expr(c.args[first]).node);
      n->result = accu();
    } else if (f == "exists_one" || f == "existsOne") {
      n->init = std::make_unique<ConstNode>(Value::integer(0));
      n->step = std::make_unique<CondNode>(
          expr(c.args[first]).node,
          std::make_unique<BinaryNode>(accu(), std::make_unique<ConstNode>(Value::integer(1)), detail::add), accu());
      n->result = std::make_unique<EqNode>(accu(), std::make_unique<ConstNode>(Value::integer(1)), false);
    } else if (f == "filter") {
      n->init = std::make_unique<ConstNode>(Value::list({}));
      n->step = std::make_unique<CondNode>(expr(c.args[first]).node, append(std::make_unique<SlotNode>(n->iter1)),
                                           accu());
      n->result = accu();
    } else if (f == "map" || f == "transformList") {
      n->init = std::make_unique<ConstNode>(Value::list({}));
      if (exprs == 2) {
        NodePtr pred = expr(c.args[first]).node;
        n->step = std::make_unique<CondNode>(std::move(pred), append(expr(c.args[first + 1]).node), accu());
      } else {
        n->step = append(expr(c.args[first]).node);
      }
      n->result = accu();
    } else {  // transformMap
      n->init = std::make_unique<ConstNode>(Value::map({}));
      auto insert = [&](NodePtr value) {
        auto m = std::make_unique<MapInsertNode>();
        m->accu = n->accu;
        m->key = std::make_unique<SlotNode>(n->iter1);
        m->value = std::move(value);
        return m;
      };
      if (exprs == 2) {
        NodePtr pred = expr(c.args[first]).node;
        n->step = std::make_unique<CondNode>(std::move(pred), insert(expr(c.args[first + 1]).node), accu());
      } else {
        n->step = insert(expr(c.args[first]).node);
      }
      n->result = accu();
    }
    scope_.pop_back();
    if (two) scope_.pop_back();
    return plain(std::move(n));
  }

  Compiled compile(const ast::Expr& e, const ast::Call& c) {
    const std::string& f = c.function;
    const auto& args = c.args;
    auto arg = [&](std::size_t i) { return expr(args[i]).node; };
    if (!c.target) {
      if (args.size() == 2) {
        if (f == "_&&_") return plain(std::make_unique<AndNode>(arg(0), arg(1)));
        if (f == "_||_") return plain(std::make_unique<OrNode>(arg(0), arg(1)));
        if (f == "_==_") return plain(make_eq(arg(0), arg(1), false));
        if (f == "_!=_") return plain(make_eq(arg(0), arg(1), true));
        if (f == "_<_") return plain(std::make_unique<RelNode>(arg(0), arg(1), 0));
        if (f == "_<=_") return plain(std::make_unique<RelNode>(arg(0), arg(1), 1));
        if (f == "_>_") return plain(std::make_unique<RelNode>(arg(0), arg(1), 2));
        if (f == "_>=_") return plain(std::make_unique<RelNode>(arg(0), arg(1), 3));
        if (f == "_+_") return plain(std::make_unique<BinaryNode>(arg(0), arg(1), detail::add));
        if (f == "_-_") return plain(std::make_unique<BinaryNode>(arg(0), arg(1), detail::subtract));
        if (f == "_*_") return plain(std::make_unique<BinaryNode>(arg(0), arg(1), detail::multiply));
        if (f == "_/_") return plain(std::make_unique<BinaryNode>(arg(0), arg(1), detail::divide));
        if (f == "_%_") return plain(std::make_unique<BinaryNode>(arg(0), arg(1), detail::modulo));
        if (f == "_[_]") {
          // Indexing a record list keeps the static record type of its elements.
          Compiled container = expr(args[0]);
          Static st = container.st.kind == Static::record_list ? Static{Static::record, container.st.rec} : Static{};
          return Compiled{std::make_unique<BinaryNode>(std::move(container.node), arg(1), detail::index), st};
        }
        if (f == "@in" || f == "_in_" || f == "in") {
          NodePtr x = arg(0);
          NodePtr container = arg(1);
          if (const auto* k = const_node(container); k && k->v.is(ValueKind::list))
            return plain(std::make_unique<InConstListNode>(std::move(x), k->v));
          return plain(std::make_unique<BinaryNode>(std::move(x), std::move(container),
                                                    [](const Value& a, const Value& b) {
                                                      return detail::contains_element(a, b);
                                                    }));
        }
      }
      if (args.size() == 1) {
        if (f == "!_") return plain(std::make_unique<NotNode>(arg(0)));
        if (f == "-_") return plain(std::make_unique<NegateNode>(arg(0)));
        if (f == "@not_strictly_false" || f == "not_strictly_false")
          return plain(std::make_unique<NotStrictlyFalseNode>(arg(0)));
        if (f == "has") {
          if (const auto* s = args[0].as<ast::Select>(); s && s->operand)
            return select_on(expr(*s->operand), s->field, true, args[0].id);
          return plain(std::make_unique<ErrorNode>(ErrorCode::invalid_argument, "has() needs a field selection"));
        }
      }
      if (args.size() == 3 && f == "_?_:_") return plain(std::make_unique<CondNode>(arg(0), arg(1), arg(2)));
    }
    if (auto m = macro_call(c)) return std::move(*m);
    if (!c.target && f == "param_at" && args.size() == 2) return param_at(args);
    if (!c.target && (f == "add_working_days" || f == "working_days_between") && args.size() == 2)
      return workdays(f, args);

    std::vector<NodePtr> nodes;
    if (c.target) nodes.push_back(expr(*c.target).node);
    for (std::size_t i = 0; i < args.size(); ++i) nodes.push_back(arg(i));

    if (f == "matches" && nodes.size() == 2) {
      if (const auto* k = const_node(nodes[1]); k && k->v.is(ValueKind::string)) {
        auto re = std::make_unique<RE2>(re2::StringPiece(k->v.text().data(), k->v.text().size()), RE2::Quiet);
        if (!re->ok())
          return plain(std::make_unique<ErrorNode>(ErrorCode::invalid_argument, "invalid regular expression: " + re->error()));
        auto n = std::make_unique<MatchesConstNode>();
        n->target = std::move(nodes[0]);
        n->re = std::move(re);
        return plain(std::move(n));
      }
    }
    // The overload the checker chose, else (dyn operands, unchecked expressions) the
    // function's implementation for any operands.
    const Overload* ov = overload(e);
    Builtin fn = ov && ov->lowering == Lowering::call ? ov->impl : dynamic(f, nodes.size());
    if (!fn) {
      return plain(std::make_unique<ErrorNode>(
          ErrorCode::unbound, fmt::format("unbound function '{}' with {} argument(s)", f, nodes.size())));
    }
    auto n = std::make_unique<CallNode>();
    n->fn = fn;
    n->args = std::move(nodes);
    return plain(std::move(n));
  }

  // The registry's entry for the overload the checker resolved call `e` to, if it resolved one.
  const Overload* overload(const ast::Expr& e) const {
    if (!opt_.refs) return nullptr;
    auto it = opt_.refs->find(e.id);
    if (it == opt_.refs->end() || it->second.kind != model::Ref::Kind::function) return nullptr;
    return find_overload(it->second.name);
  }

  // The `complete` / `valid` declaration applying to (record, list or field), unless this
  // compiler compiles a declaration's own condition.
  const model::Guard* guard(model::Guard::Kind kind, std::uint32_t record, std::uint32_t target) const {
    if (no_guards_ || !opt_.guards || !env_.ruleset()) return nullptr;
    return env_.ruleset()->find_guard(kind, record, target);
  }

  // A declaration's condition, compiled into this program with its variable in a slot of its
  // own (returned in `var`). Its names resolve by the declaration's own side tables.
  NodePtr guard_condition(const model::Guard& g, std::uint32_t& var) {
    CompileOptions o;
    o.refs = &g.when.refs;
    Compiler sub(env_, o);
    sub.next_slot_ = next_slot_;
    sub.no_guards_ = true;
    var = sub.new_slot();
    sub.scope_.push_back({g.var, var, Static{Static::record, g.record}});
    NodePtr n = sub.expr(g.when.expr).node;
    next_slot_ = sub.next_slot_;
    return n;
  }

  Compiled workdays(std::string_view f, const std::vector<ast::Expr>& args) {
    const model::Ruleset* rs = env_.ruleset();
    if (!rs || rs->calendars.empty())
      return plain(std::make_unique<ErrorNode>(ErrorCode::unbound, fmt::format("{}() needs a calendar", f)));
    auto n = std::make_unique<WorkdayNode>();
    n->cal = &rs->calendars.front();
    n->between = f == "working_days_between";
    n->x = expr(args[0]).node;
    n->y = expr(args[1]).node;
    return plain(std::move(n));
  }

  // param_at(P, DATE): P must be a dated parameter (the checker's T010); its history comes
  // from the Env.
  Compiled param_at(const std::vector<ast::Expr>& args) {
    const auto* id = args[0].as<ast::Ident>();
    const std::vector<DatedEntry>* entries = nullptr;
    if (id && opt_.refs) {
      auto it = opt_.refs->find(args[0].id);
      if (it != opt_.refs->end() && it->second.kind == model::Ref::Kind::param)
        entries = env_.param_history(it->second.index);
    }
    if (!entries)
      return plain(std::make_unique<ErrorNode>(ErrorCode::invalid_argument,
                                               "param_at() needs a dated parameter as its first argument"));
    auto n = std::make_unique<ParamAtNode>();
    n->entries = entries;
    n->name = id->name;
    n->date = expr(args[1]).node;
    return plain(std::move(n));
  }

  const Env& env_;
  const CompileOptions& opt_;
  std::size_t next_slot_;
  std::vector<Local> scope_;
  bool no_guards_ = false;
};

}  // namespace

std::uint32_t Env::declare(std::string_view name) {
  if (auto s = find(name)) return *s;
  vars_.push_back({std::string(name), std::nullopt});
  return static_cast<std::uint32_t>(vars_.size() - 1);
}

std::uint32_t Env::declare_record(std::string_view name, std::uint32_t record) {
  std::uint32_t s = declare(name);
  vars_[s].record = record;
  return s;
}

std::optional<std::uint32_t> Env::find(std::string_view name) const {
  for (std::size_t i = 0; i < vars_.size(); ++i)
    if (vars_[i].name == name) return static_cast<std::uint32_t>(i);
  return std::nullopt;
}

std::optional<std::uint32_t> Env::record_of(std::uint32_t slot) const {
  if (slot >= vars_.size()) return std::nullopt;
  return vars_[slot].record;
}

Value value_at(std::span<const DatedEntry> entries, Date on, std::string_view name) {
  auto it = std::upper_bound(entries.begin(), entries.end(), on,
                             [](Date d, const DatedEntry& e) { return d < e.from; });
  if (it == entries.begin())
    return Value::unknown({}, {fmt::format("{} (no value before {})", name,
                                           entries.empty() ? std::string("any date") : format_date(entries.front().from))});
  return std::prev(it)->value;
}

Program::Program(std::unique_ptr<detail::Node> root, std::size_t slots) : root_(std::move(root)), slots_(slots) {}
Program::~Program() = default;

Value Program::evaluate(Activation& a) const {
  if (a.slots.size() < slots_) a.slots.resize(slots_);
  return root_->eval(a);
}

Activation Program::activation() const {
  Activation a;
  a.slots.resize(slots_);
  return a;
}

std::unique_ptr<Program> compile(const ast::Expr& expr, const Env& env, const CompileOptions& options) {
  Compiler c(env, options);
  Compiled root = c.expr(expr);
  return std::make_unique<Program>(std::move(root.node), c.slots());
}

std::unique_ptr<Program> compile(const model::CheckedExpr& checked, const Env& env, bool guards) {
  CompileOptions o;
  o.refs = &checked.refs;
  o.guards = guards;
  return compile(checked.expr, env, o);
}

}  // namespace eco::dsl::cel
