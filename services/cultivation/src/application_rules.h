#pragma once

// Rules of applications: names, what an application must have, who may
// apply (the registry's facts), the status flow. Pure functions; no gRPC,
// no SQL.
//
// The status flow (every transition is recorded with who, when and why):
//   submitted → under review   the first expert is assigned
//   under review → scored      the cohort's minimum of reviews is reached
//   scored → selected / waitlisted / rejected    by the selection
//   submitted / under review → rejected          by the selection
//   submitted / under review / scored → withdrawn
// Reopening a selection moves selected, waitlisted and rejected
// applications back to scored (or under review, submitted).

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "qpp/cultivation/v1/resources.pb.h"
#include "services/cultivation/src/cohort_rules.h"
#include "services/cultivation/src/registry_client.h"

namespace qpp::cultivation {

// An application as stored.
struct ApplicationRecord {
  int64_t id = 0;
  int32_t cohort_year = 0;
  std::string organization_uscc;
  std::string organization_display_name;
  std::string statement;
  std::string self_assessment;
  double self_assessment_total = 0;
  std::string assessor_certificate;
  bool assessor_not_certified = false;
  v1::ApplicationStatus status = v1::APPLICATION_STATUS_UNSPECIFIED;
  std::string status_reason;
  int32_t review_count = 0;
  double consensus_score = 0;
  double score_spread = 0;
  bool needs_adjudication = false;
  int32_t selection_rank = 0;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// One stored transition.
struct TransitionRecord {
  int64_t application_id = 0;
  v1::ApplicationStatus from_status = v1::APPLICATION_STATUS_UNSPECIFIED;
  v1::ApplicationStatus to_status = v1::APPLICATION_STATUS_UNSPECIFIED;
  std::string reason;
  std::string changed_by;
  absl::Time change_time;
};

// An application's name taken apart.
struct ApplicationKey {
  int32_t year = 0;
  int64_t id = 0;
};

// "cohorts/{year}/applications/{id}".
std::string ApplicationName(int32_t year, int64_t id);

// The parts of "cohorts/{year}/applications/{id}"; INVALID_ARGUMENT on
// `field` otherwise.
absl::StatusOr<ApplicationKey> ParseApplicationName(absl::string_view name,
                                                    absl::string_view field);

// Validates a new application (paths prefixed "application."): an
// organisation `organizations/{uscc}` with a valid USCC and a statement of
// at most 2000 characters. Records violations in `errors`.
void ValidateNewApplication(const v1::Application& application,
                            status::FieldErrors& errors);

// FAILED_PRECONDITION unless the registry's `organization` may apply:
// ORGANIZATION_NOT_REGISTERED if archived, ORGANIZATION_NOT_ENTERPRISE if
// not an enterprise, CREDIT_RESTRICTED if its credit is restricted.
absl::Status CheckApplicant(const RegisteredOrganization& organization);

// FAILED_PRECONDITION (INVALID_STATUS_CHANGE) unless an application may go
// from `from` to `to` (the flow above).
absl::Status CheckTransition(const ApplicationRecord& application,
                             v1::ApplicationStatus to);

// True for the statuses an organisation's application counts as live in
// its cohort (everything but withdrawn).
bool IsLive(v1::ApplicationStatus status);

// Validates the reason of a status change: required (1..500 characters)
// or optional (at most 500). Records violations of "reason".
void ValidateReason(absl::string_view reason, bool required,
                    status::FieldErrors& errors);

// `text` cut to at most `max_chars` UTF-8 characters (reasons composed
// from a caller's text and ours must fit their columns).
std::string Clip(absl::string_view text, size_t max_chars);

// `application` after an adjudicator's `decision`: the flag cleared and,
// for SET_SCORE, `score` as its consensus score. FAILED_PRECONDITION
// NOT_FLAGGED_FOR_ADJUDICATION unless flagged; INVALID_STATUS_CHANGE
// unless under review or scored.
absl::StatusOr<ApplicationRecord> Adjudicate(
    const ApplicationRecord& application, v1::AdjudicationDecision decision,
    double score);

// The history's reason for an adjudication from `before` to `after`: the
// decision, the scores and the adjudicator's `reason`, within 500
// characters.
std::string AdjudicationReason(const ApplicationRecord& before,
                               const ApplicationRecord& after,
                               v1::AdjudicationDecision decision,
                               absl::string_view reason);

// The application as the API shows it, with its history.
v1::Application ToApplication(const ApplicationRecord& record,
                              const std::vector<TransitionRecord>& history);

}  // namespace qpp::cultivation
