// The expression type checker. It walks a copy of the expression once, typing each node
// bottom-up and recording what each name refers to, so the evaluator never resolves a name.
// A node whose problem was already reported gets the `error` type, which matches anything:
// one mistake gives one diagnostic, not a cascade.
#include "dsl/check/typecheck.hpp"

#include <algorithm>
#include <optional>
#include <set>

#include <fmt/format.h>
#include <re2/re2.h>

#include "dsl/check/overloads.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/common/codes.hpp"
#include "dsl/common/date.hpp"

namespace eco::dsl::check {

using ast::Expr;
using model::Kind;
using model::Ref;
using model::Type;

std::string source_text(const SourceManager& sm, SourceRange r) {
  if (r.source >= sm.size()) return {};
  const std::string& t = sm.file(r.source).text();
  if (r.begin > r.end || r.end > t.size()) return {};
  return t.substr(r.begin, r.end - r.begin);
}

Type root_type(const model::CheckedExpr& c) {
  auto it = c.types.find(c.expr.id);
  return it == c.types.end() ? Type{} : it->second;
}

bool assignable(const Type& from, const Type& to) {
  if (from.is(Kind::dyn) || to.is(Kind::dyn) || from.is(Kind::error) || to.is(Kind::error)) return true;
  if (from.kind != to.kind) return false;
  if (from.params.size() != to.params.size()) return from.params.empty() || to.params.empty();
  for (std::size_t i = 0; i < from.params.size(); ++i)
    if (!assignable(from.params[i], to.params[i])) return false;
  return from.enum_type == to.enum_type && from.record_type == to.record_type;
}

namespace {

bool bool_like(const Type& t) { return t.is(Kind::bool_) || t.is(Kind::dyn) || t.is(Kind::error); }
bool loose(const Type& t) { return t.is(Kind::dyn) || t.is(Kind::error); }

// The least type covering both, treating dyn as "not known yet"; nullopt when none.
std::optional<Type> join(const Type& a, const Type& b) {
  if (a.is(Kind::error) || a.is(Kind::dyn)) return b;
  if (b.is(Kind::error) || b.is(Kind::dyn)) return a;
  if (a.kind != b.kind || a.enum_type != b.enum_type || a.record_type != b.record_type) return std::nullopt;
  if (a.params.size() != b.params.size()) return std::nullopt;
  Type out = a;
  for (std::size_t i = 0; i < a.params.size(); ++i) {
    auto p = join(a.params[i], b.params[i]);
    if (!p) return std::nullopt;
    out.params[i] = *p;
  }
  return out;
}

// May the two be compared with == or looked up with `in`? CEL compares numbers across
// kinds, enums compare with their names, and null compares with anything.
bool comparable(const Type& a, const Type& b) {
  if (loose(a) || loose(b)) return true;
  if (a.is_numeric() && b.is_numeric()) return true;
  if (a.is(Kind::null_type) || b.is(Kind::null_type)) return true;
  if ((a.is(Kind::enum_) && b.is(Kind::string)) || (a.is(Kind::string) && b.is(Kind::enum_))) return true;
  return join(a, b).has_value();
}

std::string type_list(const std::vector<Type>& ts, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < ts.size(); ++i) out += (i > from ? ", " : "") + model::to_string(ts[i]);
  return out;
}

// A path for has() guards: `f.enterprise.park`; an expression that is not a path gets a
// name no guard can match.
std::string path_of(const ast::Expr& e) {
  if (const auto* i = e.as<ast::Ident>()) return i->name;
  if (const auto* s = e.as<ast::Select>(); s && !s->test_only) return path_of(*s->operand) + "." + s->field;
  return fmt::format("#{}", e.id);
}

// Paths that `e` proves present when it evaluates to `positive`.
void collect_has(const ast::Expr& e, bool positive, std::vector<std::string>& out) {
  if (const auto* s = e.as<ast::Select>()) {
    if (s->test_only && positive) out.push_back(path_of(*s->operand) + "." + s->field);
    return;
  }
  const auto* c = e.as<ast::Call>();
  if (!c) return;
  if (c->function == "_&&_" && positive)
    for (const auto& a : c->args) collect_has(a, true, out);
  if (c->function == "_||_" && !positive)
    for (const auto& a : c->args) collect_has(a, false, out);
  if (c->function == "!_" && c->args.size() == 1) collect_has(c->args[0], !positive, out);
}

class Visitor {
 public:
  Visitor(Context& ctx, const std::vector<Variable>& vars, const ExprOptions& opts, model::CheckedExpr& out)
      : ctx_(ctx), opts_(opts), out_(out), base_slot_(static_cast<std::uint32_t>(vars.size())), guards_(opts.guards) {
    for (const auto& v : vars) locals_.push_back({v.name, v.type, v.slot});
  }

