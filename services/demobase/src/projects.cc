#include "services/demobase/src/projects.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/demobase/src/base_rules.h"
#include "services/demobase/src/project_rules.h"

namespace qpp::demobase {
namespace {

constexpr char kWhat[] = "the demonstration project";

}  // namespace

Projects::Projects(const UseCaseContext& context, ProjectRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Projects::Load(db::Connection& conn, int64_t id,
                            v1::DemonstrationProject* resp) {
  QPP_ASSIGN_OR_RETURN(auto stored, repository_.GetProject(conn, id, false));
  if (!stored.has_value()) return status::NotFound(ProjectName(id));
  QPP_ASSIGN_OR_RETURN(auto histories, repository_.ListHistories(conn, {id}));
  QPP_ASSIGN_OR_RETURN(auto participants,
                       repository_.ListParticipants(conn, {id}));
  QPP_ASSIGN_OR_RETURN(auto milestones, repository_.ListMilestones(conn, {id}));
  *resp = ToProject(*stored, histories[id], participants[id], milestones[id]);
  return absl::OkStatus();
}

absl::StatusOr<ProjectRecord> Projects::Lock(db::Connection& conn, int64_t id,
                                             absl::string_view name) {
  QPP_ASSIGN_OR_RETURN(auto found, repository_.GetProject(conn, id, true));
  if (!found.has_value()) return status::NotFound(name);
  return *std::move(found);
}

absl::Status Projects::Write(db::Connection& conn, const ProjectRecord& current,
                             const ProjectRecord& updated, absl::Time now) {
  QPP_ASSIGN_OR_RETURN(bool written, repository_.UpdateProject(
                                         conn, updated, current.version, now));
  if (!written) return status::ConcurrentUpdate(kWhat);
  return absl::OkStatus();
}

absl::Status Projects::CheckSector(db::Connection& conn,
                                   const std::string& sector,
                                   absl::string_view field) {
  if (sector.empty()) return absl::OkStatus();
  QPP_ASSIGN_OR_RETURN(auto name, repository_.GetSectorName(conn, sector));
  if (name.has_value()) return absl::OkStatus();
  return status::InvalidField(
      std::string(field),
      absl::StrCat("\"", sector,
                   "\" is not a sector of the sector table (e.g. education, "
                   "health_care, transport, social_organizations, other)"));
}

absl::Status Projects::CreateDemonstrationProject(
    const RequestContext& call,
    const v1::CreateDemonstrationProjectRequest& req,
    v1::DemonstrationProject* resp) {
  status::FieldErrors errors;
  const ProjectRecord record =
      NewProjectRecord(req.demonstration_project(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(
            CheckSector(conn, record.sector, "demonstration_project.sector"));
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_.InsertProject(conn, record, now));
        QPP_RETURN_IF_ERROR(repository_.InsertStatusChange(
            conn, {id, v1::PROJECT_STATUS_PLANNED, "", call.principal().actor(),
                   now}));
        return Load(conn, id, resp);
      });
}

absl::Status Projects::GetDemonstrationProject(
    const v1::GetDemonstrationProjectRequest& req,
    v1::DemonstrationProject* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseProjectName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, id, resp);
}

