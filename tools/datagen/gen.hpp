#pragma once
// Internal state of the generator shared by generate.cpp (background data) and
// scenarios.cpp (deliberate cases): the random stream, key counters and output tables.
#include <array>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "tools/datagen/columns.hpp"
#include "tools/datagen/generate.hpp"
#include "tools/datagen/rng.hpp"
#include "tools/datagen/table.hpp"
#include "tools/datagen/uscc.hpp"

namespace eco::datagen {

// Industries in the order of the schema's `industry` enum.
enum class Ind {
  coking, steel, cement, coal_power, coal_mining, chemical, coal_chemical, nonferrous, casting,
  glass, lime, building_materials, coating, printing, wood_panel, electronics, electroplating,
  pharmaceutical, medical, hw_operator, sewage_plant, fuel_station, construction, transport, other
};

// What the children of an enterprise need to know about it.
struct Ent {
  std::string id, name, park, spur, status;
  Ind ind = Ind::other;
  int county = 0;
  bool urban = false;
  bool voc_key = false;
  double freight = 0;
  std::vector<std::string> plates;   // freight trucks whose gate entries are generated
};

// A licensed hazardous-waste operator that manifests can go to.
struct Receiver {
  std::string id, license;
  std::vector<std::string> codes;
};

// The generator; see generate.hpp for what it produces.
class Gen {
 public:
  explicit Gen(const Options& opt);
  Summary run();

  Table enterprise{"enterprise", k_enterprise}, zone{"zone", k_zone},
      enterprise_zone{"enterprise_zone", k_enterprise_zone}, permit{"permit", k_permit},
      permit_limit{"permit_limit", k_permit_limit}, facility{"facility", k_facility},
      emission_monthly{"emission_monthly", k_emission_monthly}, vehicle{"vehicle", k_vehicle},
      transport_entry{"transport_entry", k_transport_entry},
      voc_material{"voc_material", k_voc_material}, voc_treatment{"voc_treatment", k_voc_treatment},
      ldar_round{"ldar_round", k_ldar_round}, storage_tank{"storage_tank", k_storage_tank},
      bulk_freight_year{"bulk_freight_year", k_bulk_freight_year},
      voc_loading{"voc_loading", k_voc_loading}, voc_capture{"voc_capture", k_voc_capture},
      hw_declaration{"hw_declaration", k_hw_declaration}, hw_plan{"hw_plan", k_hw_plan},
      hw_manifest{"hw_manifest", k_hw_manifest}, hw_license{"hw_license", k_hw_license},
      hw_license_code{"hw_license_code", k_hw_license_code}, hw_storage{"hw_storage", k_hw_storage},
      storage_yard{"storage_yard", k_storage_yard}, tailings_pond{"tailings_pond", k_tailings_pond},
      well{"well", k_well}, outfall{"outfall", k_outfall}, chemical_use{"chemical_use", k_chemical_use},
      radioactive_source{"radioactive_source", k_radioactive_source},
      park{"park", k_park}, application{"application", k_application},
      application_zone{"application_zone", k_application_zone},
      application_heavy_metal{"application_heavy_metal", k_application_heavy_metal},
      waiver{"waiver", k_waiver}, pollution_alert{"pollution_alert", k_pollution_alert},
      pollution_alert_county{"pollution_alert_county", k_pollution_alert_county},
      alert_check{"alert_check", k_alert_check},
      hw_periodic_declaration{"hw_periodic_declaration", k_hw_periodic_declaration},
      monitoring_point{"monitoring_point", k_monitoring_point},
      inspection{"inspection", k_inspection}, inspector{"inspector", k_inspector},
      inspector_recusal{"inspector_recusal", k_inspector_recusal};

 private:
  static int day(int y, unsigned m, unsigned d);
  static const char* industry_name(Ind i);
  static const char* industry_label(Ind i);
  static bool is_heavy(Ind i);
  static bool is_industrial(Ind i);
  static bool is_freight_heavy(Ind i);
  static bool is_hw_generator(Ind i);
  static bool is_voc(Ind i);
  static std::vector<std::string> waste_codes_for(Ind i);
  static std::string serial_id(std::string_view prefix, std::uint64_t n);

