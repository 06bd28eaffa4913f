#pragma once
// The catalogue of diagnostic codes. Codes are stable: tests and tools match on them, so a
// code is never renumbered or reused; wording may change. docs/diagnostics.md explains each.
//   P  parse and encoding        N  names (resolution)        T  types
//   D  declarations and rules    W  warnings about rules that are legal but risky
// The importer's codes (I) are in engine/ingest/codes.hpp. A code is written only in these
// two headers, as a named constant (CTest codes.literals fails on a literal anywhere else).
namespace eco::dsl::code {

// Parse (owned by dsl/parser).
inline constexpr const char* kSyntax = "P001";            // unexpected text; "expected ..."
inline constexpr const char* kInvalidUtf8 = "P002";       // invalid UTF-8 byte sequence
inline constexpr const char* kTooDeep = "P003";           // nesting deeper than the limit
inline constexpr const char* kUnterminatedString = "P004";
inline constexpr const char* kBadEscape = "P005";         // invalid escape in a string
inline constexpr const char* kBadNumber = "P006";         // number literal out of range
inline constexpr const char* kBadDate = "P007";           // date literal naming no real day
inline constexpr const char* kReservedWord = "P008";      // CEL reserved word used as a name
inline constexpr const char* kBadTemplate = "P009";       // malformed {..} hole in a message
inline constexpr const char* kInclude = "P010";           // include not found, unreadable, cyclic
inline constexpr const char* kFileTooLarge = "P011";      // input larger than the reader accepts
inline constexpr const char* kIncludeOutside = "P012";    // include leaves the ruleset's folder

// Names (owned by dsl/check).
inline constexpr const char* kUnknownRecord = "N001";
inline constexpr const char* kUnknownField = "N002";      // with "did you mean"
inline constexpr const char* kUnknownName = "N003";       // variable / parameter / function
inline constexpr const char* kDuplicate = "N004";         // duplicate declaration (record, field, enum, param)
inline constexpr const char* kDuplicateRule = "N005";
inline constexpr const char* kUnknownEnumValue = "N006";
inline constexpr const char* kUnknownType = "N007";
inline constexpr const char* kUnknownRequirement = "N008"; // not in the plan catalogue
inline constexpr const char* kTestUnknownRule = "N009";
inline constexpr const char* kTestUnknownSubject = "N010";

// Types (owned by dsl/check).
inline constexpr const char* kTypeMismatch = "T001";
inline constexpr const char* kNotBool = "T002";           // condition is not bool
inline constexpr const char* kDeadlineNotDate = "T003";
inline constexpr const char* kNoOverload = "T004";
inline constexpr const char* kParamValueType = "T005";
inline constexpr const char* kBadRegex = "T006";          // invalid constant regular expression
inline constexpr const char* kParamAtNotDated = "T010";   // param_at() of something not a dated parameter

// Declarations (owned by dsl/check).
inline constexpr const char* kParamNoSource = "D001";
inline constexpr const char* kMissingClause = "D002";     // e.g. a rule without require / for
inline constexpr const char* kBadSeverity = "D003";
inline constexpr const char* kBadConfidence = "D004";
inline constexpr const char* kBadReference = "D005";      // ref to a record without a key, ...
inline constexpr const char* kDatedOrder = "D006";        // dated entries out of order
inline constexpr const char* kRepeatedClause = "D007";
inline constexpr const char* kBadVerdict = "D008";
inline constexpr const char* kBadKey = "D009";            // optional key field, or a type no key can have
inline constexpr const char* kNotConstant = "D010";       // a parameter value / test date that is not a constant
inline constexpr const char* kBadBasis = "D011";          // unknown deadline basis
inline constexpr const char* kBadMessageVerdict = "D012"; // unknown verdict in `message VERDICT`
inline constexpr const char* kTemplateTooLarge = "D013";  // a message or reason over the evaluation limits

inline constexpr const char* kCalendarDay = "D020";       // a calendar day that is no date, outside its year, a reversed range
inline constexpr const char* kCalendarClash = "D021";     // a day listed twice or both holiday and workday; a year twice
inline constexpr const char* kCalendarNoSource = "D022";  // a calendar year without source
inline constexpr const char* kNoCalendar = "D023";        // working-day functions without a calendar; a second calendar
inline constexpr const char* kBadComplete = "D024";       // `complete` naming no reverse list, or one declared twice
inline constexpr const char* kBadValid = "D025";          // `valid` naming no field, a key, a field twice, or read by its condition
inline constexpr const char* kGuardNoReason = "D026";     // `complete` / `valid` without a reason
inline constexpr const char* kBadRole = "D027";           // unknown role, a role where it cannot be, a role field of the wrong type
inline constexpr const char* kRoleTwice = "D028";         // a role taken by two records (or two fields of the waiver record)
inline constexpr const char* kRoleMissing = "D029";       // a waiver record without a field its role needs
inline constexpr const char* kBadValidator = "D030";      // unknown validator, or one on a field that is not a string
inline constexpr const char* kMigrationName = "D031";   // a migration step naming what the schema does not have (after), or still has (before); an id twice
inline constexpr const char* kMigrationType = "D032";   // `convert` from a type with no conversion to the field's; `require` of an optional field or a default not of its type
inline constexpr const char* kMigrationValue = "D033";  // `map` / `split` values: a new value not in the enum, an old one still in it, a split choice's field unknown
inline constexpr const char* kBadMessageCheck = "D034";  // a test's `message` check other than contains/lacks, or with an empty text

// Warnings (owned by dsl/check).
inline constexpr const char* kUnguardedOptional = "W001"; // optional field read without has()/default
inline constexpr const char* kWorkdayNotWeekend = "W002"; // an adjusted working day that is not a Saturday or Sunday
inline constexpr const char* kAdviceBasisBreach = "W005"; // basis advice, but the rule can give violation
inline constexpr const char* kBasisNeedsDeadline = "W006"; // a dated basis without a deadline clause
inline constexpr const char* kBasisDisagrees = "W007";    // rule basis differs from its deadline parameter's
inline constexpr const char* kMessageNeverUsed = "W008";  // message for a verdict the rule cannot give

}  // namespace eco::dsl::code
