// Hand-made enterprises and applications that carry a deliberate violation, a missing
// optional value or a boundary case for each requirement of REQUIREMENTS.md. Every case is
// recorded with note(), which becomes the table in rulesets/jinzhong/demo/README.md.
// Dates are relative either to the plan's fixed deadlines or to the data's reference date
// (reference_day(), 2026-11-28), so the boundaries fall where a sweep on that date sees them.
#include <algorithm>

#include "tools/datagen/gen.hpp"

namespace eco::datagen {

#define SET(tbl, f, v) tbl.set(col(k_##tbl, f), v)
#define SETB(tbl, f, v) tbl.set_bool(col(k_##tbl, f), v)
#define SETD(tbl, f, v) tbl.set_date(col(k_##tbl, f), v)
#define SETN(tbl, f, v, p) tbl.set_double(col(k_##tbl, f), v, p)
#define SETI(tbl, f, v) tbl.set_int(col(k_##tbl, f), v)
#define CLR(tbl, f) tbl[col(k_##tbl, f)].clear()

Ent Gen::scenario_enterprise(Ind ind, std::string_view county, std::string_view name) {
  Ent e = begin_enterprise(ind, county_index(county), "operating");
  e.name = std::string(name);
  SET(enterprise, "name", e.name);
  // A clean baseline for the duties every enterprise has, so that a scenario enterprise shows
  // only the cases written for it (the random draws of begin_enterprise may break them): an
  // emergency plan filed 400 days ago where one is required, this year's disclosure for a key
  // discharge unit, a 'good' credit rating, an annual freight figure for industry, no wastewater
  // to the municipal sewer.
  if (enterprise[col(k_enterprise, "emergency_plan_required")].empty()) SETB(enterprise, "emergency_plan_required", false);
  if (enterprise[col(k_enterprise, "emergency_plan_required")] == "true") {
    SETD(enterprise, "emergency_plan_filed_on", ref_ - 400);
    CLR(enterprise, "emergency_plan_revised_on");
  }
  if (enterprise[col(k_enterprise, "key_discharge_unit")] == "true") SETD(enterprise, "info_disclosed_on", day(2026, 2, 10));
  SET(enterprise, "credit_rating", "good");
  if (is_industrial(ind) && enterprise[col(k_enterprise, "annual_freight_t")].empty()) SETN(enterprise, "annual_freight_t", 20000.0, 0);
  CLR(enterprise, "discharges_to_sewer");
  CLR(enterprise, "sewer_treatable");
  CLR(enterprise, "sewer_exit_deadline");
  return e;
}

void Gen::valid_permit(const Ent& e, std::string_view category) {
  add_permit(e, category, day(2024, 3, 1), "valid");
  if (category != "registration") SETD(permit, "last_execution_report_on", ref_ - 40);
  permit.end();
}

void Gen::scenarios() {
  const int R = ref_;
  auto d = [](int y, unsigned m, unsigned dd) { return day(y, m, dd); };
  auto ent = [&](Ind ind, std::string_view county, std::string_view name) { return scenario_enterprise(ind, county, name); };
  std::string open_yard_id;   // the open coal yard, referred to by an expired waiver
  // The CEMS month cems_rows(..., over = true) puts above the limit: the last one before the
  // reference date (AIR-05 judges each monthly summary).
  const std::string last_month = [&] {
    int y;
    unsigned m, dd;
    civil_from_days(R, y, m, dd);
    return m == 1 ? date_str(day(y - 1, 12, 1)) : date_str(day(y, m - 1, 1));
  }();
  auto oven = [&](const Ent& e, std::string_view status, double height) {
    const auto id = add_facility(e, "coke_oven", status);
    SETN(facility, "chamber_height_m", height, 2);
    SETN(facility, "capacity_t", 1000000.0, 0);
    return id;
  };

  // ---- AIR-03 coking ULE by 2022-10-31 (介休, 太谷, 左权) and AIR-09 4.3 m ovens ----------
  {
    Ent e = ent(Ind::coking, "介休市", "介休市示范焦化有限公司");
    SETN(enterprise, "annual_freight_t", 1500000.0, 0);
    SET(enterprise, "rail_spur", "none");
    CLR(enterprise, "rail_spur_completed_on");
    SET(enterprise, "performance_grade", "B");
    SETB(enterprise, "emergency_measures_filed", true);
    end_enterprise(e);
    valid_permit(e, "key");
    // The bureau marks these ovens as the plan's five-enterprise coking task (AIR-03).
    auto f = oven(e, "operating", 6.0);
    SETB(facility, "named_coking_ule", true);
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2022, 10, 31));
    facility.end();
    note("AIR-03", "facility " + f, "oven marked as the five-enterprise task, ULE completed exactly on the deadline 2022-10-31: pass (boundary); not evaluated: advice (air.coking-ule-evaluation) [air.coking-ule-deadline: pass; air.coking-ule-evaluation: advice]");
    f = oven(e, "operating", 6.0);
    SETB(facility, "named_coking_ule", true);
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2022, 11, 1));
    facility.end();
    note("AIR-03", "facility " + f, "marked oven, ULE completed 2022-11-01, the day after the deadline: advice naming both dates (a plan task of the draft plan is advice; an advice rule never gives late) [air.coking-ule-deadline: advice]");
    f = oven(e, "operating", 5.5);
    SETB(facility, "named_coking_ule", true);
    SET(facility, "ule_status", "in_progress");
    facility.end();
    note("AIR-03", "facility " + f, "marked oven, ULE still in progress after the deadline: advice (the draft plan's date, no penalty clause) [air.coking-ule-deadline: advice]");
    f = oven(e, "operating", 5.5);
    SETB(facility, "named_coking_ule", true);
    SET(facility, "ule_status", "completed");
    facility.end();
    note("AIR-03", "facility " + f, "marked oven, ULE recorded completed, completion date missing: unknown (verify the completion date against 2022-10-31; eighth independent reading, air 2) [air.coking-ule-deadline: unknown]");
    f = oven(e, "operating", 4.3);
    SETB(facility, "coke_oven_conventional", true);
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2022, 6, 30));
    facility.end();
    note("AIR-09", "facility " + f, "operating conventional coke oven with a 4.3 m chamber after 2023-12-31: advice (boundary: equal to the limit; referred to the industry authority, Air Pollution Law Art. 101) [air.small-coke-oven-elimination: advice]");
    f = oven(e, "eliminated", 4.3);
    facility.end();
    note("AIR-09", "facility " + f, "4.3 m oven already eliminated: not applicable [air.small-coke-oven-elimination: not_applicable]");
    f = oven(e, "idle", 4.31);
    facility.end();
    note("AIR-09", "facility " + f, "chamber 4.31 m, just above the limit: pass [air.small-coke-oven-elimination: pass]");
    f = add_facility(e, "coke_oven", "operating");
    SETB(facility, "named_coking_ule", true);
    facility.end();
    note("AIR-09", "facility " + f, "chamber height missing: unknown [air.small-coke-oven-elimination: unknown]");
    note("AIR-03", "facility " + f, "marked oven, ULE status not reported: unknown (verify on site) [air.coking-ule-deadline: unknown]");
    note("TRN-01", who(e), "annual freight exactly 1,500,000 t, rail_spur none: advice (in principle, no date; threshold inclusive) [trn.rail-spur: advice]");
    const std::string truck5 = add_vehicle(e, "heavy_truck", "diesel", 5);
    vehicle.end();
    const std::string truck6 = add_vehicle(e, "heavy_truck", "diesel", 6);
    vehicle.end();
    const std::string truckm = add_vehicle(e, "heavy_truck", "methanol", 0);
    vehicle.end();
    const std::string truckx = add_vehicle(e, "heavy_truck", "diesel", 0);
    vehicle.end();
    for (const auto& p : {truck5, truck6, truckm, truckx}) {
      transport_entry.begin();
      SET(transport_entry, "enterprise_id", e.id);
      SET(transport_entry, "plate", p);
      SETD(transport_entry, "entered_on", d(2022, 1, 1));
      SET(transport_entry, "cargo", "焦炭");
      SETN(transport_entry, "tonnes", 32.5, 1);
      transport_entry.end();
    }
    // The same China V truck hauling coke 60 days before the reference date: after the plan's
    // publication (2022-07-20), bulk cargo, a year of known volume: the breach is proved.
    transport_entry.begin();
    SET(transport_entry, "enterprise_id", e.id);
    SET(transport_entry, "plate", truck5);
    SETD(transport_entry, "entered_on", R - 60);
    SET(transport_entry, "cargo", "焦炭");
    SETN(transport_entry, "tonnes", 32.5, 1);
    transport_entry.end();
    note("TRN-02", who(e), "no rail spur; China V diesel truck " + truck5 + " entered 2022-01-01 with coke (below the China VI of that day, but before the plan's publication 2022-07-20: not proof alone) and again 60 days before the reference date: advice (a plan requirement without a penalty clause; its China VI, methanol and stage-unknown trucks alone would pass / be unknown) [trn.freight-truck-standard: advice]");
  }
  {
    Ent e = ent(Ind::coking, "太谷区", "太谷区示范焦化有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = oven(e, "operating", 6.25);
    SET(facility, "ule_status", "evaluated");
    SETD(facility, "ule_completed_on", d(2022, 10, 30));
    SETD(facility, "ule_evaluated_on", d(2023, 3, 1));
    facility.end();
    // The permit's limits (added below): the two ovens' last month comes as HJ 212 messages.
    static constexpr std::array<double, 3> permit_mg_m3 = {10, 30, 150};
    cems_rows(f, "coke_oven", false, {}, &permit_mg_m3);
    note("AIR-03", "facility " + f, "oven in 太谷 not marked either way: unknown (verify whether it is one of the five enterprises); completed 2022-10-30 and evaluated: pass (air.coking-ule-evaluation) [air.coking-ule-deadline: unknown; air.coking-ule-evaluation: pass]");
    f = oven(e, "operating", 6.25);
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2022, 5, 1));
    facility.end();
    cems_rows(f, "coke_oven", true, {}, &permit_mg_m3);
    note("AIR-03", "facility " + f, "oven not marked as the five-enterprise task: unknown (air.coking-ule-deadline); ULE completed 2022-05-01 (率先完成), evaluation monitoring never done: advice (尽快 sets no period) [air.coking-ule-deadline: unknown; air.coking-ule-evaluation: advice]");
    note("AIR-05", "emission_monthly " + f + "/" + last_month + "/nox", "ULE completed, but last month fewer than 95 % of valid NOx hours within the coke-oven ULE level: advice (a policy level, not a limit) [air.ule-cems-coke-oven: advice]");
    // The permit's limits: the ULE concentrations, annual quantities with room to spare.
    const std::string pno = e.id + "001P";
    add_limit(pno, "DA001", "pm", permit_mg_m3[0], std::max(1.0, cems_year_t_[0] * 3));
    add_limit(pno, "DA001", "so2", permit_mg_m3[1], std::max(1.0, cems_year_t_[1] * 3));
    add_limit(pno, "DA001", "nox", permit_mg_m3[2], std::max(1.0, cems_year_t_[2] * 3));
    note("PMT-03", "facility " + f, "last month's NOx average above the permit's 150 mg/m³ limit, hours_over_permit > 0, the month marked O2-corrected, but the CEMS row names no outlet (pmt.permit-concentration): unknown (verify the monitoring point's outlet: another outlet's limit does not bind; with the outlet DA001 recorded it would be a violation) [pmt.permit-concentration on emission_monthly " + f + "/" + last_month + "/nox: unknown]");
  }
  {
    Ent e = ent(Ind::coking, "榆次区", "榆次区焦化有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = oven(e, "operating", 5.5);
    SET(facility, "ule_status", "not_started");
    facility.end();
    note("AIR-03", "facility " + f, "coking oven in 榆次区 (not one of the three counties), ULE not started: not applicable [air.coking-ule-deadline: not_applicable; air.coking-ule-evaluation: not_applicable]");
  }
  // ---- AIR-01 steel, AIR-02 峰岩矿棉 --------------------------------------------------------
  {
    Ent e = ent(Ind::steel, "介休市", "介休市示范钢铁有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "sinter", "operating");
    SET(facility, "ule_status", "in_progress");
    facility.end();
    note("AIR-01", "facility " + f, "steel sinter machine, ULE retrofit still in progress after the plan period's end: advice (a plan task, no penalty clause) [air.steel-ule-retrofit: advice]");
    f = add_facility(e, "blast_furnace", "operating");
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2021, 9, 30));
    facility.end();
    note("AIR-01", "facility " + f, "steel blast furnace, ULE completed: pass [air.steel-ule-retrofit: pass]");
    f = add_facility(e, "converter", "operating");
    facility.end();
    note("AIR-01", "facility " + f, "steel converter, ULE status missing: unknown [air.steel-ule-retrofit: unknown]");
    review_keys_["steel"] = e.id;
  }
  {
    Ent e = ent(Ind::building_materials, "平遥县", "山西峰岩矿棉有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "sinter", "operating");
    SETD(facility, "restarted_on", d(2024, 3, 1));
    SET(facility, "ule_status", "in_progress");
    facility.end();
    note("AIR-02", "facility " + f, "sintering restarted 2024-03-01 without a completed ULE retrofit: advice (the draft plan alone) [air.restart-ule-retrofit: advice]");
    f = add_facility(e, "blast_furnace", "operating");
    SETD(facility, "restarted_on", d(2024, 3, 1));
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2024, 3, 1));
    facility.end();
    note("AIR-02", "facility " + f, "blast furnace retrofit completed on the restart day: pass (boundary) [air.restart-ule-retrofit: pass]");
  }
  // ---- AIR-04 cement by 2022-12-31 ---------------------------------------------------------
  {
    Ent e = ent(Ind::cement, "寿阳县", "寿阳县示范水泥有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    const struct { const char* st; int done; const char* what; } kilns[] = {
        {"completed", d(2022, 12, 31), "kiln marked as the eleven-enterprise task, ULE completed exactly 2022-12-31: pass (boundary) [air.cement-ule-deadline: pass]"},
        {"completed", d(2023, 1, 1), "marked kiln, ULE completed 2023-01-01, the day after the deadline: advice naming both dates (the plan's task, no penalty basis; eighth independent reading, air 1) [air.cement-ule-deadline: advice]"},
        {"not_started", 0, "marked kiln, ULE not started: advice (the draft plan's date, no penalty clause) [air.cement-ule-deadline: advice]"},
        {"", 0, "marked kiln, ULE status missing: unknown [air.cement-ule-deadline: unknown]"}};
    for (const auto& k : kilns) {
      auto f = add_facility(e, "cement_kiln", "operating");
      // The bureau marks these kilns as the plan's eleven-enterprise cement task (AIR-04).
      SETB(facility, "named_cement_ule", true);
      if (*k.st) SET(facility, "ule_status", k.st);
      if (k.done) SETD(facility, "ule_completed_on", k.done);
      facility.end();
      note("AIR-04", "facility " + f, k.what);
    }
  }
  // ---- AIR-05/06/08/10 power units and boilers; AIR-07 kilns ----------------------------------
  {
    Ent e = ent(Ind::coal_power, "榆次区", "榆次区示范热电有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "coal_power_unit", "operating");
    SETN(facility, "capacity_mw", 25.0, 0);
    SETB(facility, "on_elimination_list", true);
    SETD(facility, "elimination_deadline", d(2025, 6, 30));
    SET(facility, "fuel", "coal");
    facility.end();
    note("AIR-10", "facility " + f, "25 MW unit on the elimination list (list date 2025-06-30) still operating: violation [air.small-power-unit-elimination: violation]");
    f = add_facility(e, "coal_power_unit", "eliminated");
    SETN(facility, "capacity_mw", 12.0, 0);
    SETB(facility, "on_elimination_list", true);
    SETD(facility, "elimination_deadline", d(2025, 6, 30));
    facility.end();
    note("AIR-10", "facility " + f, "12 MW unit on the list (list date 2025-06-30), eliminated: pass [air.small-power-unit-elimination: pass]");
    f = add_facility(e, "coal_power_unit", "operating");
    SETN(facility, "capacity_mw", 300.0, 0);
    SETB(facility, "on_elimination_list", false);
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2019, 12, 1));
    facility.end();
    cems_rows(f, "coal_power_unit", true, "pm");
    note("AIR-05", "emission_monthly " + f + "/" + last_month + "/nox", "300 MW unit with completed ULE, fewer than 95 % of last month's valid NOx hours within 50 mg/m³: advice (a policy level, not a limit) [air.ule-cems-coal-power: advice]");
    note("AIR-10", "facility " + f, "300 MW unit not on the elimination list: not applicable [air.small-power-unit-elimination: not_applicable]");
    note("PMT-03", "facility " + f, "hours_over_permit > 0 in last month's NOx summary, no concentration limit for the mean (pmt.permit-concentration): unknown (were they marked start-up or fault hours?) [pmt.permit-concentration on emission_monthly " + f + "/" + last_month + "/nox: unknown]");
    note("PMT-03", "facility " + f, "last month's PM quantity (annual_t) missing: the enterprise's PM annual quantity is unknown [pmt.permit-annual-quantity on permit_limit " + e.id + "001P/DA001/pm: unknown]");
    f = add_facility(e, "boiler", "operating");
    SET(facility, "fuel", "biomass");
    SET(facility, "denitration", "none");
    SETD(facility, "nox_denitration_due_on", d(2026, 6, 30));
    SET(facility, "nox_denitration_order_no", "晋中环责改〔2026〕12号");
    facility.end();
    cems_rows(f, "boiler", true);
    note("AIR-06", "facility " + f, "biomass boiler the bureau ordered (order on file) to add efficient denitration by 2026-06-30, none added, last month's NOx hours over the permit limit but no NOx concentration limit on file to prove the exceedance: unknown [air.biomass-boiler-denitration: unknown]");
    note("PMT-03", "facility " + f, "hours_over_permit > 0 in last month's NOx summary, no concentration limit for the mean (pmt.permit-concentration): unknown (were they marked start-up or fault hours?) [pmt.permit-concentration on emission_monthly " + f + "/" + last_month + "/nox: unknown]");
    f = add_facility(e, "boiler", "operating");
    SET(facility, "fuel", "biomass");
    SET(facility, "denitration", "scr");
    facility.end();
    note("AIR-06", "facility " + f, "biomass boiler with SCR: pass [air.biomass-boiler-denitration: pass]");
    f = add_facility(e, "boiler", "operating");
    SET(facility, "fuel", "coal");
    SET(facility, "denitration", "other");
    SETB(facility, "denitration_found_inefficient", true);
    SETB(facility, "denitration_rectified", false);
    facility.end();
    note("AIR-08", "facility " + f, "denitration ('other') the screening found inefficient, not rectified: unknown (no screening notice date on file: verify the deadline it set) [air.inefficient-denitration: unknown]");
    f = add_facility(e, "boiler", "operating");
    SET(facility, "fuel", "gas");
    SET(facility, "denitration", "sncr");
    facility.end();
    note("AIR-08", "facility " + f, "SNCR boiler, screening conclusion missing: unknown [air.inefficient-denitration: unknown]");
    // Annual quantities of its permit (no concentration limits): NOx below what this year's
    // CEMS already adds up to, SO2 with room, PM with a month's quantity missing.
    const std::string pno = e.id + "001P";
    add_limit(pno, "DA001", "nox", 0, static_cast<double>(static_cast<long long>(cems_year_t_[2] * 0.8)));
    add_limit(pno, "DA001", "so2", 0, static_cast<double>(static_cast<long long>(cems_year_t_[1] * 2.5 + 1)));
    add_limit(pno, "DA001", "pm", 0, static_cast<double>(static_cast<long long>(cems_year_t_[0] * 3 + 1)));
    note("PMT-03", "permit_limit " + pno + "/DA001/nox", "annual NOx limit 80 % of the tonnage its CEMS reported for 2026 so far, the CEMS rows name no outlet (pmt.permit-annual-quantity): unknown (which facilities sit on DA001?) [pmt.permit-annual-quantity: unknown]");
    note("PMT-03", "permit_limit " + pno + "/DA001/so2", "annual SO2 limit 2.5 times this year's tonnage: pass [pmt.permit-annual-quantity: pass]");
    note("PMT-03", "permit_limit " + pno + "/DA001/pm", "annual PM limit, one month's PM quantity missing: unknown [pmt.permit-annual-quantity: unknown]");
  }
  {
    Ent e = ent(Ind::glass, "祁县", "祁县示范玻璃有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "glass_furnace", "operating");
    SETB(facility, "tightened_upgrade_done", false);
    facility.end();
    note("AIR-07", "facility " + f, "glass furnace, tightened-standard upgrade not done: advice (the upgrade is a target without a date; the benchmark is 原则上) [air.kiln-tightened-upgrade: advice]");
    f = add_facility(e, "lime_kiln", "operating");
    facility.end();
    note("AIR-07", "facility " + f, "lime kiln, upgrade status missing: unknown [air.kiln-tightened-upgrade: unknown]");
    review_keys_["lime_kiln"] = f;
    f = add_facility(e, "casting_furnace", "operating");
    SETB(facility, "tightened_upgrade_done", true);
    SETD(facility, "tightened_upgrade_done_on", d(2025, 12, 31));
    facility.end();
    note("AIR-07", "facility " + f, "casting furnace upgraded on 2025-12-31, the plan period's last day: pass (boundary) [air.kiln-tightened-upgrade: pass]");
  }
  // ---- VOC-01..07 -------------------------------------------------------------------------
  {
    Ent e = ent(Ind::printing, "榆次区", "榆次区示范包装印刷有限公司");
    end_enterprise(e);
    valid_permit(e, "simplified");
    const struct { const char* kind; const char* type; double v; bool pct; bool outdoor; const char* req; const char* what; } mats[] = {
        {"ink", "solvent_ink_gravure", 76.0, true, false, "VOC-01", "solvent gravure ink 76 % (limit 75 %) on the product's test report of the ink as used: advice (no penalty on an ink user: a correction notice, the supplier referred) [voc.ink-content: advice]"},
        {"ink", "solvent_ink_flexo", 75.0, true, false, "VOC-01", "solvent flexo ink exactly 75 %: pass (boundary) [voc.ink-content: pass]"},
        {"ink", "water_based_ink_gravure", 15.0, true, false, "VOC-01", "water-based gravure ink, substrate not recorded, exactly 15 % (the absorbent limit): pass (boundary) [voc.ink-content: pass]"},
        {"ink", "water_based_ink_flexo", 20.0, true, false, "VOC-01", "water-based flexo ink, substrate not recorded, 20 % (over the absorbent 5 %, within the non-absorbent 25 %): unknown (verify the substrate) [voc.ink-content: unknown]"},
        {"adhesive", "water_based_adhesive", -1, false, false, "VOC-01", "adhesive with no VOC content recorded: unknown [voc.adhesive-content: unknown]"},
        {"coating", "solvent_road_marking_coating", 450.0, false, true, "VOC-02", "outdoor road-marking coating 450 g/L, solvent-based: unknown (no GB/T 38597 ceiling loaded; VOC-01 coating unknown too) [voc.outdoor-low-voc-coating: unknown]"},
        {"cleaner", "organic_solvent_cleaner", 900.0, false, false, "VOC-01", "organic solvent cleaner exactly 900 g/L: pass (boundary, unverified limit) [voc.cleaner-content: pass]"}};
    for (const auto& m : mats) {
      voc_material.begin();
      SET(voc_material, "enterprise_id", e.id);
      SET(voc_material, "kind", m.kind);
      SET(voc_material, "product_type", m.type);
      if (m.v >= 0) voc_material.set_double(m.pct ? col(k_voc_material, "voc_content_pct") : col(k_voc_material, "voc_content_g_l"), m.v, 1);
      SETN(voc_material, "annual_use_t", 12.0, 1);
      SETB(voc_material, "outdoor_use", m.outdoor);
      if (m.v >= 0) SET(voc_material, "content_source", "inspection_report");
      if (m.v >= 0) SET(voc_material, "product_name", std::string(m.type) + " 示范批次");
      // The tested cleaner was last used a month before the reference date (a cleaner or adhesive
      // pass needs the tested product and a use date in force: tenth independent reading, voc 1).
      if (m.v >= 0 && std::string_view(m.kind) == "cleaner") SETD(voc_material, "product_last_used_on", ref_ - 30);
      // The reports state the state measured (the ink as used, ready to use).
      if (m.v >= 0 && std::string_view(m.kind) == "ink") SET(voc_material, "content_state", "ready_to_use");
      voc_material.end();
      note(m.req, std::string("voc_material ") + e.id + "/" + m.kind + "/" + m.type, m.what);
    }
    const struct { const char* tech; int stages; int bypass; int exceed; int carbon; int ledger; const char* req; const char* what; } vts[] = {
        {"rto", 1, 1, 0, 0, 1, "VOC-05", "RTO with a production (non-emergency) waste-gas bypass: advice (to be removed: a rectification item) [voc.no-bypass: advice]"},
        {"photo_oxidation", 1, 0, 0, 0, 1, "VOC-06", "single photo-oxidation (简易低效): advice (clean-up campaign, no date) [voc.inefficient-treatment: advice; voc.single-technology-unstable: pass]"},
        {"activated_carbon", 1, 0, 3, -1, 1, "VOC-06", "single-use activated carbon used alone: not on the 简易低效 list (pass); 3 exceedances in 12 months: advice (加快推进); carbon replacement date missing (VOC-07 ledger and replacement unknown) [voc.inefficient-treatment: pass; voc.single-technology-unstable: advice]"},
        {"adsorption_concentration_combustion", 2, 0, 0, 0, 0, "VOC-07", "ledger incomplete: violation [voc.treatment-ledger: violation]"},
        {"rco", 1, -1, -1, 0, -1, "VOC-05", "bypass, exceedances and ledger missing: unknown [voc.no-bypass: unknown]"}};
    for (const auto& v : vts) {
      const auto id = serial_id("VT", ++voc_serial_);
      voc_treatment.begin();
      SET(voc_treatment, "id", id);
      SET(voc_treatment, "enterprise_id", e.id);
      SET(voc_treatment, "technology", v.tech);
      SETI(voc_treatment, "stages", v.stages);
      if (v.bypass >= 0) SETB(voc_treatment, "bypass", v.bypass == 1);
      if (v.bypass == 1) {
        SET(voc_treatment, "bypass_kind", "production");
        SETB(voc_treatment, "bypass_sealed", false);
        SETB(voc_treatment, "bypass_monitored", false);
      }
      if (v.exceed >= 0) SETI(voc_treatment, "exceedances_12m", v.exceed);
      if (v.ledger >= 0) SETB(voc_treatment, "ledger_complete", v.ledger == 1);
      voc_treatment.end();
      note(v.req, "voc_treatment " + id, v.what);
    }
  }
  {
    Ent e = ent(Ind::chemical, "榆社县", "榆社县示范化工有限公司");
    review_keys_["chemical"] = e.id;
    SET(enterprise, "park", "榆社化工园区");
    SETB(enterprise, "voc_key", true);
    // An inspection found its LDAR reports on file complete (voc.ldar-interval needs it).
    SETD(enterprise, "ldar_records_checked_on", R - 10);
    // Operating since before the round fell due (voc.ldar-interval: a later status is unknown).
    SETD(enterprise, "status_since", d(2019, 3, 1));
    end_enterprise(e);
    valid_permit(e, "key");
    note("SOI-04", "park 榆社化工园区", "chemical park's groundwater survey done exactly 2022-12-31: pass (boundary) [soil.chem-park-groundwater-survey: pass]");
    const struct { int on; int comps; int leaks; int fixed; const char* what; } rounds[] = {
        {R - 400, 2000, 12, 12, "last LDAR round 400 days before the reference date, 2,000 sealing points (threshold, inclusive), the records found complete at an inspection 10 days before the reference date, operating since 2019: violation (interval > 6 months) [voc.ldar-interval: violation]"},
        {R - 590, 2000, 20, 14, "earlier round: 6 of 20 leaks not repaired in time, none recorded for delayed repair: violation (repair and first attempt) [voc.ldar-repair: violation; voc.ldar-first-attempt: violation]"}};
    ldar_done_.push_back(e.id);
    for (const auto& r : rounds) {
      ldar_round.begin();
      SET(ldar_round, "enterprise_id", e.id);
      SETD(ldar_round, "inspected_on", r.on);
      SETI(ldar_round, "components", r.comps);
      SETI(ldar_round, "leaks_found", r.leaks);
      SETI(ldar_round, "leaks_repaired_in_time", r.fixed);
      SETI(ldar_round, "leaks_first_attempt_in_time", r.fixed);
      SETI(ldar_round, "leaks_deferred", 0);
      ldar_round.end();
      // voc.ldar-interval judges the enterprise (one with no round at all is a subject too),
      // voc.ldar-repair the round.
      if (r.on == R - 400) note("VOC-03", "enterprise " + e.id + " (last round " + date_str(r.on) + ")", r.what);
      else note("VOC-03", "ldar_round " + e.id + "/" + date_str(r.on), r.what);
    }
    const struct { const char* liquid; double vol; double tvp; const char* roof; int vr; const char* what; } tanks[] = {
        {"苯", 5000, 10.0, "fixed", 0, "benzene 5,000 m³ fixed-roof tank, 10 kPa, no vapour recovery: unknown (below GB 37822's general tier; the 5.2 kPa tier is special control: verify whether it applies) [voc.tank-control: unknown]"},
        {"甲醇", 150, 5.2, "fixed", 0, "methanol tank exactly 150 m³ and 5.2 kPa, fixed roof, no vapour recovery: unknown (boundary of the 5.2 kPa / 150 m³ special-control tier: verify whether it applies) [voc.tank-control: unknown]"},
        {"甲醇", 149, 5.2, "fixed", 0, "149 m³ tank, just under the volume threshold: pass [voc.tank-control: pass]"},
        {"粗苯", 800, 12.0, "fixed", -1, "crude benzene fixed roof, vapour recovery missing: unknown [voc.tank-control: unknown]"}};
    for (const auto& t : tanks) {
      const auto id = serial_id("TK", ++tank_serial_);
      storage_tank.begin();
      SET(storage_tank, "id", id);
      SET(storage_tank, "enterprise_id", e.id);
      SET(storage_tank, "liquid", t.liquid);
      SETN(storage_tank, "volume_m3", t.vol, 0);
      SETN(storage_tank, "true_vapor_pressure_kpa", t.tvp, 2);
      SET(storage_tank, "roof", t.roof);
      if (t.vr >= 0) SETB(storage_tank, "vapor_recovery", t.vr == 1);
      storage_tank.end();
      note("VOC-04", "storage_tank " + id, t.what);
    }
  }
  // ---- TRN-01/03/04/05/06/07 ----------------------------------------------------------------
  {
    const struct { double freight; const char* spur; const char* county; const char* what; } firms[] = {
        {1499999, "none", "灵石县", "annual freight 1,499,999 t, no spur: not applicable (just below) [trn.rail-spur: not_applicable]"},
        {1500001, "built", "介休市", "annual freight 1,500,001 t, spur built: pass [trn.rail-spur: pass]"},
        {3200000, "under_construction", "灵石县", "annual freight 3.2 Mt, spur under construction: pass (interim regime; TRN-02 judges its trucks) [trn.rail-spur: pass]"},
        {-1, "none", "左权县", "annual freight missing: unknown [trn.rail-spur: unknown]"}};
    for (const auto& f : firms) {
      Ent e = ent(Ind::coal_mining, f.county, std::string(f.county) + "示范煤业有限公司");
      if (f.freight >= 0) SETN(enterprise, "annual_freight_t", f.freight, 0);
      else CLR(enterprise, "annual_freight_t");
      SET(enterprise, "rail_spur", f.spur);
      if (std::string_view(f.spur) == "built") SETD(enterprise, "rail_spur_completed_on", d(2020, 8, 1));
      else CLR(enterprise, "rail_spur_completed_on");
      end_enterprise(e);
      valid_permit(e, "simplified");
      note("TRN-01", who(e), f.what);
    }
  }
  {
    Ent e = ent(Ind::transport, "榆次区", "榆次区示范物流运输有限公司");
    end_enterprise(e);
    const struct { const char* kind; const char* fuel; int st; int im; const char* req; const char* what; } vs[] = {
        {"heavy_truck", "diesel", 3, 1, "TRN-03", "China III diesel heavy truck still registered after the Shanxi scrapping date: advice (verify deregistration; elimination is a government task) [trn.china3-diesel-truck: advice]"},
        {"heavy_truck", "diesel", 4, 1, "TRN-03", "China IV diesel heavy truck: pass (just above) [trn.china3-diesel-truck: pass]"},
        {"heavy_truck", "natural_gas", 3, 1, "TRN-03", "China III natural-gas truck: not applicable (not diesel) [trn.china3-diesel-truck: not_applicable]"},
        {"light_truck", "diesel", 5, 0, "TRN-04", "failed its last I/M inspection 100 days ago, not re-inspected, entered a plant 50 days ago: advice (verify the re-inspection, refer to the traffic police) [trn.im-reinspection: advice]"},
        {"light_truck", "diesel", 5, -1, "TRN-04", "I/M result missing: unknown [trn.im-reinspection: unknown]"}};
    for (const auto& v : vs) {
      const auto p = add_vehicle(e, v.kind, v.fuel, v.st);
      SETD(vehicle, "last_im_test_on", R - 100);
      if (v.im >= 0) SETB(vehicle, "last_im_passed", v.im == 1);
      vehicle.end();
      note(v.req, "vehicle " + p, v.what);
      if (v.im == 0) {
        // Used after the failed inspection: a gate entry at its own yard 50 days ago.
        transport_entry.begin();
        SET(transport_entry, "enterprise_id", e.id);
        SET(transport_entry, "plate", p);
        SETD(transport_entry, "entered_on", R - 50);
        transport_entry.end();
      }
    }
  }
  {
    Ent e = ent(Ind::construction, "太谷区", "太谷区示范建筑工程有限公司");
    SETB(enterprise, "dust_online_monitoring", false);
    CLR(enterprise, "dust_video_linked");
    end_enterprise(e);
    note("DST-02", who(e), "construction site without online dust monitoring (video link missing): advice (refer to housing and construction) [dst.construction-dust-monitoring: advice]");
    const struct { const char* fuel; int st; int sealed; int gps; int permit; int reg; const char* what; } ms[] = {
        {"diesel", 6, 0, 1, R + 200, d(2021, 5, 1), "muck truck not sealed: advice (plan target; the law allows other measures) [trn.muck-truck-sealed-monitored: advice; trn.muck-truck-permit: pass]"},
        {"diesel", 6, 1, 0, R + 200, d(2021, 5, 1), "muck truck without GPS monitoring: advice (plan target, no legal duty) [trn.muck-truck-sealed-monitored: advice; trn.muck-truck-permit: pass]"},
        {"diesel", 6, 1, 1, R - 1, d(2021, 5, 1), "muck transport permit expired the day before the reference date: advice (refer to urban management) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: advice]"},
        {"diesel", 6, 1, 1, R, d(2021, 5, 1), "muck transport permit valid until the reference date itself: pass (boundary) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: pass]"},
        {"diesel", 6, 1, 1, R + 300, d(2025, 3, 1), "new muck truck (registered 2025, after the plan's publication) that is diesel, not new energy: advice (the draft plan alone, no penalty clause: refer to urban management) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: pass; trn.muck-truck-new-energy: advice]"},
        {"electric", 0, 1, 1, R + 300, d(2025, 3, 1), "new electric sealed muck truck: pass [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: pass; trn.muck-truck-new-energy: pass]"}};
    for (const auto& m : ms) {
      const auto p = add_vehicle(e, "muck_truck", m.fuel, m.st);
      SETB(vehicle, "sealed", m.sealed == 1);
      SETB(vehicle, "gps", m.gps == 1);
      SETD(vehicle, "muck_permit_until", m.permit);
      SETD(vehicle, "first_registered_on", m.reg);
      vehicle.end();
      note("TRN-07", "vehicle " + p, m.what);
    }
    const struct { int st; bool code; const char* what; } nr[] = {
        {4, false, "NRMM without a registration number on file, keyed by an identifier of the registration code's form: unknown (is the key its code? look it up in the registration system) [trn.nrmm-registration: unknown]"},
        {2, true, "stage II NRMM used in the high-emission machinery ban zone: advice (check against Jinzhong's zone notice, not at hand) [trn.nrmm-registration: pass; trn.nrmm-emission-stage: advice]"},
        {4, true, "stage IV NRMM registered: pass [trn.nrmm-registration: pass]"}};
    for (const auto& n : nr) {
      const auto p = add_vehicle(e, "nrmm", "diesel", n.st);
      if (n.code) SET(vehicle, "registered_code", "晋K-NR-" + std::to_string(nrmm_serial_));
      if (n.st == 2) SETB(vehicle, "used_in_low_emission_zone", true);
      vehicle.end();
      note("TRN-05", "vehicle " + p, n.what);
    }
    radioactive_source.begin();
    const auto rs = serial_id("RS14", ++source_serial_);
    SET(radioactive_source, "id", rs);
    SET(radioactive_source, "enterprise_id", e.id);
    SETI(radioactive_source, "category", 2);
    SETB(radioactive_source, "mobile", true);
    SETB(radioactive_source, "realtime_monitoring", false);
    SETD(radioactive_source, "licence_valid_until", R + 400);
    SET(radioactive_source, "status", "in_use");
    radioactive_source.end();
    note("RSK-07", "radioactive_source " + rs, "mobile category II source without real-time monitoring: advice (the authorities' monitoring system, no dated duty of the holder) [rsk.mobile-source-monitoring: advice; rsk.radiation-licence: pass]");
  }
  {
    const struct { int std_; const char* what; } fs[] = {{5, "fuel station declaring China V fuel: advice (refer to market supervision for sampling) [trn.fuel-standard-sold: advice]"},
                                                          {-1, "fuel standard sold missing: unknown [trn.fuel-standard-sold: unknown]"}};
    for (const auto& f : fs) {
      Ent e = ent(Ind::fuel_station, "平遥县", "平遥县示范加油站有限公司");
      if (f.std_ > 0) SETI(enterprise, "fuel_standard_sold", f.std_);
      else CLR(enterprise, "fuel_standard_sold");
      end_enterprise(e);
      valid_permit(e, "registration");
      note("TRN-06", who(e), f.what);
    }
  }
  // ---- HPW, DST-01, LAY-10, RSK-04, WAT-04/06, SOI-01/02 -----------------------------------
  {
    Ent e = ent(Ind::casting, "榆次区", "榆次区示范铸造有限公司");
    CLR(enterprise, "performance_grade");
    SETB(enterprise, "emergency_measures_filed", false);
    SETB(enterprise, "discharges_to_sewer", true);
    SETB(enterprise, "sewer_treatable", false);
    SETD(enterprise, "sewer_exit_deadline", R - 1);
    SETB(enterprise, "sewer_exit_ordered", true);
    SETB(enterprise, "sewer_exit_order_by_ecology", true);
    SETD(enterprise, "sewer_discharge_observed_on", R);
    SET(enterprise, "sewer_exit_order_no", "晋中环责改〔2026〕7号");   // a served decision on file
    SET(enterprise, "sewer_exit_order_basis", "水污染防治法 第四十五条第三款");   // and the article it rests on
    end_enterprise(e);
    valid_permit(e, "key");
    note("HPW-01", who(e), "casting enterprise with no performance grade and no 一企一策 measures: advice (grading and the list are the authorities' acts) [hpw.grade-and-measures: advice]");
    note("WAT-04", who(e), "untreatable wastewater to the municipal sewer, exit ordered by the ecology authority (decision number and its legal basis on file) by the day before, discharge observed on the reference date: violation [wat.sewer-exit: violation]");
  }
  {
    Ent e = ent(Ind::coking, "灵石县", "灵石县D级焦化有限公司");
    SET(enterprise, "performance_grade", "D");
    SETD(enterprise, "performance_grade_since", d(2025, 9, 1));
    SETB(enterprise, "emergency_measures_filed", true);
    SETB(enterprise, "discharges_to_sewer", true);
    SETB(enterprise, "sewer_treatable", false);
    SETD(enterprise, "sewer_exit_deadline", R + 30);
    end_enterprise(e);
    valid_permit(e, "key");
    // An orange alert over 灵石县 and 介休市, 2026-01-10..2026-01-14, and two checks of this
    // grade-D plant: producing on the second day, halted on the third.
    pollution_alert.begin();
    SET(pollution_alert, "id", "YJ-2026-01");
    SET(pollution_alert, "level", "orange");
    SETD(pollution_alert, "start_on", d(2026, 1, 10));
    SETD(pollution_alert, "end_on", d(2026, 1, 14));
    pollution_alert.end();
    for (const char* c : {"灵石县", "介休市"}) {
      pollution_alert_county.begin();
      SET(pollution_alert_county, "alert_id", "YJ-2026-01");
      SET(pollution_alert_county, "county", c);
      pollution_alert_county.end();
    }
    for (const auto& [day_, producing] : {std::pair{d(2026, 1, 11), true}, std::pair{d(2026, 1, 12), false}}) {
      alert_check.begin();
      SET(alert_check, "enterprise_id", e.id);
      SET(alert_check, "alert_id", "YJ-2026-01");
      SETD(alert_check, "checked_on", day_);
      SETB(alert_check, "producing", producing);
      SETB(alert_check, "measures_applied", !producing);
      alert_check.end();
      note("HPW-02", "alert_check " + e.id + "/YJ-2026-01/" + date_str(day_),
           producing ? "grade D (since 2025-09-01), producing during the orange alert without its listed measures: unknown (its livelihood-guarantee flag is not recorded) [hpw.alert-response: unknown]"
                     : "grade D and halted during the alert: pass [hpw.alert-response: pass]");
    }
    note("WAT-04", who(e), "sewer exit deadline 30 days after the reference date: upcoming [wat.sewer-exit: upcoming]");
    const auto id = serial_id("YD", ++yard_serial_);
    storage_yard.begin();
    SET(storage_yard, "id", id);
    SET(storage_yard, "enterprise_id", e.id);
    SET(storage_yard, "material", "原煤");
    SETB(storage_yard, "enclosed", false);
    SETB(storage_yard, "anti_seepage", false);
    SETB(storage_yard, "rectified", false);
    SETB(storage_yard, "dust_controlled", false);
    SETB(storage_yard, "fenced", false);
    SETB(storage_yard, "covered", false);
    SETD(storage_yard, "measures_checked_on", R - 3);
    storage_yard.end();
    open_yard_id = id;
    note("DST-01", "storage_yard " + id, "open coal yard, found neither enclosed nor fenced and covered at a site check 3 days before the reference date: violation (Air Pollution Law Art. 72); full enclosure: advice (plan target) [dst.storage-yard-dust-control: violation; dst.storage-yard-enclosed: advice]");
    note("SW-01", "storage_yard " + id, "raw coal is a raw material, not industrial solid waste: the SW-01 rules are not applicable (DST-01 is its rule) [sw.yard-three-preventions: not_applicable; sw.yard-rectification: not_applicable]");
    const struct { const char* mat; bool enc; int seep; int rect; const char* what; } yards[] = {
        {"煤矸石", true, 0, 0, "coal gangue yard, enclosed but without anti-seepage (unknown: a Class I site on a natural base? three preventions) and not rectified by 2025-12-31 (advice: rectification, the plan sets no date; DST-01 not applicable) [sw.yard-three-preventions: unknown; sw.yard-rectification: advice]"},
        {"粉煤灰", true, -1, 1, "fly ash yard, enclosed and rectified, anti-seepage not recorded: unknown (three preventions), pass (rectification) [sw.yard-three-preventions: unknown; sw.yard-rectification: pass]"},
        {"炉渣", true, 1, 1, "slag yard enclosed, anti-seepage, rectified: pass [sw.yard-three-preventions: pass; sw.yard-rectification: pass]"}};
    for (const auto& y : yards) {
      const auto yid = serial_id("YD", ++yard_serial_);
      storage_yard.begin();
      SET(storage_yard, "id", yid);
      SET(storage_yard, "enterprise_id", e.id);
      SET(storage_yard, "material", y.mat);
      SETB(storage_yard, "enclosed", y.enc);
      if (y.seep >= 0) SETB(storage_yard, "anti_seepage", y.seep == 1);
      SETB(storage_yard, "rectified", y.rect == 1);
      storage_yard.end();
      note("SW-01", "storage_yard " + yid, y.what);
    }
  }
  {
    Ent e = ent(Ind::chemical, "祁县", "祁县零散化工有限公司");
    CLR(enterprise, "park");
    end_enterprise(e);
    valid_permit(e, "key");
    note("LAY-10", who(e), "chemical enterprise outside any park: advice (加快…搬迁入园, no date) [lay.scattered-chemical-relocation: advice]");
  }
  {
    Ent e = ent(Ind::electroplating, "太谷区", "太谷区示范电镀有限公司");
    CLR(enterprise, "park");
    SETB(enterprise, "heavy_metal_key", true);
    SETB(enterprise, "near_farmland", true);
    SETB(enterprise, "key_discharge_unit", false);
    end_enterprise(e);
    note("RSK-04", who(e), "electroplating enterprise outside a park: advice (加快推进…入园, no date) [rsk.electroplating-in-park: advice]");
    note("SOI-01", who(e), "heavy-metal enterprise near farmland not on the key discharge unit list: advice (the list is the bureau's) [soil.heavy-metal-key-unit: advice]");
    note("RSK-03", who(e), "heavy-metal key enterprise on the list (pass) with no permit at all: its permit is judged by PMT-01 (rsk.heavy-metal-permit not applicable) [rsk.heavy-metal-list: pass; rsk.heavy-metal-permit: not_applicable]");
    note("PMT-01", who(e), "no permit or registration on file: unknown (verify on the national permit platform; the import may lack it) [pmt.valid-permit: unknown]");
  }
  {
    Ent e = ent(Ind::medical, "榆次区", "榆次区示范医院");
    SETB(enterprise, "has_treatment_facility", true);
    SETB(enterprise, "wastewater_treatment_working", false);
    end_enterprise(e);
    valid_permit(e, "simplified");
    note("WAT-06", who(e), "medical wastewater treatment facility built but recorded as not working, no check date: unknown (re-check on site) [wat.medical-wastewater: unknown]");
  }
  {
    Ent e = ent(Ind::nonferrous, "左权县", "左权县示范有色金属有限公司");
    SETB(enterprise, "soil_key_unit", true);
    SETD(enterprise, "soil_key_unit_since", d(2021, 6, 1));
    // Listed without a break since 2021 (eighth independent reading, soil 1: a first-listing
    // date alone does not show the unit was on the 2025 list).
    SETD(enterprise, "soil_key_unit_listed_since", d(2021, 6, 1));
    SETD(enterprise, "soil_self_monitoring_on", d(2024, 10, 24));
    SETD(enterprise, "status_since", d(2019, 3, 1));   // operating throughout 2025
    SETD(enterprise, "soil_monitoring_records_checked_on", R - 10);   // reports checked after 2025
    CLR(enterprise, "soil_hidden_danger_check_on");
    end_enterprise(e);
    valid_permit(e, "key");
    note("SOI-02", who(e), "soil key unit since 2021, operating since 2019, last sampled 2024-10-24, its monitoring reports checked 10 days before the reference date, no round in 2025 (yearly, HJ 1209): violation; no hidden-danger check since its 2021 listing, more than 36 months: advice [soil.self-monitoring: violation; soil.hidden-danger-check: advice]");
    const auto id = serial_id("TP", ++pond_serial_);
    tailings_pond.begin();
    SET(tailings_pond, "id", id);
    SET(tailings_pond, "enterprise_id", e.id);
    SETB(tailings_pond, "on_supervision_list", false);
    SETD(tailings_pond, "emergency_plan_filed_on", d(2021, 4, 1));
    SETD(tailings_pond, "last_drill_on", R - 800);
    SETB(tailings_pond, "archive_complete", false);
    tailings_pond.end();
    note("SW-02", "tailings_pond " + id, "not on the supervision list (advice: the list is the bureau's), no risk assessment and archive incomplete after 2025-12-31 (advice: the draft plan's task, the regulation's article to be confirmed), last drill 800 days ago (drill held: pass; interval: advice) [sw.tailings-pond-listed: advice; sw.tailings-pond-management: advice; sw.tailings-pond-archive: advice; sw.tailings-pond-drill: pass; sw.tailings-pond-drill-interval: advice]");
    const struct { int drill; int archive; const char* what; } ponds[] = {
        {0, -1, "on the list, assessed and plan filed, archive completeness and last drill not recorded: archive advice to the bureau (open the file), drill unknown [sw.tailings-pond-listed: pass; sw.tailings-pond-management: pass; sw.tailings-pond-archive: advice; sw.tailings-pond-drill: unknown]"},
        {R - 365, 1, "everything in order, last drill exactly 365 days ago: pass (interval boundary) [sw.tailings-pond-listed: pass; sw.tailings-pond-management: pass; sw.tailings-pond-archive: pass; sw.tailings-pond-drill: pass; sw.tailings-pond-drill-interval: pass]"}};
    for (const auto& p : ponds) {
      const auto pid = serial_id("TP", ++pond_serial_);
      tailings_pond.begin();
      SET(tailings_pond, "id", pid);
      SET(tailings_pond, "enterprise_id", e.id);
      SETB(tailings_pond, "on_supervision_list", true);
      SETD(tailings_pond, "risk_assessed_on", d(2023, 5, 10));
      SETD(tailings_pond, "emergency_plan_filed_on", d(2023, 8, 1));
      if (p.drill) SETD(tailings_pond, "last_drill_on", p.drill);
      if (p.archive >= 0) SETB(tailings_pond, "archive_complete", p.archive == 1);
      tailings_pond.end();
      note("SW-02", "tailings_pond " + pid, p.what);
    }
  }
  // ---- WAT-01/02/03 wells and outfalls ------------------------------------------------------
  {
    Ent e = ent(Ind::coal_chemical, "介休市", "介休市示范煤化工有限公司");
    SETB(enterprise, "high_water_consumption", true);
    end_enterprise(e);
    valid_permit(e, "key");
    enterprise_zone_row(e.id, "karst_spring");
    enterprise_zone_row(e.id, "spring_key_protection");
    note("WAT-02", who(e), "high-water-consumption enterprise in the spring key protection zone: advice (分步推进…退出, no date) [wat.karst-high-water-exit: advice]");
    const struct { bool od; bool cov; const char* st; int deadline; int karst; int sealed; const char* req; const char* what; } ws[] = {
        {true, true, "active", R - 1, 0, 0, "WAT-01", "well in an overdraft zone inside public supply, still in use, close deadline the day before: unknown (no closing decision served on the unit is recorded) [wat.overdraft-well-closure: unknown]"},
        {true, true, "active", R, 0, 0, "WAT-01", "close deadline on the reference date: upcoming (boundary) [wat.overdraft-well-closure: upcoming]"},
        {true, true, "sealed", d(2023, 6, 30), 0, d(2023, 5, 20), "WAT-01", "sealed 2023-05-20, before its deadline 2023-06-30: pass [wat.overdraft-well-closure: pass]"},
        {false, false, "active", 0, 1, 0, "WAT-02", "active karst-water well: advice (严格控制…减少, no sealing duty) [wat.karst-well-control: advice]"},
        {true, true, "sealed", d(2023, 6, 30), 0, d(2023, 9, 15), "WAT-01", "sealed 2023-09-15, after its deadline 2023-06-30 served by a closing decision: advice, done after the date (a referral to the water authority, no breach) [wat.overdraft-well-closure: advice]"},
        {false, false, "active", 0, -1, 0, "WAT-02", "well in the karst zone, whether it draws karst water not recorded: unknown [wat.karst-well-control: unknown]"},
        {false, false, "sealed", 0, 1, d(2024, 4, 1), "WAT-02", "karst-water well sealed: pass [wat.karst-well-control: pass]"},
        {true, true, "active", 0, 0, 0, "WAT-01", "active well in an overdraft zone inside public supply, no closing deadline set: unknown [wat.overdraft-well-closure: unknown]"}};
    for (const auto& w : ws) {
      const auto id = serial_id("WL", ++well_serial_);
      well.begin();
      SET(well, "id", id);
      SET(well, "enterprise_id", e.id);
      SETB(well, "in_overdraft_zone", w.od);
      SETB(well, "in_public_supply_coverage", w.cov);
      SET(well, "status", w.st);
      if (w.deadline) SETD(well, "close_deadline", w.deadline);
      if (w.karst >= 0) SETB(well, "karst", w.karst == 1);
      if (w.sealed) SETD(well, "sealed_on", w.sealed);
      // Sealed after its deadline: the deadline was served by a closing decision (late is judged
      // only against a served decision).
      if (w.sealed && w.deadline && w.sealed > w.deadline) SETB(well, "close_ordered", true);
      SETB(well, "abandoned", false);
      well.end();
      note(w.req, "well " + id, w.what);
    }
    const struct { int ent; bool reg; int mon; int since; int deadline; int last_mon; int last_ex; const char* what; } ofs[] = {
        {1, false, 1, 0, 0, 0, 0, "outfall not registered after the plan period's end (2025-12-31): advice (the register is the authority's) [wat.outfall-registered: advice; wat.outfall-monitored: pass]"},
        {1, true, 1, R - 200, R - 20, R - 5, R - 5, "exceeding since 200 days, rectification deadline passed 20 days ago, still exceeding its discharge standard when monitored 5 days ago: violation [wat.outfall-registered: pass; wat.outfall-monitored: pass; wat.outfall-rectify: violation]"},
        {1, true, -1, 0, 0, 0, 0, "monitoring status missing: unknown [wat.outfall-registered: pass; wat.outfall-monitored: unknown]"},
        {0, true, 0, 0, 0, 0, 0, "municipal outfall with no responsible enterprise, not monitored: advice (加强…监测) [wat.outfall-registered: pass; wat.outfall-monitored: advice]"},
        {1, true, 1, R - 60, R + 120, 0, 0, "exceeding since 60 days, rectification deadline 120 days ahead: upcoming [wat.outfall-registered: pass; wat.outfall-monitored: pass; wat.outfall-rectify: upcoming]"},
        {1, true, 1, R - 30, 0, 0, 0, "exceeding since 30 days, no rectification deadline set: unknown [wat.outfall-registered: pass; wat.outfall-monitored: pass; wat.outfall-rectify: unknown]"}};
    for (const auto& o : ofs) {
      const auto id = serial_id("OF", ++outfall_serial_);
      outfall.begin();
      SET(outfall, "id", id);
      if (o.ent) SET(outfall, "enterprise_id", e.id);
      SET(outfall, "river", "汾河");
      SETB(outfall, "registered", o.reg);
      if (o.mon >= 0) SETB(outfall, "monitored", o.mon == 1);
      if (o.since) SETD(outfall, "exceeding_since", o.since);
      if (o.deadline) SETD(outfall, "rectify_deadline", o.deadline);
      if (o.last_mon) SETD(outfall, "last_monitored_on", o.last_mon);
      if (o.last_ex) SETD(outfall, "last_exceeded_on", o.last_ex);
      // An exceedance after the deadline proves a breach only against the discharge standard.
      if (o.last_ex) SET(outfall, "exceedance_basis", "discharge_standard");
      // ... from a monitoring whose validity is recorded (sixth independent reading, water 3).
      if (o.last_ex) SET(outfall, "last_exceeded_validity", "valid");
      outfall.end();
      note("WAT-03", "outfall " + id, o.what);
    }
  }
  // ---- HW-01..08 hazardous waste --------------------------------------------------------------
  {
    // A licensed operator whose licence expired, and one licensed for a narrow list.
    Ent op1 = ent(Ind::hw_operator, "祁县", "祁县示范危废处置中心有限公司");
    // The bureau checked this receiver's licences against the issuing authorities' records ten days
    // before the reference date, after the shipments: a lapse on file is then proof for a shipment
    // on or before that date (hw.receiver-licence; seventh independent reading, waste 1: the
    // undated flag hw_licences_verified is no longer read).
    SETD(enterprise, "hw_licences_verified_on", R - 10);
    end_enterprise(op1);
    valid_permit(op1, "key");
    const std::string lic1 = "晋危废140727S01";
    add_license(op1.id, lic1, d(2020, 6, 1), d(2025, 5, 31), {"HW08", "HW11", "HW49"});
    note("HW-04", "hw_license " + lic1, "licence valid 2020-06-01..2025-05-31 covering HW08, HW11, HW49 (no finding of its own: the HW-04 manifests below are judged against it) [no finding]");
    // The operator's own storage: a licensed operator may store a batch for one year.
    for (const int age : {366, 365}) {
      hw_storage.begin();
      SET(hw_storage, "enterprise_id", op1.id);
      SET(hw_storage, "waste_code", "HW08");
      SETD(hw_storage, "stored_since", R - age);
      SETN(hw_storage, "quantity_t", 36.0, 2);
      hw_storage.end();
      note("HW-06", "hw_storage " + op1.id + "/HW08/" + date_str(R - age),
           age == 366 ? "operator's batch stored since 366 days, a year and a day, no stock record date (hw.storage-period-operator): unknown (verify it is still stored) [hw.storage-period-operator: unknown]"
                      : "operator's batch stored exactly 365 days: pass (boundary) [hw.storage-period-operator: pass]");
    }
    for (int year : {2024, 2025, 2026}) {
      hw_plan.begin();
      SET(hw_plan, "enterprise_id", op1.id);
      SETI(hw_plan, "year", year);
      SETD(hw_plan, "filed_on", d(year, 2, 1));
      hw_plan.end();
    }
    Ent gen = ent(Ind::coking, "灵石县", "灵石县示范产废焦化有限公司");
    SETB(enterprise, "hw_supervision_listed", false);
    CLR(enterprise, "hw_standardised_assessed_on");
    SETB(enterprise, "pollution_insurance", false);
    SETB(enterprise, "emergency_plan_required", true);
    CLR(enterprise, "emergency_plan_filed_on");
    CLR(enterprise, "emergency_plan_revised_on");
    SETB(enterprise, "emergency_plan_filed", false);
    SETD(enterprise, "emergency_plan_checked_on", ref_ - 30);
    // The bureau read this generator's declarations in the national system 20 days before the
    // reference date, after the 2025 declarations fell due: a 2025 category missing there is then
    // shown by a dated check (hw.manifest-declared; eighth independent reading, waste 5).
    SETD(enterprise, "hw_declarations_checked_on", ref_ - 20);
    end_enterprise(gen);
    valid_permit(gen, "key");
    note("HW-07", who(gen), "hazardous waste generator not on the supervision list, no standardised assessment on record: advice (both are the bureau's tasks) [hw.supervision-list: advice; hw.standardised-assessment: advice]");
    note("HW-08", who(gen), "no environmental pollution liability insurance: advice only [hw.pollution-insurance: advice]");
    note("RSK-01", who(gen), "emergency plan required, a site check 30 days before the reference date recorded it not filed: violation (no electronic filing alone is unknown; an undated or stale check is unknown) [rsk.emergency-plan-filed: violation]");
    struct M { int shipped; const char* code; bool el; double delta; int recv; const char* req; const char* what; };
    const M ms[] = {
        {d(2025, 5, 31), "HW11", true, 0, 2, "HW-04", "shipped on the licence's last valid day: pass (boundary) [hw.receiver-licence: pass]"},
        {d(2025, 6, 1), "HW11", true, 0, 2, "HW-04", "shipped the day after the licence expired (the bureau checked the receiver's licences complete on 2026-11-18, after the shipment, no renewal applied for, the transfer checked not exempt): violation [hw.receiver-licence: violation]"},
        {d(2025, 3, 3), "HW17", true, 0, 2, "HW-04", "HW17 shipped to a licence on file that does not cover it: unknown (verify another licence or an exemption) [hw.receiver-licence: unknown]"},
        {d(2022, 3, 15), "HW08", false, 0, 2, "HW-03", "paper manifest in 2022, received 2022-03-17, no electronic entry date on file after the 10-working-day entry window: unknown (verify the reason and the entry; hw.electronic-manifest) [hw.electronic-manifest: unknown; hw.manifest-quantity: pass]"},
        {d(2025, 3, 3), "HW08", true, 0, 2, "HW-03", "received Wed 2025-03-05, confirmed in the system Thu 2025-03-13, 6 working days after receipt (limit 5): advice (the receiver's duty, done after the date; no breach by the generator) [hw.electronic-manifest: pass; hw.manifest-receipt-confirmation: advice; hw.manifest-quantity: pass]"},
        {d(2025, 4, 7), "HW08", true, 0.3, 2, "HW-03", "10 t shipped, 10.3 t received (3 % > 1 % tolerance), whether the receiver reported the mismatch not recorded: unknown (hw.manifest-quantity) [hw.electronic-manifest: pass; hw.manifest-receipt-confirmation: pass; hw.manifest-quantity: unknown]"},
        {d(2025, 4, 8), "HW08", true, 0.1, 2, "HW-03", "10 t shipped, 10.1 t received (exactly 1 %): pass (boundary) [hw.electronic-manifest: pass; hw.manifest-receipt-confirmation: pass; hw.manifest-quantity: pass]"},
        {R - 3, "HW49", true, 0, 2, "HW-03", "shipped Wed 2026-11-25, received Fri 2026-11-27, not yet confirmed (due 2026-12-04, 5 working days): upcoming [hw.electronic-manifest: pass; hw.manifest-receipt-confirmation: upcoming; hw.manifest-quantity: pass]"}};
    for (const auto& m : ms) {
      int y;
      unsigned mo, dd;
      civil_from_days(m.shipped, y, mo, dd);
      const std::string no = manifest_no(y);
      hw_manifest.begin();
      SET(hw_manifest, "manifest_no", no);
      SET(hw_manifest, "generator_id", gen.id);
      // The shipment still under way goes to a random operator whose licence covers HW49 until
      // 2027-02-28 (op1's expired in 2025).
      SET(hw_manifest, "receiver_id", m.shipped == R - 3 && !receivers_.empty() ? receivers_[0].id : op1.id);
      SET(hw_manifest, "waste_code", m.code);
      SETD(hw_manifest, "shipped_on", m.shipped);
      SETN(hw_manifest, "shipped_t", 10.0, 2);
      // The lapsed-licence shipment: the bureau checked it is no exempt transfer (hw.receiver-licence).
      if (m.shipped == d(2025, 6, 1)) SETB(hw_manifest, "transfer_exempt", false);
      if (m.recv >= 0) {
        SETD(hw_manifest, "received_on", m.shipped + m.recv);
        SETN(hw_manifest, "received_t", 10.0 + m.delta, 2);
      }
      SETB(hw_manifest, "electronic", m.el);
      if (m.shipped == d(2025, 3, 3) && std::string_view(m.code) == "HW08") SETD(hw_manifest, "confirmed_on", d(2025, 3, 13));
      else if (m.recv >= 0 && m.shipped != R - 3) SETD(hw_manifest, "confirmed_on", m.shipped + m.recv);
      hw_manifest.end();
      note(m.req, "hw_manifest " + no, m.what);
      if (y == 2022) note("HW-01", "hw_manifest " + no, "shipped in 2022, no 2022 declaration line of the enterprise at all (hw.manifest-declared): unknown (the export may not cover 2022) [hw.manifest-declared: unknown]");
      if (std::string_view(m.code) == "HW17") note("HW-01", "hw_manifest " + no, "HW17 shipped in 2025, no 2025 HW17 declaration line (hw.manifest-declared): violation [hw.manifest-declared: violation]");
      if (m.shipped == R - 3) {
        note("HW-01", "hw_manifest " + no, "HW49 shipped in 2026, to be declared by 2027-03-31 (hw.manifest-declared): upcoming [hw.manifest-declared: upcoming]");
        note("HW-04", "hw_manifest " + no, "received by an operator licensed for HW49 until 2027-02-28: pass [hw.receiver-licence: pass]");
      }
    }
    const struct { int year; const char* code; double g, s, t, sd; int decl; const char* req; const char* what; } decls[] = {
        {2025, "HW11", 100, 10, 20, 70, d(2026, 3, 20), "HW-05", "generated = stored + transferred + self-disposed exactly, 20 t transferred = its two 2025 HW11 manifests: pass (balance and transfers) [hw.declaration-balance: pass; hw.declared-transfers-manifests: pass]"},
        {2025, "HW08", 100, 10, 30, 50, d(2026, 3, 20), "HW-05", "opening stock 0 declared, mass balance off by 10 t (10 %; transfers 30 t = its three 2025 HW08 manifests): advice, verify the gap (hw.declaration-balance), pass (hw.declared-transfers-manifests) [hw.declaration-balance: advice; hw.declared-transfers-manifests: pass]"},
        {2025, "HW49", 20, 20, 0, 0, 0, "HW-01", "2025 declaration with no declaration date: violation (not declared online) [hw.annual-declaration: violation]"},
        {2024, "HW11", 50, 0, 0, 50, d(2025, 4, 1), "HW-01", "2024 declaration made 2025-04-01, the day after the deadline: late [hw.annual-declaration: late]"},
        {2026, "HW08", 12, 12, 0, 0, 0, "HW-01", "2026 line (year in progress), not yet declared, due 2027-03-31: upcoming [hw.annual-declaration: upcoming]"}};
    for (const auto& x : decls) {
      hw_declaration.begin();
      SET(hw_declaration, "enterprise_id", gen.id);
      SETI(hw_declaration, "year", x.year);
      SET(hw_declaration, "waste_code", x.code);
      SETN(hw_declaration, "generated_t", x.g, 1);
      SETN(hw_declaration, "stored_t", x.s, 1);
      SETN(hw_declaration, "transferred_t", x.t, 1);
      SETN(hw_declaration, "self_disposed_t", x.sd, 1);
      if (x.decl) SETD(hw_declaration, "declared_on", x.decl);
      if (x.year == 2025 && std::string_view(x.code) == "HW08") SETN(hw_declaration, "opening_stored_t", 0.0, 1);
      hw_declaration.end();
      note_declaration(gen.id, x.year, x.g, x.sd);
      note(x.req, "hw_declaration " + gen.id + "/" + std::to_string(x.year) + "/" + x.code, x.what);
    }
    const struct { int year; int filed; const char* what; } plans[] = {
        {2024, d(2024, 3, 31), "2024 plan filed 2024-03-31, the deadline day: pass (boundary) [hw.management-plan-filing: pass]"},
        {2025, d(2025, 4, 1), "2025 plan filed 2025-04-01, a day late: late [hw.management-plan-filing: late]"},
        {2026, 0, "2026 plan never filed: violation [hw.management-plan-filing: violation]"},
        {2027, 0, "2027 plan drafted, not yet filed, due 2027-03-31: upcoming [hw.management-plan-filing: upcoming]"}};
    for (const auto& p : plans) {
      hw_plan.begin();
      SET(hw_plan, "enterprise_id", gen.id);
      SETI(hw_plan, "year", p.year);
      if (p.filed) SETD(hw_plan, "filed_on", p.filed);
      hw_plan.end();
      note("HW-02", "hw_plan " + gen.id + "/" + std::to_string(p.year), p.what);
    }
    const struct { int age; const char* what; } st[] = {{366, "generator's batch stored since 366 days, no stock record date: unknown (verify it is still stored; the one-year limit binds operators, for generators it is to be confirmed) [hw.storage-period-generator: unknown]"},
                                                        {365, "stored exactly 365 days: pass (boundary) [hw.storage-period-generator: pass]"},
                                                        {364, "stored 364 days: pass [hw.storage-period-generator: pass]"}};
    for (const auto& s : st) {
      hw_storage.begin();
      SET(hw_storage, "enterprise_id", gen.id);
      SET(hw_storage, "waste_code", s.age == 366 ? "HW11" : s.age == 365 ? "HW08" : "HW49");
      SETD(hw_storage, "stored_since", R - s.age);
      SETN(hw_storage, "quantity_t", 4.5, 2);
      hw_storage.end();
      note("HW-06", "hw_storage " + gen.id + "/" + (s.age == 366 ? "HW11" : s.age == 365 ? "HW08" : "HW49") + "/" + date_str(R - s.age), s.what);
    }
  }
  // ---- RSK-01/05/06/07 ------------------------------------------------------------------------
  {
    Ent e = ent(Ind::chemical, "寿阳县", "寿阳县示范精细化工有限公司");
    SET(enterprise, "park", "寿阳化工园区");
    SETB(enterprise, "emergency_plan_required", true);
    SETD(enterprise, "emergency_plan_filed_on", d(2020, 5, 1));
    {
      // Revised and reviewed three calendar years and a day before the reference date.
      int y;
      unsigned m, dd;
      civil_from_days(R, y, m, dd);
      SETD(enterprise, "emergency_plan_revised_on", day(y - 3, m, dd) - 1);
      SETD(enterprise, "emergency_plan_reviewed_on", day(y - 3, m, dd) - 1);
      // The revised plan filed again (变更备案) the same day: the filing on record is that one's.
      SETD(enterprise, "emergency_plan_filed_on", day(y - 3, m, dd) - 1);
    }
    SETB(enterprise, "key_discharge_unit", true);
    SETD(enterprise, "info_disclosed_on", d(2024, 3, 1));
    SETD(enterprise, "disclosure_listed_since", d(2021, 3, 31));
    SET(enterprise, "credit_rating", "poor");
    end_enterprise(e);
    note("RSK-01", who(e), "emergency plan last revised and reviewed 2023-11-27, 36 months and a day before the reference date, filed again the same day: violation (boundary) [rsk.emergency-plan-filed: pass; rsk.emergency-plan-revision: violation]");
    note("SOI-04", "park 寿阳化工园区", "chemical park's groundwater survey done 2023-01-05, after 2022-12-31, its recognition date not recorded: unknown (was it a chemical park by then?) [soil.chem-park-groundwater-survey: unknown]");
    note("PMT-05", who(e), "key discharge unit, information last disclosed 2024-03-01: violation [pmt.info-disclosure: violation]");
    note("PMT-06", who(e), "credit rating 'poor' reported with its findings (advice) [pmt.credit-rating: advice]");
    const struct { const char* sub; const char* act; int seen; const char* ex; const char* req; const char* what; } cs[] = {
        {"hbcd", "use", R - 60, "", "RSK-05", "HBCD still used 60 days ago (an activity date): violation [rsk.pops-phase-out: violation]"},
        {"pfos", "use", d(2023, 11, 1), "特定豁免用途: 用于生产灭火泡沫药剂 (履约登记 2023-011)", "RSK-05", "PFOS used to produce fire-fighting foam on 2023-11-01, within the exemption that ended 2023-12-31: pass [rsk.pops-phase-out: pass]"},
        {"pfoa", "production", R - 10, "", "RSK-05", "PFOA produced 10 days ago (an activity date): violation [rsk.pops-phase-out: violation]"},
        {"mercury_thermometer", "production", R - 30, "", "RSK-06", "mercury thermometer production: violation [rsk.mercury-products: violation]"}};
    for (const auto& c : cs) {
      chemical_use.begin();
      SET(chemical_use, "enterprise_id", e.id);
      SET(chemical_use, "substance", c.sub);
      SET(chemical_use, "activity", c.act);
      SETN(chemical_use, "annual_t", 1.2, 2);
      if (*c.ex) SET(chemical_use, "exemption", c.ex);
      SETD(chemical_use, "last_seen_on", c.seen);
      SET(chemical_use, "last_seen_basis", "activity");
      chemical_use.end();
      note(c.req, std::string("chemical_use ") + e.id + "/" + c.sub + "/" + c.act, c.what);
    }
    // PMT-02 and PMT-04 on this enterprise's permit set.
    add_permit(e, "key", R + 30 - 5 * 365 - 1, "valid");
    permit.set_date(col(k_permit, "valid_until"), R + 30);
    SETD(permit, "last_execution_report_on", d(2025, 1, 10));
    SETI(permit, "report_frequency_months", 3);
    permit.end();
    note("PMT-02", "permit " + e.id + "001P", "valid until 30 days after the reference date, no renewal application date on file (lead time 60 days): unknown (verify on the national platform) [pmt.renewal: unknown]");
    note("PMT-04", "permit " + e.id + "001P", "key-management permit with quarterly reports recorded, last execution report 2025-01-10: violation [pmt.execution-report: violation]");
    const auto rs = serial_id("RS14", ++source_serial_);
    radioactive_source.begin();
    SET(radioactive_source, "id", rs);
    SET(radioactive_source, "enterprise_id", e.id);
    SETI(radioactive_source, "category", 3);
    SETB(radioactive_source, "mobile", false);
    SETD(radioactive_source, "licence_valid_until", R - 1);
    SET(radioactive_source, "status", "disused");
    {
      // Disused since the day before the 3-month return window began: its window ended yesterday.
      int y;
      unsigned m, dd;
      civil_from_days(R, y, m, dd);
      const int back = m > 3 ? day(y, m - 3, dd) : day(y - 1, m + 9, dd);
      SETD(radioactive_source, "idle_since", back - 1);
    }
    radioactive_source.end();
    note("RSK-07", "radioactive_source " + rs, "category III source disused 3 months and a day ago, not returned or sent for storage: violation; licence expired the day before on the source's row only: unknown (verify the unit's current licence) [rsk.radiation-licence: unknown; rsk.disused-source-storage: violation]");
  }
  {
    // Permit boundaries: expired yesterday but still marked valid; renewal exactly 60 days ahead.
    Ent e = ent(Ind::cement, "昔阳县", "昔阳县示范建材水泥有限公司");
    end_enterprise(e);
    add_permit(e, "key", d(2021, 11, 28), "valid");
    permit.set_date(col(k_permit, "valid_until"), R - 1);
    SETD(permit, "last_execution_report_on", R - 30);
    permit.end();
    note("PMT-01", "permit " + e.id + "001P", "permit valid until the day before the reference date, still marked valid: unknown (verify a renewal on the national platform) [pmt.valid-permit on enterprise " + e.id + ": unknown]");
    Ent e2 = ent(Ind::lime, "和顺县", "和顺县示范石灰有限公司");
    end_enterprise(e2);
    add_permit(e2, "simplified", R + 60 - 5 * 365, "valid");
    permit.set_date(col(k_permit, "valid_until"), R + 60);
    SETD(permit, "renewal_applied_on", R);
    SETD(permit, "last_execution_report_on", R - 30);
    permit.end();
    note("PMT-02", "permit " + e2.id + "001P", "renewal applied exactly 60 days before expiry: pass (boundary) [pmt.renewal: pass]");
    Ent e3 = ent(Ind::coking, "介休市", "介休市吊销许可焦化有限公司");
    end_enterprise(e3);
    add_permit(e3, "key", d(2023, 1, 1), "revoked");
    permit.end();
    note("PMT-01", "permit " + e3.id + "001P", "operating coking enterprise whose permit is revoked: violation, waived (WV-2026-001) [pmt.valid-permit on enterprise " + e3.id + ": waived]");
    // Waivers: one in force, one expired (the violation returns).
    waiver.begin();
    SET(waiver, "id", "WV-2026-001");
    SET(waiver, "rule_or_requirement", "PMT-01");
    SET(waiver, "subject_record", "enterprise");
    SET(waiver, "subject_key", e3.id);
    SET(waiver, "legal_basis", "晋中市生态环境局 行政复议决定 (晋中环复〔2026〕3号)");
    SET(waiver, "approver", "晋中市生态环境局");
    SETD(waiver, "valid_from", d(2026, 9, 1));
    SETD(waiver, "valid_until", R + 90);
    SET(waiver, "note", "复议期间暂缓认定");
    waiver.end();
    note("PMT-01", "waiver WV-2026-001", "waives PMT-01 for the revoked-permit coking enterprise until 90 days after the reference date: waived [pmt.valid-permit on enterprise " + e3.id + ": waived]");
    waiver.begin();
    SET(waiver, "id", "WV-2025-007");
    SET(waiver, "rule_or_requirement", "DST-01");
    SET(waiver, "subject_record", "storage_yard");
    SET(waiver, "subject_key", open_yard_id);
    SET(waiver, "legal_basis", "堆场封闭改造工期批复");
    SET(waiver, "approver", "灵石县生态环境分局");
    SETD(waiver, "valid_from", d(2025, 1, 1));
    SETD(waiver, "valid_until", d(2025, 12, 31));
    waiver.end();
    note("DST-01", "waiver WV-2025-007", "expired waiver (until 2025-12-31) of DST-01, the plan's enclosure target, for the open coal yard: the enclosure advice is back, noting the waiver; the statutory fence-and-cover violation (DST-01-LAW) was never waived [dst.storage-yard-enclosed on storage_yard " + open_yard_id + ": advice; dst.storage-yard-dust-control on storage_yard " + open_yard_id + ": violation]");
  }
  // ---- Applications (mode A) ---------------------------------------------------------------
  auto app = [&](std::string_view id, Ind ind, std::string_view county, std::string_view type) {
    application.begin();
    SET(application, "id", id);
    SET(application, "project_name", std::string(county) + industry_label(ind) + "建设项目");
    SET(application, "project_type", type);
    SET(application, "industry", industry_name(ind));
    SET(application, "county", county);
    SET(application, "park_level", "none");
    SETN(application, "added_capacity_t", 100000.0, 0);
    SETB(application, "wastewater_zero_discharge", false);
    SETB(application, "land_use_change", false);
    SETB(application, "large_scale_industrial", false);
    SETD(application, "submitted_on", R - 10);
    // The documents every application carries, in order, so that each case shows only its own
    // finding: energy at 92 % of the benchmark, solid waste with its disposal secured, freight
    // well below the rail-spur threshold, coal fully substituted where the industry burns it,
    // capacity replaced at the industry's ratio, heavy metals offset one to one, low-VOC
    // materials declared.
    SETN(application, "energy_benchmark", 100.0, 1);
    SETN(application, "energy_per_unit", 92.0, 1);
    // energy-intensive industries name their product: 92 % of its advanced benchmark
    // (scr_energy_advanced_benchmark), lime has no benchmark in the table (unknown)
    {
      const struct { Ind ind; const char* product; double bench; } products[] = {
          {Ind::coking, "焦炭(顶装焦炉)", 110.0}, {Ind::steel, "高炉炼铁", 361.0},
          {Ind::cement, "水泥熟料", 100.0}, {Ind::glass, "平板玻璃(日熔化量>800t)", 8.0},
          {Ind::coal_power, "燃煤发电(供电煤耗)", 270.0}, {Ind::coal_chemical, "甲醇(煤)", 1400.0},
          {Ind::chemical, "电石", 805.0}, {Ind::nonferrous, "电解铝(铝液交流电耗)", 13000.0},
          {Ind::building_materials, "水泥熟料", 100.0}};
      for (const auto& p : products)
        if (p.ind == ind) {
          SET(application, "energy_product", p.product);
          SETN(application, "energy_per_unit", p.bench * 0.92, 1);
        }
    }
    SETN(application, "solid_waste_t", 5000.0, 0);
    SETN(application, "solid_waste_disposal_t", 6000.0, 0);
    SETN(application, "annual_freight_t", 200000.0, 0);
    SETB(application, "rail_spur_planned", false);
    SETB(application, "culture_tourism_ecology", false);
    if (ind == Ind::coking || ind == Ind::steel || ind == Ind::cement || ind == Ind::coal_power || ind == Ind::coal_chemical) {
      SETN(application, "added_coal_t", 20000.0, 0);
      SETN(application, "coal_substitution_t", 25000.0, 0);
      SET(application, "coal_substitution_source", "关停燃煤锅炉替代量");
    }
    if (ind == Ind::coking || ind == Ind::steel || ind == Ind::cement) {
      SETN(application, "replaced_capacity_t", ind == Ind::coking ? 125000.0 : ind == Ind::steel ? 150000.0 : 200000.0, 0);
      SET(application, "replacement_source", "已关停产能 (置换方案备案)");
    }
    if (ind == Ind::electroplating || ind == Ind::nonferrous) {
      SETN(application, "heavy_metal_added_kg", 20.0, 1);
      SETN(application, "heavy_metal_offset_kg", 20.0, 1);
      SET(application, "heavy_metal_offset_source", "区域内关停涉重企业");
    }
    if (is_voc(ind)) SETB(application, "low_voc_materials_declared", true);
  };
  auto zone_of = [&](std::string_view app_id, std::string_view z) {
    application_zone.begin();
    SET(application_zone, "application_id", app_id);
    SET(application_zone, "zone", z);
    application_zone.end();
  };
  struct A { const char* id; Ind ind; const char* county; const char* type; const char* zone; const char* req; const char* what; };
  const A apps[] = {
      {"DEMO-LAY01-1", Ind::coking, "榆次区", "new", "yunzhu_lake", "LAY-01", "new coking project in the 云竹湖 area, no binding instrument checked for its site (application_zone.site_ban_instrument): unknown (verify the 三线一单 access list; refused once it is recorded) [scr.yunzhu-lake: unknown]"},
      {"DEMO-LAY01-2", Ind::other, "榆次区", "new", "yunzhu_lake", "LAY-01", "a project of another industry (not culture/tourism/ecology) in the 云竹湖 area: unknown (the plan's \"…水泥等高污染项目\" is not a closed list: the bureau decides; eighth independent reading, screening 4) [scr.yunzhu-lake: unknown]"},
      {"DEMO-LAY02-1", Ind::chemical, "介休市", "expand", "fen_river_bank", "LAY-02", "chemical expansion of an existing plant on the 汾河 bank: unknown (布设 vs 新改扩建: for the bureau's review) [scr.river-bank: unknown]"},
      {"DEMO-LAY03-1", Ind::casting, "灵石县", "new", "yellow_river_main", "LAY-03", "casting project along the Yellow River main stem: advice (flag for review) [scr.yellow-river: advice]"},
      {"DEMO-LAY04-1", Ind::steel, "榆次区", "new", "urban_planning", "LAY-04", "new blast-furnace/converter steel project in the urban planning area, no binding instrument checked for its site (application_zone.site_ban_instrument): unknown (verify the 三线一单 access list; refused once it is recorded) [scr.urban-planning-area: unknown]"},
      {"DEMO-LAY04-2", Ind::steel, "榆次区", "new", "urban_planning", "LAY-04", "short-process EAF steel in the urban planning area: pass (the exception; approve) [scr.urban-planning-area: pass]"},
      {"DEMO-LAY04-3", Ind::casting, "太谷区", "rebuild", "urban_planning", "LAY-04", "high-end casting claimed in the urban planning area: unknown (高端铸件 has no national definition: verify the basis of the claim; conditional) [scr.urban-planning-area: unknown]"},
      {"DEMO-LAY05-1", Ind::chemical, "榆次区", "new", "park_adjacent_urban", "LAY-05", "chemical project in a park adjacent to the city: reviewed by the bureau, the plan defines no high-pollution project (unknown) [scr.park-adjacent-urban: unknown]"},
      {"DEMO-LAY06-1", Ind::coking, "介休市", "new", "", "LAY-06", "new coking capacity without replacement: scr.new-capacity-ban unknown (no product stated: request it), scr.capacity-replacement-ratio advice (0 retired, below 1.25:1) [scr.new-capacity-ban: unknown; scr.capacity-replacement-ratio: advice]"},
      {"DEMO-LAY06-2", Ind::cement, "寿阳县", "rebuild", "", "LAY-06", "cement capacity replacement, replaced capacity missing: unknown (conditional: request documents) [scr.new-capacity-ban: unknown; scr.capacity-replacement-ratio: unknown]"},
      {"DEMO-LAY06-3", Ind::coking, "介休市", "new", "", "LAY-06", "replacement source F0000006 is a coke oven already eliminated: scr.replacement-source-verified unknown (verify when and why it was retired: for this confirmed scheme, or capacity that may not be counted; conditional) [scr.new-capacity-ban: pass; scr.replacement-source-verified: unknown; scr.capacity-replacement-ratio: pass]"},
      {"DEMO-LAY06-4", Ind::coking, "介休市", "new", "", "LAY-06", "replacement source F0099999 is not in the store: scr.replacement-source-verified unknown (conditional: request its capacity proof) [scr.new-capacity-ban: pass; scr.replacement-source-verified: unknown; scr.capacity-replacement-ratio: pass]"},
      {"DEMO-LAY06-5", Ind::coking, "介休市", "new", "", "LAY-06", "replacement source F0000007, an idle coke oven of 1,000,000 t/a, covers the 125,000 t/a retired: pass (approve) [scr.new-capacity-ban: pass; scr.replacement-source-verified: pass; scr.capacity-replacement-ratio: pass]"},
      {"DEMO-LAY07-1", Ind::chemical, "祁县", "expand", "", "LAY-07", "adds 10,000 t coal, substitution exactly 10,000 t: the legal minimum (equal substitution) is met, scr.coal-substitution pass; the plan's reduction substitution is not, scr.coal-reduction-substitution advice (conditional; boundary) [scr.coal-substitution: pass; scr.coal-reduction-substitution: advice]"},
      {"DEMO-LAY07-2", Ind::chemical, "祁县", "new", "", "LAY-07", "adds coal, substitution source missing: unknown (conditional: request documents) [scr.coal-substitution: unknown; scr.coal-reduction-substitution: pass]"},
      {"DEMO-LAY08-1", Ind::glass, "祁县", "new", "", "LAY-08", "flat glass at 8.5 kgce per weight case, above the table's benchmark 8.0, which is unverified: advice (conditional: verify the benchmark), never a rejection [scr.energy-efficiency: advice]"},
      {"DEMO-LAY08-2", Ind::glass, "祁县", "new", "", "LAY-08", "flat glass exactly at the table's benchmark 8.0 (the applicant's own figure is not used): pass (approve; boundary) [scr.energy-efficiency: pass]"},
      {"DEMO-LAY09-1", Ind::coal_power, "寿阳县", "new", "", "LAY-09", "new coal-power project: advice (flag for review) [scr.coal-power-review: advice]"},
      {"DEMO-LAY11-1", Ind::coal_chemical, "左权县", "new", "eco_red_line", "LAY-11", "coal-chemical project in the ecological red line (declares itself not large-scale; the industry decides): violation (reject) [scr.eco-protected-zone: violation]"},
      {"DEMO-WAT01-1", Ind::pharmaceutical, "太谷区", "new", "groundwater_overdraft", "WAT-01", "new groundwater withdrawal in an overdraft zone: violation (reject) [scr.groundwater-overdraft: violation]"},
      {"DEMO-WAT05-1", Ind::chemical, "榆社县", "new", "", "WAT-05", "榆社化工园区, set up 2022-06-30 (before the plan's publication 2022-07-20); the project does not recycle its wastewater and discharges it outside the park's system: scr.chemical-park-zero-discharge unknown (the park was set up before the plan's publication: is it 新增?) [scr.park-wastewater-treatment: pass; scr.chemical-park-zero-discharge: unknown]"},
      {"DEMO-SOI03-1", Ind::other, "榆次区", "new", "", "SOI-03", "land-use change to residential land (土壤污染防治法 Art. 59) without a soil survey, the applicant being the land user: violation (reject) [scr.land-use-change-survey: violation]"},
      {"DEMO-SW03-1", Ind::coal_chemical, "介休市", "expand", "", "SW-03", "20,000 t/a solid waste, 15,000 t/a disposal secured: unknown (a partial shortfall: request the utilisation and disposal plan) [scr.solid-waste-capacity: unknown]"},
      {"DEMO-RSK02-1", Ind::electroplating, "平遥县", "new", "", "RSK-02", "electroplating, chromium 50 kg/a added, 40 kg/a offset (per pollutant; the totals alike): violation (reject) [scr.heavy-metal-replacement: violation]"},
      {"DEMO-RSK04-1", Ind::electroplating, "平遥县", "new", "", "RSK-04", "electroplating project outside any park: advice (加快推进; conditional) [scr.electroplating-in-park: advice]"},
      {"DEMO-TRN01-1", Ind::coking, "灵石县", "expand", "", "TRN-01", "planned freight 1,500,000 t, no rail spur planned: advice (原则上; conditional; boundary) [scr.rail-spur: advice]"},
      {"DEMO-VOC01-1", Ind::printing, "榆次区", "new", "", "VOC-01", "printing project (materials to be declared): unknown (conditional: request documents) [scr.low-voc-materials: unknown]"},
  };
  for (const auto& a : apps) {
    app(a.id, a.ind, a.county, a.type);
    const std::string_view id = a.id;
    if (id == "DEMO-LAY04-2") {   // EAF: equal replacement, no coal
      SET(application, "process", "eaf_short_process");
      SETN(application, "replaced_capacity_t", 100000.0, 0);
      SET(application, "replacement_source", "F0000012");
      CLR(application, "added_coal_t");
      CLR(application, "coal_substitution_t");
      CLR(application, "coal_substitution_source");
    }
    if (id == "DEMO-LAY04-1") SET(application, "process", "blast_furnace_converter");   // no exception claimed
    if (id == "DEMO-LAY04-3") SET(application, "process", "high_end_casting");
    if (id == "DEMO-LAY05-1") { SET(application, "in_park", "晋中开发区"); SET(application, "park_level", "national"); SETB(application, "centralised_wastewater_treatment", true); }
    if (id == "DEMO-LAY06-2") { CLR(application, "replaced_capacity_t"); CLR(application, "replacement_source"); }
    if (id == "DEMO-LAY06-1") SETN(application, "replaced_capacity_t", 0.0, 0);
    if (id == "DEMO-LAY06-3") { SET(application, "replacement_source", "F0000006"); SET(application, "replacement_facility_id", "F0000006"); }
    if (id == "DEMO-LAY06-4") { SET(application, "replacement_source", "F0099999"); SET(application, "replacement_facility_id", "F0099999"); }
    if (id == "DEMO-LAY06-5") { SET(application, "replacement_source", "F0000007"); SET(application, "replacement_facility_id", "F0000007"); }
    if (id == "DEMO-LAY07-1") { SETN(application, "added_coal_t", 10000.0, 0); SETN(application, "coal_substitution_t", 10000.0, 0); SET(application, "coal_substitution_source", "关停10蒸吨燃煤锅炉"); }
    if (id == "DEMO-LAY07-2") { SETN(application, "added_coal_t", 5000.0, 0); SETN(application, "coal_substitution_t", 6000.0, 0); CLR(application, "coal_substitution_source"); }
    if (id == "DEMO-LAY08-1") { SETN(application, "energy_per_unit", 8.5, 1); SETN(application, "energy_benchmark", 9.0, 1); }
    if (id == "DEMO-LAY08-2") { SETN(application, "energy_per_unit", 8.0, 1); SETN(application, "energy_benchmark", 7.0, 1); }
    if (id == "DEMO-WAT01-1") SETN(application, "groundwater_withdrawal_m3", 50000.0, 0);
    if (id == "DEMO-WAT05-1") { SET(application, "in_park", "榆社化工园区"); SET(application, "park_level", "provincial"); SETB(application, "centralised_wastewater_treatment", true); SETB(application, "wastewater_to_park_system", false); }
    if (id == "DEMO-SOI03-1") { SETB(application, "land_use_change", true); SET(application, "land_use_after", "residential"); SETB(application, "soil_survey_done", false); SETB(application, "applicant_is_land_user", true); }
    if (id == "DEMO-SW03-1") { SETN(application, "solid_waste_t", 20000.0, 0); SETN(application, "solid_waste_disposal_t", 15000.0, 0); }
    if (id == "DEMO-RSK02-1") { SET(application, "in_park", "平遥经济技术开发区"); SET(application, "park_level", "provincial"); SETB(application, "centralised_wastewater_treatment", true); SETN(application, "heavy_metal_added_kg", 50.0, 1); SETN(application, "heavy_metal_offset_kg", 40.0, 1); SET(application, "heavy_metal_offset_source", "平遥县某电镀厂关停");
      application_heavy_metal.begin();
      SET(application_heavy_metal, "application_id", id);
      SET(application_heavy_metal, "pollutant", "cr");
      SETN(application_heavy_metal, "added_kg", 50.0, 1);
      SETN(application_heavy_metal, "offset_kg", 40.0, 1);
      SET(application_heavy_metal, "offset_source", "平遥县某电镀厂关停");
      application_heavy_metal.end(); }
    if (id == "DEMO-TRN01-1") { SETN(application, "annual_freight_t", 1500000.0, 0); SETB(application, "rail_spur_planned", false); }
    if (id == "DEMO-VOC01-1") CLR(application, "low_voc_materials_declared");
    application.end();
    if (*a.zone) zone_of(a.id, a.zone);
    note(a.req, std::string("application ") + a.id, a.what);
  }
  note("WAT-07", "-", "out of reach of enterprise records (farmland irrigation return water): no data [no finding]");
  scenarios_water_soil();
  scenarios_waste();
  scenarios_risk_permit();
  scenarios_screening();
  scenarios_air_voc_transport();
  scenarios_wsr_review();
  scenarios_trn_waste_review();
  scenarios_air_voc_review();
}