  int county_index(std::string_view name) const;
  const char* county_name(int c) const;
  int pick_county(Ind ind);
  Ind pick_industry();
  std::string next_uscc(int county, Ind ind);
  std::string next_plate(bool new_energy);
  std::string manifest_no(int year);

  // Fills the enterprise row with realistic values; the caller may override cells, then
  // calls end_enterprise.
  Ent begin_enterprise(Ind ind, int county, std::string_view status);
  void end_enterprise(Ent& e);
  void enterprise_zone_row(const std::string& ent, std::string_view zone);
  void write_zones();
  // The park register (park.csv): each county's 经济技术开发区 and 化工园区, named as
  // begin_enterprise names them, and the parks the screening cases name; 和顺化工园区 is not an
  // accredited chemical park and 左权化工园区 is left out of the register (SOI-04, LAY-10).
  void write_parks();
  static const char* park_level_of(int county);
  // Begins a facility row (id, enterprise, kind, status set); the caller ends it.
  std::string add_facility(const Ent& e, std::string_view kind, std::string_view status);
  // Six monthly CEMS summaries per pollutant (pm, so2, nox) for the months before the
  // reference date; `over` puts last month's NOx above the ULE limit; `no_quantity` (a
  // pollutant) leaves that pollutant's last monthly quantity empty. annual_t is the
  // year-to-date total; the facility's latest one written for the reference year is added to
  // cems_year_t_ of the current enterprise.
  // `permit_mg_m3` (pm, so2, nox), when given, makes the facility a monitored one: its last
  // month comes as HJ 212-2017 messages (hj212.cpp) counted over those permit limits and the
  // ULE level, and that month's summaries are derived from the messages as `ecoaudit
  // import-monitoring` derives them (one source: importing the messages leaves them unchanged).
  void cems_rows(const std::string& fid, std::string_view kind, bool over, std::string_view no_quantity = {},
                 const std::array<double, 3>* permit_mg_m3 = nullptr);
  // ---- HJ 212-2017 messages (hj212.cpp) ----
  // One hour of a pollutant: the summarised value (ZsAvg) as written, and its data flag.
  struct Hour {
    std::string zs;
    char flag = 'N';
  };
  // A monitored facility: its acquisition unit (MN) and the hours of its last month.
  struct Monitored {
    std::string fid, mn;
    int year = 0;
    unsigned month = 0;
    std::array<std::vector<Hour>, 3> hours;  // pm, so2, nox
  };
  // A month's summary figures, as drawn (targets) or as derived from the hours.
  struct MonthFigures {
    double avg = 0, max = 0;
    int hours_valid = 0, over_ule = 0, over_permit = 0;
  };
  // Draws the hours of pollutant `pi` of `m` near `target` (hours_valid exact; the other figures
  // reconciled where the target contradicts itself, e.g. hours over a limit the maximum does not
  // reach) with a stream of its own (the main stream is not touched), and returns the figures
  // derived from them: valid (N) hours only, strictly above `ule` / `permit`.
  MonthFigures monitored_month(Monitored& m, int pi, double ule, double permit, const MonthFigures& target);
  // Writes OUT/hj212/YYYY-MM.txt: the monitored facilities' hourly (CN 2061) and daily (CN 2031)
  // messages in time order, with three corrupted retransmissions (a wrong CRC, a truncated
  // message, a wrong length), each followed by the intact message.
  void write_hj212();
  std::vector<Monitored> monitored_;
  // Writes one permit_limit row.
  void add_limit(const std::string& permit_no, std::string_view outlet, std::string_view pol, double mg_m3,
                 double annual_t);
  // Begins a permit row valid five years from `issued`; the caller ends it.
  std::string add_permit(const Ent& e, std::string_view category, int issued, std::string_view status);
  // Begins a vehicle row; the caller ends it.
  std::string add_vehicle(const Ent& e, std::string_view kind, std::string_view fuel, int standard);
  // Writes one manifest (received `receive_days` after shipping, random 0..3 when 0, never when
  // negative; confirmed in the system on the day of receipt); returns its number.
  std::string add_manifest(const std::string& gen_id, const std::string& recv_id, std::string_view code, int shipped,
                           double tonnes, bool electronic, double received_delta, int receive_days = 0);
  void add_license(const std::string& holder, std::string_view no, int from, int until,
                   const std::vector<std::string>& codes);

