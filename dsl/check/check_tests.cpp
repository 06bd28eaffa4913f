// Pass 6: rule tests. A test names a rule that exists, gives records of known types whose
// field values are constants of the fields' types, and expects known verdicts on subjects
// it actually gave: a typo in a test should fail `check`, not pass `test` silently.
#include <map>
#include <set>

#include <fmt/format.h>

#include "dsl/check/constant.hpp"
#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/check/typecheck.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl::check {

using model::Kind;
using model::Type;

namespace {

struct TestChecker {
  TestChecker(Context& c, const ast::TestDecl& t) : ctx(c), td(t) {}

  Context& ctx;
  const ast::TestDecl& td;
  model::RuleTest test;
  const model::Rule* rule = nullptr;
  std::map<std::uint32_t, std::set<std::string>> keys;  // record -> keys of given records

  void find_rule() {
    for (std::size_t i = 0; i < ctx.rs.rules.size(); ++i)
      if (ctx.rs.rules[i].id == td.rule.text) {
        rule = &ctx.rs.rules[i];
        test.rule = static_cast<std::uint32_t>(i);
        return;
      }
    auto& d = ctx.diags.error(code::kTestUnknownRule, td.rule.range,
                              fmt::format("test of unknown rule '{}'", td.rule.text));
    std::vector<std::string> ids;
    for (const auto& r : ctx.rs.rules) ids.push_back(r.id);
    if (auto s = closest(td.rule.text, ids)) add_note(d, fmt::format("did you mean '{}'?", *s));
  }

  void as_of() {
    if (!td.as_of) return;
    test.as_of = constant_date(*td.as_of);
    if (!test.as_of)
      ctx.diags.error(code::kNotConstant, td.as_of->range, "as_of must be a date literal such as 2023-01-01");
  }