absl::Status Projects::ListDemonstrationProjects(
    const v1::ListDemonstrationProjectsRequest& req,
    v1::ListDemonstrationProjectsResponse* resp) {
  ProjectFilter filter;
  status::FieldErrors errors;
  if (!v1::ProjectScope_IsValid(req.scope())) {
    errors.Add("scope", "is not a known scope");
  }
  if (!req.sector().empty() && !IsSectorCode(req.sector())) {
    errors.Add("sector", "must be a sector code of 1..40 of [a-z0-9_]");
  }
  if (!req.district().empty() && !IsShenzhenDistrict(req.district())) {
    errors.Add("district", "must be a Shenzhen district code 4403xx");
  }
  if (!v1::ProjectStatus_IsValid(req.status())) {
    errors.Add("status", "is not a known status");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  filter.scope = req.scope();
  filter.sector = req.sector();
  filter.district = req.district();
  filter.status = req.status();
  std::map<int64_t, std::vector<ProjectStatusChangeRecord>> histories;
  std::map<int64_t, std::vector<ParticipantRecord>> participants;
  std::map<int64_t, std::vector<MilestoneRecord>> milestones;
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<ProjectRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(
                std::vector<ProjectRecord> rows,
                repository_.ListProjects(*conn, filter, after_id, limit));
            std::vector<int64_t> ids;
            for (const ProjectRecord& r : rows) ids.push_back(r.id);
            QPP_ASSIGN_OR_RETURN(histories,
                                 repository_.ListHistories(*conn, ids));
            QPP_ASSIGN_OR_RETURN(participants,
                                 repository_.ListParticipants(*conn, ids));
            QPP_ASSIGN_OR_RETURN(milestones,
                                 repository_.ListMilestones(*conn, ids));
            return rows;
          },
          [](const ProjectRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const ProjectRecord& r : page.rows) {
    *resp->add_demonstration_projects() =
        ToProject(r, histories[r.id], participants[r.id], milestones[r.id]);
  }
  return absl::OkStatus();
}

absl::Status Projects::UpdateDemonstrationProject(
    const v1::UpdateDemonstrationProjectRequest& req,
    v1::DemonstrationProject* resp) {
  const v1::DemonstrationProject& patch = req.demonstration_project();
  QPP_ASSIGN_OR_RETURN(
      int64_t id, ParseProjectName(patch.name(), "demonstration_project.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       ProjectUpdatePaths(req.update_mask()));
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(ProjectRecord found, Lock(conn, id, patch.name()));
        QPP_RETURN_IF_ERROR(
            status::CheckEtag(patch.etag(), Etag(found.version), kWhat));
        QPP_RETURN_IF_ERROR(CheckProjectOpen(found));
        status::FieldErrors errors;
        const ProjectRecord updated =
            ApplyProjectUpdate(found, patch, paths, errors);
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        if (updated.start_date != found.start_date ||
            updated.end_date != found.end_date) {
          QPP_ASSIGN_OR_RETURN(auto milestones,
                               repository_.ListMilestones(conn, {id}));
          QPP_RETURN_IF_ERROR(
              CheckMilestonesWithinPeriod(updated, milestones[id]));
        }
        if (updated.sector != found.sector) {
          QPP_RETURN_IF_ERROR(CheckSector(conn, updated.sector,
                                          "demonstration_project.sector"));
        }
        QPP_RETURN_IF_ERROR(Write(conn, found, updated, now));
        return Load(conn, id, resp);
      });
}

absl::Status Projects::TransitionDemonstrationProject(
    const RequestContext& call,
    const v1::TransitionDemonstrationProjectRequest& req,
    v1::DemonstrationProject* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseProjectName(req.name(), "name"));
  status::FieldErrors errors;
  ValidateTransition(req.status(), req.reason(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(ProjectRecord found, Lock(conn, id, req.name()));
        QPP_RETURN_IF_ERROR(
            status::CheckEtag(req.etag(), Etag(found.version), kWhat));
        int64_t pending = 0;
        if (req.status() == v1::PROJECT_STATUS_COMPLETED) {
          QPP_ASSIGN_OR_RETURN(pending,
                               repository_.CountPendingMilestones(conn, id));
        }
        QPP_RETURN_IF_ERROR(
            CheckProjectTransition(found, req.status(), pending));
        ProjectRecord updated = found;
        updated.status = req.status();
        updated.status_reason =
            req.status() == v1::PROJECT_STATUS_SUSPENDED ? req.reason() : "";
        QPP_RETURN_IF_ERROR(Write(conn, found, updated, now));
        QPP_RETURN_IF_ERROR(repository_.InsertStatusChange(
            conn,
            {id, req.status(), req.reason(), call.principal().actor(), now}));
        return Load(conn, id, resp);
      });
}

