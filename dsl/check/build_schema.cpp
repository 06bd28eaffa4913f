// Pass 3: the schema. Every enum and record of every file is registered first (so a field may
// name a type declared later or in another file), then fields are typed, then references are
// resolved (a reference's type is the target's key type, which may itself be a reference).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "dsl/check/context.hpp"
#include "dsl/check/suggest.hpp"
#include "dsl/common/codes.hpp"

namespace eco::dsl::check {

namespace {

using model::Kind;
using model::Type;

const std::map<std::string, Kind, std::less<>>& builtin_types() {
  static const std::map<std::string, Kind, std::less<>> m = {
      {"string", Kind::string}, {"int", Kind::int_},   {"uint", Kind::uint_},
      {"double", Kind::double_}, {"bool", Kind::bool_}, {"bytes", Kind::bytes},
      {"date", Kind::date},     {"duration", Kind::duration}, {"timestamp", Kind::timestamp},
  };
  return m;
}

struct SchemaBuilder {
  Context& ctx;
  model::Schema& schema;
  std::map<std::string, SourceRange> type_names;  // enums and records share one namespace
  std::vector<const ast::RecordDecl*> record_decls;

  void duplicate(const std::string& what, const ast::Name& name, SourceRange first, const std::string& where = "") {
    auto& d = ctx.diags.error(code::kDuplicate, name.range,
                              fmt::format("{} '{}' is already declared{}", what, name.text, where));
    add_note(d, "first declared here", first);
  }

  bool claim_type_name(const ast::Name& name, const char* what) {
    if (builtin_types().count(name.text) || name.text == "list" || name.text == "map") {
      ctx.diags.error(code::kDuplicate, name.range,
                      fmt::format("'{}' is a built-in type and cannot be redeclared", name.text));
      return false;
    }
    auto [it, fresh] = type_names.emplace(name.text, name.range);
    if (!fresh) duplicate(what, name, it->second);
    return fresh;
  }

  Type resolve(const ast::TypeRef& t) { return resolve_type(ctx, t); }

  void enums() {
    std::size_t count = 0;
    for (const auto& f : ctx.files)
      for (const auto& decl : f.decls) count += std::holds_alternative<ast::EnumDecl>(decl);
    schema.enums.reserve(count);
    for (const auto& f : ctx.files)
      for (const auto& decl : f.decls) {
        const auto* e = std::get_if<ast::EnumDecl>(&decl);
        if (!e || !claim_type_name(e->name, "type")) continue;
        model::EnumType et;
        et.name = e->name.text;
        et.title = e->title ? e->title->value : "";
        et.range = e->range;
        std::map<std::string, SourceRange> seen;
        for (const auto& v : e->values) {
          auto [it, fresh] = seen.emplace(v.value.text, v.value.range);
          if (!fresh) {
            duplicate("value", v.value, it->second, fmt::format(" in enum {}", et.name));
            continue;
          }
          et.values.push_back({v.value.text, v.label ? v.label->value : ""});
        }
        if (et.values.empty())
          ctx.diags.error(code::kMissingClause, e->name.range, fmt::format("enum '{}' has no values", et.name));
        schema.enums.push_back(std::move(et));
      }
  }

  void register_records() {
    std::size_t count = 0;
    for (const auto& f : ctx.files)
      for (const auto& decl : f.decls) count += std::holds_alternative<ast::RecordDecl>(decl);
    schema.records.reserve(count);
    for (const auto& f : ctx.files)
      for (const auto& decl : f.decls) {
        const auto* r = std::get_if<ast::RecordDecl>(&decl);
        if (!r || !claim_type_name(r->name, "type")) continue;
        model::RecordType rt;
        rt.index = static_cast<std::uint32_t>(schema.records.size());
        rt.name = r->name.text;
        rt.title = r->title ? r->title->value : "";
        rt.range = r->range;
        schema.records.push_back(std::move(rt));
        record_decls.push_back(r);
        ctx.record_decl_range.push_back(r->name.range);
      }
  }