  Type visit(Expr& e) {
    if (auto* c = e.as<ast::Constant>()) return constant(e, *c);
    if (auto* i = e.as<ast::Ident>()) return ident(e, *i);
    if (auto* s = e.as<ast::Select>()) return select(e, *s);
    if (auto* c = e.as<ast::Call>()) return call(e, *c);
    if (auto* l = e.as<ast::CreateList>()) return create_list(e, *l);
    if (auto* m = e.as<ast::CreateMap>()) return create_map(e, *m);
    if (auto* s = e.as<ast::CreateStruct>()) {
      ctx_.diags.error(code::kUnknownType, e.range,
                       fmt::format("message construction '{} {{...}}' is not supported in rule files", s->type_name));
      return set(e, Type::of(Kind::error));
    }
    if (auto* c = e.as<ast::Comprehension>()) return comprehension(e, *c);
    return set(e, Type{});
  }

  // Makes literals in `e` take the type `target` where they can: a string becomes an enum
  // value (N006 when it is none), an int widens to double, element-wise in list and map
  // literals and in both branches of ?:. Returns true when `e` now has the target type.
  bool coerce(Expr& e, const Type& target) {
    if (auto* c = e.as<ast::Constant>()) {
      if (target.is(Kind::enum_) && target.enum_type) {
        const auto* s = std::get_if<std::string>(&c->value);
        if (!s) return false;
        enum_value(e, *s, target);
        return true;
      }
      if (target.is(Kind::double_)) {
        const auto* i = std::get_if<std::int64_t>(&c->value);
        if (!i) return false;
        c->value = static_cast<double>(*i);
        set(e, target);
        return true;
      }
      return false;
    }
    if (auto* l = e.as<ast::CreateList>()) {
      if (!target.is(Kind::list) || target.params.empty()) return false;
      bool all = true;
      for (auto& el : l->elements) all = coerce(el, target.params[0]) && all;
      if (all) set(e, target);
      return all;
    }
    if (auto* m = e.as<ast::CreateMap>()) {
      if (!target.is(Kind::map) || target.params.size() != 2) return false;
      bool all = true;
      for (auto& en : m->entries) {
        bool k = coerce(*en.key, target.params[0]) || assignable(type_of(*en.key), target.params[0]);
        bool v = coerce(*en.value, target.params[1]) || assignable(type_of(*en.value), target.params[1]);
        all = all && k && v;
      }
      if (all) set(e, target);
      return all;
    }
    if (auto* c = e.as<ast::Call>()) {
      if (c->function == "_?_:_" && c->args.size() == 3) {
        bool a = coerce(c->args[1], target);
        bool b = coerce(c->args[2], target);
        if (a && b) set(e, target);
        return a && b;
      }
      if (c->function == "-_" && c->args.size() == 1 && target.is(Kind::double_) && coerce(c->args[0], target)) {
        out_.refs[e.id] = {Ref::Kind::function, 0, 0, "negate_double"};
        set(e, target);
        return true;
      }
    }
    return false;
  }

  Type type_of(const Expr& e) const {
    auto it = out_.types.find(e.id);
    return it == out_.types.end() ? Type{} : it->second;
  }

 private:
  struct Local {
    std::string name;
    Type type;
    std::uint32_t slot;
  };

  Context& ctx_;
  const ExprOptions& opts_;
  model::CheckedExpr& out_;
  std::uint32_t base_slot_;
  std::vector<Local> locals_;               // innermost last
  std::vector<std::string> guards_;         // paths proven present by has() on the way down
  std::uint32_t depth_ = 0;                 // comprehension nesting
  ast::ExprId macro_step_ = 0;              // the loop step of the innermost macro, if any
  bool in_macro_step_ = false;
  std::string macro_;
  std::set<std::string> warned_;            // W001 once per path and expression

  Type set(const Expr& e, Type t) {
    out_.types[e.id] = t;
    return t;
  }

  SourceRange tail_range(const Expr& e, const std::string& name) const {
    // The caret goes under the field name, not under the whole `a.b.name` chain.
    if (e.range.end >= name.size() && e.range.end - name.size() >= e.range.begin) {
      SourceRange r{e.range.source, static_cast<std::uint32_t>(e.range.end - name.size()), e.range.end};
      if (source_text(ctx_.sm, r) == name) return r;
    }
    return e.range;
  }