  void random_facilities(Ent& e);
  void random_permit(const Ent& e);
  void random_vehicles(Ent& e);
  void random_entries(const Ent& e);
  void random_voc(const Ent& e);
  void random_hw(const Ent& e);
  void random_site(const Ent& e);
  void random_zones(const Ent& e, bool urban);
  Ent random_enterprise(Ind ind);
  void random_application(std::uint64_t i);

  // Deliberate cases (scenarios.cpp), one function per area of the plan, called in this order
  // by scenarios(). Keys are serial, so a new area's cases go in a new function called last:
  // the keys of the existing cases (cited in the demo README and in notes) then stay put.
  void scenarios();
  void scenarios_water_soil();
  void scenarios_waste();
  void scenarios_risk_permit();
  void scenarios_screening();
  void scenarios_air_voc_transport();
  void scenarios_wsr_review();
  void scenarios_trn_waste_review();
  // HW-01 by generator category (HJ 1259-2022): remembers each enterprise's declarations of the
  // year before the reference year (total generated, own disposal) and licence holders, so
  // that periodic_declarations() can give every key (monthly) or simplified (quarterly) unit its
  // lines of the reference year up to the last period due, declared on time. Scenario cases
  // that need another line list it in periodic_override_ (enterprise -> period start -> declared
  // day, 0 = line present but not declared, -1 = no line).
  void note_declaration(const std::string& ent, int year, double generated, double self_disposed);
  void periodic_declarations();
  struct HwTotals {
    double generated = 0;
    bool self_disposed = false;
  };
  std::map<std::string, HwTotals> hw_prev_year_;
  std::set<std::string> hw_licence_holders_;
  std::map<std::string, std::map<int, int>> periodic_override_;
  void scenarios_air_voc_review();
  // Scenario helpers: an operating enterprise of the given name (row open: the caller may
  // override cells, then calls end_enterprise); "enterprise <id> <name>"; a valid permit
  // issued 2024-03-01 with a recent execution report.
  Ent scenario_enterprise(Ind ind, std::string_view county, std::string_view name);
  static std::string who(const Ent& e) { return "enterprise " + e.id + " " + e.name; }
  void valid_permit(const Ent& e, std::string_view category);
  void note(std::string req, std::string subject, std::string what) {
    notes_.push_back({std::move(req), std::move(subject), std::move(what)});
  }

  // Scenario enterprises that LDAR applies to (VOC key enterprises of the LDAR industries),
  // noted by end_enterprise while the scenarios run, and those a scenario gave LDAR rounds:
  // scenarios_air_voc_transport gives the others a compliant round.
  bool in_scenarios_ = false;
  std::vector<std::string> ldar_due_;
  std::vector<std::string> ldar_done_;
  // Keys of scenario records that scenarios_air_voc_review (called last) adds cases to.
  std::map<std::string, std::string> review_keys_;

  // The random inspection draw's data (write_draw_records): the special-unit and positive-list
  // flags end_enterprise sets, the operating enterprises per county, the officers' roster,
  // recusals and past inspections. Drawn from their own generator so that adding them left
  // every other record of the demo as it was.
  void write_draw_records();
  std::vector<std::vector<std::string>> operating_by_county_;

  Options opt_;
  Rng rng_;
  Rng draw_rng_;
  int ref_;
  std::vector<Table*> tables_;
  std::vector<Receiver> receivers_;
  std::vector<Note> notes_;
  std::map<int, std::uint64_t> manifest_serial_;
  std::array<double, 3> cems_year_t_{};   // pm, so2, nox tonnes of the reference year, current enterprise
  std::uint64_t uscc_serial_ = 0, plate_serial_ = 0, nrmm_serial_ = 0, facility_serial_ = 0,
                voc_serial_ = 0, tank_serial_ = 0, yard_serial_ = 0, pond_serial_ = 0,
                well_serial_ = 0, outfall_serial_ = 0, source_serial_ = 0, app_serial_ = 0;
};

}  // namespace eco::datagen
