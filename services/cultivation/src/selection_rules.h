#pragma once

// Rules of the selection (优势优先) and of enrolments: the ranking, what
// each application gets and why, and the two-year term. Pure functions; no
// gRPC, no SQL.
//
// The ranking: scored applications by consensus score, highest first;
// ties by the lower spread (the experts agreed more), then the earlier
// submission, then the lower USCC, so that a run is deterministic. The
// best are selected up to min(capacity, library cap − active enrolments);
// the other scored ones are waitlisted; applications not scored, and
// enterprises actively enrolled already, are rejected.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "qpp/cultivation/v1/resources.pb.h"
#include "services/cultivation/src/application_rules.h"

namespace qpp::cultivation {

// What the selection decided for one application.
struct SelectionDecision {
  int64_t application_id = 0;
  v1::ApplicationStatus outcome = v1::APPLICATION_STATUS_UNSPECIFIED;
  // 1.. among the ranked, 0 if not ranked.
  int32_t rank = 0;
  std::string reason;
};

// The bounds of one run.
struct SelectionBounds {
  int capacity = 0;
  int library_cap = 0;
  // Active enrolments before the run.
  int library_active = 0;
  int min_reviews = 0;
};

// True if `a` ranks before `b` (the tie-break above).
bool RanksBefore(const ApplicationRecord& a, const ApplicationRecord& b);

// The decision for every live application of the cohort (`applications`
// in any order; withdrawn ones are left out). `enrolled` holds the USCCs
// actively enrolled already. Decisions come selected first by rank, then
// waitlisted by rank, then rejected by id.
std::vector<SelectionDecision> Select(
    const std::vector<ApplicationRecord>& applications,
    const std::vector<std::string>& enrolled, const SelectionBounds& bounds);

// An enrolment as stored.
struct EnrollmentRecord {
  int64_t id = 0;
  std::string organization_uscc;
  std::string organization_display_name;
  v1::Track track = v1::TRACK_UNSPECIFIED;
  int32_t cohort_year = 0;
  int64_t application_id = 0;
  absl::CivilDay term_start;
  absl::CivilDay term_end;
  v1::EnrollmentOutcome outcome = v1::ENROLLMENT_OUTCOME_UNSPECIFIED;
  std::string outcome_reason;
  std::optional<double> acceptance_score;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// A completed milestone as stored.
struct MilestoneRecord {
  int64_t enrollment_id = 0;
  v1::MilestoneKind kind = v1::MILESTONE_KIND_UNSPECIFIED;
  absl::CivilDay completion_day;
  // 0 for none.
  int64_t expert_id = 0;
  std::string report_reference;
  std::string completed_by;
  absl::Time complete_time;
};

// FAILED_PRECONDITION (ENROLLMENT_NOT_ACTIVE) unless the enrolment is
// active.
absl::Status CheckActive(const EnrollmentRecord& enrollment);

// `enrollment` expired if it is active and its term ended before `today`
// without an outcome (the reason names the term's end); nullopt otherwise,
// so that expiring twice changes nothing.
std::optional<EnrollmentRecord> ExpireIfOverdue(
    const EnrollmentRecord& enrollment, absl::CivilDay today);

// FAILED_PRECONDITION (MILESTONE_OUT_OF_ORDER) unless `kind` is the next
// milestone after the `completed` ones (the five in order).
absl::Status CheckNextMilestone(const std::vector<MilestoneRecord>& completed,
                                v1::MilestoneKind kind);

// INVALID_ARGUMENT ("completion_date") unless `day` is within the term and
// not after `today`.
absl::Status CheckCompletionDay(const EnrollmentRecord& enrollment,
                                absl::CivilDay day, absl::CivilDay today);

// FAILED_PRECONDITION (TOO_FEW_STAFF_TRAINED) if `attended` < `required`.
absl::Status CheckStaffTrained(int attended, int required, absl::CivilDay first,
                               absl::CivilDay last);

// The last day of a two-year term starting on `start`.
absl::CivilDay TermEnd(absl::CivilDay start);

// "enrollments/{id}".
std::string EnrollmentName(int64_t id);
// The id of "enrollments/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<int64_t> ParseEnrollmentName(absl::string_view name,
                                            absl::string_view field);

// The enrolment as the API shows it, with its five milestones (the
// `completed` ones and the rest pending).
v1::Enrollment ToEnrollment(const EnrollmentRecord& record,
                            const std::vector<MilestoneRecord>& completed);

}  // namespace qpp::cultivation