  void enum_value(Expr& e, const std::string& value, const Type& target) {
    const model::EnumType* en = target.enum_type;
    set(e, target);
    // A value of the enum needs nothing more: its type says which enum, and the value is the
    // string itself at run time.
    if (en->find(value) >= 0) return;
    std::vector<std::string> names;
    for (const auto& v : en->values) names.push_back(v.name);
    auto& d = ctx_.diags.error(code::kUnknownEnumValue, e.range,
                               fmt::format("'{}' is not a value of enum {}", value, en->name));
    if (auto s = closest(value, names))
      add_note(d, fmt::format("did you mean '{}'?", *s));
    else
      add_note(d, fmt::format("{} has the values {}", en->name, list_names(names)));
  }

  Type constant(Expr& e, const ast::Constant& c) {
    switch (c.value.index()) {
      case 0: return set(e, Type::of(Kind::null_type));
      case 1: return set(e, Type::of(Kind::bool_));
      case 2: return set(e, Type::of(Kind::int_));
      case 3: return set(e, Type::of(Kind::uint_));
      case 4: return set(e, Type::of(Kind::double_));
      case 5: return set(e, Type::of(Kind::string));
      case 6: return set(e, Type::of(Kind::bytes));
      case 7: return set(e, Type::of(Kind::date));
    }
    return set(e, Type{});
  }

