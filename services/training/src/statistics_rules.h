#pragma once

// Rules of the training statistics: which years may be asked, and how the
// raw counts of a year and of everything up to its end become the API's
// figures, in total, per course kind and per employer district. Pure
// functions; no gRPC, no SQL.

#include <cstdint>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {

// OK for 2000..2100; INVALID_ARGUMENT with a violation on `year` otherwise.
absl::Status CheckStatisticsYear(int32_t year);

// The first day counted "to date": before any training the plan records.
absl::CivilDay StatisticsEpoch();

// The statistics of `year` from the counts of the year and of every day up
// to the year's end. Breakdowns are ordered by kind and by district code.
v1::TrainingStatistics BuildStatistics(int32_t year,
                                       const PeriodCounts& year_counts,
                                       const PeriodCounts& to_date);

}  // namespace qpp::training
