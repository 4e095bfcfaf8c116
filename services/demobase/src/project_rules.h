#pragma once

// Rules of industry demonstration projects (行业示范工程) and the district
// pilots of 质量强区: names, the fields a project, a participant and a
// milestone must have, the status flow, and what a completed project still
// allows. Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/demobase/v1/project_messages.pb.h"
#include "qpp/demobase/v1/project_resources.pb.h"

namespace qpp::demobase {

// A project as stored.
struct ProjectRecord {
  int64_t id = 0;
  std::string title;
  v1::ProjectScope scope = v1::PROJECT_SCOPE_UNSPECIFIED;
  // A code of the sector table; empty for a district pilot without one.
  std::string sector;
  // The sector's display name (read only, from the sector table).
  std::string sector_display_name;
  // "4403xx" for a district pilot; empty otherwise.
  std::string district;
  std::string lead_department;
  std::string evaluation_system;
  absl::CivilDay start_date;
  absl::CivilDay end_date;
  v1::ProjectStatus status = v1::PROJECT_STATUS_UNSPECIFIED;
  std::string status_reason;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// One stored status change of a project.
struct ProjectStatusChangeRecord {
  int64_t project_id = 0;
  v1::ProjectStatus status = v1::PROJECT_STATUS_UNSPECIFIED;
  std::string reason;
  std::string changed_by;
  absl::Time change_time;
};

// A participating organisation as stored.
struct ParticipantRecord {
  int64_t project_id = 0;
  std::string organization_uscc;
  std::string organization_display_name;
  std::string role;
  absl::Time add_time;
};

// A milestone as stored.
struct MilestoneRecord {
  int64_t id = 0;
  int64_t project_id = 0;
  std::string title;
  absl::CivilDay due_date;
  v1::MilestoneState state = v1::MILESTONE_STATE_UNSPECIFIED;
  std::optional<absl::CivilDay> completed_date;
  std::string evidence;
  absl::Time create_time;
  absl::Time update_time;
};

// "demonstrationProjects/{id}".
std::string ProjectName(int64_t id);

// The id of "demonstrationProjects/{id}"; INVALID_ARGUMENT on `field`
// otherwise.
absl::StatusOr<int64_t> ParseProjectName(absl::string_view name,
                                         absl::string_view field);

// "demonstrationProjects/{project}/milestones/{milestone}".
std::string MilestoneName(int64_t project_id, int64_t id);

// The project and milestone ids of a milestone's name; INVALID_ARGUMENT on
// `field` otherwise.
absl::StatusOr<std::pair<int64_t, int64_t>> ParseMilestoneName(
    absl::string_view name, absl::string_view field);

// Whether `code` is a Shenzhen district (county) code: "4403" and two
// digits other than "00" (the city itself).
bool IsShenzhenDistrict(absl::string_view code);

// Whether `code` may be a sector code: 1..40 of [a-z0-9_]. Whether the
// sector exists is the sector table's to say.
bool IsSectorCode(absl::string_view code);

// The record of a new project (status planned), checking (paths prefixed
// "demonstration_project."): title 1..200, a scope; for an industry project
// a sector code and no district, for a district pilot a Shenzhen district
// and an optional sector; lead department 1..100, evaluation system 1..200
// characters; both period days, the end not before the start. Records
// violations in `errors`.
ProjectRecord NewProjectRecord(const v1::DemonstrationProject& project,
                               status::FieldErrors& errors);

// The fields an update mask names, each one a project may change (title,
// sector, lead_department, evaluation_system, start_date, end_date).
// INVALID_ARGUMENT ("update_mask") otherwise.
absl::StatusOr<std::vector<std::string>> ProjectUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`; violations of the
// new values (and of the resulting period, and a sector removed from an
// industry project) recorded in `errors`.
ProjectRecord ApplyProjectUpdate(const ProjectRecord& current,
                                 const v1::DemonstrationProject& patch,
                                 const std::vector<std::string>& paths,
                                 status::FieldErrors& errors);

// Validates the target status and reason of a transition: a known status
// other than unspecified; a reason of 1..500 characters to suspend, at most
// 500 otherwise. Records violations of "status" and "reason".
void ValidateTransition(v1::ProjectStatus to, absl::string_view reason,
                        status::FieldErrors& errors);

// FAILED_PRECONDITION (INVALID_STATUS_CHANGE) unless the flow allows
// `from` → `to`: planned → in progress or suspended; in progress →
// completed or suspended; suspended → in progress. (MILESTONES_OPEN) to
// complete a project with `pending_milestones` > 0.
absl::Status CheckProjectTransition(const ProjectRecord& project,
                                    v1::ProjectStatus to,
                                    int64_t pending_milestones);

// FAILED_PRECONDITION (PROJECT_CLOSED) if the project is completed.
absl::Status CheckProjectOpen(const ProjectRecord& project);

// The USCC of a participant to add, checking organisation
// (`organizations/{uscc}`, a valid USCC) and role (1..50 characters); paths
// prefixed "participant.". Records violations in `errors`.
std::string ValidateParticipant(const v1::ProjectParticipant& participant,
                                status::FieldErrors& errors);

// Validates a new milestone (paths prefixed "milestone."): title 1..200
// characters and a due date. Records violations in `errors`; nullopt then.
std::optional<MilestoneRecord> NewMilestoneRecord(
    const v1::ProjectMilestone& milestone, status::FieldErrors& errors);

// INVALID_ARGUMENT ("milestone.due_date") unless the milestone is due
// within the project's period.
absl::Status CheckMilestoneDue(const ProjectRecord& project,
                               const MilestoneRecord& milestone);

// INVALID_ARGUMENT ("demonstration_project.start_date" or ".end_date")
// if a milestone of `milestones` is due outside the project's period, as a
// changed period may leave it.
absl::Status CheckMilestonesWithinPeriod(
    const ProjectRecord& project,
    const std::vector<MilestoneRecord>& milestones);

// Validates a completion: a real day not after `today`, evidence 1..1000
// characters. Records violations of "completed_date" and "evidence".
void ValidateCompletion(const v1::CompleteProjectMilestoneRequest& req,
                        absl::CivilDay today, status::FieldErrors& errors);

// FAILED_PRECONDITION (PROJECT_NOT_IN_PROGRESS) unless the project is in
// progress, (MILESTONE_COMPLETED) if the milestone is completed already.
absl::Status CheckMilestoneCompletion(const ProjectRecord& project,
                                      const MilestoneRecord& milestone);

// The milestone as the API shows it.
v1::ProjectMilestone ToMilestone(const MilestoneRecord& record);

// The project as the API shows it.
v1::DemonstrationProject ToProject(
    const ProjectRecord& record,
    const std::vector<ProjectStatusChangeRecord>& history,
    const std::vector<ParticipantRecord>& participants,
    const std::vector<MilestoneRecord>& milestones);

}  // namespace qpp::demobase
