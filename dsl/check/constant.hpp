#pragma once
// Internal to dsl/check: reading constant values out of expressions written in declarations.
#include <optional>
#include <string>

#include "dsl/ast/expr.hpp"
#include "dsl/common/date.hpp"

namespace eco::dsl::check {

// The date a constant expression names: a date literal or date("YYYY-MM-DD").
std::optional<Date> constant_date(const ast::Expr& e);

// A record key written as a constant (string or integer literal), as text.
std::optional<std::string> constant_key(const ast::Expr& e);

}  // namespace eco::dsl::check
