#pragma once

// Use cases of demonstration projects ("demonstrationProjects/{project}"):
// industry demonstration projects (行业示范工程) of a sector of the sector
// table, and the district pilots of 质量强区; their participants (checked
// with the registry), milestones ("…/milestones/{milestone}") and status
// flow with history. Rules: project_rules.h.
//
// Every change to a project, its participants or its milestones locks the
// project's row first and bumps its version, so concurrent changes are
// decided one after the other and the etag covers all of it.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (also an
// unknown sector); NOT_FOUND; ALREADY_EXISTS (PARTICIPANT_EXISTS);
// FAILED_PRECONDITION (ORGANIZATION_NOT_REGISTERED, INVALID_STATUS_CHANGE,
// MILESTONES_OPEN, PROJECT_CLOSED, PROJECT_NOT_IN_PROGRESS,
// MILESTONE_COMPLETED); UNAVAILABLE (REGISTRY_UNAVAILABLE) when the
// registry cannot answer, and then nothing is written; ABORTED for etag
// mismatches and conflicts; UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

class Projects final {
 public:
  // The context and the repository must outlive this object.
  Projects(const UseCaseContext& context, ProjectRepository& repository);

  // Creates a project, planned; `call` names its creator in the history.
  absl::Status CreateDemonstrationProject(
      const RequestContext& call,
      const v1::CreateDemonstrationProjectRequest& req,
      v1::DemonstrationProject* resp);
  // One project with its history, participants and milestones.
  absl::Status GetDemonstrationProject(
      const v1::GetDemonstrationProjectRequest& req,
      v1::DemonstrationProject* resp);
  // A page of projects by id.
  absl::Status ListDemonstrationProjects(
      const v1::ListDemonstrationProjectsRequest& req,
      v1::ListDemonstrationProjectsResponse* resp);
  // Changes the fields of the update mask.
  absl::Status UpdateDemonstrationProject(
      const v1::UpdateDemonstrationProjectRequest& req,
      v1::DemonstrationProject* resp);
  // Moves the project along its status flow; `call` names who did.
  absl::Status TransitionDemonstrationProject(
      const RequestContext& call,
      const v1::TransitionDemonstrationProjectRequest& req,
      v1::DemonstrationProject* resp);
  // Adds an organisation after asking the registry under `call` whether it
  // is registered and active.
  absl::Status AddProjectParticipant(
      const RequestContext& call, const v1::AddProjectParticipantRequest& req,
      v1::DemonstrationProject* resp);
  // Removes an organisation.
  absl::Status RemoveProjectParticipant(
      const v1::RemoveProjectParticipantRequest& req,
      v1::DemonstrationProject* resp);
  // Adds a pending milestone.
  absl::Status CreateProjectMilestone(
      const v1::CreateProjectMilestoneRequest& req, v1::ProjectMilestone* resp);
  // Records that a milestone was reached.
  absl::Status CompleteProjectMilestone(
      const v1::CompleteProjectMilestoneRequest& req,
      v1::ProjectMilestone* resp);

 private:
  // The stored project `id` as the API shows it.
  absl::Status Load(db::Connection& conn, int64_t id,
                    v1::DemonstrationProject* resp);
  // The project `id` locked for a change; NOT_FOUND (named `name`) if none.
  absl::StatusOr<ProjectRecord> Lock(db::Connection& conn, int64_t id,
                                     absl::string_view name);
  // Writes `updated` over `current` (a new version); ABORTED if it changed
  // meanwhile.
  absl::Status Write(db::Connection& conn, const ProjectRecord& current,
                     const ProjectRecord& updated, absl::Time now);
  // INVALID_ARGUMENT on `field` unless `sector` is empty or in the sector
  // table.
  absl::Status CheckSector(db::Connection& conn, const std::string& sector,
                           absl::string_view field);

  const UseCaseContext context_;
  ProjectRepository& repository_;
};

}  // namespace qpp::demobase
