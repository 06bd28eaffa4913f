#pragma once
// Online-monitoring data in HJ 212-2017 messages (污染物在线监控(监测)系统数据传输标准).
//
// A file holds one message per line: "##" + 4-digit data length + data segment + 4-hex CRC16
// + CRLF (a bare LF is accepted). The length counts the bytes of the data segment; the CRC is
// HJ 212-2017 Appendix A's CRC16 over the data segment. The data segment is
// "QN=..;ST=..;CN=..;PW=..;MN=..;Flag=..;CP=&&..&&" (QN and Flag may be absent, as messages
// of older stations omit them); CP holds "DataTime=YYYYMMDDhhmmss" and pollutant groups
// "code-Avg=v,code-Min=v,code-Max=v,code-Cou=v,code-Flag=N" separated by ';'.
//
// import_monitoring keeps the hourly (CN 2061) and daily (CN 2031) data with their flags in
// the store (tables _hj212_data, created on first use) in one batch with the import's
// provenance (_batch, _batch_file, line), maps each monitoring point (MN) to a facility through
// the records a declaration names (docs/monitoring.md), and stages the monthly summaries the
// rules read, counting only hourly values whose flag the declaration makes valid. All or
// nothing: any error rolls the batch back, unless a quarantine file is given, in which case
// messages that fail their frame, CRC or syntax are written there and listed instead.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ingest/codes.hpp"
#include "engine/ingest/import.hpp"

namespace eco::engine::ingest::hj212 {

// Error codes of the monitoring import: hj212::code in engine/ingest/codes.hpp.

// The longest message line accepted (HJ 212-2017 limits the data segment to 9999 bytes).
inline constexpr std::size_t kMaxLine = 2 + 4 + 9999 + 4 + 2;

// CRC16 of HJ 212-2017 Appendix A over `data`: register 0xFFFF; per byte, the register's
// high byte XOR the byte, then 8 shifts right, XOR 0xA001 when the bit shifted out is 1.
std::uint16_t crc16(std::string_view data);

// One pollutant of a message's CP: its values (absent ones nullopt) and data flag ("" none).
struct Item {
  std::string code;
  std::optional<double> rtd, avg, min, max, cou, zs_avg, zs_min, zs_max;
  std::string flag;
};

struct Message {
  std::string qn, st, cn, pw, mn, flag;
  std::string data_time;  // YYYYMMDDhhmmss as sent
  std::string cp;         // CP's content as sent (between "&&" and "&&")
  std::vector<Item> items;
};

// Why a line is not a message, and where (1-based byte column in the line).
// `code` is a string_view so that == compares the code's text: a code set in one translation
// unit and compared in another need not share an address (ASan does not merge literals).
struct ParseError {
  std::string_view code = code::kFrame;
  std::uint32_t column = 0;
  std::string message;
};

// Parses one line (without its line end) into `out`. False with `err` set when the frame,
// length, CRC or data segment is wrong. Never throws on any input.
bool parse_message(std::string_view line, Message& out, ParseError& err);

// Parses CP's content alone (as Message::cp keeps it) into out.data_time and out.items, for a
// message of command out.cn; `cp_col` is the 0-based column of its first byte (for errors).
bool parse_cp(std::string_view cp, std::size_t cp_col, Message& out, ParseError& err);

// How a ruleset maps monitoring data onto its schema (a JSON file of the ruleset,
// rulesets/<name>/monitoring/hj212.json; docs/monitoring.md). Names only: no record or field
// name is known to the C++.
struct Declaration {
  // The record type mapping a monitoring point and pollutant code to a facility.
  std::string point_record, point_mn, point_code, point_facility, point_pollutant, point_outlet;
  // Summary field -> the point's field holding the limit its hours are counted over.
  std::map<std::string, std::string> hours_over;
  // The record type of monthly summaries and its fields.
  std::string summary_record, summary_facility, summary_month, summary_pollutant, summary_avg,
      summary_max, summary_hours_valid, summary_validity, summary_outlet;
  // Which value of an hourly message is summarised: "Avg" or "ZsAvg" (折算浓度).
  std::string value = "Avg";
  // HJ 212-2017 data flag -> value of the summary's validity field; the flags whose value is in
  // `valid` make a value count.
  std::map<std::string, std::string> flags;
  std::vector<std::string> valid;
  // Validity value of a summary with no valid hour in the month.
  std::string no_valid_hours;
};

// Reads a declaration; throws std::runtime_error naming the file and the problem.
Declaration read_declaration(const std::filesystem::path& file);

struct MonitoringOptions {
  ImportOptions import;
  Declaration declaration;
  // Messages failing their frame, length, CRC or syntax are written here (the lines as read)
  // and listed in MonitoringResult::quarantined; the batch proceeds without them.
  std::optional<std::filesystem::path> quarantine;
};

struct MonitoringResult {
  ImportResult import;
  std::uint64_t messages = 0, hourly = 0, daily = 0, other = 0;  // other: CNs not kept (counted)
  // values: pollutant values of the kept messages; messages_new/_unchanged: kept messages
  // (hourly and daily) stored by this batch / already in the store identically.
  std::uint64_t values = 0, values_valid = 0, messages_new = 0, messages_unchanged = 0;
  std::uint64_t summaries = 0;
  // What the staged summaries did to the store's rows: new, changed (the earlier version kept
  // in the history), or equal to the stored row (left alone). Set when the import succeeds.
  std::uint64_t summaries_new = 0, summaries_changed = 0, summaries_unchanged = 0;
  std::vector<ImportError> quarantined;
};

// Imports the HJ 212 files `paths` into `store` as one batch (see above). Store failures throw
// store::StoreError; errors in the data are in the result.
MonitoringResult import_monitoring(store::Store& store,
                                   const std::vector<std::filesystem::path>& paths,
                                   const MonitoringOptions& options);

}  // namespace eco::engine::ingest::hj212