// ---- Water and soil: SOI-01/02/04, LAY-04 standing capacity, WAT-04/06 ----------------------
void Gen::scenarios_water_soil() {
  const int R = ref_;
  {
    // SOI-04 abandoned wells of a coal mine: high-risk ones must be sealed and backfilled.
    Ent e = scenario_enterprise(Ind::coal_mining, "灵石县", "灵石县示范煤业二矿有限公司");
    SETN(enterprise, "annual_freight_t", 400000.0, 0);
    SET(enterprise, "rail_spur", "none");
    CLR(enterprise, "rail_spur_completed_on");
    end_enterprise(e);
    valid_permit(e, "simplified");
    const struct { const char* st; int sealed; int risk; const char* kind; const char* what; } ws[] = {
        {"active", 0, 1, "mine_shaft", "abandoned mine shaft assessed high-risk, not sealed after the plan period's end (2025-12-31, a programme date): advice (referral to the authorised department) [soil.abandoned-well-sealing: advice]"},
        {"sealed", R - 200, 1, "borehole", "abandoned high-risk borehole sealed and backfilled in 2026, after the plan period's end: pass (sealed is the duty met, whatever its date) [soil.abandoned-well-sealing: pass]"},
        {"active", 0, -1, "mine_shaft", "abandoned mine shaft whose risk was never assessed: unknown [soil.abandoned-well-sealing: unknown]"}};
    for (const auto& w : ws) {
      const auto id = serial_id("WL", ++well_serial_);
      well.begin();
      SET(well, "id", id);
      SET(well, "enterprise_id", e.id);
      SETB(well, "in_overdraft_zone", false);
      SETB(well, "in_public_supply_coverage", false);
      SET(well, "status", w.st);
      SETB(well, "karst", false);
      if (w.sealed) SETD(well, "sealed_on", w.sealed);
      SETB(well, "abandoned", true);
      if (w.risk >= 0) SETB(well, "high_risk", w.risk == 1);
      SET(well, "kind", w.kind);
      well.end();
      note("SOI-04", "well " + id, w.what);
    }
  }
  {
    // SOI-04 chemical parks' groundwater survey (the park register, write_parks): 介休 only
    // scheduled, 灵石 not recorded, 和顺 not accredited.
    Ent e = scenario_enterprise(Ind::chemical, "介休市", "介休市示范焦化副产品化工有限公司");
    SET(enterprise, "park", "介休化工园区");
    end_enterprise(e);
    valid_permit(e, "key");
    note("SOI-04", "park 介休化工园区", "chemical park's groundwater survey scheduled for 2027-03-31, not done by the 2022-12-31 deadline, its recognition date not recorded: unknown (was it a chemical park by then?) [soil.chem-park-groundwater-survey: unknown]");
    note("SOI-04", "park 灵石化工园区", "chemical park's groundwater survey date not recorded: unknown [soil.chem-park-groundwater-survey: unknown]");
    note("SOI-04", "park 和顺化工园区", "named 化工园区 but not an accredited chemical park: not applicable [soil.chem-park-groundwater-survey: not_applicable]");
    Ent e2 = scenario_enterprise(Ind::chemical, "介休市", "介休市示范精细化学品有限公司");
    SET(enterprise, "park", "介休化工园区");
    SETB(enterprise, "soil_key_unit", true);
    CLR(enterprise, "soil_self_monitoring_on");
    {
      // 36 calendar months and a day before the reference date.
      int y;
      unsigned m, dd;
      civil_from_days(R, y, m, dd);
      SETD(enterprise, "soil_hidden_danger_check_on", day(y - 3, m, dd) - 1);
    }
    end_enterprise(e2);
    valid_permit(e2, "key");
    note("SOI-02", who(e2), "soil key unit: hidden-danger check 36 months and a day ago (guideline 原则上每2-3年): advice; self-monitoring date missing: unknown [soil.self-monitoring: unknown; soil.hidden-danger-check: advice]");
  }
  {
    // LAY-04 standing records: steel, casting, cement, nonferrous capacity under construction
    // inside the urban planning area.
    Ent e = scenario_enterprise(Ind::casting, "昔阳县", "昔阳天宇铸造有限公司");
    SETB(enterprise, "in_urban_planning_area", true);
    SETB(enterprise, "discharges_to_sewer", true);
    SETB(enterprise, "sewer_treatable", false);
    CLR(enterprise, "sewer_exit_deadline");
    end_enterprise(e);
    valid_permit(e, "simplified");
    enterprise_zone_row(e.id, "urban_planning");
    auto f = add_facility(e, "casting_furnace", "under_construction");
    SETN(facility, "capacity_t", 200000.0, 0);
    SET(facility, "fuel", "electric");
    SETD(facility, "approved_on", day(2023, 4, 1));
    facility.end();
    note("LAY-04", "facility " + f, "casting furnace of 200,000 t/a approved 2023, under construction in the urban planning area, no project application on file: unknown (核实是否为高端铸件项目; at most a flag for review) [lay.urban-existing-capacity: unknown]");
    note("WAT-04", who(e), "wastewater the municipal plant cannot treat still goes to the sewer, no exit deadline set: unknown [wat.sewer-exit: unknown]");
    Ent s = scenario_enterprise(Ind::steel, "榆次区", "榆次区示范短流程钢铁有限公司");
    SETB(enterprise, "in_urban_planning_area", true);
    end_enterprise(s);
    valid_permit(s, "key");
    enterprise_zone_row(s.id, "urban_planning");
    f = add_facility(s, "eaf", "under_construction");
    SETN(facility, "capacity_t", 100000.0, 0);
    SET(facility, "fuel", "electric");
    facility.end();
    note("LAY-04", "facility " + f, "electric arc furnace under construction in the urban planning area (short-process steel, the exception): not applicable [lay.urban-existing-capacity: not_applicable]");
    Ent c = scenario_enterprise(Ind::casting, "太谷区", "太谷区示范精密铸造有限公司");
    SETB(enterprise, "in_urban_planning_area", true);
    end_enterprise(c);
    valid_permit(c, "simplified");
    f = add_facility(c, "casting_furnace", "under_construction");
    SETN(facility, "capacity_t", 30000.0, 0);
    SET(facility, "fuel", "electric");
    facility.end();
    note("LAY-04", "facility " + f, "casting furnace under construction in the urban planning area, its enterprise applied for a high-end casting project whose claim the bureau verified (DEMO-LAY04-5, high_end_casting_verified): not applicable (the exception) [lay.urban-existing-capacity: not_applicable]");
    application.begin();
    SET(application, "id", "DEMO-LAY04-5");
    SET(application, "applicant_id", c.id);
    SET(application, "project_name", "太谷区高端精密铸件技改项目");
    SET(application, "project_type", "rebuild");
    SET(application, "industry", "casting");
    SET(application, "process", "high_end_casting");
    SETB(application, "high_end_casting_verified", true);   // the exception needs the claim verified
    SET(application, "county", "太谷区");
    SET(application, "park_level", "none");
    SETN(application, "added_capacity_t", 0.0, 0);
    SETN(application, "energy_benchmark", 100.0, 1);
    SETN(application, "energy_per_unit", 90.0, 1);
    SETN(application, "solid_waste_t", 800.0, 0);
    SETN(application, "solid_waste_disposal_t", 1000.0, 0);
    SETN(application, "annual_freight_t", 40000.0, 0);
    SETB(application, "rail_spur_planned", false);
    SETB(application, "wastewater_zero_discharge", false);
    SETB(application, "land_use_change", false);
    SETB(application, "large_scale_industrial", false);
    SETB(application, "culture_tourism_ecology", false);
    SETD(application, "submitted_on", R - 40);
    application.end();
    application_zone.begin();
    SET(application_zone, "application_id", "DEMO-LAY04-5");
    SET(application_zone, "zone", "urban_planning");
    application_zone.end();
    note("LAY-04", "application DEMO-LAY04-5", "high-end casting upgrade in the urban planning area with no added capacity: not applicable (scr.urban-planning-area) [scr.urban-planning-area: not_applicable]");
    Ent u = begin_enterprise(Ind::nonferrous, county_index("平遥县"), "under_construction");
    u.name = "平遥县示范再生有色金属有限公司";
    SET(enterprise, "name", u.name);
    CLR(enterprise, "in_urban_planning_area");
    SETB(enterprise, "near_farmland", false);
    end_enterprise(u);
    f = add_facility(u, "other", "under_construction");
    SETN(facility, "capacity_t", 50000.0, 0);
    facility.end();
    note("LAY-04", "facility " + f, "nonferrous plant under construction, whether it lies in the urban planning area not recorded: unknown [lay.urban-existing-capacity: unknown]");
  }
  {
    Ent e = scenario_enterprise(Ind::medical, "平遥县", "平遥县示范人民医院");
    CLR(enterprise, "wastewater_treatment_working");
    end_enterprise(e);
    valid_permit(e, "simplified");
    note("WAT-06", who(e), "whether its wastewater treatment works is not recorded: unknown [wat.medical-wastewater: unknown]");
  }
}

