#pragma once

// Rules of benchmark designations: which organisations may be designated a
// benchmark of excellence in a year, and how a designation moves the
// organisation's adoption status. Pure functions; no gRPC, no SQL.

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "qpp/registry/v1/resources.pb.h"
#include "services/registry/src/reference_data.h"

namespace qpp::registry {

// Validates a benchmark designation for an organisation in `org_industry`:
// a year 2000..next year, a known industry code (defaulting to
// `org_industry`), a citation of at most 500 characters. INVALID_ARGUMENT
// ("benchmark_designation.*") otherwise.
absl::Status PrepareBenchmark(v1::BenchmarkDesignation& designation,
                              absl::string_view org_industry,
                              const ReferenceData& ref, absl::CivilDay today);

// OK if `org` may be designated: active (else FAILED_PRECONDITION
// ORGANIZATION_ARCHIVED), having adopted the excellence model (else
// MODEL_NOT_ADOPTED) and in good credit standing (else CREDIT_RESTRICTED).
absl::Status CheckBenchmarkEligible(const v1::Organization& org);

// `org` after a designation was recorded on `today`, `first_year` being
// the earliest year among all its designations (the new one included):
// adoption status BENCHMARK since its earliest designation counts (1 January
// of a past year; for this year, the day first recorded or today; never
// before the model was adopted), so a back-filled earlier designation moves
// the date back. nullopt if nothing changes.
std::optional<v1::Organization> DesignateBenchmark(const v1::Organization& org,
                                                   int first_year,
                                                   absl::CivilDay today);

// `org` after one of its designations was deleted: back to ADOPTED without
// a benchmark date when none is left (`first_year_left` nullopt), else
// dated from the earliest designation left. nullopt if nothing changes.
std::optional<v1::Organization> RevokeBenchmark(
    const v1::Organization& org, std::optional<int> first_year_left,
    absl::CivilDay today);

}  // namespace qpp::registry