  Type ident(Expr& e, const ast::Ident& id) {
    if (opts_.constant) {
      ctx_.diags.error(code::kNotConstant, e.range,
                       fmt::format("{} must be a constant; '{}' is a name", opts_.what, id.name));
      return set(e, Type::of(Kind::error));
    }
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it)
      if (it->name == id.name) {
        out_.refs[e.id] = {Ref::Kind::variable, 0, it->slot, id.name};
        return set(e, it->type);
      }
    const auto& params = ctx_.rs.params;
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i].name == id.name) {
        out_.refs[e.id] = {Ref::Kind::param, 0, static_cast<std::uint32_t>(i), id.name};
        return set(e, params[i].type);
      }
    // The evaluation date (`--as-of`, a test's `as_of`): rolling deadlines such as
    // `p.valid_until < as_of` need it. A parameter or variable of that name shadows it.
    if (id.name == model::kEvaluationDateName) return set(e, Type::of(Kind::date));
    if (ctx_.rs.schema.find_record(id.name)) {
      auto& d = ctx_.diags.error(code::kUnknownName, e.range,
                                 fmt::format("'{}' is a record type, not a value", id.name));
      add_note(d, fmt::format("range over its records with `for x in {}`", id.name));
      return set(e, Type::of(Kind::error));
    }
    if (ctx_.rs.schema.find_enum(id.name)) {
      auto& d = ctx_.diags.error(code::kUnknownName, e.range,
                                 fmt::format("'{}' is an enum type, not a value", id.name));
      add_note(d, "write an enum value as a string, e.g. \"coking\"");
      return set(e, Type::of(Kind::error));
    }
    std::vector<std::string> names;
    for (const auto& l : locals_)
      if (!l.name.starts_with("__")) names.push_back(l.name);
    for (const auto& p : params) names.push_back(p.name);
    auto& d = ctx_.diags.error(code::kUnknownName, e.range, fmt::format("unknown name '{}'", id.name));
    if (auto s = closest(id.name, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
    return set(e, Type::of(Kind::error));
  }

  Type visit_guarded(Expr& e, const std::vector<std::string>& extra) {
    std::size_t mark = guards_.size();
    guards_.insert(guards_.end(), extra.begin(), extra.end());
    Type t = visit(e);
    guards_.resize(mark);
    return t;
  }

  bool guarded(const std::string& p) const {
    return !p.empty() && std::find(guards_.begin(), guards_.end(), p) != guards_.end();
  }

  void optional_read(const Expr& e, const ast::Select& s, std::uint32_t rec, std::uint32_t field,
                     const std::string& key_field) {
    std::string base = path_of(*s.operand);
    std::string p1 = base + "." + s.field;
    if (guarded(p1) || (!key_field.empty() && guarded(base + "." + key_field))) return;
    std::pair<std::uint32_t, std::uint32_t> rf{rec, field};
    if (std::find(out_.optional_reads.begin(), out_.optional_reads.end(), rf) == out_.optional_reads.end())
      out_.optional_reads.push_back(rf);
    const auto& r = ctx_.rs.schema.records[rec];
    // A field with `verify "..."` says what its absence means (what to verify on site): the
    // unknown is intended and its reason declared.
    if (!r.fields[field].verify.empty() && opts_.if_missing.empty()) return;
    if (!opts_.warn_optional || !warned_.insert(p1).second) return;
    std::string text = source_text(ctx_.sm, e.range);
    if (text.empty() || text.find('\n') != std::string::npos) text = p1;
    auto& d = ctx_.diags.warning(
        code::kUnguardedOptional, e.range,
        fmt::format("optional field '{}.{}' is read without a has() guard: when it is missing, {}", r.name,
                    r.fields[field].name, opts_.if_missing.empty() ? "the verdict is unknown" : opts_.if_missing));
    if (opts_.if_missing.empty())
      add_note(d, fmt::format("if that is intended, say what to verify when it is missing (`verify \"...\"` on "
                              "the field); otherwise guard it: `has({0}) && ...` or `has({0}) ? ... : ...`",
                              text));
    else
      add_note(d, fmt::format("guard it: `has({0}) && ...` or `has({0}) ? ... : ...`", text));
  }

  Type select(Expr& e, ast::Select& s) {
    Type ot = visit(*s.operand);
    Type result = Type{};
    if (ot.is(Kind::error)) return set(e, ot);
    if (ot.is(Kind::record) && ot.record_type) {
      const model::RecordType& rt = *ot.record_type;
      int fi = rt.find_field(s.field);
      if (fi >= 0) {
        const model::Field& f = rt.fields[fi];
        out_.refs[e.id] = {Ref::Kind::field, rt.index, static_cast<std::uint32_t>(fi), s.field};
        result = f.type;
        if (f.optional && !s.test_only) optional_read(e, s, rt.index, static_cast<std::uint32_t>(fi), "");
      } else if (auto nav = find_nav(rt, s.field)) {
        const model::Field& f = rt.fields[*nav];
        out_.refs[e.id] = {Ref::Kind::nav, rt.index, *nav, s.field};
        result = Type::record(&ctx_.rs.schema.records[f.ref->target]);
        if (f.optional && !s.test_only) optional_read(e, s, rt.index, *nav, f.name);
      } else if (int ri = rt.find_reverse(s.field); ri >= 0) {
        out_.refs[e.id] = {Ref::Kind::reverse, rt.index, static_cast<std::uint32_t>(ri), s.field};
        result = Type::list(Type::record(&ctx_.rs.schema.records[rt.reverse_lists[ri].child]));
      } else {
        std::vector<std::string> names;
        for (const auto& f : rt.fields) {
          names.push_back(f.name);
          if (f.ref && !f.ref->nav.empty()) names.push_back(f.ref->nav);
        }
        for (const auto& r : rt.reverse_lists) names.push_back(r.name);
        auto& d = ctx_.diags.error(code::kUnknownField, tail_range(e, s.field),
                                   fmt::format("record '{}' has no field '{}'", rt.name, s.field));
        if (auto sug = closest(s.field, names)) add_note(d, fmt::format("did you mean '{}'?", *sug));
        result = Type::of(Kind::error);
      }
    } else if (ot.is(Kind::map)) {
      if (ot.params.size() == 2 && !ot.params[0].is(Kind::string) && !loose(ot.params[0])) {
        ctx_.diags.error(code::kTypeMismatch, tail_range(e, s.field),
                         fmt::format("cannot select '{}' from a {}: its keys are not strings", s.field,
                                     model::to_string(ot)));
        result = Type::of(Kind::error);
      } else if (ot.params.size() == 2) {
        result = ot.params[1];
      }
    } else if (!ot.is(Kind::dyn)) {
      ctx_.diags.error(code::kTypeMismatch, tail_range(e, s.field),
                       fmt::format("cannot select '{}' from a value of type {}", s.field, model::to_string(ot)));
      result = Type::of(Kind::error);
    }
    if (s.test_only) return set(e, result.is(Kind::error) ? result : Type::of(Kind::bool_));
    return set(e, result);
  }

  static std::optional<std::uint32_t> find_nav(const model::RecordType& rt, const std::string& name) {
    for (std::size_t i = 0; i < rt.fields.size(); ++i)
      if (rt.fields[i].ref && rt.fields[i].ref->nav == name) return static_cast<std::uint32_t>(i);
    return std::nullopt;
  }

  void set_fn(const Expr& e, std::string overload) { out_.refs[e.id] = {Ref::Kind::function, 0, 0, std::move(overload)}; }

  // The operand must be bool; in a macro's loop step, the operand is the author's predicate.
  void want_bool(const Expr& whole, const Expr& operand, const Type& t, const char* op) {
    if (bool_like(t)) return;
    if (in_macro_step_ && whole.id == macro_step_) {
      ctx_.diags.error(code::kNotBool, operand.range,
                       fmt::format("the condition of {}() must be bool, not {}", macro_, model::to_string(t)));
      return;
    }
    ctx_.diags.error(code::kTypeMismatch, operand.range,
                     fmt::format("the operands of '{}' must be bool, not {}", op, model::to_string(t)));
  }

  Type logical(Expr& e, ast::Call& c) {
    bool is_and = c.function == "_&&_";
    std::vector<Type> ts;
    for (std::size_t i = 0; i < c.args.size(); ++i) {
      // CEL's && and || are commutative: a has() on either side guards the other.
      std::vector<std::string> extra;
      for (std::size_t j = 0; j < c.args.size(); ++j)
        if (j != i) collect_has(c.args[j], is_and, extra);
      ts.push_back(visit_guarded(c.args[i], extra));
    }
    for (std::size_t i = 0; i < c.args.size(); ++i) want_bool(e, c.args[i], ts[i], is_and ? "&&" : "||");
    set_fn(e, is_and ? "logical_and" : "logical_or");
    return set(e, Type::of(Kind::bool_));
  }

  Type conditional(Expr& e, ast::Call& c) {
    Type ct = visit(c.args[0]);
    std::vector<std::string> pos, neg;
    collect_has(c.args[0], true, pos);
    collect_has(c.args[0], false, neg);
    Type a = visit_guarded(c.args[1], pos);
    Type b = visit_guarded(c.args[2], neg);
    if (!bool_like(ct)) {
      if (in_macro_step_ && e.id == macro_step_)
        ctx_.diags.error(code::kNotBool, c.args[0].range,
                         fmt::format("the condition of {}() must be bool, not {}", macro_, model::to_string(ct)));
      else
        ctx_.diags.error(code::kTypeMismatch, c.args[0].range,
                         fmt::format("the condition of '?:' must be bool, not {}", model::to_string(ct)));
    }
    if (a.is(Kind::enum_) && b.is(Kind::string) && coerce(c.args[2], a)) b = a;
    if (b.is(Kind::enum_) && a.is(Kind::string) && coerce(c.args[1], b)) a = b;
    if (a.is(Kind::double_) && b.is(Kind::int_) && coerce(c.args[2], a)) b = a;
    if (b.is(Kind::double_) && a.is(Kind::int_) && coerce(c.args[1], b)) a = b;
    set_fn(e, "conditional");
    if (auto j = join(a, b)) return set(e, *j);
    if (a.is(Kind::null_type) || b.is(Kind::null_type)) return set(e, Type{});
    ctx_.diags.error(code::kTypeMismatch, e.range,
                     fmt::format("the branches of '?:' have different types: {} and {}", model::to_string(a),
                                 model::to_string(b)));
    return set(e, Type::of(Kind::error));
  }

  Type equality(Expr& e, ast::Call& c) {
    Type a = visit(c.args[0]);
    Type b = visit(c.args[1]);
    if (a.is(Kind::enum_) && b.is(Kind::string)) coerce(c.args[1], a);
    if (b.is(Kind::enum_) && a.is(Kind::string)) coerce(c.args[0], b);
    set_fn(e, c.function == "_==_" ? "equals" : "not_equals");
    if (!comparable(a, b))
      ctx_.diags.error(code::kTypeMismatch, e.range,
                       fmt::format("cannot compare {} with {}", model::to_string(a), model::to_string(b)));
    return set(e, Type::of(Kind::bool_));
  }

  Type in(Expr& e, ast::Call& c) {
    Type a = visit(c.args[0]);
    Type b = visit(c.args[1]);
    if (b.is(Kind::list) && !b.params.empty()) {
      const Type& el = b.params[0];
      if (el.is(Kind::enum_) && a.is(Kind::string)) coerce(c.args[0], el);
      if (a.is(Kind::enum_) && (el.is(Kind::string) || el.is(Kind::dyn)) && coerce(c.args[1], Type::list(a)))
        b = Type::list(a);
      set_fn(e, "in_list");
      if (!comparable(a, b.params[0]))
        ctx_.diags.error(code::kTypeMismatch, e.range,
                         fmt::format("cannot look for {} in {}", model::to_string(a), model::to_string(b)));
    } else if (b.is(Kind::map) && b.params.size() == 2) {
      set_fn(e, "in_map");
      if (!comparable(a, b.params[0]))
        ctx_.diags.error(code::kTypeMismatch, e.range,
                         fmt::format("cannot look for {} among the keys of {}", model::to_string(a),
                                     model::to_string(b)));
    } else if (!loose(b) && !loose(a)) {
      ctx_.diags.error(code::kNoOverload, c.args[1].range,
                       fmt::format("the right side of 'in' must be a list or a map, not {}", model::to_string(b)));
    }
    return set(e, Type::of(Kind::bool_));
  }

  Type index(Expr& e, ast::Call& c) {
    Type a = visit(c.args[0]);
    Type i = visit(c.args[1]);
    if (loose(a) || loose(i)) return set(e, a.is(Kind::error) || i.is(Kind::error) ? Type::of(Kind::error) : Type{});
    if (a.is(Kind::list) && (i.is(Kind::int_) || i.is(Kind::uint_))) {
      set_fn(e, "index_list");
      return set(e, a.params.empty() ? Type{} : a.params[0]);
    }
    if (a.is(Kind::map) && a.params.size() == 2 && comparable(i, a.params[0])) {
      if (a.params[0].is(Kind::enum_) && i.is(Kind::string)) coerce(c.args[1], a.params[0]);
      set_fn(e, "index_map");
      return set(e, a.params[1]);
    }
    ctx_.diags.error(code::kNoOverload, e.range,
                     fmt::format("no matching overload for operator '[]' with argument types ({}, {})",
                                 model::to_string(a), model::to_string(i)));
    return set(e, Type::of(Kind::error));
  }

  // A constant regular expression is compiled now (RE2, as the evaluator does): an invalid one
  // is T006 at the pattern, or at the offending part of it when the literal has no escapes.
  void check_pattern(const Expr& pattern) {
    const auto* k = pattern.as<ast::Constant>();
    const auto* text = k ? std::get_if<std::string>(&k->value) : nullptr;
    if (!text) return;
    RE2 re(re2::StringPiece(text->data(), text->size()), RE2::Quiet);
    if (re.ok()) return;
    SourceRange where = pattern.range;
    const std::string arg = re.error_arg();
    if (pattern.range.source < ctx_.sm.size() && !arg.empty()) {
      const std::string& src = ctx_.sm.file(pattern.range.source).text();
      const std::string_view lit = std::string_view(src).substr(pattern.range.begin, pattern.range.end - pattern.range.begin);
      // `r"..."`, `"..."`, `'...'`: the body as written; when it equals the value, offsets match.
      const std::size_t open = lit.find_first_of("\"'");
      const bool triple = open != std::string_view::npos && lit.size() >= open + 6 && lit[open + 1] == lit[open] && lit[open + 2] == lit[open];
      const std::size_t q = triple ? 3 : 1;
      if (open != std::string_view::npos && lit.size() >= open + 2 * q &&
          lit.substr(open + q, lit.size() - open - 2 * q) == *text) {
        const std::size_t at = text->find(arg);
        if (at != std::string::npos) {
          where.begin = pattern.range.begin + static_cast<std::uint32_t>(open + q + at);
          where.end = where.begin + static_cast<std::uint32_t>(arg.size());
        }
      }
    }
    auto& d = ctx_.diags.error(code::kBadRegex, where, fmt::format("invalid regular expression: {}", re.error()));
    add_note(d, "matches() takes an RE2 pattern (https://github.com/google/re2/wiki/Syntax)");
  }

  Type call(Expr& e, ast::Call& c) {
    const std::string& fn = c.function;
    if (!c.target) {
      if ((fn == "_&&_" || fn == "_||_") && !c.args.empty()) return logical(e, c);
      if (fn == "_?_:_" && c.args.size() == 3) return conditional(e, c);
      if ((fn == "_==_" || fn == "_!=_") && c.args.size() == 2) return equality(e, c);
      if (fn == "@in" && c.args.size() == 2) return in(e, c);
      if (fn == "_[_]" && c.args.size() == 2) return index(e, c);
    }
    if (!c.target && fn == "param_at" && c.args.size() == 2) return param_at(e, c);
    std::vector<Type> ts;
    if (c.target) ts.push_back(visit(*c.target));
    for (auto& a : c.args) ts.push_back(visit(a));

    if (!c.target && fn == "date" && c.args.size() == 1) {
      // A constant date string is checked now, not when the first record reaches it.
      if (const auto* k = c.args[0].as<ast::Constant>())
        if (const auto* s = std::get_if<std::string>(&k->value); s && !parse_date(*s))
          ctx_.diags.error(code::kBadDate, c.args[0].range,
                           fmt::format("'{}' is not a date: write YYYY-MM-DD naming a real day", *s));
    }

    if (fn == "matches" && c.args.size() == (c.target ? 1u : 2u)) check_pattern(c.args.back());

    CallResolution r = resolve_call(fn, c.target != nullptr, ts);
    using S = CallResolution::Status;
    switch (r.status) {
      case S::ok:
        set_fn(e, r.overload);
        if ((fn == "add_working_days" || fn == "working_days_between") && ctx_.rs.calendars.empty()) {
          auto& d = ctx_.diags.error(code::kNoCalendar, e.range,
                                     fmt::format("{}() counts working days by the ruleset's calendar, and it declares none", fn));
          add_note(d, "declare the official holidays and adjusted working days: calendar NAME \"...\" { year 2021 "
                      "source \"...\" holidays ... workdays ... }");
          return set(e, Type::of(Kind::error));
        }
        return set(e, r.result);
      case S::error_operand: return set(e, Type::of(Kind::error));
      case S::unknown_function: {
        auto& d = ctx_.diags.error(code::kUnknownName, e.range, fmt::format("unknown function '{}'", fn));
        if (auto s = closest(fn, function_names())) add_note(d, fmt::format("did you mean '{}'?", *s));
        return set(e, Type::of(Kind::error));
      }
      case S::wrong_style: {
        auto& d = ctx_.diags.error(code::kNoOverload, e.range,
                                   c.target ? fmt::format("'{}' is a function, not a method", fn)
                                            : fmt::format("'{}' is a method, not a function", fn));
        add_note(d, c.target ? fmt::format("write {}(x, ...)", fn) : fmt::format("write x.{}(...)", fn));
        return set(e, Type::of(Kind::error));
      }
      case S::no_match: break;
    }
    std::string msg =
        c.target ? fmt::format("no matching overload for method '{}' on {} with argument types ({})", fn,
                               model::to_string(ts[0]), type_list(ts, 1))
                 : fmt::format("no matching overload for {} with argument types ({})", display_function(fn),
                               type_list(ts));
    auto& d = ctx_.diags.error(code::kNoOverload, e.range, msg);
    bool has_enum = std::any_of(ts.begin(), ts.end(), [](const Type& t) { return t.is(Kind::enum_); });
    if (has_enum && (fn == "_<_" || fn == "_<=_" || fn == "_>_" || fn == "_>=_"))
      add_note(d, "enum values have no order: compare them with ==, != or in");
    else if (fn == "_+_" || fn == "_-_") {
      bool has_date = std::any_of(ts.begin(), ts.end(), [](const Type& t) { return t.is(Kind::date); });
      if (has_date) add_note(d, "add or subtract days with days(n), e.g. d + days(30); use days_between(a, b) for a difference");
      else if (ts.size() == 2 && ts[0].is_numeric() && ts[1].is_numeric())
        add_note(d, "CEL does not mix int, uint and double in arithmetic: convert one side, e.g. double(x)");
    }
    return set(e, Type::of(Kind::error));
  }

  // param_at(P, DATE): the value the dated parameter P had on DATE. P is written as its name.
  Type param_at(Expr& e, ast::Call& c) {
    Type pt = visit(c.args[0]);
    Type dt = visit(c.args[1]);
    set_fn(e, "param_at");
    const auto* id = c.args[0].as<ast::Ident>();
    auto it = out_.refs.find(c.args[0].id);
    const bool is_param = id && it != out_.refs.end() && it->second.kind == Ref::Kind::param;
    if (!is_param || !ctx_.rs.params[it->second.index].dated) {
      if (pt.is(Kind::error)) return set(e, pt);
      auto& d = ctx_.diags.error(code::kParamAtNotDated, c.args[0].range,
                                 is_param ? fmt::format("param_at() reads a dated parameter; '{}' has one value for "
                                                        "every date", id->name)
                                          : std::string("the first argument of param_at() must name a dated parameter"));
      add_note(d, is_param ? fmt::format("read it directly: `{}`", id->name)
                           : std::string("declare it `param NAME: TYPE by date { ... }` and write param_at(NAME, date)"));
      return set(e, Type::of(Kind::error));
    }
    if (!dt.is(Kind::date) && !loose(dt)) {
      ctx_.diags.error(code::kNoOverload, c.args[1].range,
                       fmt::format("the date of param_at() must be a date, not {}", model::to_string(dt)));
      return set(e, Type::of(Kind::error));
    }
    return set(e, pt);
  }

  Type create_list(Expr& e, ast::CreateList& l) {
    std::optional<Type> el;
    bool mixed = false;
    for (auto& x : l.elements) {
      Type t = visit(x);
      if (!el) {
        el = t;
      } else if (auto j = join(*el, t)) {
        el = *j;
      } else {
        mixed = true;
      }
    }
    if (!el || mixed) return set(e, Type::list(Type{}));
    if (el->is(Kind::error)) return set(e, Type::list(Type{}));
    return set(e, Type::list(*el));
  }

  Type create_map(Expr& e, ast::CreateMap& m) {
    std::optional<Type> kt, vt;
    bool kmixed = false, vmixed = false;
    for (auto& en : m.entries) {
      Type k = visit(*en.key);
      Type v = visit(*en.value);
      if (!(k.is(Kind::string) || k.is(Kind::int_) || k.is(Kind::uint_) || k.is(Kind::bool_) || loose(k)))
        ctx_.diags.error(code::kTypeMismatch, en.key->range,
                         fmt::format("map keys must be string, int, uint or bool, not {}", model::to_string(k)));
      auto fold = [](std::optional<Type>& acc, const Type& t, bool& mixed) {
        if (!acc) acc = t;
        else if (auto j = join(*acc, t)) acc = *j;
        else mixed = true;
      };
      fold(kt, k, kmixed);
      fold(vt, v, vmixed);
    }
    Type k = !kt || kmixed ? Type{} : *kt;
    Type v = !vt || vmixed ? Type{} : *vt;
    return set(e, Type::map(k, v));
  }

  Type comprehension(Expr& e, ast::Comprehension& c) {
    Type range = visit(*c.iter_range);
    Type iter;
    if (range.is(Kind::list)) {
      iter = range.params.empty() ? Type{} : range.params[0];
    } else if (range.is(Kind::map)) {
      iter = range.params.size() == 2 ? range.params[0] : Type{};
    } else if (range.is(Kind::error)) {
      iter = range;
    } else if (!range.is(Kind::dyn)) {
      ctx_.diags.error(code::kNoOverload, c.iter_range->range,
                       fmt::format("{} needs a list or a map, not {}",
                                   c.macro.empty() ? std::string("a comprehension") : c.macro + "()",
                                   model::to_string(range)));
      iter = Type::of(Kind::error);
    }
    Type accu = visit(*c.accu_init);
    std::uint32_t slot = base_slot_ + 2 * depth_;
    ++depth_;
    locals_.push_back({c.iter_var, iter, slot});
    locals_.push_back({c.accu_var, accu, slot + 1});
    visit(*c.loop_condition);

    bool saved_in = in_macro_step_;
    ast::ExprId saved_step = macro_step_;
    std::string saved_macro = macro_;
    in_macro_step_ = !c.macro.empty();
    macro_step_ = c.loop_step->id;
    macro_ = c.macro;
    Type step = visit(*c.loop_step);
    in_macro_step_ = saved_in;
    macro_step_ = saved_step;
    macro_ = saved_macro;

    if (auto j = join(accu, step)) accu = *j;
    locals_.pop_back();
    locals_.pop_back();
    // The result sees only the accumulator, with the type the loop gave it.
    locals_.push_back({c.accu_var, accu, slot + 1});
    Type result = visit(*c.result);
    locals_.pop_back();
    --depth_;
    return set(e, result);
  }
};

}  // namespace

ExprChecker::ExprChecker(Context& ctx, std::vector<Variable> vars, ExprOptions options)
    : ctx_(ctx), vars_(std::move(vars)), options_(std::move(options)) {}

std::vector<std::string> proven_present(const ast::Expr& condition) {
  std::vector<std::string> out;
  collect_has(condition, true, out);
  return out;
}

model::CheckedExpr ExprChecker::check(const ast::Expr& e, const model::Type* expected) {
  model::CheckedExpr out;
  out.expr = ast::clone(e);
  Visitor v(ctx_, vars_, options_, out);
  Type t = v.visit(out.expr);
  if (expected) {
    v.coerce(out.expr, *expected);
    t = root_type(out);
    if (!assignable(t, *expected))
      ctx_.diags.error(options_.mismatch_code, e.range,
                       fmt::format("{} must be of type {}, not {}", options_.what, model::to_string(*expected),
                                   model::to_string(t)));
  }
  return out;
}

}  // namespace eco::dsl::check