// ---- Hazardous waste: HW-02 missing plan, HW-07 assessment --------------------------------------
void Gen::scenarios_waste() {
  auto d = [](int y, unsigned m, unsigned dd) { return day(y, m, dd); };
  Ent e = scenario_enterprise(Ind::pharmaceutical, "榆次区", "榆次区示范制药有限公司");
  CLR(enterprise, "hw_supervision_listed");
  SETD(enterprise, "hw_standardised_assessed_on", d(2024, 6, 1));
  SETB(enterprise, "pollution_insurance", true);
  end_enterprise(e);
  valid_permit(e, "simplified");
  note("HW-07", who(e), "supervision-list flag missing: unknown; last standardised assessment 2024-06-01 (before 2025): advice (include in the next draw) [hw.supervision-list: unknown; hw.standardised-assessment: advice]");
  note("HW-02", who(e), "declared and shipped hazardous waste in 2025, no management plan of any year on file (hw.management-plan-missing): unknown (the export may lack its plans) [hw.management-plan-missing: unknown]");
  hw_declaration.begin();
  SET(hw_declaration, "enterprise_id", e.id);
  SETI(hw_declaration, "year", 2025);
  SET(hw_declaration, "waste_code", "HW02");
  SETN(hw_declaration, "generated_t", 6.0, 1);
  SETN(hw_declaration, "stored_t", 1.0, 1);
  SETN(hw_declaration, "transferred_t", 5.0, 1);
  SETN(hw_declaration, "self_disposed_t", 0.0, 1);
  SETD(hw_declaration, "declared_on", d(2026, 2, 10));
  hw_declaration.end();
  note_declaration(e.id, 2025, 6.0, 0.0);
  add_manifest(e.id, receivers_.empty() ? e.id : receivers_[0].id, "HW02", d(2025, 9, 16), 4.0, true, 0.0, 1);
  note("HW-05", "hw_declaration " + e.id + "/2025/HW02", "declares 5 t transferred, its 2025 HW02 manifests carry 4 t (hw.declared-transfers-manifests): advice (check its manifests) [hw.declaration-balance: pass; hw.declared-transfers-manifests: advice]");
  // A receipt recorded without its quantity.
  const std::string no = manifest_no(2026);
  hw_manifest.begin();
  SET(hw_manifest, "manifest_no", no);
  SET(hw_manifest, "generator_id", e.id);
  SET(hw_manifest, "receiver_id", receivers_.empty() ? e.id : receivers_[0].id);
  SET(hw_manifest, "waste_code", "HW49");
  SETD(hw_manifest, "shipped_on", ref_ - 40);
  SETN(hw_manifest, "shipped_t", 2.5, 2);
  SETD(hw_manifest, "received_on", ref_ - 38);
  SETB(hw_manifest, "electronic", true);
  hw_manifest.end();
  note("HW-03", "hw_manifest " + no, "received 2 days after shipping, received quantity not recorded (hw.manifest-quantity): unknown; not confirmed in the system although the receiver's other manifests carry confirmations, 5 working days after receipt long past (hw.manifest-receipt-confirmation): advice (the receiver's duty; the finding is owned by the generator) [hw.electronic-manifest: pass; hw.manifest-receipt-confirmation: advice; hw.manifest-quantity: unknown]");
  note("HW-01", "hw_manifest " + no, "HW49 shipped in 2026, to be declared by 2027-03-31 (hw.manifest-declared): upcoming [hw.manifest-declared: upcoming]");
}