absl::Status Projects::AddProjectParticipant(
    const RequestContext& call, const v1::AddProjectParticipantRequest& req,
    v1::DemonstrationProject* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseProjectName(req.name(), "name"));
  status::FieldErrors errors;
  const std::string uscc = ValidateParticipant(req.participant(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  // Asked before the transaction: no lock is held while the registry
  // answers, and a registry that is down leaves nothing written.
  absl::StatusOr<RegisteredOrganization> organization =
      context_.registry.GetOrganization(call, uscc);
  if (absl::IsNotFound(organization.status()) ||
      (organization.ok() && !organization->active)) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat(
            "participant.organization: ", req.participant().organization(),
            organization.ok() ? " is archived in the registry"
                              : " is not registered in the registry"));
  }
  QPP_RETURN_IF_ERROR(organization.status());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(ProjectRecord found, Lock(conn, id, req.name()));
        QPP_RETURN_IF_ERROR(CheckProjectOpen(found));
        const absl::Status inserted = repository_.InsertParticipant(
            conn, {id, uscc, organization->display_name,
                   req.participant().role(), now});
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            inserted, "PARTICIPANT_EXISTS",
            absl::StrCat(req.participant().organization(),
                         " already takes part in ", req.name())));
        QPP_RETURN_IF_ERROR(Write(conn, found, found, now));
        return Load(conn, id, resp);
      });
}

absl::Status Projects::RemoveProjectParticipant(
    const v1::RemoveProjectParticipantRequest& req,
    v1::DemonstrationProject* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseProjectName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(
      std::string uscc,
      resource::ParseOrganizationName(req.organization(), "organization"));
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(ProjectRecord found, Lock(conn, id, req.name()));
        QPP_RETURN_IF_ERROR(CheckProjectOpen(found));
        QPP_ASSIGN_OR_RETURN(bool removed,
                             repository_.DeleteParticipant(conn, id, uscc));
        if (!removed) {
          return status::WithReason(
              absl::StatusCode::kNotFound, "NOT_FOUND",
              absl::StrCat(req.organization(), " does not take part in ",
                           req.name()));
        }
        QPP_RETURN_IF_ERROR(Write(conn, found, found, now));
        return Load(conn, id, resp);
      });
}

absl::Status Projects::CreateProjectMilestone(
    const v1::CreateProjectMilestoneRequest& req, v1::ProjectMilestone* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseProjectName(req.parent(), "parent"));
  status::FieldErrors errors;
  std::optional<MilestoneRecord> record =
      NewMilestoneRecord(req.milestone(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  record->project_id = id;
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(ProjectRecord found, Lock(conn, id, req.parent()));
        QPP_RETURN_IF_ERROR(CheckProjectOpen(found));
        QPP_RETURN_IF_ERROR(CheckMilestoneDue(found, *record));
        QPP_ASSIGN_OR_RETURN(int64_t milestone_id,
                             repository_.InsertMilestone(conn, *record, now));
        QPP_RETURN_IF_ERROR(Write(conn, found, found, now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetMilestone(conn, id, milestone_id));
        if (!stored.has_value()) return status::ConcurrentUpdate(kWhat);
        *resp = ToMilestone(*stored);
        return absl::OkStatus();
      });
}

absl::Status Projects::CompleteProjectMilestone(
    const v1::CompleteProjectMilestoneRequest& req,
    v1::ProjectMilestone* resp) {
  QPP_ASSIGN_OR_RETURN(auto key, ParseMilestoneName(req.name(), "name"));
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  ValidateCompletion(req, dates::Today(now), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  // Not a structured binding: the lambda below captures them (clang < 16).
  const int64_t project_id = key.first;
  const int64_t milestone_id = key.second;
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(ProjectRecord found,
                             Lock(conn, project_id, ProjectName(project_id)));
        QPP_ASSIGN_OR_RETURN(
            auto milestone,
            repository_.GetMilestone(conn, project_id, milestone_id));
        if (!milestone.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckMilestoneCompletion(found, *milestone));
        QPP_RETURN_IF_ERROR(repository_.CompleteMilestone(
            conn, milestone_id, *dates::ToCivilDay(req.completed_date()),
            req.evidence(), now));
        QPP_RETURN_IF_ERROR(Write(conn, found, found, now));
        QPP_ASSIGN_OR_RETURN(milestone, repository_.GetMilestone(
                                            conn, project_id, milestone_id));
        *resp = ToMilestone(*milestone);
        return absl::OkStatus();
      });
}

}  // namespace qpp::demobase