  void fields() {
    ctx.field_name_range.resize(schema.records.size());
    for (std::size_t ri = 0; ri < schema.records.size(); ++ri) {
      auto& rt = schema.records[ri];
      std::map<std::string, SourceRange> seen;
      for (const auto& fd : record_decls[ri]->fields) {
        auto [it, fresh] = seen.emplace(fd.name.text, fd.name.range);
        if (!fresh) {
          duplicate("field", fd.name, it->second, fmt::format(" in record {}", rt.name));
          continue;
        }
        model::Field f;
        f.name = fd.name.text;
        f.optional = fd.optional;
        f.key = fd.key;
        f.description = fd.description ? fd.description->value : "";
        f.verify = fd.verify ? fd.verify->value : "";
        f.origin = fd.origin ? fd.origin->value : "";
        f.range = fd.range;
        if (fd.type) f.type = resolve(*fd.type);
        // Reference types are filled in by references(), once every key is known.
        if (f.key) {
          if (f.optional)
            ctx.diags.error(code::kBadKey, fd.name.range,
                            fmt::format("key field '{}' cannot be optional", f.name));
          else if (f.type.is(Kind::list) || f.type.is(Kind::map) || f.type.is(Kind::double_))
            ctx.diags.error(code::kBadKey, fd.range,
                            fmt::format("key field '{}' cannot be of type {}", f.name, model::to_string(f.type)));
          rt.key_fields.push_back(static_cast<std::uint32_t>(rt.fields.size()));
        }
        rt.fields.push_back(std::move(f));
        ctx.field_name_range[ri].push_back(fd.name.range);
      }
    }
  }

  // The ast field of (record, field index), by name: duplicates were dropped from the model.
  const ast::FieldDecl* field_decl(std::size_t ri, const std::string& name) {
    for (const auto& fd : record_decls[ri]->fields)
      if (fd.name.text == name) return &fd;
    return nullptr;
  }

  // Type of a record's single key field, following references; error when it has none.
  Type key_type(std::size_t ri, int depth = 0) {
    const auto& rt = schema.records[ri];
    if (rt.key_fields.size() != 1 || depth > 32) return Type::of(Kind::error);
    const auto& kf = rt.fields[rt.key_fields[0]];
    if (!kf.ref) return kf.type;
    return key_type(kf.ref->target, depth + 1);
  }

  struct NameUse {
    std::uint32_t record;
    ast::Name name;
    const char* what;
  };

  void references() {
    std::vector<NameUse> navs, reverses;
    for (std::size_t ri = 0; ri < schema.records.size(); ++ri) {
      auto& rt = schema.records[ri];
      for (std::size_t fi = 0; fi < rt.fields.size(); ++fi) {
        const ast::FieldDecl* fd = field_decl(ri, rt.fields[fi].name);
        if (!fd || !fd->ref) continue;
        const ast::RefSpec& spec = *fd->ref;
        const model::RecordType* target = schema.find_record(spec.target.text);
        if (!target) {
          auto& d = ctx.diags.error(code::kUnknownRecord, spec.target.range,
                                    fmt::format("unknown record type '{}'", spec.target.text));
          std::vector<std::string> names;
          for (const auto& r : schema.records) names.push_back(r.name);
          if (auto s = closest(spec.target.text, names)) add_note(d, fmt::format("did you mean '{}'?", *s));
          rt.fields[fi].type = Type::of(Kind::error);
          continue;
        }
        model::Reference ref;
        ref.target = target->index;
        ref.unchecked = spec.unchecked;
        if (target->key_fields.empty()) {
          auto& d = ctx.diags.error(code::kBadReference, spec.target.range,
                                    fmt::format("'{}' has no key field, so nothing can reference it", target->name));
          add_note(d, fmt::format("{} is declared here; mark its identifying field with `key`", target->name),
                   ctx.record_decl_range[target->index]);
        } else if (target->key_fields.size() > 1) {
          ctx.diags.error(code::kBadReference, spec.target.range,
                          fmt::format("'{}' has a composite key; a reference needs a single key field",
                                      target->name));
        }
        if (spec.nav) {
          ref.nav = spec.nav->text;
          navs.push_back({static_cast<std::uint32_t>(ri), *spec.nav, "navigation"});
        }
        if (spec.reverse) {
          ref.reverse = spec.reverse->text;
          reverses.push_back({target->index, *spec.reverse, "reverse list"});
        }
        rt.fields[fi].ref = std::move(ref);
      }
    }
    // Types after every reference is known: a key may itself be a reference.
    for (auto& rt : schema.records)
      for (auto& f : rt.fields)
        if (f.ref) f.type = key_type(f.ref->target);

    // Reverse lists are attached to their targets in declaration order.
    for (std::size_t ri = 0; ri < schema.records.size(); ++ri) {
      const auto& rt = schema.records[ri];
      for (std::size_t fi = 0; fi < rt.fields.size(); ++fi) {
        const auto& f = rt.fields[fi];
        if (!f.ref || f.ref->reverse.empty()) continue;
        schema.records[f.ref->target].reverse_lists.push_back(
            {f.ref->reverse, static_cast<std::uint32_t>(ri), static_cast<std::uint32_t>(fi)});
      }
    }

    // A record's fields, navigations and reverse lists share one namespace: `x.name` must
    // mean exactly one thing.
    std::vector<std::map<std::string, SourceRange>> names(schema.records.size());
    for (std::size_t ri = 0; ri < schema.records.size(); ++ri)
      for (std::size_t fi = 0; fi < schema.records[ri].fields.size(); ++fi)
        names[ri].emplace(schema.records[ri].fields[fi].name, ctx.field_name_range[ri][fi]);
    for (const auto* uses : {&navs, &reverses})
      for (const auto& u : *uses) {
        auto [it, fresh] = names[u.record].emplace(u.name.text, u.name.range);
        if (fresh) continue;
        auto& d = ctx.diags.error(code::kDuplicate, u.name.range,
                                  fmt::format("{} '{}' clashes with a name {} already has", u.what, u.name.text,
                                              schema.records[u.record].name));
        add_note(d, "first declared here", it->second);
      }
  }

