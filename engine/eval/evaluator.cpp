#include "engine/eval/evaluator.hpp"

#include <algorithm>
#include <functional>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>

#include "dsl/cel/program.hpp"
#include "engine/eval/columnar.hpp"

namespace eco::engine {

namespace cel = dsl::cel;
namespace model = dsl::model;
using model::Verdict;

namespace {

// Logs every field the evaluation reads so that a finding can show its evidence. Only used
// when re-evaluating a subject whose verdict needs explaining, never on the fast path.
class RecordingAccessor final : public cel::RecordAccessor {
 public:
  explicit RecordingAccessor(const Snapshot& s) : s_(s) {}
  const model::Schema& schema() const override { return s_.schema(); }
  bool field(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value& out) const override {
    reads.push_back({record, static_cast<std::uint32_t>(row), field});
    return s_.field(record, row, field, out);
  }
  bool navigate(std::uint32_t record, std::uint64_t row, std::uint32_t field, cel::Value& out) const override {
    reads.push_back({record, static_cast<std::uint32_t>(row), field});
    return s_.navigate(record, row, field, out);
  }
  std::span<const std::uint32_t> reverse(std::uint32_t record, std::uint64_t row, std::uint32_t idx) const override {
    return s_.reverse(record, row, idx);
  }
  struct Read {
    std::uint32_t record, row, field;
    auto operator<=>(const Read&) const = default;
  };
  mutable std::vector<Read> reads;

 private:
  const Snapshot& s_;
};

// Renders a value the way messages and evidence show it to people. `zh`: as a Chinese message
// reads it aloud: an enum value by its schema label (焦化, not coking), booleans 是 / 否.
// The most bytes of one rendered message (or evidence value): beyond, the finding is `error`.
constexpr std::size_t kMaxMessageBytes = 64u << 10;
constexpr const char* kLimitMessage = "a message longer than 64 KiB";

std::string render(const cel::Value& v, const Snapshot* snap, bool zh = false) {
  switch (v.kind()) {
    case cel::ValueKind::null_: return "";
    case cel::ValueKind::bool_: return zh ? (v.as_bool() ? "是" : "否") : (v.as_bool() ? "true" : "false");
    case cel::ValueKind::int_: return fmt::format("{}", v.as_int());
    case cel::ValueKind::uint_: return fmt::format("{}", v.as_uint());
    // 15 significant digits: a sum of decimals shows as 247.28, not 247.28000000000003.
    case cel::ValueKind::double_: return fmt::format("{:.15g}", v.as_double());
    case cel::ValueKind::enum_:
      if (zh && snap && v.enum_index() < snap->schema().enums.size()) {
        const auto& e = snap->schema().enums[v.enum_index()];
        if (int i = e.find(v.text()); i >= 0 && !e.values[static_cast<std::size_t>(i)].label.empty())
          return e.values[static_cast<std::size_t>(i)].label;
      }
      return std::string(v.text());
    case cel::ValueKind::string:
    case cel::ValueKind::type: return std::string(v.text());
    case cel::ValueKind::date: return dsl::format_date(v.as_date());
    case cel::ValueKind::record:
      return snap ? snap->key_of(v.record_type(), static_cast<std::uint32_t>(v.row())) : "";
    case cel::ValueKind::list: {
      std::string out;
      for (std::size_t i = 0; i < v.list_size(); ++i) {
        if (i) out += ", ";
        out += render(v.list_at(i), snap, zh);
        if (out.size() > kMaxMessageBytes) break;  // too long to show anyway: stop building it
      }
      return out;
    }
    case cel::ValueKind::error:
    case cel::ValueKind::unknown: return "?";
    default: return cel::debug_string(v);
  }
}

std::string field_name(const model::Schema& s, std::uint32_t record, std::uint32_t field) {
  if (record >= s.records.size() || field >= s.records[record].fields.size()) return "?";
  return s.records[record].name + "." + s.records[record].fields[field].name;
}

}  // namespace

cel::Value evaluate_constant(const model::CheckedExpr& e) {
  cel::Env env;
  auto program = cel::compile(e, env);
  auto act = program->activation();
  return cel::to_owned(program->evaluate(act));  // the program dies here
}

struct CompiledRuleset::RuleProgram {
  const model::Rule* rule = nullptr;
  cel::Env env;
  std::vector<std::uint32_t> binding_slots;
  std::vector<std::unique_ptr<cel::Program>> binding_sources;  // null for the first binding
  std::vector<std::uint32_t> param_slots;                      // per Ruleset::params index
  std::optional<std::uint32_t> as_of_slot;                     // the evaluation date, unless a param shadows it
  std::unique_ptr<cel::Program> when, deadline, require, met_on;
  std::vector<std::pair<std::uint32_t, std::unique_ptr<cel::Program>>> lets;  // (slot, value), in order
  struct Part {
    std::string text;
    std::unique_ptr<cel::Program> expr;
  };
  std::vector<Part> message_zh, message_en;
  // `message VERDICT [zh|en]`: that verdict's own wording, per language (unset: the default).
  struct Wording {
    std::vector<Part> zh, en;
    bool has_zh = false, has_en = false;
  };
  std::array<Wording, model::kVerdictCount> by_verdict;
  // unknown_when COND "reason": in order.
  struct UnknownWhen {
    std::unique_ptr<cel::Program> cond;
    std::vector<Part> zh, en;
    bool has_en = false;
  };
  std::vector<UnknownWhen> unknown_when;
  // The requirement's comparisons outside macros, compiled on their own for explanations.
  struct Comparison {
    std::string text, left_text, op, right_text;
    std::unique_ptr<cel::Program> whole, left, right;
  };
  std::vector<Comparison> comparisons;
  std::vector<std::uint32_t> owner_path;  // ref fields from the subject to the owner record
  bool subject_is_owner = false;
  std::size_t slots = 0;

