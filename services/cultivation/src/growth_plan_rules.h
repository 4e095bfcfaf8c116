#pragma once

// Rules of the enterprise growth plan (企业成长计划): names, what a
// participant must have, who may take part (SMEs by the registry's size
// class), the coaching of the four operating modules in order, and the
// compliance review (达标审查) that sets or clears the priority flag
// (优先立项、优先资助). Pure functions; no gRPC, no SQL.

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
#include "services/cultivation/src/registry_client.h"

namespace qpp::cultivation {

// A participant as stored.
struct ParticipantRecord {
  int64_t id = 0;
  std::string organization_uscc;
  std::string organization_display_name;
  std::string size_class;
  // A bit per GrowthCategory: 1 << value.
  uint32_t categories = 0;
  std::string statement;
  bool review_passed = false;
  bool priority = false;
  std::optional<absl::CivilDay> review_day;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// One completed module's coaching as stored.
struct CoachingRecord {
  int64_t participant_id = 0;
  v1::OperatingModule module = v1::OPERATING_MODULE_UNSPECIFIED;
  absl::CivilDay completion_day;
  int64_t expert_id = 0;  // 0: none
  std::string report_reference;
  std::string completed_by;
  absl::Time complete_time;
};

// One compliance review as stored.
struct ComplianceReviewRecord {
  int64_t participant_id = 0;
  bool passed = false;
  std::string findings;
  std::string reason;
  absl::CivilDay review_day;
  std::string reviewed_by;
  absl::Time review_time;
};

// "growthPlanParticipants/{id}".
std::string ParticipantName(int64_t id);

// The id of "growthPlanParticipants/{id}"; INVALID_ARGUMENT on `field`
// otherwise.
absl::StatusOr<int64_t> ParseParticipantName(absl::string_view name,
                                             absl::string_view field);

// The bits of `categories` (each a known category, once); violations of
// `field` in `errors` (none given, unknown or repeated).
uint32_t CategoryBits(const google::protobuf::RepeatedField<int>& categories,
                      absl::string_view field, status::FieldErrors& errors);

// Validates a new participant (paths prefixed "participant."): an
// organisation `organizations/{uscc}` with a valid USCC, one or more
// categories, a statement of at most 2000 characters. Returns the record
// without the registry's facts; violations in `errors`.
ParticipantRecord NewParticipant(const v1::GrowthPlanParticipant& in,
                                 status::FieldErrors& errors);

// True for the registry's size classes of small and medium-sized
// enterprises (medium, small, micro).
bool IsSmeSizeClass(absl::string_view size_class);

// FAILED_PRECONDITION unless the registry's `organization` may take part:
// ORGANIZATION_NOT_REGISTERED if archived, ORGANIZATION_NOT_ENTERPRISE if
// not an enterprise, NOT_SME if its size class is large or unknown.
absl::Status CheckGrowthPlanApplicant(
    const RegisteredOrganization& organization);

// The paths of an update's mask (categories, statement); INVALID_ARGUMENT
// for an empty mask or another field.
absl::StatusOr<std::vector<std::string>> ParticipantUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `stored` with the fields of `paths` taken from `patch`; violations in
// `errors`.
ParticipantRecord ApplyParticipantUpdate(const ParticipantRecord& stored,
                                         const v1::GrowthPlanParticipant& patch,
                                         const std::vector<std::string>& paths,
                                         status::FieldErrors& errors);

// FAILED_PRECONDITION (MILESTONE_OUT_OF_ORDER) unless `module` is the next
// one after the `completed` modules (in module order).
absl::Status CheckNextCoaching(const std::vector<CoachingRecord>& completed,
                               v1::OperatingModule module);

// INVALID_ARGUMENT on `field` if `day` is before the day the participant
// applied (`applied`) or after `today`.
absl::Status CheckCoachingDay(absl::string_view field, absl::CivilDay day,
                              absl::CivilDay applied, absl::CivilDay today);

// FAILED_PRECONDITION (COACHING_INCOMPLETE) unless all four modules are
// coached.
absl::Status CheckCoachingComplete(
    const std::vector<CoachingRecord>& completed);

// `stored` after `review`: the latest review's result and day; the
// priority flag set by a pass and cleared by a fail.
ParticipantRecord ApplyReview(const ParticipantRecord& stored,
                              const ComplianceReviewRecord& review);

// The participant as the API shows it, with its coaching (every module,
// pending or completed) and its reviews oldest first.
v1::GrowthPlanParticipant ToParticipant(
    const ParticipantRecord& record,
    const std::vector<CoachingRecord>& coaching,
    const std::vector<ComplianceReviewRecord>& reviews);

}  // namespace qpp::cultivation