// ---- Risk and permits: PMT-02 late, PMT-04/05 and RSK-01/03/06/07 cases -------------------------
void Gen::scenarios_risk_permit() {
  const int R = ref_;
  auto d = [](int y, unsigned m, unsigned dd) { return day(y, m, dd); };
  {
    Ent e = scenario_enterprise(Ind::casting, "平遥县", "平遥县示范续证铸造有限公司");
    SETB(enterprise, "key_discharge_unit", true);
    CLR(enterprise, "info_disclosed_on");
    CLR(enterprise, "emergency_plan_required");
    SETD(enterprise, "emergency_plan_filed_on", d(2024, 5, 20));
    CLR(enterprise, "emergency_plan_revised_on");
    end_enterprise(e);
    add_permit(e, "key", d(2021, 12, 1), "valid");   // valid until 2026-11-30 by the five-year rule
    permit.set_date(col(k_permit, "valid_until"), R + 40);
    SETD(permit, "renewal_applied_on", R - 5);
    permit.end();
    note("PMT-02", "permit " + e.id + "001P", "renewal applied 5 days ago, 45 days before expiry (due 60 days before): late [pmt.renewal: late]");
    note("PMT-04", "permit " + e.id + "001P", "key permit issued 2021, no execution report recorded: unknown [pmt.execution-report: unknown]");
    note("PMT-05", who(e), "key discharge unit, no disclosure date recorded: unknown [pmt.info-disclosure: unknown]");
    note("RSK-01", who(e), "whether it must file an emergency plan is not recorded: unknown (filing and revision) [rsk.emergency-plan-filed: unknown; rsk.emergency-plan-revision: unknown]");
    Ent u = scenario_enterprise(Ind::glass, "祁县", "祁县示范待续证玻璃有限公司");
    end_enterprise(u);
    add_permit(u, "key", d(2021, 12, 1), "valid");
    permit.set_date(col(k_permit, "valid_until"), R + 75);
    SETD(permit, "last_execution_report_on", d(2026, 10, 12));
    permit.end();
    note("PMT-02", "permit " + u.id + "001P", "valid until 75 days after the reference date, renewal not yet applied, due in 15 days: upcoming [pmt.renewal: upcoming]");
  }
  {
    Ent e = scenario_enterprise(Ind::electroplating, "平遥县", "平遥县示范园区电镀有限公司");
    SET(enterprise, "park", "平遥经济技术开发区");
    SETB(enterprise, "heavy_metal_key", false);
    SETB(enterprise, "near_farmland", false);
    end_enterprise(e);
    valid_permit(e, "key");
    note("RSK-03", who(e), "electroplating enterprise not on the heavy-metal key enterprise list: advice (the list is the bureau's; permit held: pass) [rsk.heavy-metal-list: advice; rsk.heavy-metal-permit: pass]");
    Ent n = scenario_enterprise(Ind::nonferrous, "左权县", "左权县示范冶炼有限公司");
    CLR(enterprise, "heavy_metal_key");
    CLR(enterprise, "near_farmland");
    end_enterprise(n);
    valid_permit(n, "key");
    note("RSK-03", who(n), "nonferrous enterprise, whether it mines or smelts heavy nonferrous metals not recorded: unknown [rsk.heavy-metal-list: unknown; rsk.heavy-metal-permit: pass]");
    note("SOI-01", who(n), "nonferrous enterprise, heavy or light not recorded, on the key discharge unit list: pass (the 纳入 clause is not limited to farmland) [soil.heavy-metal-key-unit: pass]");
  }
  {
    Ent e = scenario_enterprise(Ind::other, "榆次区", "榆次区示范检测仪器有限公司");
    end_enterprise(e);
    valid_permit(e, "simplified");
    chemical_use.begin();
    SET(chemical_use, "enterprise_id", e.id);
    SET(chemical_use, "substance", "mercury_thermometer");
    SET(chemical_use, "activity", "production");
    SETN(chemical_use, "annual_t", 0.3, 2);
    SETD(chemical_use, "last_seen_on", d(2025, 12, 31));
    chemical_use.end();
    note("RSK-06", "chemical_use " + e.id + "/mercury_thermometer/production", "mercury thermometer production last seen 2025-12-31, the day before the ban: pass (boundary) [rsk.mercury-products: pass]");
    const struct { bool mobile; int cat; int rt; int until; const char* st; const char* req; const char* what; } rs[] = {
        {true, 2, -1, R + 500, "in_use", "RSK-07", "mobile category II source in use, real-time monitoring not recorded: unknown [rsk.mobile-source-monitoring: unknown; rsk.radiation-licence: pass]"},
        {false, 4, 0, 0, "in_use", "RSK-07", "source in use, licence expiry not recorded (rsk.radiation-licence): unknown [rsk.radiation-licence: unknown]"},
        {false, 5, 0, R - 400, "stored", "RSK-07", "disused source sent for storage: not applicable (rsk.disused-source-storage); no licence needed once stored [rsk.mobile-source-monitoring: not_applicable; rsk.radiation-licence: not_applicable; rsk.disused-source-storage: not_applicable; rsk.disused-source-storage-iv-v: not_applicable]"}};
    for (const auto& r : rs) {
      const auto id = serial_id("RS14", ++source_serial_);
      radioactive_source.begin();
      SET(radioactive_source, "id", id);
      SET(radioactive_source, "enterprise_id", e.id);
      SETI(radioactive_source, "category", r.cat);
      SETB(radioactive_source, "mobile", r.mobile);
      if (r.rt >= 0) SETB(radioactive_source, "realtime_monitoring", r.rt == 1);
      if (r.until) SETD(radioactive_source, "licence_valid_until", r.until);
      SET(radioactive_source, "status", r.st);
      radioactive_source.end();
      note(r.req, "radioactive_source " + id, r.what);
    }
  }
}

