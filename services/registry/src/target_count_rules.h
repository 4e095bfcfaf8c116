#pragma once

// Rules of the plan's target counts: which day a year's figures are taken
// on, and how the counted figures make up the TargetCounts the API shows.
// Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <map>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "qpp/registry/v1/registry_service.pb.h"

namespace qpp::registry {

namespace v1 = ::qpp::registry::v1;

// What the repository counts for a year up to the end of a day (China
// time), over active organisations.
struct TargetFigures {
  // Organisations registered by then, by their adoption status on that day.
  std::map<v1::AdoptionStatus, int64_t> organizations_by_status;
  // Organisations that started introducing, or adopted, the model in the
  // year up to that day.
  int64_t started_introducing_in_year = 0;
  int64_t adopted_in_year = 0;
  // Benchmark designations for the year, and organisations designated in
  // it or before.
  int64_t benchmarks_in_year = 0;
  int64_t benchmarks_to_date = 0;
  // Award records of the year.
  int64_t awards_in_year = 0;
  // Enterprises whose latest self-assessment total by then exceeds their
  // first by at least the improvement margin.
  int64_t improved_enterprises = 0;
};

// The day a year's figures are taken: its last day, or `today` for the
// current year. INVALID_ARGUMENT ("year") unless 2000..today's year.
absl::StatusOr<absl::CivilDay> TargetCountsAsOf(int year, absl::CivilDay today);

// The counts as the API shows them; introduced_model and organizations are
// sums over the statuses.
v1::TargetCounts ToTargetCounts(int year, absl::CivilDay as_of,
                                int improvement_margin_points,
                                const TargetFigures& figures);

}  // namespace qpp::registry
