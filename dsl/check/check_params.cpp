// Pass 4: parameters. Each value is a constant of the declared type (typed by the expression
// checker in constant mode), a dated parameter's entries run strictly forward in time, and
// every value says where it comes from: a number in a rule must be traceable to the plan.
#include <map>

#include <fmt/format.h>

#include "dsl/check/constant.hpp"
#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/check/typecheck.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl::check {

std::optional<Date> constant_date(const ast::Expr& e) {
  if (const auto* c = e.as<ast::Constant>())
    if (const auto* d = std::get_if<Date>(&c->value)) return *d;
  if (const auto* call = e.as<ast::Call>(); call && !call->target && call->function == "date" && call->args.size() == 1)
    if (const auto* c = call->args[0].as<ast::Constant>())
      if (const auto* s = std::get_if<std::string>(&c->value)) return parse_date(*s);
  return std::nullopt;
}

std::optional<std::string> constant_key(const ast::Expr& e) {
  const auto* c = e.as<ast::Constant>();
  if (!c) return std::nullopt;
  if (const auto* s = std::get_if<std::string>(&c->value)) return *s;
  if (const auto* i = std::get_if<std::int64_t>(&c->value)) return std::to_string(*i);
  if (const auto* u = std::get_if<std::uint64_t>(&c->value)) return std::to_string(*u);
  return std::nullopt;
}

namespace {

void check_confidence(Context& ctx, const ast::ParamValue& v, model::ParamEntry& entry) {
  if (!v.confidence) return;  // high by default
  if (auto c = model::parse_confidence(v.confidence->text)) {
    entry.confidence = *c;
    return;
  }
  auto& d = ctx.diags.error(code::kBadConfidence, v.confidence->range,
                            fmt::format("unknown confidence '{}'", v.confidence->text));
  add_note(d, "write high, medium or unverified");
}

void check_basis(Context& ctx, const ast::ParamValue& v, model::ParamEntry& entry) {
  if (!v.basis) return;
  entry.basis = parse_basis_name(ctx, *v.basis);
}

}  // namespace

void check_params(Context& ctx) {
  std::map<std::string, SourceRange> seen;
  for (const auto& f : ctx.files)
    for (const auto& decl : f.decls) {
      const auto* pd = std::get_if<ast::ParamDecl>(&decl);
      if (!pd) continue;
      auto [it, fresh] = seen.emplace(pd->name.text, pd->name.range);
      if (!fresh) {
        auto& d = ctx.diags.error(code::kDuplicate, pd->name.range,
                                  fmt::format("parameter '{}' is already declared", pd->name.text));
        add_note(d, "first declared here", it->second);
        continue;
      }
      model::Param p;
      p.name = pd->name.text;
      p.type = resolve_type(ctx, pd->type);
      p.dated = pd->dated;
      p.description = pd->description ? pd->description->value : "";
      p.range = pd->range;

      ExprOptions opts;
      opts.constant = true;
      opts.what = fmt::format("the value of parameter '{}'", p.name);
      opts.mismatch_code = code::kParamValueType;
      ExprChecker checker(ctx, {}, opts);
      const ast::ParamValue* previous = nullptr;
      for (const auto& v : pd->values) {
        model::ParamEntry entry;
        entry.range = v.range;
        if (pd->dated) {
          if (!v.effective_from) {
            ctx.diags.error(code::kMissingClause, v.range,
                            fmt::format("an entry of dated parameter '{}' needs the date it applies from", p.name));
          } else if (!(entry.from = constant_date(*v.effective_from))) {
            ctx.diags.error(code::kNotConstant, v.effective_from->range,
                            "the date of a dated entry must be a date literal such as 2022-01-01");
          }
          if (entry.from && previous && previous->effective_from) {
            auto before = constant_date(*previous->effective_from);
            if (before && !(*before < *entry.from)) {
              auto& d = ctx.diags.error(code::kDatedOrder, v.effective_from->range,
                                        fmt::format("dated entries must be in ascending order: {} does not come after {}",
                                                    format_date(*entry.from), format_date(*before)));
              add_note(d, "the previous entry is here", previous->effective_from->range);
            }
          }
          previous = &v;
        }
        entry.value = checker.check(v.value, &p.type);
        if (!v.source || v.source->value.find_first_not_of(" \t") == std::string::npos) {
          SourceRange where = v.source ? v.source->range
                              : pd->dated && v.effective_from ? v.effective_from->range : pd->name.range;
          auto& d = ctx.diags.error(code::kParamNoSource, where,
                                    pd->dated ? fmt::format("this entry of parameter '{}' has no source", p.name)
                                              : fmt::format("parameter '{}' has no source", p.name));
          add_note(d, "say where the value comes from: source \"规划 三(三)1 ...\" or the standard it relies on");
        } else {
          entry.source = v.source->value;
        }
        check_confidence(ctx, v, entry);
        check_basis(ctx, v, entry);
        p.entries.push_back(std::move(entry));
      }
      if (pd->values.empty())
        ctx.diags.error(code::kMissingClause, pd->name.range, fmt::format("parameter '{}' has no value", p.name));
      ctx.rs.params.push_back(std::move(p));
      ctx.param_name_range.push_back(pd->name.range);
    }
}

}  // namespace eco::dsl::check