  void given(const ast::GivenRecord& g) {
    const model::RecordType* rt = ctx.rs.schema.find_record(g.record.text);
    if (!rt) {
      auto& d = ctx.diags.error(code::kUnknownRecord, g.record.range,
                                fmt::format("unknown record type '{}'", g.record.text));
      std::vector<std::string> names;
      for (const auto& r : ctx.rs.schema.records) names.push_back(r.name);
      if (auto s = closest(g.record.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
      return;
    }
    model::GivenRecord out;
    out.record = rt->index;
    out.range = g.range;
    std::map<std::string, SourceRange> seen;
    for (const auto& fv : g.fields) {
      auto [it, fresh] = seen.emplace(fv.field.text, fv.field.range);
      if (!fresh) {
        auto& d = ctx.diags.error(code::kDuplicate, fv.field.range,
                                  fmt::format("field '{}' is given twice", fv.field.text));
        add_note(d, "first given here", it->second);
        continue;
      }
      int fi = rt->find_field(fv.field.text);
      if (fi < 0) {
        unknown_field(*rt, fv.field);
        continue;
      }
      const model::Field& f = rt->fields[fi];
      ExprOptions opts;
      opts.constant = true;
      opts.what = fmt::format("the value of {}.{}", rt->name, f.name);
      ExprChecker checker(ctx, {}, opts);
      // `null` is how a test spells "missing" for an optional field.
      const auto* c = fv.value.as<ast::Constant>();
      bool is_null = c && std::holds_alternative<ast::NullValue>(c->value);
      if (is_null && !f.optional) {
        ctx.diags.error(code::kTypeMismatch, fv.value.range,
                        fmt::format("{}.{} is not optional, so it cannot be null", rt->name, f.name));
        continue;
      }
      model::CheckedExpr value = checker.check(fv.value, is_null ? nullptr : &f.type);
      out.fields.emplace_back(static_cast<std::uint32_t>(fi), std::move(value));
    }
    // The subject of an expectation is found by its key, so every given record needs one.
    if (rt->key_fields.size() == 1) {
      const auto& kf = rt->fields[rt->key_fields[0]];
      bool found = false;
      for (const auto& fv : g.fields)
        if (fv.field.text == kf.name) {
          found = true;
          if (auto k = constant_key(fv.value)) keys[rt->index].insert(*k);
        }
      if (!found)
        ctx.diags.error(code::kMissingClause, g.record.range,
                        fmt::format("this {} has no value for its key field '{}'", rt->name, kf.name));
    }
    test.given.push_back(std::move(out));
  }

  void unknown_field(const model::RecordType& rt, const ast::Name& name) {
    auto& d = ctx.diags.error(code::kUnknownField, name.range,
                              fmt::format("record '{}' has no field '{}'", rt.name, name.text));
    for (const auto& f : rt.fields)
      if (f.ref && f.ref->nav == name.text) {
        add_note(d, fmt::format("'{}' is a navigation; give the key it follows: {}: \"...\"", name.text, f.name));
        return;
      }
    if (rt.find_reverse(name.text) >= 0) {
      add_note(d, fmt::format("'{}' is a reverse list; give its records separately with `given`", name.text));
      return;
    }
    std::vector<std::string> names;
    for (const auto& f : rt.fields) names.push_back(f.name);
    if (auto s = closest(name.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
  }

  void expectations() {
    for (const auto& ex : td.expectations) {
      model::Expectation out;
      out.subject_key = ex.subject.text;
      out.range = ex.range;
      if (auto v = model::parse_verdict(ex.verdict.text)) {
        out.verdict = *v;
      } else {
        auto& d = ctx.diags.error(code::kBadVerdict, ex.verdict.range,
                                  fmt::format("unknown verdict '{}'", ex.verdict.text));
        std::vector<std::string> names = {"violation", "late", "unknown", "upcoming",
                                          "pass", "not_applicable", "waived", "advice", "error"};
        if (auto s = closest(ex.verdict.text, names))
          add_note(d, fmt::format("did you mean '{}'?", *s));
        else
          add_note(d, "verdicts are " + list_names(names, names.size()));
      }
      // A rule whose subject did not resolve has been reported already (and has no records).
      if (rule && !rule->bindings.empty() && rule->bindings.back().record < ctx.rs.schema.records.size()) {
        const auto& subject = ctx.rs.schema.records[rule->bindings.back().record];
        if (subject.key_fields.size() == 1 && !keys[subject.index].count(ex.subject.text)) {
          auto& d = ctx.diags.error(code::kTestUnknownSubject, ex.subject.range,
                                    fmt::format("no given {} has the key '{}'", subject.name, ex.subject.text));
          add_note(d, fmt::format("the subjects of rule '{}' are {} records, found by their key '{}'", rule->id,
                                  subject.name, subject.fields[subject.key_fields[0]].name));
        }
      }
      message_checks(ex, out);
      test.expectations.push_back(std::move(out));
    }
  }

  // `message contains|lacks "TEXT"`: the operator is one of the two, the text not empty.
  void message_checks(const ast::Expectation& ex, model::Expectation& out) {
    for (const auto& mc : ex.message_checks) {
      if (mc.op.text != "contains" && mc.op.text != "lacks") {
        auto& d = ctx.diags.error(code::kBadMessageCheck, mc.op.range,
                                  fmt::format("unknown message check '{}'", mc.op.text));
        std::vector<std::string> names = {"contains", "lacks"};
        if (auto s = closest(mc.op.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
        else add_note(d, "a message check is 'contains' or 'lacks'");
        continue;
      }
      if (mc.text.value.empty()) {
        auto& d = ctx.diags.error(code::kBadMessageCheck, mc.text.range, "empty text in a message check");
        add_note(d, "every message contains the empty text: give the words the message must hold or lack");
        continue;
      }
      out.message_checks.push_back(model::MessageCheck{mc.op.text == "contains", mc.text.value, mc.range});
    }
  }

  std::optional<model::RuleTest> run() {
    test.name = td.name.value;
    test.range = td.range;
    find_rule();
    as_of();
    for (const auto& g : td.given) given(g);
    expectations();
    if (!rule) return std::nullopt;
    return std::move(test);
  }
};

}  // namespace

void check_tests(Context& ctx) {
  for (const auto& f : ctx.files)
    for (const auto& decl : f.decls) {
      const auto* td = std::get_if<ast::TestDecl>(&decl);
      if (!td) continue;
      TestChecker tc(ctx, *td);
      if (auto t = tc.run()) ctx.rs.tests.push_back(std::move(*t));
    }
}

}  // namespace eco::dsl::check