// ---- Screening: the cases the first application set lacks (pass and unknown sides) ----------------
void Gen::scenarios_screening() {
  const int R = ref_;
  struct A { const char* id; Ind ind; const char* county; const char* type; const char* zone; const char* req; const char* what; };
  const A apps[] = {
      {"DEMO-LAY03-2", Ind::other, "灵石县", "new", "yellow_river_main", "LAY-03", "culture, tourism and ecology project along the Yellow River main stem: pass [scr.yellow-river: pass]"},
      {"DEMO-LAY03-3", Ind::other, "灵石县", "new", "yellow_river_main", "LAY-03", "project along the Yellow River, whether it is a culture/tourism/ecology project not stated: unknown [scr.yellow-river: unknown]"},
      {"DEMO-LAY04-4", Ind::casting, "榆次区", "rebuild", "urban_planning", "LAY-04", "casting rebuild in the urban planning area, added capacity not stated: unknown [scr.urban-planning-area: unknown]"},
      {"DEMO-LAY08-3", Ind::glass, "祁县", "new", "", "LAY-08", "new glass project, energy per unit not stated: unknown [scr.energy-efficiency: unknown]"},
      {"DEMO-LAY11-2", Ind::coal_chemical, "榆社县", "new", "drinking_water_source", "LAY-11", "coal-chemical project in a drinking-water source protection zone, whose grade the zone register does not give: scr.water-protection-zone advice (conditional: verify the grade and the discharges) [scr.water-protection-zone: advice]"},
      {"DEMO-WAT01-2", Ind::other, "太谷区", "new", "groundwater_overdraft", "WAT-01", "project in an overdraft zone, groundwater withdrawal not stated: unknown [scr.groundwater-overdraft: unknown]"},
      {"DEMO-WAT01-3", Ind::other, "太谷区", "new", "groundwater_overdraft", "WAT-01", "project in an overdraft zone on mains water, withdrawal 0: pass [scr.groundwater-overdraft: pass]"},
      {"DEMO-WAT05-2", Ind::chemical, "介休市", "new", "", "WAT-05", "chemical project in 介休市化工集中区, a park the park register does not hold: unknown (both WAT-05 rules: verify whether it is a 新增 park) [scr.park-wastewater-treatment: unknown; scr.chemical-park-zero-discharge: unknown]"},
      {"DEMO-WAT05-3", Ind::coating, "昔阳县", "new", "", "WAT-05", "coating project in 昔阳新材料产业园, a provincial park set up 2023-03-01 (新增) without centralised treatment, not recycling its wastewater: scr.park-wastewater-treatment advice (the park's duty: verify its plant; conditional) [scr.park-wastewater-treatment: advice]"},
      {"DEMO-WAT05-4", Ind::chemical, "祁县", "new", "", "WAT-05", "chemical project in 祁县化工园区, set up 2019-12-01 (an existing park, not 新增): both WAT-05 rules not applicable (approve) [scr.park-wastewater-treatment: not_applicable; scr.chemical-park-zero-discharge: not_applicable]"},
      {"DEMO-SOI03-2", Ind::other, "榆次区", "new", "", "SOI-03", "land-use change on a plot listed for risk control (its risk assessment set targets), target not met, unrelated project: violation (scr.soil-risk-plot) [scr.land-use-change-survey: pass; scr.soil-risk-plot: violation]"},
      {"DEMO-SOI03-3", Ind::other, "榆次区", "new", "", "SOI-03", "remediation project on a plot not yet at its target (the exception): pass [scr.land-use-change-survey: pass; scr.soil-risk-plot: pass]"},
      {"DEMO-SOI03-4", Ind::other, "榆次区", "new", "", "SOI-03", "land-use change to public-service land, whether the soil survey was done not stated: unknown (both SOI-03 rules) [scr.land-use-change-survey: unknown; scr.soil-risk-plot: unknown]"},
      {"DEMO-SOI03-5", Ind::other, "榆次区", "new", "", "SOI-03", "land-use change to commercial land, no soil risk found, former land user not stated: scr.land-use-change-survey unknown (verify whether it was a soil key unit's production land, Art. 67) [scr.land-use-change-survey: unknown]"},
      {"DEMO-SW03-2", Ind::coal_chemical, "介休市", "expand", "", "SW-03", "30,000 t/a solid waste, disposal capacity not stated: unknown [scr.solid-waste-capacity: unknown]"},
      {"DEMO-RSK02-2", Ind::electroplating, "平遥县", "new", "", "RSK-02", "electroplating project in a park, heavy-metal emissions not stated: unknown [scr.heavy-metal-replacement: unknown]"},
      {"DEMO-RSK04-2", Ind::electroplating, "平遥县", "new", "", "RSK-04", "electroplating project stating a provincial park without naming it: unknown [scr.electroplating-in-park: unknown]"},
      {"DEMO-VOC01-2", Ind::printing, "榆次区", "new", "", "VOC-01", "printing project declaring it will not use low-VOC materials: advice (the plan promotes them; advised at review) [scr.low-voc-materials: advice]"},
      {"DEMO-VOC01-3", Ind::coating, "榆次区", "new", "", "VOC-01", "coating project declaring low-VOC materials: pass [scr.low-voc-materials: pass]"},
      {"DEMO-TRN01-2", Ind::coking, "灵石县", "expand", "", "TRN-01", "coking expansion, planned freight not stated: unknown [scr.rail-spur: unknown]"},
  };
  for (const auto& a : apps) {
    const std::string_view id = a.id;
    const std::string county = a.county;
    application.begin();
    SET(application, "id", id);
    SET(application, "project_name", county + industry_label(a.ind) + "建设项目");
    SET(application, "project_type", a.type);
    SET(application, "industry", industry_name(a.ind));
    SET(application, "county", county);
    SET(application, "park_level", "none");
    SETN(application, "added_capacity_t", 50000.0, 0);
    SETN(application, "energy_benchmark", 100.0, 1);
    SETN(application, "energy_per_unit", 92.0, 1);
    if (a.ind == Ind::coking) { SET(application, "energy_product", "焦炭(顶装焦炉)"); SETN(application, "energy_per_unit", 101.2, 1); }
    if (a.ind == Ind::glass) { SET(application, "energy_product", "平板玻璃(日熔化量>800t)"); SETN(application, "energy_per_unit", 7.4, 1); }
    if (a.ind == Ind::coal_chemical) { SET(application, "energy_product", "甲醇(煤)"); SETN(application, "energy_per_unit", 1288.0, 1); }
    if (a.ind == Ind::chemical) { SET(application, "energy_product", "电石"); SETN(application, "energy_per_unit", 740.6, 1); }
    SETN(application, "solid_waste_t", 3000.0, 0);
    SETN(application, "solid_waste_disposal_t", 3500.0, 0);
    SETN(application, "annual_freight_t", 150000.0, 0);
    SETB(application, "rail_spur_planned", false);
    SETB(application, "wastewater_zero_discharge", false);
    SETB(application, "land_use_change", false);
    SETB(application, "large_scale_industrial", false);
    SETB(application, "culture_tourism_ecology", false);
    if (a.ind == Ind::coking || a.ind == Ind::coal_chemical) {
      SETN(application, "added_coal_t", 20000.0, 0);
      SETN(application, "coal_substitution_t", 25000.0, 0);
      SET(application, "coal_substitution_source", "关停燃煤锅炉替代量");
    }
    if (a.ind == Ind::coking) {
      SETN(application, "replaced_capacity_t", 62500.0, 0);
      SET(application, "replacement_source", "已关停产能 (置换方案备案)");
    }
    if (a.ind == Ind::electroplating) {
      SET(application, "in_park", "平遥经济技术开发区");
      SET(application, "park_level", "provincial");
      SETB(application, "centralised_wastewater_treatment", true);
      SETN(application, "heavy_metal_added_kg", 15.0, 1);
      SETN(application, "heavy_metal_offset_kg", 15.0, 1);
      SET(application, "heavy_metal_offset_source", "区域内关停电镀企业");
    }
    if (is_voc(a.ind)) SETB(application, "low_voc_materials_declared", true);
    SETD(application, "submitted_on", R - 7);
    if (id == "DEMO-LAY03-2") SETB(application, "culture_tourism_ecology", true);
    if (id == "DEMO-LAY03-3") CLR(application, "culture_tourism_ecology");
    if (id == "DEMO-LAY04-4") CLR(application, "added_capacity_t");
    if (id == "DEMO-LAY08-3") CLR(application, "energy_per_unit");
    if (id == "DEMO-LAY11-2") CLR(application, "large_scale_industrial");
    if (id == "DEMO-WAT01-3") SETN(application, "groundwater_withdrawal_m3", 0.0, 0);
    if (id == "DEMO-WAT05-2") {
      SET(application, "in_park", "介休市化工集中区");
      SET(application, "park_level", "provincial");
      CLR(application, "wastewater_zero_discharge");
    }
    if (id == "DEMO-WAT05-3") { SET(application, "in_park", "昔阳新材料产业园"); SET(application, "park_level", "provincial"); }
    if (id == "DEMO-WAT05-4") { SET(application, "in_park", "祁县化工园区"); SET(application, "park_level", "provincial"); }
    if (id.starts_with("DEMO-SOI03")) SETB(application, "land_use_change", true);
    if (id == "DEMO-SOI03-2" || id == "DEMO-SOI03-3") SET(application, "land_use_after", "residential");
    if (id == "DEMO-SOI03-4") SET(application, "land_use_after", "public_service");
    if (id == "DEMO-SOI03-5") { SET(application, "land_use_after", "commercial"); SETB(application, "soil_risk_indicated", false); SETB(application, "soil_survey_done", false); }
    if (id == "DEMO-SOI03-2" || id == "DEMO-SOI03-3") {
      SETB(application, "soil_survey_done", true);
      SETB(application, "soil_risk_target_met", false);
      SETB(application, "soil_risk_listed", true);
    }
    if (id == "DEMO-SOI03-3") SET(application, "process", "soil_remediation");
    if (id == "DEMO-SW03-2") { SETN(application, "solid_waste_t", 30000.0, 0); CLR(application, "solid_waste_disposal_t"); }
    if (id == "DEMO-RSK02-2") { CLR(application, "heavy_metal_added_kg"); CLR(application, "heavy_metal_offset_kg"); CLR(application, "heavy_metal_offset_source"); }
    if (id == "DEMO-RSK04-2") CLR(application, "in_park");
    if (id == "DEMO-VOC01-2") SETB(application, "low_voc_materials_declared", false);
    if (id == "DEMO-TRN01-2") CLR(application, "annual_freight_t");
    application.end();
    if (*a.zone) {
      application_zone.begin();
      SET(application_zone, "application_id", id);
      SET(application_zone, "zone", a.zone);
      application_zone.end();
    }
    note(a.req, std::string("application ") + a.id, a.what);
  }
}

