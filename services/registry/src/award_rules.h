#pragma once

// Rules of award records (the quality awards an organisation received, one
// per year). Pure functions; no gRPC, no SQL.

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "qpp/registry/v1/resources.pb.h"

namespace qpp::registry {

// Validates an award record received on `today`: a year 2000..this year, a
// level, a category of 1..50 characters and a citation of at most 500.
// INVALID_ARGUMENT with field violations ("award_record.*") otherwise.
absl::Status ValidateAwardRecord(const v1::AwardRecord& award,
                                 absl::CivilDay today);

}  // namespace qpp::registry