  // Whether record `ri` is declared with `role NAME` (whether or not the role was granted).
  bool declares(std::size_t ri, std::string_view name) const {
    for (const auto& r : record_decls[ri]->roles)
      if (r.text == name) return true;
    return false;
  }

  // `role name` on field `fi` of record `ri`: the field naming an owner or screened record.
  void name_role(std::size_t ri, int fi, const ast::Name& role, std::map<std::string, SourceRange>& mine) {
    const auto& rt = schema.records[ri];
    const auto& f = rt.fields[static_cast<std::size_t>(fi)];
    const bool owner = schema.roles.owner == ri, screened = schema.roles.screened == ri;
    if (!owner && !screened && (declares(ri, "owner") || declares(ri, "screened"))) return;  // its role was refused
    if (!owner && !screened) {
      auto& d = ctx.diags.error(code::kBadRole, role.range,
                                fmt::format("the field role 'name' belongs to the owner or screened record, and '{}' is neither",
                                            rt.name));
      add_note(d, fmt::format("declare the record `record {} \"...\" role owner {{ ... }}` (or `role screened`)", rt.name),
               ctx.record_decl_range[ri]);
      return;
    }
    if (auto [m, fresh] = mine.emplace(role.text, role.range); !fresh) {
      auto& d = ctx.diags.error(code::kRoleTwice, role.range, fmt::format("field '{}' is given the role 'name' twice", f.name));
      add_note(d, "first given here", m->second);
      return;
    }
    if (!(f.type.is(Kind::string) || f.type.is(Kind::enum_) || f.type.is(Kind::error))) {
      ctx.diags.error(code::kBadRole, role.range,
                      fmt::format("a field `role name` holds text (string or an enum), but {}.{} is {}", rt.name, f.name,
                                  model::to_string(f.type)));
      return;
    }
    int& slot = owner ? schema.roles.owner_name : schema.roles.screened_name;
    if (slot >= 0) {
      auto& d = ctx.diags.error(code::kRoleTwice, role.range, fmt::format("record '{}' has two fields of the role 'name'", rt.name));
      add_note(d, fmt::format("'{}' has it", rt.fields[static_cast<std::size_t>(slot)].name),
               ctx.field_name_range[ri][static_cast<std::size_t>(slot)]);
      return;
    }
    if (owner) schema.roles.owner_name = fi;
    if (screened) schema.roles.screened_name = fi;
  }