// ---- AIR-05/10, VOC-01/02/03/06, TRN-05/07: the cases the first set lacks ---------------------------
// Steel and cement CEMS months over the ULE limits, an unreported elimination-list entry, content
// limits of cleaners, adhesives and coatings, the VOC-02 special-function exception, spray
// absorption of water-soluble VOCs, LDAR rounds of the scenario enterprises above, and the
// registration-date boundaries of new muck trucks and non-road machinery.
void Gen::scenarios_air_voc_transport() {
  const int R = ref_;
  auto d = [](int y, unsigned m, unsigned dd) { return day(y, m, dd); };
  auto ent = [&](Ind ind, std::string_view county, std::string_view name) { return scenario_enterprise(ind, county, name); };
  // The scenario enterprises above that LDAR applies to get one complete, recent round, so that
  // only the cases written for VOC-03 stand out (the unknown side is the enterprise below).
  for (const auto& id : ldar_due_) {
    if (std::find(ldar_done_.begin(), ldar_done_.end(), id) != ldar_done_.end()) continue;
    ldar_round.begin();
    SET(ldar_round, "enterprise_id", id);
    SETD(ldar_round, "inspected_on", R - 60);
    SETI(ldar_round, "components", 2500);
    SETI(ldar_round, "leaks_found", 8);
    SETI(ldar_round, "leaks_repaired_in_time", 8);
    SETI(ldar_round, "leaks_first_attempt_in_time", 8);
    ldar_round.end();
    note("VOC-03", "enterprise " + id, "VOC key enterprise of an LDAR industry (scenario of another requirement), round 60 days ago, 8 of 8 leaks repaired: pass [voc.ldar-interval: pass]");
  }
  ldar_due_.clear();
  // One CEMS monthly summary with the figures given (no permit-limit hours, a plausible tonnage).
  auto month = [&](const std::string& fid, int m, const char* pol, double avg, int hours, int over) {
    emission_monthly.begin();
    SET(emission_monthly, "facility_id", fid);
    SETD(emission_monthly, "month", m);
    SET(emission_monthly, "pollutant", pol);
    SETN(emission_monthly, "avg_mg_m3", avg, 2);
    SETN(emission_monthly, "max_hourly_mg_m3", avg * 1.4, 2);
    SETI(emission_monthly, "hours_valid", hours);
    SETI(emission_monthly, "hours_over_ule", over);
    SETI(emission_monthly, "hours_over_permit", 0);
    SETN(emission_monthly, "annual_t", avg * 3.0e5 * hours / 1e9, 2);
    emission_monthly.end();
    return "emission_monthly " + fid + "/" + date_str(m) + "/" + pol;
  };
  // Heavy industry has a performance grade and filed measures (HPW-01) on the clean baseline.
  auto graded = [&]() {
    SET(enterprise, "performance_grade", "B");
    SETB(enterprise, "emergency_measures_filed", true);
  };
  const int oct = d(2026, 10, 1), sep = d(2026, 9, 1);
  {
    Ent e = ent(Ind::steel, "祁县", "祁县示范钢铁有限公司");
    graded();
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "sinter", "operating");
    SET(facility, "ule_status", "evaluated");
    SETD(facility, "ule_completed_on", d(2021, 6, 30));
    SETD(facility, "ule_evaluated_on", d(2021, 11, 30));
    facility.end();
    note("AIR-01", "facility " + f, "steel sinter machine, ULE completed 2021-06-30 and evaluated: pass [air.steel-ule-retrofit: pass]");
    note("AIR-05", month(f, sep, "nox", 49.99, 700, 0), "sinter head NOx 49.99 mg/m³ (ULE level 50), every valid hour within: pass [air.ule-cems-steel-sinter: pass]");
    note("AIR-05", month(f, oct, "nox", 50.01, 700, 0), "sinter head NOx monthly average 50.01 mg/m³ (ULE level 50) but every valid hour within: pass (the criterion is the share of hourly means, not the average) [air.ule-cems-steel-sinter: pass]");
    note("AIR-05", month(f, oct, "pm", 5.0, 700, 36), "sinter head PM average within the level, but 36 of 700 valid hours above it (94.9 % < 95 %): advice (a policy level, not a limit) [air.ule-cems-steel-sinter: advice]");
    note("AIR-05", month(f, oct, "so2", 20.0, 700, 35), "sinter head SO2, 35 of 700 hours above the level (exactly 95 % within): pass (boundary) [air.ule-cems-steel-sinter: pass]");
    f = add_facility(e, "converter", "operating");
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2021, 4, 28));
    facility.end();
    note("AIR-05", month(f, oct, "nox", 200.01, 700, 0), "converter NOx monthly average 200.01 mg/m³: not applicable (35号 sets PM alone for converter flue gas; the 200 mg/m³ NOx level is the hot-blast stove's) [air.ule-cems-steel-other: not_applicable]");
    note("AIR-05", month(f, oct, "so2", 50.0, 700, 0), "converter SO2 exactly 50 mg/m³: not applicable (PM alone for converters) [air.ule-cems-steel-other: not_applicable]");
    note("AIR-05", month(f, d(2021, 3, 1), "nox", 260.0, 700, 300), "converter NOx 260 mg/m³ in 2021-03, before its retrofit was completed: not applicable [air.ule-cems-steel-sinter: not_applicable; air.ule-cems-steel-other: not_applicable; air.ule-cems-coke-oven: not_applicable; air.ule-cems-cement: not_applicable; air.ule-cems-coal-power: not_applicable]");
    f = add_facility(e, "blast_furnace", "operating");
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2026, 1, 1));
    facility.end();
    note("AIR-01", "facility " + f, "steel blast furnace ULE completed 2026-01-01, the day after the 2025-12-31 deadline: advice naming both dates (the plan's task, no penalty basis; ninth independent reading, air 3) [air.steel-ule-retrofit: advice]");
  }
  {
    Ent e = ent(Ind::building_materials, "灵石县", "灵石县示范矿棉有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    const struct { const char* kind; const char* status; int restart; const char* ule; int done; const char* what; } fs[] = {
        {"sinter", "operating", d(2024, 3, 1), "completed", d(2024, 5, 1), "another rock-wool plant (not 峰岩矿棉, the enterprise the clause names): sintering restarted 2024-03-01, retrofit completed after it: not applicable [air.restart-ule-retrofit: not_applicable]"},
        {"blast_furnace", "idle", R + 60, "in_progress", 0, "not 峰岩矿棉: blast furnace to restart in 60 days, retrofit in progress: not applicable [air.restart-ule-retrofit: not_applicable]"},
        {"sinter", "operating", d(2023, 6, 1), "", 0, "not 峰岩矿棉: sintering restarted 2023-06-01, retrofit status not reported: not applicable [air.restart-ule-retrofit: not_applicable]"}};
    for (const auto& x : fs) {
      const auto f = add_facility(e, x.kind, x.status);
      SETD(facility, "restarted_on", x.restart);
      if (*x.ule) SET(facility, "ule_status", x.ule);
      if (x.done) SETD(facility, "ule_completed_on", x.done);
      facility.end();
      note("AIR-02", "facility " + f, x.what);
    }
  }
  {
    Ent e = ent(Ind::coking, "太谷区", "太谷区示范焦化有限公司");
    SETB(enterprise, "voc_key", false);
    graded();
    end_enterprise(e);
    valid_permit(e, "key");
    const auto f = add_facility(e, "coke_oven", "operating");
    SETN(facility, "chamber_height_m", 6.0, 2);
    SETN(facility, "capacity_t", 1000000.0, 0);
    SET(facility, "ule_status", "evaluated");
    SETD(facility, "ule_completed_on", d(2022, 5, 1));
    SETD(facility, "ule_evaluated_on", d(2022, 12, 1));
    facility.end();
    note("AIR-03", "facility " + f, "oven not marked as the five-enterprise task: unknown (air.coking-ule-deadline); ULE completed 2022-05-01, evaluation monitoring done 2022-12-01: pass (air.coking-ule-evaluation; 尽快 sets no period) [air.coking-ule-deadline: unknown; air.coking-ule-evaluation: pass]");
  }
  {
    Ent e = ent(Ind::cement, "介休市", "介休市示范水泥有限公司");
    graded();
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "cement_kiln", "operating");
    SET(facility, "fuel", "coal");
    SET(facility, "denitration", "scr");
    SET(facility, "ule_status", "completed");
    SETD(facility, "ule_completed_on", d(2022, 6, 1));
    SETB(facility, "named_cement_ule", true);
    facility.end();
    note("AIR-04", "facility " + f, "marked cement kiln, ULE completed 2022-06-01: pass [air.cement-ule-deadline: pass]");
    note("AIR-05", month(f, oct, "so2", 35.01, 700, 40), "cement kiln tail SO2, 40 of 700 valid hours above the ULE level 35 (94.3 % < 95 %, unverified): advice (a policy level, not a limit) [air.ule-cems-cement: advice]");
    note("AIR-05", month(f, oct, "nox", 50.0, 700, 0), "cement kiln tail NOx exactly 50 mg/m³, every valid hour within: pass [air.ule-cems-cement: pass]");
  }
  {
    Ent e = ent(Ind::coal_power, "寿阳县", "寿阳县示范发电有限公司");
    graded();
    end_enterprise(e);
    valid_permit(e, "key");
    auto f = add_facility(e, "coal_power_unit", "operating");
    SETN(facility, "capacity_mw", 200.0, 0);
    SET(facility, "fuel", "coal");
    SET(facility, "denitration", "scr");
    facility.end();
    note("AIR-10", "facility " + f, "200 MW unit, whether it is on the elimination list not reported: unknown [air.small-power-unit-elimination: unknown]");
    f = add_facility(e, "boiler", "operating");
    SET(facility, "fuel", "gas");
    SET(facility, "denitration", "sncr");
    SETB(facility, "denitration_found_inefficient", true);
    SETB(facility, "denitration_rectified", true);
    facility.end();
    note("AIR-08", "facility " + f, "SNCR boiler found inefficient, rectification done: pass [air.inefficient-denitration: pass]");
    f = add_facility(e, "boiler", "operating");
    SET(facility, "fuel", "biomass");
    SET(facility, "denitration", "none");
    facility.end();
    note("AIR-06", "facility " + f, "biomass boiler without denitration and without NOx monitoring months (stability cannot be shown): unknown [air.biomass-boiler-denitration: unknown]");
  }
  {
    Ent e = ent(Ind::coating, "榆次区", "榆次区示范涂装有限公司");
    review_keys_["coating"] = e.id;
    end_enterprise(e);
    valid_permit(e, "simplified");
    const struct { const char* kind; const char* type; double v; bool outdoor; int special; const char* req; const char* what; } mats[] = {
        {"cleaner", "water_based_cleaner", 50.1, false, -1, "VOC-01", "water-based cleaner 50.1 g/L (limit 50) on its test report: advice (just above; no penalty on a cleaner user, a correction notice) [voc.cleaner-content: advice]"},
        {"cleaner", "semi_aqueous_cleaner", 300.0, false, -1, "VOC-01", "semi-aqueous cleaner exactly 300 g/L: pass (boundary) [voc.cleaner-content: pass]"},
        {"adhesive", "water_based_adhesive", 100.1, false, -1, "VOC-01", "water-based adhesive 100.1 g/L, its inspection report states a 100 g/L limit for its type and field: advice (just above; no table loaded; no penalty on an adhesive user, a correction notice) [voc.adhesive-content: advice]"},
        {"adhesive", "solvent_chloroprene_adhesive", 600.0, false, -1, "VOC-01", "solvent chloroprene adhesive exactly 600 g/L, the report's limit 600 g/L checked by the bureau: pass (boundary) [voc.adhesive-content: pass]"},
        {"coating", "solvent_industrial_coating", 550.1, false, -1, "VOC-01", "solvent industrial coating 550.1 g/L in the ready-to-use state, product named, its inspection report states a 550 g/L limit, which the bureau has not checked against the standard's table (none loaded): unknown (check the category and the standard's limit) [voc.coating-content: unknown]"},
        {"coating", "water_based_industrial_coating", 200.0, true, 0, "VOC-02", "outdoor water-based coating exactly 200 g/L, the report's low-VOC ceiling 200 g/L, no special function: pass (boundary); VOC-01 unknown (no limit stated) [voc.outdoor-low-voc-coating: pass]"},
        {"coating", "solvent_road_marking_coating", 440.0, true, 1, "VOC-02", "outdoor solvent road-marking coating 440 g/L, special function required (特殊功能要求): not applicable (exception) [voc.outdoor-low-voc-coating: not_applicable]"},
        {"coating", "water_based_road_marking_coating", -1, true, -1, "VOC-02", "outdoor water-based road-marking coating, VOC content not recorded: unknown (VOC-01 unknown too) [voc.outdoor-low-voc-coating: unknown]"},
        {"ink", "offset_ink_sheetfed", -1, false, -1, "VOC-01", "sheet-fed offset ink, VOC content (%) not recorded: unknown [voc.ink-content: unknown]"}};
    for (const auto& m : mats) {
      voc_material.begin();
      SET(voc_material, "enterprise_id", e.id);
      SET(voc_material, "kind", m.kind);
      SET(voc_material, "product_type", m.type);
      if (m.v >= 0) SETN(voc_material, "voc_content_g_l", m.v, 1);
      SETN(voc_material, "annual_use_t", 8.0, 1);
      SETB(voc_material, "outdoor_use", m.outdoor);
      if (m.special >= 0) SETB(voc_material, "special_function", m.special == 1);
      // The limits the products' inspection reports state (no verified table is loaded).
      if (std::string_view(m.type) == "solvent_industrial_coating") {
        SETN(voc_material, "standard_limit_g_l", 550.0, 0);
        // The report measured the ready-to-use state and names the product (a violation needs both).
        SET(voc_material, "content_state", "ready_to_use");
        SET(voc_material, "product_name", "示范工业防护漆 批次 2026-03");
      }
      if (std::string_view(m.type) == "water_based_industrial_coating") SETN(voc_material, "low_voc_limit_g_l", 200.0, 0);
      if (std::string_view(m.type) == "water_based_adhesive") SETN(voc_material, "standard_limit_g_l", 100.0, 0);
      if (std::string_view(m.type) == "solvent_chloroprene_adhesive") {
        SETN(voc_material, "standard_limit_g_l", 600.0, 0);
        // The bureau checked the report's limit against the standard (a pass needs a checked limit;
        // ninth independent reading, voc 4).
        SETB(voc_material, "standard_limit_verified", true);
      }
      // The contents come from the products' test reports (an SDS could not prove an exceedance).
      if (m.v >= 0) SET(voc_material, "content_source", "inspection_report");
      // The tested cleaners and adhesives are named, last used a month before the reference date
      // (a pass needs both: tenth independent reading, voc 1).
      if (m.v >= 0 && (std::string_view(m.kind) == "cleaner" || std::string_view(m.kind) == "adhesive")) {
        SET(voc_material, "product_name", std::string(m.type) + " 示范批次");
        SETD(voc_material, "product_last_used_on", R - 30);
      }
      voc_material.end();
      note(m.req, std::string("voc_material ") + e.id + "/" + m.kind + "/" + m.type, m.what);
    }
    const struct { int soluble; const char* what; } vts[] = {
        {1, "single spray absorption of water-soluble VOCs: pass [voc.inefficient-treatment: pass; voc.single-technology-unstable: pass]"},
        {0, "single spray absorption of insoluble VOCs (简易低效): advice (clean-up campaign, no date) [voc.inefficient-treatment: advice; voc.single-technology-unstable: pass]"},
        {-1, "single spray absorption, solubility of the VOCs not recorded: unknown [voc.inefficient-treatment: unknown; voc.single-technology-unstable: pass]"}};
    for (const auto& v : vts) {
      const auto id = serial_id("VT", ++voc_serial_);
      voc_treatment.begin();
      SET(voc_treatment, "id", id);
      SET(voc_treatment, "enterprise_id", e.id);
      SET(voc_treatment, "technology", "spray_absorption");
      SETI(voc_treatment, "stages", 1);
      SETB(voc_treatment, "bypass", false);
      SETI(voc_treatment, "exceedances_12m", 0);
      SETB(voc_treatment, "ledger_complete", true);
      if (v.soluble >= 0) SETB(voc_treatment, "water_soluble_voc", v.soluble == 1);
      voc_treatment.end();
      note("VOC-06", "voc_treatment " + id, v.what);
    }
    ldar_round.begin();
    SET(ldar_round, "enterprise_id", e.id);
    SETD(ldar_round, "inspected_on", R - 300);
    SETI(ldar_round, "components", 1999);
    SETI(ldar_round, "leaks_found", 3);
    SETI(ldar_round, "leaks_repaired_in_time", 1);
    ldar_round.end();
    note("VOC-03", "ldar_round " + e.id + "/" + date_str(R - 300), "voluntary round on 1,999 sealing points, just under the 2,000 threshold (2 leaks unrepaired, 300 days old): not applicable (repair and interval) [voc.ldar-repair: not_applicable; voc.ldar-first-attempt: not_applicable]");
  }
  {
    Ent e = ent(Ind::wood_panel, "榆次区", "榆次区示范人造板有限公司");
    SET(enterprise, "status", "closed");
    end_enterprise(e);
    const auto id = serial_id("VT", ++voc_serial_);
    voc_treatment.begin();
    SET(voc_treatment, "id", id);
    SET(voc_treatment, "enterprise_id", e.id);
    SET(voc_treatment, "technology", "rco");
    SETI(voc_treatment, "stages", 1);
    SETB(voc_treatment, "bypass", true);
    SETB(voc_treatment, "ledger_complete", false);
    voc_treatment.end();
    note("VOC-05", "voc_treatment " + id, "RCO with a bypass and an incomplete ledger at a closed plant: not applicable (VOC-05 and VOC-07) [voc.no-bypass: not_applicable]");
  }
  {
    // HW-08's unknown side (the background draws leave the flag blank only by chance).
    Ent e = ent(Ind::electronics, "祁县", "祁县示范电子有限公司");
    CLR(enterprise, "pollution_insurance");
    end_enterprise(e);
    valid_permit(e, "simplified");
    hw_plan.begin();
    SET(hw_plan, "enterprise_id", e.id);
    SETI(hw_plan, "year", 2026);
    SETD(hw_plan, "filed_on", d(2026, 3, 1));
    hw_plan.end();
    note("HW-08", who(e), "hazardous-waste generator (2026 plan filed 2026-03-01), pollution insurance not recorded: not applicable (an encouraged item: unrecorded is not asked about) [hw.pollution-insurance: not_applicable]");
  }
  {
    Ent e = ent(Ind::coal_chemical, "榆社县", "榆社县示范煤化工有限公司");
    SETB(enterprise, "voc_key", true);
    graded();
    end_enterprise(e);
    valid_permit(e, "key");
    note("VOC-03", who(e), "VOC key coal-chemical enterprise with no LDAR round recorded (sealing points unknown): unknown [voc.ldar-interval: unknown]");
  }
  ldar_due_.clear();
  {
    Ent e = ent(Ind::construction, "榆次区", "榆次区示范市政工程有限公司");
    SETB(enterprise, "dust_online_monitoring", true);
    SETB(enterprise, "dust_video_linked", true);
    end_enterprise(e);
    note("DST-02", who(e), "construction site with online dust monitoring linked to video: pass [dst.construction-dust-monitoring: pass]");
    const struct { const char* fuel; int st; int sealed; int reg; bool permit; const char* req; const char* what; } ms[] = {
        {"electric", 0, 1, d(2024, 2, 1), false, "TRN-07", "electric muck truck, transport permit not recorded: unknown (permit) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: unknown; trn.muck-truck-new-energy: pass]"},
        {"diesel", 6, 1, d(2022, 7, 19), true, "TRN-07", "diesel muck truck first registered 2022-07-19, the day before the plan's publication: not applicable (trn.muck-truck-new-energy; boundary) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: pass; trn.muck-truck-new-energy: not_applicable]"},
        {"diesel", 6, 1, d(2022, 7, 20), true, "TRN-07", "diesel muck truck first registered 2022-07-20, the plan's publication: advice (new muck trucks are to be new-energy, the draft plan alone; boundary) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: pass; trn.muck-truck-new-energy: advice]"},
        {"diesel", 6, 1, 0, true, "TRN-07", "diesel muck truck, first registration date missing: unknown (new-energy duty) [trn.muck-truck-sealed-monitored: pass; trn.muck-truck-permit: pass; trn.muck-truck-new-energy: unknown]"},
        {"electric", 0, -1, d(2023, 5, 1), true, "TRN-07", "electric muck truck, sealing not recorded: unknown (sealed/monitored) [trn.muck-truck-sealed-monitored: unknown; trn.muck-truck-permit: pass; trn.muck-truck-new-energy: pass]"}};
    for (const auto& m : ms) {
      const auto p = add_vehicle(e, "muck_truck", m.fuel, m.st);
      if (m.sealed >= 0) SETB(vehicle, "sealed", m.sealed == 1);
      SETB(vehicle, "gps", true);
      if (m.permit) SETD(vehicle, "muck_permit_until", R + 300);
      if (m.reg) SETD(vehicle, "first_registered_on", m.reg);
      vehicle.end();
      note(m.req, "vehicle " + p, m.what);
    }
    const struct { int st; int reg; const char* what; } nr[] = {
        {3, d(2022, 11, 30), "stage III machine first registered 2022-11-30 (before China IV sales): not applicable (trn.nrmm-sold-stage boundary) [trn.nrmm-registration: pass; trn.nrmm-sold-stage: not_applicable]"},
        {3, d(2022, 12, 1), "stage III machine first registered 2022-12-01, when only China IV could be sold: advice (check the seller; boundary) [trn.nrmm-registration: pass; trn.nrmm-sold-stage: advice]"},
        {0, 0, "machine used in the ban zone with its emission stage not recorded: unknown (trn.nrmm-emission-stage) [trn.nrmm-registration: pass; trn.nrmm-emission-stage: unknown]"}};
    for (const auto& n : nr) {
      const auto p = add_vehicle(e, "nrmm", "diesel", n.st);
      SET(vehicle, "registered_code", "晋K-NR-" + std::to_string(nrmm_serial_));
      if (n.reg) SETD(vehicle, "first_registered_on", n.reg);
      if (!n.st) SETB(vehicle, "used_in_low_emission_zone", true);
      vehicle.end();
      note("TRN-05", "vehicle " + p, n.what);
    }
  }
}

