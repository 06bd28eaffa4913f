#pragma once
// The catalogue of the importer's error codes: I001... of `ecoaudit import` (docs/store.md
// explains each) and M001... of `ecoaudit import-monitoring`, the HJ 212-2017 messages
// (docs/monitoring.md). Codes are stable: tests and tools match on them, so a code is never
// renumbered or reused. The codes of the rule language (P, N, T, D, W) are in
// dsl/common/codes.hpp. A code is written only here, as a named constant (CTest codes.literals
// fails on a literal anywhere else; codes.cases fails when a code has no case that expects it).

namespace eco::engine::ingest::code {

inline constexpr const char* kFile = "I001";          // missing, unreadable, unknown format or record type
inline constexpr const char* kEncoding = "I002";      // binary, not UTF-8 / GB18030
inline constexpr const char* kSyntax = "I003";        // malformed CSV/XML/JSON/workbook, JSON duplicate key, truncated
inline constexpr const char* kHeader = "I004";        // unknown, duplicate or missing required column
inline constexpr const char* kRagged = "I005";        // row with a different number of fields than the header
inline constexpr const char* kValue = "I006";         // value not of the field's type / enum / format
inline constexpr const char* kRequired = "I007";      // required field missing
inline constexpr const char* kDuplicateKey = "I008";  // two records with the same key in one batch
inline constexpr const char* kReference = "I009";     // reference to a record that does not exist
inline constexpr const char* kStructure = "I010";     // XML/JSON element or member that is no field or record
inline constexpr const char* kChanged = "I011";       // file changed, truncated or replaced while it was read
inline constexpr const char* kNotRegular = "I012";    // FIFO, device, socket, dangling or looping symbolic link
inline constexpr const char* kForbiddenChar = "I013"; // NUL written as an escape (JSON \u0000, XML &#0;), XML char XML forbids
inline constexpr const char* kLimit = "I014";         // field over 1 MiB, nesting too deep, document too large, zip bomb
inline constexpr const char* kDtd = "I015";           // XML DTD, entity declaration or undefined entity reference
inline constexpr const char* kExists = "I016";        // record in the store that may not be replaced (screen --record)

}  // namespace eco::engine::ingest::code

// HJ 212-2017 online-monitoring messages (engine/ingest/hj212.hpp).
namespace eco::engine::ingest::hj212::code {

inline constexpr const char* kFrame = "M001";        // not "##" + length + segment + CRC, or a truncated message
inline constexpr const char* kLength = "M002";       // the length field differs from the data segment's length
inline constexpr const char* kCrc = "M003";          // the CRC field differs from the CRC16 of the data segment
inline constexpr const char* kSyntax = "M004";       // malformed data segment (field, CP group, value, DataTime)
inline constexpr const char* kFlag = "M005";         // a data flag the declaration does not know
inline constexpr const char* kPoint = "M006";        // an MN or pollutant code no monitoring point declares
inline constexpr const char* kConflict = "M007";     // the same point, time and pollutant with other values
inline constexpr const char* kLimit = "M008";        // a summary needs a limit the monitoring point lacks
inline constexpr const char* kDeclaration = "M009";  // a summary value the schema refuses (the declaration's mapping)

}  // namespace eco::engine::ingest::hj212::code
