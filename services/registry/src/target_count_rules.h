#pragma once

// Rules of the plan's target counts: which day a year's figures are taken
// on, which settings shape them, and how the counted figures make up the
// TargetCounts the API shows. Pure functions; no gRPC, no SQL.
//
// How the plan's figures are counted (DESIGN.md §1):
// - State as of the day asked about: an organisation counts on a day when
//   it was registered by then or has an adoption date by then (a history
//   loaded later counts in its own years), and was not archived by the end
//   of that day (archiving later never rewrites a past year).
// - "1000": enterprises only, by their introducing/adopted/benchmark dates.
// - "10+": industries with a benchmark, at a configurable granularity.
// - "100": first and latest self-assessment on the same score-sheet
//   edition inside the plan's window, against the margin in force on the
//   day (effective-dated data).
// - Phases: key enterprises (flag set by the programme office) that had
//   adopted the model by the day.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "qpp/registry/v1/registry_service.pb.h"

namespace qpp::registry {

// What shapes the counts besides the data.
struct TargetCountSettings {
  // First year of the improvement window (the plan's baseline year).
  int improvement_window_start_year = 2013;
  // The granularity of the benchmark industries (SECTION or DIVISION).
  v1::IndustryLevel benchmark_industry_level = v1::INDUSTRY_LEVEL_SECTION;
  // The margin when the improvement_margins table has no row in force.
  int fallback_margin_points = 50;
};

// The plan's figures of one district or one industry section.
struct BreakdownFigures {
  int64_t introduced_enterprises = 0;
  int64_t benchmark_organizations = 0;
  int64_t improved_enterprises = 0;
  int64_t key_enterprises_running = 0;
};

// What the repository counts for a year up to the end of a day (China
// time), over organisations not archived by then.
struct TargetFigures {
  // Organisations counted on that day, by their adoption status on it.
  std::map<v1::AdoptionStatus, int64_t> organizations_by_status;
  // Enterprises introducing the model or further on that day ("1000").
  int64_t introduced_enterprises = 0;
  // Organisations that started introducing, or adopted, the model in the
  // year up to that day.
  int64_t started_introducing_in_year = 0;
  int64_t adopted_in_year = 0;
  // Benchmark designations for the year, and organisations designated in
  // it or before.
  int64_t benchmarks_in_year = 0;
  int64_t benchmarks_to_date = 0;
  // Industries (section letters or division codes) designated by then.
  std::vector<std::string> benchmark_industry_codes;
  // Award records of the year.
  int64_t awards_in_year = 0;
  // Enterprises improved inside the window by the margin in force.
  int64_t improved_enterprises = 0;
  // The margin in force on the day, when the table has one.
  std::optional<int> margin_points;
  // Key enterprises, and those that had adopted the model.
  int64_t key_enterprises = 0;
  int64_t key_enterprises_running = 0;
  // The figures per district code and per industry section.
  std::map<std::string, BreakdownFigures> by_district;
  std::map<std::string, BreakdownFigures> by_section;
};

// The day a year's figures are taken: its last day, or `today` for the
// current year. INVALID_ARGUMENT ("year") unless 2000..today's year.
absl::StatusOr<absl::CivilDay> TargetCountsAsOf(int year, absl::CivilDay today);

// The margin that applies: the one in force on the day, else the fallback.
int MarginInForce(const TargetFigures& figures,
                  const TargetCountSettings& settings);

// The counts as the API shows them; introduced_model and organizations are
// sums over the statuses.
v1::TargetCounts ToTargetCounts(int year, absl::CivilDay as_of,
                                const TargetCountSettings& settings,
                                const TargetFigures& figures);

}  // namespace qpp::registry