// ---- AIR-01/07, VOC-03/04/05/07: the cases the legal review asked for -----------------------
// Added to scenario enterprises above (no new enterprise, no random draw, so that the keys and
// the background data of everything above stay put): the clean-transport share of a steel
// plant, a lime kiln's CEMS months against the kiln benchmark, the LDAR repair windows and the
// delayed-repair exception, loading and waste-gas collection, the sealed and monitored
// emergency bypass, and the carbon replacement interval.
void Gen::scenarios_air_voc_review() {
  const int R = ref_;
  auto d = [](int y, unsigned m, unsigned dd) { return day(y, m, dd); };
  const std::string steel = review_keys_.at("steel"), kiln = review_keys_.at("lime_kiln"),
                    chem = review_keys_.at("chemical"), coat = review_keys_.at("coating");
  {
    bulk_freight_year.begin();
    SET(bulk_freight_year, "enterprise_id", steel);
    SETI(bulk_freight_year, "year", 2025);
    SETN(bulk_freight_year, "total_t", 2400000.0, 0);
    SETN(bulk_freight_year, "clean_t", 1488000.0, 0);
    bulk_freight_year.end();
    note("AIR-01", "enterprise " + steel, "steel plant, 2025 clean-transport share 62 % (< 80 %) and no truck gate records: upcoming (the first year judged is 2026, from 2027-01-01; the 2025 figures given for early rectification; eighth independent reading, air 8) [air.steel-ule-clean-transport: upcoming]");
  }
  {
    auto month = [&](int m, const char* pol, double avg) {
      emission_monthly.begin();
      SET(emission_monthly, "facility_id", kiln);
      SETD(emission_monthly, "month", m);
      SET(emission_monthly, "pollutant", pol);
      SETN(emission_monthly, "avg_mg_m3", avg, 2);
      SETN(emission_monthly, "max_hourly_mg_m3", avg * 1.4, 2);
      SETI(emission_monthly, "hours_valid", 700);
      SETI(emission_monthly, "hours_over_ule", 0);
      SETI(emission_monthly, "hours_over_permit", 0);
      emission_monthly.end();
      return "emission_monthly " + kiln + "/" + date_str(m) + "/" + pol;
    };
    note("AIR-07", month(d(2025, 12, 1), "nox", 350.0), "lime kiln NOx 350 mg/m³ in 2025-12, before the plan period's end: not applicable [air.kiln-benchmark-cems: not_applicable]");
    note("AIR-07", month(d(2026, 10, 1), "nox", 300.01), "lime kiln NOx 300.01 mg/m³ in 2026-10 (benchmark 300, a retrofit target): advice (just above) [air.kiln-benchmark-cems: advice]");
    note("AIR-07", month(d(2026, 10, 1), "pm", 30.0), "lime kiln PM exactly 30 mg/m³ (benchmark 30): pass (boundary) [air.kiln-benchmark-cems: pass]");
  }
  {
    const struct { int on; int found; int fixed; int first; int deferred; const char* what; } rounds[] = {
        {R - 10, 5, 3, 5, -1, "one-day LDAR round 10 days ago, 3 of 5 leaks repaired so far, first attempt on all 5: upcoming (15-day repair window open; interval pass) [voc.ldar-repair: upcoming; voc.ldar-first-attempt: pass]"},
        {R - 16, 4, 3, 4, 0, "one-day round 16 days ago, 3 of 4 leaks repaired, none recorded for delayed repair: violation (the 15-day window closed the day before); first attempt on all 4: pass [voc.ldar-repair: violation; voc.ldar-first-attempt: pass]"},
        {R - 100, 6, 4, 4, 2, "round 100 days ago, 4 repaired and 2 recorded for delayed repair at the next shutdown (GB 37822 §8.4.2): pass (exception); first attempt on 4, the other 2 delayed: unknown (does delay spare the first attempt?) [voc.ldar-repair: pass; voc.ldar-first-attempt: unknown]"},
        {R - 130, 6, 6, 3, 0, "round 130 days ago, all 6 repaired within 15 days (voc.ldar-repair pass) but a first attempt within 5 days on only 3, none delayed: violation (voc.ldar-first-attempt) [voc.ldar-repair: pass; voc.ldar-first-attempt: violation]"}};
    for (const auto& r : rounds) {
      ldar_round.begin();
      SET(ldar_round, "enterprise_id", coat);
      SETD(ldar_round, "inspected_on", r.on);
      SETI(ldar_round, "components", 2500);
      SETI(ldar_round, "leaks_found", r.found);
      SETI(ldar_round, "leaks_repaired_in_time", r.fixed);
      SETI(ldar_round, "leaks_first_attempt_in_time", r.first);
      if (r.deferred >= 0) SETI(ldar_round, "leaks_deferred", r.deferred);
      SETD(ldar_round, "finished_on", r.on);
      ldar_round.end();
      note("VOC-03", "ldar_round " + coat + "/" + date_str(r.on), r.what);
    }
  }
  {
    const struct { const char* liquid; double tvp; double m3; const char* method; int treated; const char* what; } ls[] = {
        {"石脑油", 30.0, 500.0, "top_splash", 0, "30 kPa liquid, 500 m³ a year (threshold), top splash loading, vapour untreated: violation (boundary) [voc.loading-control: violation]"},
        {"石脑油", 30.0, 499.0, "top_splash", 0, "499 m³ a year, just under the threshold: not applicable [voc.loading-control: not_applicable]"},
        {"粗苯", 40.0, 8000.0, "bottom", 1, "bottom loading with vapour to the treatment system: pass [voc.loading-control: pass]"},
        {"粗苯", 40.0, 8000.0, "top_submerged", -1, "submerged loading, vapour treatment not recorded: unknown [voc.loading-control: unknown]"}};
    int n = 0;
    for (const auto& l : ls) {
      const auto id = serial_id("ZC", static_cast<std::uint64_t>(++n));
      voc_loading.begin();
      SET(voc_loading, "id", id);
      SET(voc_loading, "enterprise_id", chem);
      SET(voc_loading, "liquid", l.liquid);
      SETN(voc_loading, "true_vapor_pressure_kpa", l.tvp, 1);
      SETN(voc_loading, "annual_loading_m3", l.m3, 0);
      SET(voc_loading, "method", l.method);
      if (l.treated >= 0) SETB(voc_loading, "vapor_treated", l.treated == 1);
      voc_loading.end();
      note("VOC-04", "voc_loading " + id, l.what);
    }
  }
  {
    const struct { const char* process; const char* kind; double v; const char* what; } cs[] = {
        {"喷涂", "external_hood", 0.29, "external hood, control velocity 0.29 m/s (minimum 0.3): violation (just below) [voc.capture-velocity: violation]"},
        {"流平", "external_hood", 0.30, "external hood exactly 0.30 m/s: pass (boundary) [voc.capture-velocity: pass]"},
        {"调漆", "external_hood", -1, "external hood, control velocity never measured: unknown [voc.capture-velocity: unknown]"},
        {"烘干", "enclosed", -1, "enclosed oven: not applicable [voc.capture-velocity: not_applicable]"}};
    int n = 0;
    for (const auto& c : cs) {
      const auto id = serial_id("JQ", static_cast<std::uint64_t>(++n));
      voc_capture.begin();
      SET(voc_capture, "id", id);
      SET(voc_capture, "enterprise_id", coat);
      SET(voc_capture, "process", c.process);
      SET(voc_capture, "kind", c.kind);
      if (c.v >= 0) {
        SETN(voc_capture, "control_velocity_m_s", c.v, 2);
        SETD(voc_capture, "measured_on", R - 45);
      }
      voc_capture.end();
      note("VOC-04", "voc_capture " + id, c.what);
    }
  }
  {
    const struct { const char* tech; int sealed; int monitored; int replaced; int interval; const char* req; const char* what; } vts[] = {
        {"rto", 1, 1, 0, 0, "VOC-05", "RTO with an emergency bypass, sealed (铅封) and monitored: pass (exception) [voc.no-bypass: pass]"},
        {"rto", 1, 0, 0, 0, "VOC-05", "RTO with a sealed but unmonitored emergency bypass: unknown (is a seal alone enough? question to the bureau) [voc.no-bypass: unknown]"},
        {"activated_carbon", -1, -1, R - 91, 90, "VOC-07", "single-use carbon (second stage) replaced 91 days ago, design interval 90 days: advice (replacement as designed recommended); ledger pass [voc.treatment-ledger: pass; voc.carbon-replacement: advice]"},
        {"activated_carbon", -1, -1, R - 90, 90, "VOC-07", "single-use carbon (second stage) replaced exactly 90 days ago: pass (boundary) [voc.treatment-ledger: pass; voc.carbon-replacement: pass]"}};
    for (const auto& v : vts) {
      const auto id = serial_id("VT", ++voc_serial_);
      voc_treatment.begin();
      SET(voc_treatment, "id", id);
      SET(voc_treatment, "enterprise_id", coat);
      SET(voc_treatment, "technology", v.tech);
      SETI(voc_treatment, "stages", v.sealed >= 0 ? 1 : 2);
      SETB(voc_treatment, "bypass", v.sealed >= 0);
      if (v.sealed >= 0) SET(voc_treatment, "bypass_kind", "emergency");
      if (v.sealed >= 0) SETB(voc_treatment, "bypass_sealed", v.sealed == 1);
      if (v.monitored >= 0) SETB(voc_treatment, "bypass_monitored", v.monitored == 1);
      SETI(voc_treatment, "exceedances_12m", 0);
      SETB(voc_treatment, "ledger_complete", true);
      if (v.replaced) SETD(voc_treatment, "carbon_replaced_on", v.replaced);
      if (v.interval) SETI(voc_treatment, "carbon_replace_interval_days", v.interval);
      voc_treatment.end();
      note(v.req, "voc_treatment " + id, v.what);
    }
  }
}