  // `role jurisdiction` on field `fi` of record `ri`: the owner record's field whose values are
  // the jurisdictions an inspector is limited to. Checked like `role name`: a jurisdiction
  // guessed from a misplaced or mistyped role would scope an inspector by the wrong values.
  void jurisdiction_role(std::size_t ri, int fi, const ast::Name& role, std::map<std::string, SourceRange>& mine) {
    const auto& rt = schema.records[ri];
    const auto& f = rt.fields[static_cast<std::size_t>(fi)];
    if (schema.roles.owner != ri && declares(ri, "owner")) return;  // its role was refused (reported)
    if (schema.roles.owner != ri) {
      auto& d = ctx.diags.error(code::kBadRole, role.range,
                                fmt::format("the field role 'jurisdiction' belongs to the owner record, and '{}' is not `role owner`",
                                            rt.name));
      add_note(d, fmt::format("declare the record `record {} \"...\" role owner {{ ... }}`", rt.name), ctx.record_decl_range[ri]);
      return;
    }
    if (auto [m, fresh] = mine.emplace(role.text, role.range); !fresh) {
      auto& d = ctx.diags.error(code::kRoleTwice, role.range,
                                fmt::format("field '{}' is given the role 'jurisdiction' twice", f.name));
      add_note(d, "first given here", m->second);
      return;
    }
    // Jurisdictions are compared as text with the values assigned to an account.
    if (!(f.type.is(Kind::string) || f.type.is(Kind::enum_) || f.type.is(Kind::error))) {
      ctx.diags.error(code::kBadRole, role.range,
                      fmt::format("a field `role jurisdiction` holds text (string or an enum), but {}.{} is {}", rt.name,
                                  f.name, model::to_string(f.type)));
      return;
    }
    int& slot = schema.roles.owner_jurisdiction;
    if (slot >= 0) {
      auto& d = ctx.diags.error(code::kRoleTwice, role.range,
                                fmt::format("record '{}' has two fields of the role 'jurisdiction'", rt.name));
      add_note(d, fmt::format("'{}' has it", rt.fields[static_cast<std::size_t>(slot)].name),
               ctx.field_name_range[ri][static_cast<std::size_t>(slot)]);
      return;
    }
    slot = fi;
  }

