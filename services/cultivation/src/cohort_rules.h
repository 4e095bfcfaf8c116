#pragma once

// Rules of cohorts: names, the fields a cohort must have, its defaults, the
// application window. Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/cultivation/v1/resources.pb.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

// A cohort as stored.
struct CohortRecord {
  int32_t year = 0;
  int32_t capacity = 0;
  int32_t library_cap = 0;
  absl::CivilDay open_day;
  absl::CivilDay close_day;
  int32_t min_reviews = 0;
  double adjudication_spread = 0;
  v1::SelectionState selection_state = v1::SELECTION_STATE_UNSPECIFIED;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// Defaults of a new cohort's optional bounds.
inline constexpr int kDefaultMinReviews = 3;
inline constexpr double kDefaultAdjudicationSpread = 15.0;

// A positive decimal id from a resource name's segment; nullopt otherwise.
std::optional<int64_t> ParseId(absl::string_view id);

// "\"<version>\"".
std::string Etag(int64_t version);

// "cohorts/{year}".
std::string CohortName(int32_t year);

// The year of "cohorts/{year}" (2000..2100); INVALID_ARGUMENT on `field`
// otherwise.
absl::StatusOr<int32_t> ParseCohortName(absl::string_view name,
                                        absl::string_view field);

// INVALID_ARGUMENT unless the default capacity is 1..1000 and the default
// library cap 1..10000 (a start-up check of the flags).
absl::Status ValidateOptions(const ProgrammeOptions& options);

// A new cohort from `in` (paths prefixed "cohort."), defaults filled in
// from `options`: a year 2000..2100, a window of valid days with the open
// day not after the close day, bounds in range. Records violations in
// `errors`.
CohortRecord NewCohort(const v1::Cohort& in, const ProgrammeOptions& options,
                       status::FieldErrors& errors);

// The fields an update mask names, each one a cohort may change.
// INVALID_ARGUMENT ("update_mask") otherwise.
absl::StatusOr<std::vector<std::string>> CohortUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`; violations of the
// new values (and of the resulting window) recorded in `errors`.
CohortRecord ApplyCohortUpdate(const CohortRecord& current,
                               const v1::Cohort& patch,
                               const std::vector<std::string>& paths,
                               status::FieldErrors& errors);

// FAILED_PRECONDITION (SELECTION_PUBLISHED) if the cohort's selection is
// published, naming `what` the caller wanted to do.
absl::Status CheckSelectionOpen(const CohortRecord& cohort,
                                absl::string_view what);

// FAILED_PRECONDITION (APPLICATION_WINDOW_CLOSED) unless `today` (China
// time) is inside the cohort's window.
absl::Status CheckApplicationWindow(const CohortRecord& cohort,
                                    absl::CivilDay today);

// The cohort as the API shows it.
v1::Cohort ToCohort(const CohortRecord& record);

}  // namespace qpp::cultivation
