#pragma once
// Column lists of the CSV files: exactly the field names, in declaration order, of the record
// types in rulesets/jinzhong/schema/*.rules (the datagen_schema_columns test compares them).
#include <string_view>

namespace eco::datagen {

inline constexpr std::string_view k_facility[] = {
    "id", "enterprise_id", "kind", "capacity_t", "capacity_mw", "chamber_height_m", "fuel",
    "status", "restarted_on", "ule_status", "ule_completed_on", "ule_evaluated_on",
    "denitration", "on_elimination_list", "tightened_upgrade_done", "denitration_rectified",
    "tightened_upgrade_done_on", "denitration_rectified_on", "elimination_deadline",
    "eliminated_on", "named_coking_ule", "named_cement_ule", "coke_oven_conventional",
    "nox_denitration_due_on", "nox_denitration_order_no", "denitration_found_inefficient",
    "denitration_rectify_due_on", "denitration_notice_no", "denitration_notice_is_order", "approved_on",
};
inline constexpr std::string_view k_bulk_freight_year[] = {
    "enterprise_id", "year", "total_t", "clean_t",
};
// Filled by the bureau from each station's acquisition unit (import-monitoring); generated for
// the facilities whose last month comes as HJ 212 messages (hj212.cpp).
inline constexpr std::string_view k_monitoring_point[] = {
    "mn", "code", "facility_id", "pollutant", "outlet_id", "ule_limit_mg_m3", "permit_limit_mg_m3",
};
inline constexpr std::string_view k_emission_monthly[] = {
    "facility_id", "month", "pollutant", "avg_mg_m3", "max_hourly_mg_m3", "hours_valid",
    "hours_over_ule", "hours_over_permit", "annual_t", "outlet_id", "validity", "o2_corrected",
};
inline constexpr std::string_view k_application[] = {
    "id", "applicant_id", "project_name", "project_type", "industry", "process", "county",
    "lon", "lat", "in_park", "park_level", "added_capacity_t", "replaced_capacity_t",
    "replacement_source", "replacement_facility_id", "replacement_scheme_no", "replacement_scheme_lists_source", "replacement_scheme_counts_source_for_product", "added_coal_t", "coal_substitution_t", "coal_substitution_source",
    "energy_product", "energy_per_unit", "energy_benchmark", "heavy_metal_added_kg", "heavy_metal_offset_kg",
    "heavy_metal_offset_source", "groundwater_withdrawal_m3", "wastewater_zero_discharge",
    "centralised_wastewater_treatment", "solid_waste_t", "solid_waste_no_route", "solid_waste_disposal_t",
    "annual_freight_t", "rail_spur_planned", "land_use_change", "land_use_after",
    "former_land_user_id", "former_land_key_unit", "soil_risk_indicated", "applicant_is_land_user", "soil_survey_done",
    "soil_risk_target_met", "large_scale_industrial", "culture_tourism_ecology",
    "low_voc_materials_declared", "submitted_on", "industrial_wastewater", "wastewater_to_park_system", "groundwater_purpose",
    "soil_risk_listed", "high_end_casting_verified",
};
inline constexpr std::string_view k_application_heavy_metal[] = {
    "application_id", "pollutant", "added_kg", "offset_kg", "offset_source",
};
inline constexpr std::string_view k_park[] = {
    "name", "level", "chemical_park", "established_on", "centralised_wastewater_treatment",
    "wastewater_zero_discharge", "county", "groundwater_survey_done_on", "recognised_on",
    "new_chemical_park_confirmed", "zero_discharge_instrument",
};
inline constexpr std::string_view k_application_zone[] = {
    "application_id", "zone", "site_ban_instrument",
};
inline constexpr std::string_view k_enterprise[] = {
    "id", "name", "county", "industry", "status", "lon", "lat", "park",
    "in_urban_planning_area", "annual_freight_t", "rail_spur", "rail_spur_completed_on",
    "performance_grade", "performance_grade_since", "hpw_livelihood_guarantee",
    "emergency_measures_filed", "key_discharge_unit", "soil_key_unit",
    "heavy_metal_key", "voc_key", "emergency_plan_required", "emergency_plan_filed_on",
    "emergency_plan_revised_on", "emergency_plan_reviewed_on", "emergency_plan_issued_on",
    "emergency_plan_filed", "info_disclosed_on", "disclosure_listed_since", "credit_rating",
    "dust_online_monitoring", "dust_video_linked", "discharges_to_sewer", "sewer_treatable",
    "sewer_exit_deadline", "sewer_exit_ordered", "sewer_discharge_observed_on",
    "sewer_exit_order_by_ecology", "sewer_exited_on", "sewer_assessed_on",
    "sewer_pretreatment_since", "sewer_exit_order_no", "sewer_exit_order_basis",
    "has_treatment_facility", "wastewater_treatment_working", "wastewater_checked_on",
    "wastewater_stop_reported", "untreated_discharge_found", "high_water_consumption",
    "near_farmland", "soil_self_monitoring_on", "soil_key_unit_since", "soil_key_unit_listed_since", "soil_self_monitoring_plan_years",
    "soil_monitoring_records_checked_on",
    "soil_hidden_danger_check_on", "status_since",
    "groundwater_survey_done_on", "hw_supervision_listed", "hw_standardised_assessed_on",
    "pollution_insurance", "fuel_standard_sold", "heavy_nonferrous", "plating_process",
    "radiation_licence_valid_until", "permit_class_required", "permit_checked_none_on",
    "emergency_plan_checked_on", "emergency_plan_major_revision", "radiation_licence_lapse_checked_on", "outside_jurisdiction",
    "hw_licences_verified", "hw_licences_verified_on", "hw_plans_checked_on", "hw_declarations_checked_on", "ldar_records_checked_on",
    "special_unit", "positive_list",
};
// The random inspection draw's records (schema/inspection.rules, draw.json).
inline constexpr std::string_view k_inspection[] = {
    "id", "enterprise_id", "inspected_on", "kind",
};
inline constexpr std::string_view k_inspector[] = {
    "id", "name", "county", "active",
};
inline constexpr std::string_view k_inspector_recusal[] = {
    "inspector_id", "enterprise_id", "reason",
};
inline constexpr std::string_view k_zone[] = {
    "id", "name", "kind", "geometry", "ban_instrument",
};
inline constexpr std::string_view k_enterprise_zone[] = {
    "enterprise_id", "zone",
};
inline constexpr std::string_view k_permit[] = {
    "permit_no", "enterprise_id", "category", "issued_on", "valid_until", "renewal_applied_on",
    "renewal_checked_none", "status", "last_execution_report_on", "report_frequency_months", "report_due_day",
};
inline constexpr std::string_view k_permit_limit[] = {
    "permit_no", "outlet_id", "pollutant", "limit_mg_m3", "annual_limit_t",
};
inline constexpr std::string_view k_chemical_use[] = {
    "enterprise_id", "substance", "activity", "annual_t", "exemption", "last_seen_on",
    "last_seen_basis",
};
inline constexpr std::string_view k_radioactive_source[] = {
    "id", "enterprise_id", "category", "mobile", "realtime_monitoring", "licence_valid_until",
    "licence_renewal_applied_on", "status", "idle_since", "returned_on",
};
inline constexpr std::string_view k_storage_yard[] = {
    "id", "enterprise_id", "material", "enclosed", "anti_seepage", "rectified",
    "dust_controlled", "runoff_controlled", "measures_checked_on", "fenced", "covered",
};
inline constexpr std::string_view k_tailings_pond[] = {
    "id", "enterprise_id", "on_supervision_list", "risk_assessed_on",
    "emergency_plan_filed_on", "last_drill_on", "archive_complete", "status",
};
inline constexpr std::string_view k_well[] = {
    "id", "enterprise_id", "in_overdraft_zone", "in_public_supply_coverage", "status",
    "close_deadline", "karst", "sealed_on", "abandoned", "high_risk", "kind",
    "close_ordered", "standby_approved", "last_use_observed_on", "karst_use_reviewed_on",
};
inline constexpr std::string_view k_outfall[] = {
    "id", "enterprise_id", "river", "registered", "monitored", "exceeding_since",
    "rectify_deadline", "disposition", "last_monitored_on", "last_exceeded_on",
    "last_exceeded_validity", "exceedance_basis",
};
inline constexpr std::string_view k_vehicle[] = {
    "plate", "enterprise_id", "kind", "fuel", "emission_standard", "registered_code", "sealed",
    "gps", "muck_permit_until", "first_registered_on", "last_im_test_on", "last_im_passed",
    "used_in_low_emission_zone", "emergency_use", "smoke_test_on", "smoke_test_passed",
};
inline constexpr std::string_view k_transport_entry[] = {
    "enterprise_id", "plate", "entered_on", "cargo", "tonnes",
};
inline constexpr std::string_view k_voc_material[] = {
    "enterprise_id", "kind", "product_type", "voc_content_g_l", "voc_content_pct",
    "annual_use_t", "outdoor_use", "special_function", "standard_limit_g_l", "low_voc_limit_g_l",
    "content_source", "product_name", "content_state", "standard_limit_verified", "standard_limit_basis",
    "industrial_coating_use", "last_used_on", "product_last_used_on",
};
inline constexpr std::string_view k_voc_treatment[] = {
    "id", "enterprise_id", "technology", "stages", "bypass", "exceedances_12m",
    "carbon_replaced_on", "ledger_complete", "water_soluble_voc", "bypass_kind", "bypass_sealed",
    "bypass_monitored", "carbon_replace_interval_days",
};
inline constexpr std::string_view k_ldar_round[] = {
    "enterprise_id", "inspected_on", "components", "leaks_found", "leaks_repaired_in_time",
    "leaks_first_attempt_in_time", "leaks_deferred", "finished_on",
};
inline constexpr std::string_view k_storage_tank[] = {
    "id", "enterprise_id", "liquid", "volume_m3", "true_vapor_pressure_kpa", "roof",
    "vapor_recovery", "pressure_tank", "equivalent_measure",
};
inline constexpr std::string_view k_voc_loading[] = {
    "id", "enterprise_id", "liquid", "true_vapor_pressure_kpa", "annual_loading_m3", "method",
    "vapor_treated", "outlet_height_mm",
};
inline constexpr std::string_view k_voc_capture[] = {
    "id", "enterprise_id", "process", "kind", "control_velocity_m_s", "measured_on",
};
inline constexpr std::string_view k_waiver[] = {
    "id", "rule_or_requirement", "subject_record", "subject_key", "legal_basis", "approver",
    "valid_from", "valid_until", "note",
};
inline constexpr std::string_view k_hw_declaration[] = {
    "enterprise_id", "year", "waste_code", "generated_t", "stored_t", "transferred_t",
    "self_disposed_t", "declared_on", "opening_stored_t",
};
inline constexpr std::string_view k_hw_periodic_declaration[] = {
    "enterprise_id", "period_start", "period", "declared_on",
};
inline constexpr std::string_view k_hw_plan[] = {
    "enterprise_id", "year", "filed_on", "category",
};
inline constexpr std::string_view k_hw_manifest[] = {
    "manifest_no", "generator_id", "receiver_id", "waste_code", "shipped_on", "shipped_t",
    "received_on", "received_t", "electronic", "confirmed_on", "entered_electronically_on", "paper_reason",
    "mismatch_reported",
    "entry_checked_on", "transfer_exempt",
};
inline constexpr std::string_view k_hw_license[] = {
    "license_no", "holder_id", "valid_from", "valid_until", "renewal_applied_on",
};
inline constexpr std::string_view k_hw_license_code[] = {
    "license_no", "waste_code",
};
inline constexpr std::string_view k_pollution_alert[] = {
    "id", "level", "start_on", "end_on", "citywide",
};
inline constexpr std::string_view k_pollution_alert_county[] = {
    "alert_id", "county",
};
inline constexpr std::string_view k_alert_check[] = {
    "enterprise_id", "alert_id", "checked_on", "producing", "measures_applied",
};
inline constexpr std::string_view k_hw_storage[] = {
    "enterprise_id", "waste_code", "stored_since", "quantity_t", "extension_until", "recorded_on",
};

}  // namespace eco::datagen