  // Roles and validators (docs/rule-language.md, "Roles and validators"): what the engine
  // needs to know of the ruleset's own record types. Checked here so that a misspelt role is
  // an error, not an owner, screening or waiver that silently does not exist.
  void roles() {
    static const std::vector<std::string> record_roles = {"owner", "screened", "waiver"};
    static const std::vector<std::pair<const char*, int model::WaiverFields::*>> field_roles = {
        {"rule", &model::WaiverFields::rule},   {"subject_type", &model::WaiverFields::subject_type},
        {"subject", &model::WaiverFields::subject}, {"from", &model::WaiverFields::from},
        {"until", &model::WaiverFields::until}, {"basis", &model::WaiverFields::basis},
        {"approver", &model::WaiverFields::approver}};
    auto unknown = [&](const ast::Name& role, const char* where, std::vector<std::string> names) {
      auto& d = ctx.diags.error(code::kBadRole, role.range, fmt::format("unknown role '{}' of a {}", role.text, where));
      auto s = closest(role.text, names);
      add_note(d, s ? fmt::format("did you mean '{}'? ({})", *s, list_names(names))
                    : fmt::format("a {} takes the role {}", where, list_names(names)));
    };
    std::map<std::string, SourceRange> taken;  // record role -> the record name that has it
    for (std::size_t ri = 0; ri < schema.records.size(); ++ri) {
      const auto& rt = schema.records[ri];
      std::map<std::string, SourceRange> mine;
      for (const auto& role : record_decls[ri]->roles) {
        std::optional<std::uint32_t>* slot = role.text == "owner"      ? &schema.roles.owner
                                             : role.text == "screened" ? &schema.roles.screened
                                             : role.text == "waiver"   ? &schema.roles.waiver
                                                                       : nullptr;
        if (!slot) {
          unknown(role, "record", record_roles);
          continue;
        }
        if (auto [it, fresh] = mine.emplace(role.text, role.range); !fresh) {
          auto& d = ctx.diags.error(code::kRoleTwice, role.range,
                                    fmt::format("record '{}' is given the role '{}' twice", rt.name, role.text));
          add_note(d, "first given here", it->second);
          continue;
        }
        if (auto [it, fresh] = taken.emplace(role.text, role.range); !fresh) {
          auto& d = ctx.diags.error(
              code::kRoleTwice, role.range,
              fmt::format("record '{}' cannot take the role '{}': record '{}' has it", rt.name, role.text,
                          schema.records[**slot].name));
          add_note(d, "declared here", it->second);
          continue;
        }
        if (role.text != "waiver" && rt.key_fields.empty()) {
          auto& d = ctx.diags.error(code::kBadRole, role.range,
                                    fmt::format("record '{}' has no key field, so it cannot be `role {}`", rt.name, role.text));
          add_note(d, role.text == "owner" ? "findings name their owner by its key; mark its identifying field with `key`"
                                           : "a screening names each decision by its key; mark its identifying field with `key`");
          continue;
        }
        *slot = static_cast<std::uint32_t>(ri);
      }
    }
    std::vector<std::string> role_names = {"name", "jurisdiction"};
    for (const auto& [n, slot] : field_roles) role_names.push_back(n);
    auto& wf = schema.roles.waiver_fields;
    std::set<std::string> tried;  // waiver field roles given (granted or refused with an error)
    for (std::size_t ri = 0; ri < schema.records.size(); ++ri) {
      const auto& rt = schema.records[ri];
      const bool waiver = schema.roles.waiver == ri;
      for (const auto& fd : record_decls[ri]->fields) {
        const int fi = rt.find_field(fd.name.text);
        // A duplicate field was reported and dropped: its attributes are not checked again.
        if (fi < 0 || !(ctx.field_name_range[ri][static_cast<std::size_t>(fi)] == fd.name.range)) continue;
        auto& f = schema.records[ri].fields[static_cast<std::size_t>(fi)];
        if (fd.validator) {
          auto v = model::parse_validator(fd.validator->text);
          if (!v) {
            auto& d = ctx.diags.error(code::kBadValidator, fd.validator->range,
                                      fmt::format("unknown validator '{}'", fd.validator->text));
            const std::vector<std::string> names = {"uscc", "hw_category"};
            auto s = closest(fd.validator->text, names);
            add_note(d, s ? fmt::format("did you mean '{}'? (uscc: a 统一社会信用代码, hw_category: a hazardous-waste category)", *s)
                          : std::string("write uscc (a 统一社会信用代码) or hw_category (a hazardous-waste category)"));
          } else if (!f.type.is(Kind::string) && !f.type.is(Kind::error)) {
            ctx.diags.error(code::kBadValidator, fd.validator->range,
                            fmt::format("validator '{}' checks text, but {}.{} is {}", fd.validator->text, rt.name, f.name,
                                        model::to_string(f.type)));
          } else {
            f.validator = *v;
          }
        }
        std::map<std::string, SourceRange> mine;
        for (const auto& role : fd.roles) {
          if (role.text == "name") {
            name_role(ri, fi, role, mine);
            continue;
          }
          if (role.text == "jurisdiction") {
            jurisdiction_role(ri, fi, role, mine);
            continue;
          }
          auto it = std::find_if(field_roles.begin(), field_roles.end(), [&](const auto& r) { return role.text == r.first; });
          if (it == field_roles.end()) {
            unknown(role, "field", role_names);
            continue;
          }
          if (!waiver && declares(ri, "waiver")) continue;  // its role was refused (reported)
          if (!waiver) {
            auto& d = ctx.diags.error(code::kBadRole, role.range,
                                      fmt::format("the field role '{}' belongs to the waiver record, and '{}' is not `role waiver`",
                                                  role.text, rt.name));
            add_note(d, fmt::format("declare the record `record {} \"...\" role waiver {{ ... }}`", rt.name), ctx.record_decl_range[ri]);
            continue;
          }
          if (auto [m, fresh] = mine.emplace(role.text, role.range); !fresh) {
            auto& d = ctx.diags.error(code::kRoleTwice, role.range,
                                      fmt::format("field '{}' is given the role '{}' twice", f.name, role.text));
            add_note(d, "first given here", m->second);
            continue;
          }
          tried.insert(role.text);
          const bool dated = role.text == "from" || role.text == "until";
          const bool fits = f.type.is(Kind::error) || (dated ? f.type.is(Kind::date) : f.type.is(Kind::string) || f.type.is(Kind::enum_));
          if (!fits) {
            ctx.diags.error(code::kBadRole, role.range,
                            fmt::format("a field `role {}` holds {}, but {}.{} is {}", role.text,
                                        dated ? "a date" : "text (string or an enum)", rt.name, f.name, model::to_string(f.type)));
            continue;
          }
          int& slot = wf.*(it->second);
          if (slot >= 0) {
            auto& d = ctx.diags.error(code::kRoleTwice, role.range,
                                      fmt::format("record '{}' has two fields of the role '{}'", rt.name, role.text));
            add_note(d, fmt::format("'{}' has it", rt.fields[static_cast<std::size_t>(slot)].name),
                     ctx.field_name_range[ri][static_cast<std::size_t>(slot)]);
            continue;
          }
          slot = fi;
        }
      }
    }
    if (schema.roles.waiver) {
      const auto ri = *schema.roles.waiver;
      static const std::vector<std::pair<const char*, const char*>> needed = {
          {"rule", "the waived rule id or requirement id"},
          {"subject", "the key of the waived subject"},
          {"from", "the first day the waiver is valid"},
          {"until", "the last day the waiver is valid"}};
      for (const auto& need : needed) {
        // Plain names, not a structured binding: clang before 16 cannot capture those in a lambda.
        const char* const role = need.first;
        const char* const what = need.second;
        auto it = std::find_if(field_roles.begin(), field_roles.end(), [&](const auto& r) { return std::string_view(role) == r.first; });
        // A role given to a field refused above was reported there, not missing.
        if (wf.*(it->second) >= 0 || tried.count(role)) continue;
        auto& d = ctx.diags.error(code::kRoleMissing, ctx.record_decl_range[ri],
                                  fmt::format("the waiver record '{}' has no field `role {}` ({})", schema.records[ri].name, role, what));
        add_note(d, "a waiver is applied by its rule, subject, from and until fields");
      }
    }
  }
};

}  // namespace

model::Type resolve_type(Context& ctx, const ast::TypeRef& t) {
  const model::Schema& schema = ctx.rs.schema;
  const std::string& n = t.name.text;
  auto arity = [&](std::size_t want, const char* form) {
    if (t.args.size() == want) return true;
    ctx.diags.error(code::kUnknownType, t.range,
                    want == 0 ? fmt::format("type '{}' takes no type arguments", n)
                              : fmt::format("type '{}' takes {} type argument{}: {}", n, want,
                                            want == 1 ? "" : "s", form));
    return false;
  };
  if (auto it = builtin_types().find(n); it != builtin_types().end())
    return arity(0, "") ? Type::of(it->second) : Type::of(Kind::error);
  if (n == "list") {
    if (!arity(1, "list<T>")) return Type::of(Kind::error);
    return Type::list(resolve_type(ctx, t.args[0]));
  }
  if (n == "map") {
    if (!arity(2, "map<K, V>")) return Type::of(Kind::error);
    Type k = resolve_type(ctx, t.args[0]);
    Type v = resolve_type(ctx, t.args[1]);
    if (!(k.is(Kind::string) || k.is(Kind::int_) || k.is(Kind::uint_) || k.is(Kind::bool_) ||
          k.is(Kind::enum_) || k.is(Kind::error))) {
      ctx.diags.error(code::kTypeMismatch, t.args[0].range,
                      fmt::format("map keys must be string, int, uint, bool or an enum, not {}",
                                  model::to_string(k)));
      return Type::of(Kind::error);
    }
    return Type::map(std::move(k), std::move(v));
  }
  if (const auto* e = schema.find_enum(n)) return arity(0, "") ? Type::enumeration(e) : Type::of(Kind::error);
  if (schema.find_record(n)) {
    // Records are not values a field or parameter holds: that is what `ref` is for.
    auto& d = ctx.diags.error(code::kUnknownType, t.range,
                              fmt::format("'{}' is a record type; a field or parameter cannot hold a record", n));
    add_note(d, fmt::format("to reference {0} records, write `ref {0}`", n));
    return Type::of(Kind::error);
  }
  std::vector<std::string> candidates;
  for (const auto& [name, k] : builtin_types()) candidates.push_back(name);
  candidates.push_back("list");
  candidates.push_back("map");
  for (const auto& en : schema.enums) candidates.push_back(en.name);
  auto& d = ctx.diags.error(code::kUnknownType, t.name.range, fmt::format("unknown type '{}'", n));
  if (auto s = closest(n, candidates)) add_note(d, fmt::format("did you mean '{}'?", *s));
  return Type::of(Kind::error);
}

void build_schema(Context& ctx) {
  SchemaBuilder b{ctx, ctx.rs.schema, {}, {}};
  b.enums();
  b.register_records();
  b.fields();
  b.references();
  b.roles();
}

}  // namespace eco::dsl::check