// ---- Parks and heavy metals after the legal review (issue 12): LAY-10 in a park named 化工 that
// the register does not accredit (和顺) or does not hold (左权); SOI-01/RSK-03 light and heavy
// nonferrous. Called last, so that the keys of the earlier cases stay put.
void Gen::scenarios_wsr_review() {
  {
    Ent e = scenario_enterprise(Ind::chemical, "和顺县", "和顺县示范化工有限公司");
    SET(enterprise, "park", "和顺化工园区");
    end_enterprise(e);
    valid_permit(e, "key");
    note("LAY-10", who(e), "chemical enterprise in 和顺化工园区, which the register does not accredit as a chemical park: advice [lay.scattered-chemical-relocation: advice]");
  }
  {
    Ent e = scenario_enterprise(Ind::coal_chemical, "左权县", "左权县示范煤化工有限公司");
    SET(enterprise, "park", "左权化工园区");
    end_enterprise(e);
    valid_permit(e, "key");
    note("LAY-10", who(e), "coal-chemical enterprise in 左权化工园区, a park the register does not hold: unknown (核实园区认定) [lay.scattered-chemical-relocation: unknown]");
  }
  {
    Ent e = scenario_enterprise(Ind::nonferrous, "左权县", "左权县示范电解铝有限公司");
    SETB(enterprise, "heavy_nonferrous", false);
    SETB(enterprise, "heavy_metal_key", false);
    SETB(enterprise, "near_farmland", true);
    SETB(enterprise, "key_discharge_unit", false);
    end_enterprise(e);
    note("SOI-01", who(e), "aluminium smelter (light nonferrous) near farmland, not on the key list: not applicable (not a heavy-metal industry) [soil.heavy-metal-key-unit: not_applicable]");
    note("RSK-03", who(e), "aluminium smelter without a discharge permit: not applicable to RSK-03 (PMT-01 applies) [rsk.heavy-metal-list: not_applicable; rsk.heavy-metal-permit: not_applicable]");
  }
  {
    Ent e = scenario_enterprise(Ind::nonferrous, "灵石县", "灵石县示范铅锌冶炼有限公司");
    SETB(enterprise, "heavy_nonferrous", true);
    SETB(enterprise, "heavy_metal_key", false);
    SETB(enterprise, "near_farmland", true);
    SETB(enterprise, "key_discharge_unit", false);
    end_enterprise(e);
    valid_permit(e, "key");
    note("SOI-01", who(e), "lead-zinc smelter near farmland, not on the key discharge unit list: advice [soil.heavy-metal-key-unit: advice]");
    note("RSK-03", who(e), "lead-zinc smelter not on the heavy-metal enterprise list: advice [rsk.heavy-metal-list: advice; rsk.heavy-metal-permit: pass]");
  }
}

// ---- Transport, heavy-pollution weather and waste after the legal review (issue 12) ---------
// TRN-02 judged per gate entry at the entry's date, TRN-04 use after a failed test, TRN-05 ban
// zones and smoke tests, HPW-02 alert checks, HW-01 periodic declarations by generator
// category, HW-03 confirmation in working days from receipt, HW-05 opening stock, SW-01 open
// yards with their own measures.
void Gen::scenarios_trn_waste_review() {
  const int R = ref_;
  auto d = [](int y, unsigned m, unsigned dd) { return day(y, m, dd); };
  auto entry = [&](const std::string& ent, const std::string& plate, int on) {
    transport_entry.begin();
    SET(transport_entry, "enterprise_id", ent);
    SET(transport_entry, "plate", plate);
    SETD(transport_entry, "entered_on", on);
    transport_entry.end();
  };
  {
    // A bulk-freight coking plant without a spur whose only non-VI truck came in 2021.
    Ent e = scenario_enterprise(Ind::coking, "介休市", "介休市示范公路运输焦化有限公司");
    SETN(enterprise, "annual_freight_t", 1800000.0, 0);
    SET(enterprise, "rail_spur", "none");
    CLR(enterprise, "rail_spur_completed_on");
    end_enterprise(e);
    valid_permit(e, "key");
    note("TRN-01", who(e), "1.8 Mt a year, no rail spur: advice [trn.rail-spur: advice]");
    const auto t5 = add_vehicle(e, "heavy_truck", "diesel", 5);
    vehicle.end();
    const auto t6 = add_vehicle(e, "heavy_truck", "diesel", 6);
    vehicle.end();
    entry(e.id, t5, d(2021, 12, 31));
    entry(e.id, t6, d(2024, 5, 6));
    note("TRN-02", who(e), "China V truck " + t5 + " entered 2021-12-31 (China V sufficed then), China VI truck since: pass (judged at the entry's date) [trn.freight-truck-standard: pass]");
    // A failed I/M vehicle of this plant with no use recorded since.
    const auto tf = add_vehicle(e, "light_truck", "diesel", 6);
    SETD(vehicle, "last_im_test_on", R - 20);
    SETB(vehicle, "last_im_passed", false);
    vehicle.end();
    note("TRN-04", "vehicle " + tf, "failed its I/M inspection 20 days ago, no gate entry since: unknown (verify it was not used before re-inspection) [trn.im-reinspection: unknown]");
  }
  {
    // A spur finished 2023-05-01: entries before it are judged, entries after are not.
    Ent e = scenario_enterprise(Ind::steel, "介休市", "介休市示范专用线钢铁有限公司");
    SETN(enterprise, "annual_freight_t", 2600000.0, 0);
    SET(enterprise, "rail_spur", "built");
    SETD(enterprise, "rail_spur_completed_on", d(2023, 5, 1));
    end_enterprise(e);
    valid_permit(e, "key");
    const auto t5 = add_vehicle(e, "heavy_truck", "diesel", 5);
    vehicle.end();
    entry(e.id, t5, d(2023, 4, 30));
    entry(e.id, t5, d(2023, 5, 1));
    note("TRN-02", who(e), "spur built 2023-05-01; China V truck " + t5 + " entered 2023-04-30 (before the spur, China VI required) with no cargo recorded and no 2023 volume on file: unknown (verify); its entry on 2023-05-01 is not judged [trn.freight-truck-standard: unknown]");
  }
  {
    Ent e = scenario_enterprise(Ind::coal_mining, "和顺县", "和顺县示范公路运输煤业有限公司");
    SETN(enterprise, "annual_freight_t", 1600000.0, 0);
    SET(enterprise, "rail_spur", "under_construction");
    CLR(enterprise, "rail_spur_completed_on");
    end_enterprise(e);
    valid_permit(e, "simplified");
    const auto tx = add_vehicle(e, "heavy_truck", "diesel", 0);
    vehicle.end();
    entry(e.id, tx, R - 30);
    note("TRN-01", who(e), "1.6 Mt a year, spur under construction: pass (interim regime) [trn.rail-spur: pass]");
    note("TRN-02", who(e), "its only truck " + tx + " (entered 30 days ago) has no emission stage recorded: unknown [trn.freight-truck-standard: unknown]");
  }
  {
    Ent e = scenario_enterprise(Ind::construction, "榆次区", "榆次区示范土石方工程有限公司");
    SETB(enterprise, "dust_online_monitoring", true);
    SETB(enterprise, "dust_video_linked", true);
    end_enterprise(e);
    const struct { int st; int zone; int smoke; const char* req; const char* what; } nr[] = {
        {1, 1, -1, "TRN-05", "stage I machine used in the high-emission machinery ban zone: advice (check against Jinzhong's zone notice) [trn.nrmm-registration: pass; trn.nrmm-emission-stage: advice]"},
        {3, 1, -1, "TRN-05", "stage III machine in the ban zone: pass [trn.nrmm-registration: pass; trn.nrmm-emission-stage: pass]"},
        {3, -1, 0, "TRN-05", "failed its exhaust smoke test (GB 36886-2018): advice (who tested and whether a case was opened are not recorded) [trn.nrmm-registration: pass; trn.nrmm-smoke-test: advice]"},
        {4, -1, 1, "TRN-05", "passed its exhaust smoke test: pass [trn.nrmm-registration: pass; trn.nrmm-smoke-test: pass]"},
        {4, -1, 2, "TRN-05", "smoke test dated, result not recorded: unknown [trn.nrmm-registration: pass; trn.nrmm-smoke-test: unknown]"}};
    for (const auto& n : nr) {
      const auto p = add_vehicle(e, "nrmm", "diesel", n.st);
      SET(vehicle, "registered_code", "晋K-NR-" + std::to_string(nrmm_serial_));
      if (n.zone >= 0) SETB(vehicle, "used_in_low_emission_zone", n.zone == 1);
      if (n.smoke >= 0) {
        SETD(vehicle, "smoke_test_on", R - 60);
        if (n.smoke < 2) SETB(vehicle, "smoke_test_passed", n.smoke == 1);
      }
      vehicle.end();
      note(n.req, "vehicle " + p, n.what);
    }
  }
  {
    // HPW-02 beyond grade D: a grade-C plant that did not carry out its measures during the
    // alert, a grade-B plant whose measures were not recorded.
    const struct { const char* grade; int measures; const char* what; } hs[] = {
        {"C", 0, "grade C, producing during the orange alert without carrying out its 一企一策 measures: unknown (its livelihood-guarantee flag is not recorded) [hpw.alert-response: unknown]"},
        {"B", -1, "grade B, producing during the alert, measures not recorded: unknown [hpw.alert-response: unknown]"}};
    for (const auto& h : hs) {
      Ent e = scenario_enterprise(Ind::casting, "灵石县", std::string("灵石县示范") + h.grade + "级铸造有限公司");
      SET(enterprise, "performance_grade", h.grade);
      SETD(enterprise, "performance_grade_since", d(2024, 10, 1));
      SETB(enterprise, "emergency_measures_filed", true);
      end_enterprise(e);
      valid_permit(e, "simplified");
      alert_check.begin();
      SET(alert_check, "enterprise_id", e.id);
      SET(alert_check, "alert_id", "YJ-2026-01");
      SETD(alert_check, "checked_on", d(2026, 1, 13));
      SETB(alert_check, "producing", true);
      if (h.measures >= 0) SETB(alert_check, "measures_applied", h.measures == 1);
      alert_check.end();
      note("HPW-02", "alert_check " + e.id + "/YJ-2026-01/2026-01-13", h.what);
    }
  }
  {
    // HW-01 periodic declarations: a key unit (150 t in 2025) with its September line late, its
    // October line missing and its November line not yet due; HW-05 a line whose difference may
    // be stock carried over; HW-03 a manifest shipped 40 days ago and never received.
    Ent e = scenario_enterprise(Ind::chemical, "榆次区", "榆次区示范月报化工有限公司");
    SETB(enterprise, "hw_supervision_listed", true);
    SETD(enterprise, "hw_standardised_assessed_on", d(2026, 4, 20));
    SETB(enterprise, "pollution_insurance", true);
    end_enterprise(e);
    valid_permit(e, "key");
    const struct { const char* code; double g, s, t; const char* what; } ds[] = {
        {"HW06", 150, 0, 150, "150 t generated, all transferred: pass (balance) [hw.declaration-balance: pass; hw.declared-transfers-manifests: pass]"},
        {"HW13", 20, 0, 26, "20 t generated, 26 t transferred, no 2024 line and no opening stock recorded: unknown (verify the stock carried over) [hw.declaration-balance: unknown; hw.declared-transfers-manifests: pass]"}};
    for (const auto& x : ds) {
      hw_declaration.begin();
      SET(hw_declaration, "enterprise_id", e.id);
      SETI(hw_declaration, "year", 2025);
      SET(hw_declaration, "waste_code", x.code);
      SETN(hw_declaration, "generated_t", x.g, 1);
      SETN(hw_declaration, "stored_t", x.s, 1);
      SETN(hw_declaration, "transferred_t", x.t, 1);
      SETN(hw_declaration, "self_disposed_t", 0.0, 1);
      SETD(hw_declaration, "declared_on", d(2026, 3, 2));
      hw_declaration.end();
      note_declaration(e.id, 2025, x.g, 0.0);
      note("HW-05", "hw_declaration " + e.id + "/2025/" + x.code, x.what);
      if (!receivers_.empty()) add_manifest(e.id, receivers_[0].id, x.code, d(2025, 6, 10), x.t, true, 0.0, 1);
    }
    for (int year : {2025, 2026}) {
      hw_plan.begin();
      SET(hw_plan, "enterprise_id", e.id);
      SETI(hw_plan, "year", year);
      SETD(hw_plan, "filed_on", d(year, 2, 20));
      hw_plan.end();
    }
    periodic_override_[e.id] = {{d(2026, 9, 1), d(2026, 10, 16)}, {d(2026, 10, 1), -1}, {d(2026, 11, 1), 0}};
    note("HW-01", who(e), "key unit (150 t in 2025), no October 2026 monthly declaration (due Sunday 2026-11-15, moved to Monday 11-16): unknown (hw.periodic-declaration-missing: key unit only presumed from the tonnage, its plan states no category) [hw.periodic-declaration-missing: unknown]");
    note("HW-01", "hw_periodic_declaration " + e.id + "/2026-09-01", "September 2026 declared 2026-10-16, a day after the due day: late [hw.periodic-declaration: late]");
    note("HW-01", "hw_periodic_declaration " + e.id + "/2026-11-01", "November 2026 line not yet declared, due 2026-12-15: upcoming [hw.periodic-declaration: upcoming]");
    if (!receivers_.empty()) {
      const auto no = add_manifest(e.id, receivers_[0].id, "HW49", R - 40, 1.5, true, 0.0, -1);
      note("HW-03", "hw_manifest " + no, "shipped 40 days ago, no receipt recorded: unknown (verify delivery; hw.manifest-receipt-confirmation) [hw.electronic-manifest: pass; hw.manifest-receipt-confirmation: unknown]");
    }
  }
  {
    Ent e = scenario_enterprise(Ind::coal_power, "寿阳县", "寿阳县示范灰场电力有限公司");
    end_enterprise(e);
    valid_permit(e, "key");
    const struct { int dust; int run; const char* what; } ys[] = {
        {1, 1, "open fly ash yard with covering and retaining walls, anti-seepage: pass (three preventions need no full enclosure) [sw.yard-three-preventions: pass; sw.yard-rectification: pass]"},
        {1, 0, "open fly ash yard found without run-off measures at a site check 3 days before the reference date: violation [sw.yard-three-preventions: violation; sw.yard-rectification: pass]"},
        {-1, -1, "open fly ash yard, measures against scattering and run-off not recorded: unknown [sw.yard-three-preventions: unknown; sw.yard-rectification: pass]"}};
    for (const auto& y : ys) {
      const auto yid = serial_id("YD", ++yard_serial_);
      storage_yard.begin();
      SET(storage_yard, "id", yid);
      SET(storage_yard, "enterprise_id", e.id);
      SET(storage_yard, "material", "粉煤灰");
      SETB(storage_yard, "enclosed", false);
      SETB(storage_yard, "anti_seepage", true);
      SETB(storage_yard, "rectified", true);
      if (y.dust >= 0) SETB(storage_yard, "dust_controlled", y.dust == 1);
      if (y.run >= 0) SETB(storage_yard, "runoff_controlled", y.run == 1);
      if (y.run == 0) SETD(storage_yard, "measures_checked_on", R - 3);   // the dated site check
      storage_yard.end();
      note("SW-01", "storage_yard " + yid, y.what);
    }
  }
  // LDAR (VOC-03) is not this function's subject: its VOC key enterprises of an LDAR industry
  // get one complete, recent round, as in scenarios_air_voc_transport.
  for (const auto& id : ldar_due_) {
    ldar_round.begin();
    SET(ldar_round, "enterprise_id", id);
    SETD(ldar_round, "inspected_on", R - 60);
    SETI(ldar_round, "components", 2500);
    SETI(ldar_round, "leaks_found", 8);
    SETI(ldar_round, "leaks_repaired_in_time", 8);
    ldar_round.end();
  }
  ldar_due_.clear();
}

}  // namespace eco::datagen