  explicit RuleProgram(const model::Schema& schema) : env(&schema) {}
};

namespace {

const char* comparison_op(std::string_view f) {
  static const std::pair<std::string_view, const char*> ops[] = {{"_<_", "<"},   {"_<=_", "<="}, {"_>_", ">"},
                                                                 {"_>=_", ">="}, {"_==_", "=="}, {"_!=_", "!="},
                                                                 {"@in", "in"}};
  for (const auto& [name, op] : ops)
    if (name == f) return op;
  return nullptr;
}

// Walks the boolean structure of a requirement (&&, ||, !, ?:) and compiles each comparison
// and its operands. Comprehension bodies are not entered: their variables are bound only
// inside the macro.
void collect_comparisons(const dsl::ast::Expr& e, const model::CheckedExpr& checked, const cel::Env& env,
                         std::vector<CompiledRuleset::RuleProgram::Comparison>& out) {
  const auto* c = e.as<dsl::ast::Call>();
  if (!c || out.size() >= 16) return;
  if (const char* op = comparison_op(c->function); op && c->args.size() == 2) {
    cel::CompileOptions o;
    o.refs = &checked.refs;
    out.push_back({dsl::ast::to_cel(e), dsl::ast::to_cel(c->args[0]), op, dsl::ast::to_cel(c->args[1]),
                   cel::compile(e, env, o), cel::compile(c->args[0], env, o), cel::compile(c->args[1], env, o)});
    return;
  }
  if (c->function == "_&&_" || c->function == "_||_" || c->function == "!_" || c->function == "_?_:_")
    for (const auto& a : c->args) collect_comparisons(a, checked, env, out);
}

}  // namespace

struct CompiledRuleset::ParamHistory {
  std::vector<std::vector<cel::DatedEntry>> entries;  // by Ruleset::params index
};

namespace {
cel::Value as_enum_values(const cel::Value& v, const model::Type& t, const model::Schema& s);
}  // namespace

CompiledRuleset::CompiledRuleset(const model::Ruleset& ruleset)
    : ruleset_(&ruleset), history_(std::make_unique<ParamHistory>()) {
  const model::Schema& schema = ruleset.schema;
  // The entries of dated parameters, evaluated once: param_at(P, DATE) reads them.
  for (const auto& p : ruleset.params) {
    auto& h = history_->entries.emplace_back();
    if (p.dated)
      for (const auto& e : p.entries)
        h.push_back({e.from.value_or(dsl::Date{}), as_enum_values(evaluate_constant(e.value), p.type, schema)});
  }
  for (const model::Rule& rule : ruleset.rules) {
    auto rp = std::make_unique<RuleProgram>(schema);
    rp->env.set_param_history(&history_->entries);
    rp->env.set_ruleset(&ruleset);
    rp->rule = &rule;
    for (const auto& b : rule.bindings) rp->binding_slots.push_back(rp->env.declare_record(b.var, b.record));
    for (const auto& p : ruleset.params) rp->param_slots.push_back(rp->env.declare(p.name));
    if (!ruleset.find_param(std::string(model::kEvaluationDateName)))
      rp->as_of_slot = rp->env.declare(model::kEvaluationDateName);
    for (const auto& l : rule.lets) rp->lets.emplace_back(rp->env.declare(l.name), nullptr);
    for (std::size_t i = 0; i < rule.lets.size(); ++i) rp->lets[i].second = cel::compile(rule.lets[i].value, rp->env);
    for (const auto& b : rule.bindings)
      rp->binding_sources.push_back(b.source ? cel::compile(*b.source, rp->env, /*guards=*/false) : nullptr);
    if (rule.when) rp->when = cel::compile(*rule.when, rp->env);
    if (rule.deadline) rp->deadline = cel::compile(*rule.deadline, rp->env);
    rp->require = cel::compile(rule.require, rp->env);
    if (rule.met_on) rp->met_on = cel::compile(*rule.met_on, rp->env);
    auto compile_parts = [&](const model::Message& m, std::vector<RuleProgram::Part>& parts) {
      parts.clear();
      for (const auto& part : m.parts)
        parts.push_back({part.text, part.expr ? cel::compile(*part.expr, rp->env) : nullptr});
    };
    for (const auto& m : rule.messages) {
      if (m.verdict) {
        auto& w = rp->by_verdict[static_cast<std::size_t>(*m.verdict)];
        const bool en = m.lang == "en";
        compile_parts(m, en ? w.en : w.zh);
        (en ? w.has_en : w.has_zh) = true;
      } else {
        compile_parts(m, m.lang == "en" ? rp->message_en : rp->message_zh);
      }
    }
    for (const auto& u : rule.unknown_when) {
      RuleProgram::UnknownWhen uw;
      uw.cond = cel::compile(u.cond, rp->env);
      compile_parts(u.zh, uw.zh);
      if (u.en) compile_parts(*u.en, uw.en), uw.has_en = true;
      rp->unknown_when.push_back(std::move(uw));
    }
    collect_comparisons(rule.require.expr, rule.require, rp->env, rp->comparisons);
    std::size_t slots = rp->require->slot_count();
    for (auto* p : {rp->when.get(), rp->deadline.get(), rp->met_on.get()})
      if (p) slots = std::max(slots, p->slot_count());
    for (const auto& [slot, p] : rp->lets) slots = std::max({slots, p->slot_count(), std::size_t{slot} + 1});
    for (const auto& p : rp->binding_sources)
      if (p) slots = std::max(slots, p->slot_count());
    for (const auto& c : rp->comparisons)
      for (auto* p : {c.whole.get(), c.left.get(), c.right.get()}) slots = std::max(slots, p->slot_count());
    std::vector<const std::vector<RuleProgram::Part>*> all_parts{&rp->message_zh, &rp->message_en};
    for (const auto& w : rp->by_verdict) all_parts.insert(all_parts.end(), {&w.zh, &w.en});
    for (const auto& u : rp->unknown_when) {
      slots = std::max(slots, u.cond->slot_count());
      all_parts.insert(all_parts.end(), {&u.zh, &u.en});
    }
    for (const auto* parts : all_parts)
      for (const auto& part : *parts)
        if (part.expr) slots = std::max(slots, part.expr->slot_count());
    rp->slots = slots;
    rules_.push_back(std::move(rp));
  }
}

CompiledRuleset::~CompiledRuleset() = default;

namespace {

// Finds the chain of reference fields leading from `from` to `owner` (breadth first, short
// chains only: facility -> enterprise, permit_limit -> permit -> enterprise).
std::optional<std::vector<std::uint32_t>> owner_path(const model::Schema& s, std::uint32_t from, std::uint32_t owner) {
  struct Item {
    std::uint32_t record;
    std::vector<std::uint32_t> path;
  };
  std::vector<Item> frontier{{from, {}}};
  for (int depth = 0; depth < 4; ++depth) {
    std::vector<Item> next;
    for (const auto& it : frontier) {
      const auto& rt = s.records[it.record];
      for (std::uint32_t f = 0; f < rt.fields.size(); ++f) {
        if (!rt.fields[f].ref) continue;
        auto p = it.path;
        p.push_back(f);
        if (rt.fields[f].ref->target == owner) return p;
        next.push_back({rt.fields[f].ref->target, std::move(p)});
      }
    }
    frontier = std::move(next);
  }
  return std::nullopt;
}

struct Collected {
  std::vector<std::string> missing;
  std::vector<Reason> reasons;
  std::string error;
  bool no_data = false;  // the error is an aggregate over no records (nothing to decide on)
  cel::ErrorCode code = cel::ErrorCode::generic;
  // The clause whose evaluation failed with `error` (to locate the failing expression).
  const char* clause = nullptr;
  const model::CheckedExpr* clause_expr = nullptr;
};

// A missing field, and the reason its `verify` text gives (what to verify on site).
void missing_field(const model::Schema& s, std::uint32_t record, std::uint32_t field, Collected& out) {
  out.missing.push_back(field_name(s, record, field));
  if (record >= s.records.size() || field >= s.records[record].fields.size()) return;
  const model::Field& f = s.records[record].fields[field];
  if (f.verify.empty()) return;
  Reason r{f.verify, fmt::format("verify on site: {}", out.missing.back())};
  if (std::find(out.reasons.begin(), out.reasons.end(), r) == out.reasons.end()) out.reasons.push_back(std::move(r));
}

void collect(const cel::Value& v, const model::Schema& s, Collected& out) {
  if (v.is_unknown()) {
    for (const auto& f : v.unknown_info().fields) missing_field(s, f.record, f.field, out);
    for (const auto& n : v.unknown_info().names) out.missing.push_back(n);
    for (const auto& r : v.unknown_info().reasons) {
      Reason reason{r.zh, r.en};
      if (std::find(out.reasons.begin(), out.reasons.end(), reason) == out.reasons.end()) out.reasons.push_back(reason);
    }
  } else if (v.is_error()) {
    const auto& e = v.error_info();
    if (e.has_field) missing_field(s, e.field.record, e.field.field, out);
    else if (out.error.empty()) {
      out.error = e.message;
      out.no_data = e.code == cel::ErrorCode::no_data;
      out.code = e.code;
    }
  }
}

// A parameter of an enum type (or a list of one) holds enum values, not plain strings, so that
// a Chinese message shows their labels: `{coking_industries}` reads 焦化, 钢铁.
cel::Value as_enum_values(const cel::Value& v, const model::Type& t, const model::Schema& s) {
  if (t.is(model::Kind::enum_) && t.enum_type && v.is(cel::ValueKind::string)) {
    // The name views the schema's own spelling, which outlives every evaluation.
    const int i = t.enum_type->find(v.text());
    if (i < 0) return v;
    return cel::Value::enumeration(static_cast<std::uint16_t>(t.enum_type - s.enums.data()),
                                   t.enum_type->values[static_cast<std::size_t>(i)].name);
  }
  if (t.is(model::Kind::list) && !t.params.empty() && t.params[0].is(model::Kind::enum_) && v.is(cel::ValueKind::list)) {
    std::vector<cel::Value> items;
    for (std::size_t i = 0; i < v.list_size(); ++i) items.push_back(as_enum_values(v.list_at(i), t.params[0], s));
    return cel::Value::list(std::move(items));
  }
  return v;
}

// The value of an expression as a trace shows it: missing fields and errors say why.
std::string trace_value(const cel::Value& v, const model::Schema& s, const Snapshot& snap) {
  if (!v.is_error_or_unknown()) return render(v, &snap);
  Collected why;
  collect(v, s, why);
  if (!why.missing.empty() || !why.reasons.empty()) {
    std::string out = "? (";
    if (!why.missing.empty()) out += "missing";
    for (const auto& m : why.missing) out += " " + m;
    for (const auto& r : why.reasons) out += (out.size() > 3 ? "; " : "") + r.en;
    return out + ")";
  }
  return "? (error: " + why.error + ")";
}

// Appends the trace of `e` and its sub-expressions: operators and calls show their operands,
// selections their operand unless it is a plain variable, macros the list they range over
// (their bodies bind variables that exist only inside the macro). Constants are not shown.
void trace_expr(const dsl::ast::Expr& e, const model::CheckedExpr& checked, const cel::Env& env, cel::Activation& act,
                const model::Schema& s, const Snapshot& snap, const char* clause, std::uint32_t depth,
                std::vector<TraceStep>& out) {
  namespace ast = dsl::ast;
  if (out.size() >= 200 || (depth > 0 && e.as<ast::Constant>())) return;
  cel::CompileOptions o;
  o.refs = &checked.refs;
  auto program = cel::compile(e, env, o);
  out.push_back({clause, depth, ast::to_cel(e), trace_value(program->evaluate(act), s, snap)});
  if (const auto* c = e.as<ast::Call>(); c && c->function == "_?_:_" && c->args.size() == 3) {
    // Only the branch the condition takes was evaluated.
    trace_expr(c->args[0], checked, env, act, s, snap, clause, depth + 1, out);
    cel::Value cond = cel::compile(c->args[0], env, o)->evaluate(act);
    if (cond.is(cel::ValueKind::bool_))
      trace_expr(c->args[cond.as_bool() ? 1 : 2], checked, env, act, s, snap, clause, depth + 1, out);
  } else if (c) {
    if (c->target) trace_expr(*c->target, checked, env, act, s, snap, clause, depth + 1, out);
    for (const auto& a : c->args) trace_expr(a, checked, env, act, s, snap, clause, depth + 1, out);
  } else if (const auto* sel = e.as<ast::Select>()) {
    if (sel->operand && !sel->operand->as<ast::Ident>())
      trace_expr(*sel->operand, checked, env, act, s, snap, clause, depth + 1, out);
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    if (m->iter_range) trace_expr(*m->iter_range, checked, env, act, s, snap, clause, depth + 1, out);
  }
}

// The innermost sub-expression of `e` whose value is an error, with the checked expression it
// belongs to: operands before their operation, under ?: only the branch taken, a let followed
// into its value. Comprehension bodies are not entered (their variables exist only inside).
struct Culprit {
  const dsl::ast::Expr* e = nullptr;
  const model::CheckedExpr* ck = nullptr;
};

Culprit locate_error(const dsl::ast::Expr& e, const model::CheckedExpr& ck, const model::Rule& rule, const cel::Env& env,
                     cel::Activation& act, int depth) {
  namespace ast = dsl::ast;
  if (depth > 64) return {};
  cel::CompileOptions o;
  o.refs = &ck.refs;
  if (!cel::compile(e, env, o)->evaluate(act).is_error()) return {};
  auto child = [&](const ast::Expr& c) { return locate_error(c, ck, rule, env, act, depth + 1); };
  const Culprit self{&e, &ck};
  if (const auto* c = e.as<ast::Call>()) {
    if (c->function == "_?_:_" && c->args.size() == 3) {
      if (auto r = child(c->args[0]); r.e) return r;
      cel::Value cond = cel::compile(c->args[0], env, o)->evaluate(act);
      if (cond.is(cel::ValueKind::bool_))
        if (auto r = child(c->args[cond.as_bool() ? 1 : 2]); r.e) return r;
      return self;
    }
    if (c->target)
      if (auto r = child(*c->target); r.e) return r;
    for (const auto& a : c->args)
      if (auto r = child(a); r.e) return r;
  } else if (const auto* sel = e.as<ast::Select>()) {
    if (sel->operand)
      if (auto r = child(*sel->operand); r.e) return r;
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    if (m->iter_range)
      if (auto r = child(*m->iter_range); r.e) return r;
  } else if (const auto* l = e.as<ast::CreateList>()) {
    for (const auto& x : l->elements)
      if (auto r = child(x); r.e) return r;
  } else if (const auto* id = e.as<ast::Ident>()) {
    for (const auto& let : rule.lets)
      if (let.name == id->name) {
        auto r = locate_error(let.value.expr, let.value, rule, env, act, depth + 1);
        return r.e ? r : self;
      }
  }
  return self;
}

// The fields an expression reads (`out`) and the lists of records it ranges over (`lists`), as
// "description (record.field)".
void fields_read(const dsl::ast::Expr& e, const model::CheckedExpr& ck, const model::Schema& s,
                 std::vector<std::string>& out, std::vector<std::string>& lists) {
  namespace ast = dsl::ast;
  if (auto it = ck.refs.find(e.id); it != ck.refs.end()) {
    const model::Ref& r = it->second;
    std::string item;
    if ((r.kind == model::Ref::Kind::field || r.kind == model::Ref::Kind::nav) && r.record < s.records.size() &&
        r.index < s.records[r.record].fields.size()) {
      const auto& fd = s.records[r.record].fields[r.index];
      const std::string path = s.records[r.record].name + "." + fd.name;
      item = fd.description.empty() ? path : fmt::format("{} ({})", fd.description, path);
    } else if (r.kind == model::Ref::Kind::reverse && r.record < s.records.size() &&
               r.index < s.records[r.record].reverse_lists.size()) {
      const auto& rl = s.records[r.record].reverse_lists[r.index];
      const auto& child = s.records[rl.child];
      const std::string path = s.records[r.record].name + "." + rl.name;
      item = child.title.empty() ? path : fmt::format("{}记录 ({})", child.title, path);
    }
    auto& to = r.kind == model::Ref::Kind::reverse ? lists : out;
    if (!item.empty() && std::find(to.begin(), to.end(), item) == to.end()) to.push_back(std::move(item));
  }
  if (const auto* c = e.as<ast::Call>()) {
    if (c->target) fields_read(*c->target, ck, s, out, lists);
    for (const auto& a : c->args) fields_read(a, ck, s, out, lists);
  } else if (const auto* sel = e.as<ast::Select>()) {
    if (sel->operand) fields_read(*sel->operand, ck, s, out, lists);
  } else if (const auto* m = e.as<ast::Comprehension>()) {
    for (const auto* x : {m->iter_range.get(), m->accu_init.get(), m->loop_condition.get(), m->loop_step.get(),
                          m->result.get()})
      if (x) fields_read(*x, ck, s, out, lists);
  } else if (const auto* l = e.as<ast::CreateList>()) {
    for (const auto& x : l->elements) fields_read(x, ck, s, out, lists);
  }
}

// The words of an unknown finding that an evaluation failure (not a missing field) decided: what
// could not be computed, why in plain words, and what to do about it, so that an inspector is
// never left with an engine message alone. The engine's own message stays in Finding::error.
std::pair<std::string, std::string> failure_words(const Collected& why, const model::Rule& rule, const cel::Env& env,
                                                  cel::Activation& act, const model::Schema& s, const Snapshot&,
                                                  const std::string& title_zh, const std::string& title_en) {
  Culprit at;
  if (why.clause_expr) at = locate_error(why.clause_expr->expr, *why.clause_expr, rule, env, act, 0);
  std::vector<std::string> fields, lists;
  std::string expr_text;
  if (at.e) {
    fields_read(*at.e, *at.ck, s, fields, lists);
    // Nothing to decide on: what is absent are the records of the lists, not their fields.
    if (why.code == cel::ErrorCode::no_data && !lists.empty()) fields = lists;
    expr_text = dsl::ast::to_cel(*at.e);
    if (expr_text.size() > 120) expr_text = expr_text.substr(0, 117) + "...";
  }
  std::string field_list;
  for (const auto& f : fields) field_list += (field_list.empty() ? "" : "、") + f;
  const std::string where_zh = expr_text.empty() ? std::string() : fmt::format("（{} 中的 {}）", why.clause ? why.clause : "规则", expr_text);
  const std::string where_en = expr_text.empty() ? std::string() : fmt::format(" ({} in `{}`)", expr_text, why.clause ? why.clause : "the rule");
  // What a person does next depends on the kind of failure: absent records are verified on
  // site; an impossible value (a zero divisor, a number out of range) is a data question; a
  // failure no data can cause is the rule's, for its maintainers.
  const char* zh_why = "计算出错";
  const char* en_why = "evaluation error";
  bool data_problem = true;
  switch (why.code) {
    case cel::ErrorCode::no_data: zh_why = "没有可供判定的记录"; en_why = "no records to decide on"; break;
    case cel::ErrorCode::division_by_zero:
    case cel::ErrorCode::modulus_by_zero: zh_why = "除数为零"; en_why = "a divisor is zero"; break;
    case cel::ErrorCode::overflow: zh_why = "数值超出可计算范围"; en_why = "a number is out of range"; break;
    case cel::ErrorCode::range: zh_why = "取值超出范围"; en_why = "a value is out of range"; break;
    case cel::ErrorCode::no_such_key: zh_why = "查找的键不存在"; en_why = "a key is not in the table"; break;
    case cel::ErrorCode::conversion: zh_why = "取值无法转换"; en_why = "a value cannot be converted"; break;
    default: data_problem = false; break;
  }
  std::string todo_zh, todo_en;
  if (why.code == cel::ErrorCode::no_data) {
    todo_zh = field_list.empty() ? "请现场核实是否确无相关记录，如有请补录后重新判定"
                                 : fmt::format("请现场核实是否确无符合条件的{}，如有请补录后重新判定", field_list);
    todo_en = "verify on site whether such records exist; record them and run again";
  } else if (data_problem) {
    todo_zh = field_list.empty() ? "请核对相关记录的取值" : fmt::format("请核对{}的取值", field_list);
    todo_en = "check the recorded values";
    if (!fields.empty()) {
      std::string en_fields;
      for (const auto& f : fields) {
        auto open = f.rfind(" (");
        en_fields += (en_fields.empty() ? "" : ", ") + (open == std::string::npos ? f : f.substr(open + 2, f.size() - open - 3));
      }
      todo_en += " of " + en_fields;
    }
  } else {
    todo_zh = "这不是数据问题，请规则维护人员检查此规则";
    todo_en = "this is not a data problem: have the rule's maintainers check the rule";
  }
  return {fmt::format("无法判定“{}”: {}{}，{} ({})", title_zh, zh_why, where_zh, todo_zh, why.error),
          fmt::format("Cannot decide \"{}\": {}{}; {} ({})", title_en, en_why, where_en, todo_en, why.error)};
}

}  // namespace

std::vector<Finding> CompiledRuleset::evaluate(const Snapshot& snap, const EvalOptions& opt) const {
  std::vector<Finding> all;
  evaluate(snap, opt, [&](std::vector<Finding>& piece) {
    if (all.empty()) all = std::move(piece);
    else all.insert(all.end(), std::make_move_iterator(piece.begin()), std::make_move_iterator(piece.end()));
  });
  return all;
}

void CompiledRuleset::evaluate(const Snapshot& snap, const EvalOptions& opt, const FindingSink& sink) const {
  const model::Ruleset& rs = *ruleset_;
  const model::Schema& schema = rs.schema;

  // Parameter values in force on the evaluation date, computed once per run.
  std::vector<cel::Value> param_values;
  std::vector<ParamUse> param_uses;
  for (const auto& p : rs.params) {
    cel::Value v;
    ParamUse use{p.name, "", "", model::Confidence::high};
    if (p.dated) {
      std::vector<cel::DatedEntry> entries;
      for (const auto& e : p.entries) entries.push_back({e.from.value_or(dsl::Date{}), evaluate_constant(e.value)});
      v = cel::value_at(entries, opt.as_of, p.name);
      for (const auto& e : p.entries)
        if (e.from && *e.from <= opt.as_of) {
          use.source = e.source;
          use.confidence = e.confidence;
        }
    } else if (!p.entries.empty()) {
      v = evaluate_constant(p.entries[0].value);
      use.source = p.entries[0].source;
      use.confidence = p.entries[0].confidence;
    }
    v = as_enum_values(v, p.type, schema);
    use.value = render(v, nullptr);
    param_values.push_back(std::move(v));
    param_uses.push_back(std::move(use));
  }

  const model::RecordType* owner = schema.find_record(opt.owner_record);
  const model::RecordType* application = schema.find_record(opt.application_record);
  const model::RecordType* waiver = schema.find_record("waiver");

  // The chain of references from a subject record to `target` (empty: it is the target).
  auto path_to = [&](std::uint32_t from, const model::RecordType* target) -> std::optional<std::vector<std::uint32_t>> {
    if (!target) return std::nullopt;
    if (target->index == from) return std::vector<std::uint32_t>{};
    return owner_path(schema, from, target->index);
  };
  // Follows a chain from a row: the row of the record it leads to, or -1 (a missing reference).
  auto follow = [&](std::uint32_t rec, std::int64_t row, const std::vector<std::uint32_t>& path) {
    for (std::uint32_t field : path) {
      const auto& nav = snap.table(rec).nav[field];
      row = nav.empty() ? -1 : nav[static_cast<std::size_t>(row)];
      if (row < 0) return row;
      rec = schema.records[rec].fields[field].ref->target;
    }
    return row;
  };
  // The rows of the scope record the evaluation is limited to.
  const model::RecordType* scope = opt.scope ? schema.find_record(opt.scope->record) : nullptr;
  std::vector<bool> in_scope;
  if (opt.scope) {
    if (!scope) return;
    in_scope.assign(snap.rows(scope->index), false);
    for (const auto& k : opt.scope->keys)
      if (auto row = snap.find(scope->index, k)) in_scope[*row] = true;
  }

  // Waivers by subject key, built once: a finding looks only at the waivers of its subject.
  // The waiver record's field indices are looked up once too (-1 when a field is absent).
  struct {
    int rule = -1, subject = -1, from = -1, until = -1, record = -1, basis = -1, approver = -1;
  } wf;
  std::unordered_map<std::string, std::vector<std::uint32_t>> waivers_by_subject;
  if (waiver) {
    wf = {waiver->find_field("rule_or_requirement"), waiver->find_field("subject_key"),
          waiver->find_field("valid_from"),          waiver->find_field("valid_until"),
          waiver->find_field("subject_record"),      waiver->find_field("legal_basis"),
          waiver->find_field("approver")};
    if (wf.rule >= 0 && wf.subject >= 0 && wf.from >= 0 && wf.until >= 0)
      for (std::uint32_t w = 0; w < snap.rows(waiver->index); ++w)
        waivers_by_subject[snap.display(waiver->index, w, static_cast<std::uint32_t>(wf.subject))].push_back(w);
  }

  // Names and paths evidence repeats, allocated once and shared by every finding.
  std::vector<SharedText> record_names, file_names;
  std::vector<std::vector<SharedText>> field_names;
  for (const auto& r : schema.records) {
    record_names.emplace_back(r.name);
    field_names.emplace_back();
    for (const auto& fd : r.fields) field_names.back().emplace_back(fd.name);
  }
  for (const auto& path : snap.files()) file_names.emplace_back(path);

  for (const auto& rp_ptr : rules_) {
    const RuleProgram& rp = *rp_ptr;
    const model::Rule& rule = *rp.rule;
    if (!opt.rules.empty() && std::find(opt.rules.begin(), opt.rules.end(), rule.id) == opt.rules.end()) continue;
    if (rule.bindings.empty()) continue;
    const std::uint32_t subject_record = rule.bindings.back().record;
    const auto to_owner = path_to(subject_record, owner);
    const auto to_application = path_to(subject_record, application);
    const auto to_scope = path_to(subject_record, scope);
    if (opt.scope && !to_scope) continue;
    // What every finding of the rule shares, built once per rule (SharedList).
    const SharedList<model::Citation> rule_citations(rule.citations);
    const SharedList<std::string> rule_requirements(rule.requirements);
    bool rule_unverified = false;
    std::vector<ParamUse> used;
    for (std::uint32_t pi : rule.params_used) {
      if (pi >= param_uses.size()) continue;
      used.push_back(param_uses[pi]);
      if (param_uses[pi].confidence == model::Confidence::unverified) rule_unverified = true;
    }
    const SharedList<ParamUse> rule_params(std::move(used));

    auto decide = [&](cel::Activation& act, std::uint32_t subject_row, bool record_evidence,
                      std::vector<Finding>& out) {
      const RecordingAccessor* recorder = nullptr;
      std::unique_ptr<RecordingAccessor> rec_holder;
      const cel::RecordAccessor* saved = act.records;
      if (record_evidence) {
        rec_holder = std::make_unique<RecordingAccessor>(snap);
        recorder = rec_holder.get();
        act.records = recorder;
      }
      // The verdict is decided before any Finding exists: most subjects pass, and a Finding
      // (two dozen strings and vectors) built and dropped per subject was a third of a sweep's
      // evaluation time.
      Verdict verdict = Verdict::pass;
      std::optional<dsl::Date> met_on;
      std::optional<std::int32_t> days_overdue, days_left;
      Collected why;
      bool decided = false;
      int reason = -1;  // the unknown_when that held
      // Keeps what failed, for an unknown finding's words (the clause, then the expression).
      auto gather = [&](const cel::Value& v, const char* clause, const model::CheckedExpr* ce) {
        collect(v, schema, why);
        if (!why.error.empty() && !why.clause) why.clause = clause, why.clause_expr = ce;
      };
      // Lets first: an error or missing value is kept in the slot and surfaces where it is used.
      act.steps = 0;  // the comprehension step limit is per subject
      act.exceeded = nullptr;
      for (const auto& [slot, p] : rp.lets) act.slots[slot] = p->evaluate(act);
      if (rp.when) {
        cel::Value w = rp.when->evaluate(act);
        if (w.is_error_or_unknown() || !w.is(cel::ValueKind::bool_)) {
          gather(w, "when", &*rule.when);
          if (!w.is_error_or_unknown()) why.error = "applicability condition is not a bool";
          verdict = Verdict::unknown;
          decided = true;
        } else if (!w.as_bool()) {
          verdict = Verdict::not_applicable;
          decided = true;
        }
      }
      // unknown_when, in order, where the rule applies: the first that holds (or cannot be
      // decided) makes the verdict unknown.
      for (std::size_t i = 0; !decided && i < rp.unknown_when.size(); ++i) {
        cel::Value u = rp.unknown_when[i].cond->evaluate(act);
        if (u.is_error_or_unknown() || !u.is(cel::ValueKind::bool_)) {
          gather(u, "unknown_when", &rule.unknown_when[i].cond);
          if (!u.is_error_or_unknown()) why.error = "unknown_when condition is not a bool";
          verdict = Verdict::unknown;
          decided = true;
        } else if (u.as_bool()) {
          verdict = Verdict::unknown;
          reason = static_cast<int>(i);
          decided = true;
        }
      }
      // A deadline that cannot be computed (a missing date) leaves the verdict unknown only
      // when the requirement is not met: a met one passes, as lateness cannot be shown.
      std::optional<dsl::Date> deadline;
      bool deadline_unknown = false;
      if (!decided && rp.deadline) {
        cel::Value d = rp.deadline->evaluate(act);
        if (d.is(cel::ValueKind::date)) deadline = d.as_date();
        else {
          gather(d, "deadline", &*rule.deadline);
          deadline_unknown = true;
        }
      }
      if (!decided) {
        cel::Value r = rp.require->evaluate(act);
        if (r.is_error_or_unknown() || !r.is(cel::ValueKind::bool_)) {
          gather(r, "require", &rule.require);
          if (!r.is_error_or_unknown()) why.error = "requirement is not a bool";
          verdict = Verdict::unknown;
        } else if (!r.as_bool() && deadline_unknown) {
          verdict = Verdict::unknown;
        } else if (r.as_bool()) {
          why = {};
          verdict = Verdict::pass;
          if (rp.met_on) {
            cel::Value m = rp.met_on->evaluate(act);
            if (m.is(cel::ValueKind::date)) {
              met_on = m.as_date();
              if (deadline && m.as_date() > *deadline) {
                verdict = Verdict::late;
                days_overdue = m.as_date().days - deadline->days;
              }
            }
          }
        } else if (deadline && opt.as_of <= *deadline) {
          verdict = Verdict::upcoming;
          days_left = deadline->days - opt.as_of.days;
        } else {
          verdict = rule.severity == model::Severity::advice ? Verdict::advice : Verdict::violation;
          if (deadline) days_overdue = opt.as_of.days - deadline->days;
        }
      }
      if (act.exceeded) {
        // An evaluation limit was exceeded somewhere (even where && or || absorbed the error):
        // nothing is decided for this subject, and the finding names the limit.
        verdict = Verdict::error;
        why = {};
        why.error = fmt::format("evaluation limit exceeded: {}", act.exceeded);
        reason = -1;
        met_on.reset();
        days_overdue.reset();
        days_left.reset();
      }
      act.records = saved;
      const bool passing = verdict == Verdict::pass || verdict == Verdict::not_applicable;
      if (opt.verdict_counts) return verdict;  // counting only: nothing more to build
      if (!record_evidence) {
        // Fast path: a passing subject is dropped here; one that will be reported is built
        // by the caller's second, recording evaluation when evidence is wanted.
        if (passing && !opt.keep_all) return verdict;
        if (opt.evidence) return verdict;
      }
      Finding f;
      f.verdict = verdict;
      f.deadline = deadline;
      f.met_on = met_on;
      f.days_overdue = days_overdue;
      f.days_left = days_left;
      if (record_evidence && !opt.trace_subject.empty() &&
          snap.key_of(subject_record, subject_row) == opt.trace_subject) {
        for (const auto& l : rule.lets) {
          const std::string clause = "let " + l.name;
          trace_expr(l.value.expr, l.value, rp.env, act, schema, snap, clause.c_str(), 0, f.trace);
        }
        if (rule.when) trace_expr(rule.when->expr, *rule.when, rp.env, act, schema, snap, "when", 0, f.trace);
        for (const auto& u : rule.unknown_when) trace_expr(u.cond.expr, u.cond, rp.env, act, schema, snap, "unknown_when", 0, f.trace);
        const std::pair<const char*, const model::CheckedExpr*> clauses[] = {
            {"deadline", rule.deadline ? &*rule.deadline : nullptr},
            {"require", &rule.require},
            {"met_on", rule.met_on ? &*rule.met_on : nullptr}};
        for (const auto& [name, ce] : clauses)
          if (ce) trace_expr(ce->expr, *ce, rp.env, act, schema, snap, name, 0, f.trace);
      }

      f.rule = rule.id;
      f.title_zh = rule.title_zh;
      f.title_en = rule.title_en;
      f.citations = rule_citations;
      f.requirements = rule_requirements;
      f.severity = rule.severity;
      f.subject_record = schema.records[subject_record].name;
      f.subject_key = snap.key_of(subject_record, subject_row);
      if (to_owner)
        if (auto row = follow(subject_record, subject_row, *to_owner); row >= 0)
          f.enterprise_id = snap.key_of(owner->index, static_cast<std::uint32_t>(row));
      if (to_application)
        if (auto row = follow(subject_record, subject_row, *to_application); row >= 0)
          f.application_id = snap.key_of(application->index, static_cast<std::uint32_t>(row));
      std::sort(why.missing.begin(), why.missing.end());
      why.missing.erase(std::unique(why.missing.begin(), why.missing.end()), why.missing.end());
      f.missing = std::move(why.missing);
      f.error = std::move(why.error);
      f.reasons = std::move(why.reasons);
      auto render_message = [&](const std::vector<RuleProgram::Part>& parts, bool zh) {
        std::string s;
        for (const auto& part : parts) s += part.expr ? render(part.expr->evaluate(act), &snap, zh) : part.text;
        return s;
      };
      const std::string& title_en = rule.title_en.empty() ? rule.title_zh : rule.title_en;
      const auto& own = rp.by_verdict[static_cast<std::size_t>(f.verdict)];
      auto limit_words = [&] {
        const std::string& e = f.error;
        const char* zh = e.find(cel::kLimitString) != std::string::npos  ? "生成的字符串超过 1 MiB"
                         : e.find(cel::kLimitList) != std::string::npos  ? "生成的列表超过 100 万个元素"
                         : e.find(cel::kLimitSteps) != std::string::npos ? "单个对象的计算步骤超过 1000 万步"
                                                                         : "消息超过 64 KiB";
        f.message_zh = fmt::format("无法判定“{}”: 评估超出限制（{}），请规则维护人员检查此规则", rule.title_zh, zh);
        f.message_en = fmt::format("Cannot decide \"{}\": {}; have the rule's maintainers check the rule", title_en, e);
      };
      if (f.verdict == Verdict::error) {
        limit_words();
      } else if (reason >= 0) {
        // unknown_when: the rule's own reason is what the inspector is to verify.
        const auto& uw = rp.unknown_when[static_cast<std::size_t>(reason)];
        f.message_zh = render_message(uw.zh, true);
        f.message_en = uw.has_en ? render_message(uw.en, false)
                                 : fmt::format("Cannot decide \"{}\": {}", title_en, f.message_zh);
        f.reasons.push_back(Reason{f.message_zh, uw.has_en ? f.message_en : f.message_zh});
      } else if (f.verdict == Verdict::pass || f.verdict == Verdict::not_applicable) {
        // The rule's message describes a breach; a pass or a subject the rule does not apply
        // to (shown with --verdicts all) says so instead.
        const bool pass = f.verdict == Verdict::pass;
        f.message_zh = fmt::format("{}“{}”", pass ? "符合" : "不适用", rule.title_zh);
        f.message_en = fmt::format("{} \"{}\"", pass ? "Complies with" : "Not applicable:", title_en);
      } else if (f.verdict == Verdict::unknown) {
        // The rule's message describes a breach, which an unknown is not: say what could not
        // be decided and what is missing (the on-site checklist item, the document to request).
        // Declared reasons first (a field's `verify` text, a declaration's reason); fields
        // missing without one are listed after them.
        std::string zh, en, why_zh, why_en;
        for (const auto& r : f.reasons) {
          why_zh += (why_zh.empty() ? "" : "；") + r.zh;
          why_en += (why_en.empty() ? "" : "; ") + r.en;
        }
        for (const auto& m : f.missing) {
          const auto* fd = schema.find_field_path(m);
          if (fd && !fd->verify.empty()) continue;
          const std::string d = fd ? fd->description : "";
          zh += (zh.empty() ? "" : "、") + (d.empty() ? m : fmt::format("{} ({})", d, m));
          en += (en.empty() ? "" : ", ") + m;
        }
        if (!why_zh.empty()) {
          if (!zh.empty()) why_zh += "；缺少 " + zh;
          if (!en.empty()) why_en += "; missing " + en;
          f.message_zh = fmt::format("无法判定“{}”: {}", rule.title_zh, why_zh);
          f.message_en = fmt::format("Cannot decide \"{}\": {}", title_en, why_en);
        } else if (zh.empty()) {
          why.error = f.error;  // moved into the finding above
          auto words = failure_words(why, rule, rp.env, act, schema, snap, rule.title_zh, title_en);
          f.message_zh = std::move(words.first);
          f.message_en = std::move(words.second);
        } else {
          f.message_zh = fmt::format("无法判定“{}”: 缺少 {}", rule.title_zh, zh);
          f.message_en = fmt::format("Cannot decide \"{}\": missing {}", title_en, en);
        }
      } else {
        f.message_zh = render_message(rp.message_zh, true);
        f.message_en = render_message(rp.message_en, false);
      }
      // `message VERDICT`: the rule's own words for this verdict replace the default ones
      // (not the reason of an unknown_when, which is more specific).
      if (reason < 0 && f.verdict != Verdict::error) {
        if (own.has_zh) f.message_zh = render_message(own.zh, true);
        if (own.has_en) f.message_en = render_message(own.en, false);
      }
      if (f.message_zh.size() > kMaxMessageBytes || f.message_en.size() > kMaxMessageBytes || act.exceeded) {
        // The message limit, or a limit met while rendering the message.
        f.verdict = Verdict::error;
        f.error = fmt::format("evaluation limit exceeded: {}", act.exceeded ? act.exceeded : kLimitMessage);
        f.deadline.reset();
        f.met_on.reset();
        f.days_overdue.reset();
        f.days_left.reset();
        limit_words();
      }
      f.params = rule_params;
      f.rests_on_unverified = rule_unverified;
      if (recorder) {
        // Exact sizes: a sweep holds every finding, and doubling growth left a third unused.
        f.conditions.reserve(rp.comparisons.size());
        for (const auto& c : rp.comparisons) {
          ConditionCheck cc{c.text, c.left_text, c.op, c.right_text, "", "", std::nullopt};
          cel::Value l = c.left->evaluate(act), r = c.right->evaluate(act), w = c.whole->evaluate(act);
          cc.left_value = render(l, &snap);
          cc.right_value = render(r, &snap);
          for (auto* s : {&cc.left_value, &cc.right_value})
            if (s->size() > 1024) {
              // Cut at a character boundary (a value is UTF-8; reports refuse broken text).
              std::size_t cut = 1000;
              while (cut > 0 && (static_cast<unsigned char>((*s)[cut]) & 0xc0) == 0x80) --cut;
              *s = s->substr(0, cut) + fmt::format("... ({} bytes)", s->size());
            }
          if (w.is(cel::ValueKind::bool_)) cc.holds = w.as_bool();
          f.conditions.push_back(std::move(cc));
        }
        auto reads = recorder->reads;
        std::sort(reads.begin(), reads.end());
        reads.erase(std::unique(reads.begin(), reads.end()), reads.end());
        f.evidence.reserve(reads.size());
        for (const auto& r : reads) {
          EvidenceItem ev;
          ev.record = record_names[r.record];
          ev.key = snap.key_of(r.record, r.row);
          ev.field = field_names[r.record][r.field];
          ev.value = snap.display(r.record, r.row, r.field);
          ev.missing = !snap.table(r.record).columns[r.field].present[r.row];
          const Provenance& p = snap.provenance(r.record, r.row);
          ev.batch = p.batch;
          if (p.file < file_names.size()) ev.file = file_names[p.file];
          ev.line = p.line;
          f.evidence.push_back(std::move(ev));
        }
      }
      // Waivers: a recorded exemption valid today turns a violation or unknown into waived;
      // an expired one leaves the verdict and says until when it was waived.
      auto candidates = waivers_by_subject.find(f.subject_key);
      if (candidates != waivers_by_subject.end() &&
          (f.verdict == Verdict::violation || f.verdict == Verdict::unknown || f.verdict == Verdict::late ||
           f.verdict == Verdict::advice)) {
        std::optional<WaiverInfo> best;
        for (std::uint32_t w : candidates->second) {
          auto get = [&](int field) { return field < 0 ? std::string() : snap.display(waiver->index, w, static_cast<std::uint32_t>(field)); };
          std::string target = get(wf.rule);
          if (target != rule.id && std::find(rule.requirements.begin(), rule.requirements.end(), target) == rule.requirements.end()) continue;
          if (std::string sr = get(wf.record); !sr.empty() && sr != f.subject_record) continue;
          auto from = dsl::parse_date(get(wf.from)), until = dsl::parse_date(get(wf.until));
          if (!from || !until || *from > opt.as_of) continue;
          WaiverInfo wi{snap.key_of(waiver->index, w), get(wf.basis), get(wf.approver), *from, *until, *until < opt.as_of};
          if (!best || (best->expired && !wi.expired) || (best->expired == wi.expired && wi.valid_until > best->valid_until))
            best = wi;
        }
        if (best) {
          if (!best->expired) f.verdict = Verdict::waived;
          f.waiver = best;
        }
      }
      out.push_back(std::move(f));
      return out.back().verdict;
    };

    // The column-at-a-time plan for the rule's `when` and `require` (engine/eval/columnar.hpp):
    // rows it decides are not evaluated one by one unless a finding is to be built for them.
    // Scoped evaluations (an audit, a screening) have few subjects: the tree alone is faster.
    std::unique_ptr<columnar::ColumnarPlan> plan;
    if (!opt.scope && opt.columnar) {
      cel::Activation constants;
      constants.slots.resize(std::max<std::size_t>(rp.slots, rp.env.size()));
      constants.records = &snap;
      for (std::size_t i = 0; i < rp.param_slots.size(); ++i) constants.slots[rp.param_slots[i]] = param_values[i];
      if (rp.as_of_slot) constants.slots[*rp.as_of_slot] = cel::Value::date(opt.as_of);
      plan = columnar::ColumnarPlan::compile(rule, rp.env, constants, snap);
    }
    const Verdict breach = rule.severity == model::Severity::advice ? Verdict::advice : Verdict::violation;

    // Enumerates the subjects of bindings [level, n) under the current activation.
    auto run_range = [&](std::uint32_t begin, std::uint32_t end, std::vector<Finding>& out,
                         std::array<std::uint64_t, model::kVerdictCount>& counts,
                         std::array<std::uint64_t, 2>& plan_rows) {
      cel::Activation act;
      act.slots.resize(std::max<std::size_t>(rp.slots, rp.env.size()));
      act.records = &snap;
      for (std::size_t i = 0; i < rp.param_slots.size(); ++i) act.slots[rp.param_slots[i]] = param_values[i];
      if (rp.as_of_slot) act.slots[*rp.as_of_slot] = cel::Value::date(opt.as_of);
      // The subject (last binding) of row `row`, its variable already bound.
      auto leaf = [&](const model::Binding& binding, std::uint32_t row) {
        if (to_scope && opt.scope) {
          const std::int64_t s_row = follow(binding.record, row, *to_scope);
          if (s_row < 0 || !in_scope[static_cast<std::size_t>(s_row)]) return;
        }
        Verdict v = decide(act, row, false, out);
        if (opt.verdict_counts) {
          ++counts[static_cast<std::size_t>(v)];
          return;
        }
        bool passing = v == Verdict::pass || v == Verdict::not_applicable;
        if (opt.evidence && (!passing || opt.keep_all)) decide(act, row, true, out);
      };
      // Rows a plan decided are counted or skipped; the others, and those to be reported, go
      // to the tree evaluator. bind(k) binds the variables of the block's row k and returns
      // its subject row.
      std::shared_ptr<columnar::Workspace> ws = plan ? plan->workspace() : nullptr;
      std::array<columnar::RowOutcome, columnar::kBlockRows> outcome;
      auto settle = [&](std::uint32_t n, auto&& bind) {
        const auto* o = outcome.data();
        const auto left = std::count(o, o + n, columnar::RowOutcome::undecided);
        plan_rows[0] += static_cast<std::uint64_t>(n - left);
        plan_rows[1] += static_cast<std::uint64_t>(left);
        if (opt.verdict_counts) {
          // Counted with one vectorisable pass per outcome (a histogram's increments of one
          // counter depend on each other and cost more than the evaluation).
          const auto pass = std::count(o, o + n, columnar::RowOutcome::pass);
          const auto na = std::count(o, o + n, columnar::RowOutcome::not_applicable);
          counts[static_cast<std::size_t>(Verdict::pass)] += static_cast<std::uint64_t>(pass);
          counts[static_cast<std::size_t>(Verdict::not_applicable)] += static_cast<std::uint64_t>(na);
          counts[static_cast<std::size_t>(breach)] += static_cast<std::uint64_t>(n - left - pass - na);
          if (left == 0) return;
        }
        const auto& subject = rule.bindings.back();
        for (std::uint32_t k = 0; k < n; ++k) {
          if (o[k] != columnar::RowOutcome::undecided) {
            if (opt.verdict_counts) continue;  // counted above
            if (o[k] != columnar::RowOutcome::violated && !opt.keep_all) continue;  // a pass, or n/a
            if (o[k] == columnar::RowOutcome::violated && opt.evidence) {
              // Known to be reported: straight to the evaluation that records evidence.
              decide(act, bind(k), true, out);
              continue;
            }
          }
          leaf(subject, bind(k));
        }
      };
      if (plan && plan->nested()) {
        // for x in T  for y in x.children: the (x, y) pairs of x in [begin, end), in the order
        // the tree evaluator enumerates them (x by row, then its children as listed), in blocks.
        const auto [parent_record, list] = *plan->nested();
        const Table& pt = snap.table(parent_record);
        const auto& off = pt.reverse_offsets[list];
        const auto& kids = pt.reverse_rows[list];
        if (off.empty()) return;
        std::array<std::uint32_t, columnar::kBlockRows> parents, children;
        std::uint32_t parent = begin;
        for (std::uint32_t p = off[begin]; p < off[end];) {
          const std::uint32_t n = std::min<std::uint32_t>(columnar::kBlockRows, off[end] - p);
          for (std::uint32_t k = 0; k < n; ++k) {
            while (off[parent + 1] <= p + k) ++parent;
            parents[k] = parent;
            children[k] = kids[p + k];
          }
          plan->decide(parents.data(), children.data(), n, *ws, outcome.data());
          settle(n, [&](std::uint32_t k) {
            act.slots[rp.binding_slots[0]] = cel::Value::record(rule.bindings[0].record, parents[k]);
            act.slots[rp.binding_slots[1]] = cel::Value::record(rule.bindings[1].record, children[k]);
            return children[k];
          });
          p += n;
        }
        return;
      }
      if (rule.bindings.size() == 1) {
        // One binding (most rules): a plain loop, no recursion through std::function.
        const auto& binding = rule.bindings[0];
        const std::uint32_t slot = rp.binding_slots[0];
        if (plan) {
          for (std::uint32_t b = begin; b < end; b += columnar::kBlockRows) {
            const std::uint32_t e = std::min(end, b + columnar::kBlockRows);
            plan->decide(b, e, *ws, outcome.data());
            settle(e - b, [&](std::uint32_t k) {
              act.slots[slot] = cel::Value::record(binding.record, b + k);
              return b + k;
            });
          }
          return;
        }
        for (std::uint32_t r = begin; r < end; ++r) {
          act.slots[slot] = cel::Value::record(binding.record, r);
          leaf(binding, r);
        }
        return;
      }
      std::function<void(std::size_t, std::uint32_t)> level = [&](std::size_t b, std::uint32_t row) {
        const auto& binding = rule.bindings[b];
        act.slots[rp.binding_slots[b]] = cel::Value::record(binding.record, row);
        if (b + 1 == rule.bindings.size()) return leaf(binding, row);
        const auto& src = rp.binding_sources[b + 1];
        if (!src) {
          for (std::uint32_t r = 0; r < snap.rows(rule.bindings[b + 1].record); ++r) level(b + 1, r);
          return;
        }
        cel::Value list = src->evaluate(act);
        if (!list.is(cel::ValueKind::list)) return;
        for (std::size_t i = 0; i < list.list_size(); ++i) {
          cel::Value item = list.list_at(i);
          if (item.is(cel::ValueKind::record)) level(b + 1, static_cast<std::uint32_t>(item.row()));
        }
      };
      for (std::uint32_t r = begin; r < end; ++r) level(0, r);
    };

    const auto n = static_cast<std::uint32_t>(snap.rows(rule.bindings[0].record));
    unsigned threads = opt.threads ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
    if (n < 4096) threads = 1;
    std::vector<std::array<std::uint64_t, model::kVerdictCount>> counts(threads, std::array<std::uint64_t, model::kVerdictCount>{});
    std::vector<std::array<std::uint64_t, 2>> plan_rows(threads, std::array<std::uint64_t, 2>{});
    // Counting builds no findings: one piece, so that threads start once per rule.
    const std::uint32_t piece_rows = opt.verdict_counts ? std::max<std::uint32_t>(n, 1) : kSinkPieceRows;
    std::vector<std::vector<Finding>> parts(threads);
    std::vector<Finding> piece;
    for (std::uint32_t pb = 0; pb < n; pb += std::min(piece_rows, n - pb)) {
      const std::uint32_t pe = pb + std::min(piece_rows, n - pb);
      if (threads == 1) {
        run_range(pb, pe, parts[0], counts[0], plan_rows[0]);
      } else {
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t) {
          std::uint32_t b = pb + static_cast<std::uint32_t>(std::uint64_t(pe - pb) * t / threads);
          std::uint32_t e = pb + static_cast<std::uint32_t>(std::uint64_t(pe - pb) * (t + 1) / threads);
          pool.emplace_back([&, b, e, t] { run_range(b, e, parts[t], counts[t], plan_rows[t]); });
        }
        for (auto& th : pool) th.join();
      }
      piece.clear();
      for (auto& p : parts) {
        if (piece.empty()) std::swap(piece, p);
        else piece.insert(piece.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
        p.clear();
      }
      if (!piece.empty()) sink(piece);
    }
    const auto rule_index = static_cast<std::size_t>(&rule - rs.rules.data());
    if (opt.columnar_rows) {
      if (opt.columnar_rows->size() < rs.rules.size()) opt.columnar_rows->resize(rs.rules.size());
      for (const auto& p : plan_rows) {
        (*opt.columnar_rows)[rule_index][0] += p[0];
        (*opt.columnar_rows)[rule_index][1] += p[1];
      }
    }
    if (opt.verdict_counts) {
      if (opt.verdict_counts->size() < rs.rules.size()) opt.verdict_counts->resize(rs.rules.size());
      for (const auto& c : counts)
        for (std::size_t v = 0; v < c.size(); ++v) (*opt.verdict_counts)[rule_index][v] += c[v];
    }
  }
}

}  // namespace eco::engine
