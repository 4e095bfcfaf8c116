#pragma once

// Rules of compliance: the day a report is made as of, what a base should
// have held by then (the yearly minimum spread evenly over the year), and
// whether it falls behind. Pure functions; no gRPC, no SQL.

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "qpp/demobase/v1/resources.pb.h"
#include "qpp/type/v1/date.pb.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {

// The instants of a calendar year in Asia/Shanghai: [start, end).
struct YearBounds {
  absl::Time start;
  absl::Time end;
};

// INVALID_ARGUMENT ("year") unless 2000..2100.
absl::Status ValidateYear(int year);

// The bounds of `year`.
YearBounds BoundsOf(int year);

// The day a report of `year` is made as of: `as_of` if set (INVALID_ARGUMENT
// "as_of" unless a valid day of `year`), else today (by `now`, in
// Asia/Shanghai) clamped into the year: its last day for a past year, its
// first for a future one.
absl::StatusOr<absl::CivilDay> ReportDay(int year, const type::v1::Date& as_of,
                                         absl::Time now);

// What a base should have held by the end of `day`: `minimum` times the
// share of the year elapsed, rounded down (the full minimum on Dec 31).
int32_t ExpectedToDate(int32_t minimum, absl::CivilDay day);

// One base's compliance as the API shows it. A withdrawn base is never
// behind.
v1::BaseCompliance ToCompliance(const BaseYearFigures& figures, int32_t minimum,
                                absl::CivilDay day);

}  // namespace qpp::demobase
