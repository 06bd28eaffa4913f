#pragma once
// CEL's standard functions and EcoAudit's extensions, as used by the compiler (internal to
// dsl/cel); the function registry (functions.hpp) binds them to overload ids. Every function
// takes evaluated arguments that are neither errors nor unknowns (the caller propagates
// those) and returns a value or an error value.
#include <cstddef>
#include <string_view>

#include "dsl/cel/functions.hpp"
#include "dsl/cel/program.hpp"
#include "dsl/cel/value.hpp"

namespace eco::dsl::cel::detail {

using cel::Builtin;

Value no_overload(std::string_view function);

// Operators.
Value add(const Value& a, const Value& b);
Value subtract(const Value& a, const Value& b);
Value multiply(const Value& a, const Value& b);
Value divide(const Value& a, const Value& b);
Value modulo(const Value& a, const Value& b);
Value negate(const Value& a);
Value index(const Value& container, const Value& key);
Value contains_element(const Value& element, const Value& container);  // `in`
// op: 0 <, 1 <=, 2 >, 3 >=
Value relation(int op, const Value& a, const Value& b);

// Name of a value's type, refined with the schema for enums and records.
std::string_view type_of(const Value& v, const Activation& a);

// Reads a field of a record value by name (selections the compiler could not resolve).
Value select_record_field(const Value& record, std::string_view name, const Activation& a, bool test_only);

}  // namespace eco::dsl::cel::detail
