#include "services/cultivation/src/applications.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/cultivation/src/application_rules.h"

namespace qpp::cultivation {

Applications::Applications(const UseCaseContext& context,
                           CohortRepository& cohorts,
                           ApplicationRepository& repository,
                           EnrollmentRepository& enrollments)
    : context_(context),
      cohorts_(cohorts),
      repository_(repository),
      enrollments_(enrollments) {}

absl::Status Applications::Load(db::Connection& conn, int32_t year, int64_t id,
                                v1::Application* resp) {
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetApplication(conn, year, id, false));
  if (!stored.has_value()) return status::NotFound(ApplicationName(year, id));
  QPP_ASSIGN_OR_RETURN(auto histories, repository_.ListHistories(conn, {id}));
  *resp = ToApplication(*stored, histories[id]);
  return absl::OkStatus();
}

absl::Status Applications::CreateApplication(
    const RequestContext& call, const v1::CreateApplicationRequest& req,
    v1::Application* resp) {
  QPP_ASSIGN_OR_RETURN(int32_t year, ParseCohortName(req.parent(), "parent"));
  const v1::Application& in = req.application();
  status::FieldErrors errors;
  ValidateNewApplication(in, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const std::string uscc = *resource::ParseOrganizationName(
      in.organization(), "application.organization");
  const absl::Time now = context_.clock();
  {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
    QPP_ASSIGN_OR_RETURN(auto cohort, cohorts_.GetCohort(*conn, year, false));
    if (!cohort.has_value()) return status::NotFound(req.parent());
    QPP_RETURN_IF_ERROR(CheckApplicationWindow(*cohort, dates::Today(now)));
    QPP_RETURN_IF_ERROR(
        CheckSelectionOpen(*cohort, "it takes no more applications"));
  }
  // Asked before the transaction: no lock is held while the registry and
  // training answer, and a dependency that is down leaves nothing written.
  absl::StatusOr<RegisteredOrganization> organization =
      context_.registry.GetOrganization(call, uscc);
  if (absl::IsNotFound(organization.status())) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat("application.organization: ", in.organization(),
                     " is not registered in the registry"));
  }
  QPP_RETURN_IF_ERROR(organization.status());
  QPP_RETURN_IF_ERROR(CheckApplicant(*organization));
  QPP_ASSIGN_OR_RETURN(std::optional<SelfAssessmentFact> assessment,
                       context_.registry.LatestSelfAssessment(call, uscc));
  bool certified = false;
  if (assessment.has_value() && !assessment->assessor_certificate.empty()) {
    QPP_ASSIGN_OR_RETURN(certified,
                         context_.training.IsCertifiedSelfAssessor(
                             call, assessment->assessor_certificate));
  }

  ApplicationRecord record;
  record.cohort_year = year;
  record.organization_uscc = uscc;
  record.organization_display_name = organization->display_name;
  record.statement = in.statement();
  if (assessment.has_value()) {
    record.self_assessment = assessment->name;
    record.self_assessment_total = assessment->total_points;
    record.assessor_certificate = assessment->assessor_certificate;
  }
  record.assessor_not_certified = !certified;
  record.status = v1::APPLICATION_STATUS_SUBMITTED;
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        EnrollmentFilter active;
        active.organization_uscc = uscc;
        active.outcome = v1::ENROLLMENT_OUTCOME_ACTIVE;
        QPP_ASSIGN_OR_RETURN(std::vector<EnrollmentRecord> enrolled,
                             enrollments_.ListEnrollments(conn, active, 0, 1));
        if (!enrolled.empty()) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "ALREADY_ENROLLED",
              absl::StrCat(in.organization(), " is actively enrolled (",
                           EnrollmentName(enrolled[0].id),
                           ") and cannot apply until its term ends"));
        }
        absl::StatusOr<int64_t> id =
            repository_.InsertApplication(conn, record, now);
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            id.status(), "APPLICATION_EXISTS",
            absl::StrCat(in.organization(), " has already applied to cohorts/",
                         year, "; withdraw that application first")));
        QPP_RETURN_IF_ERROR(repository_.InsertTransition(
            conn, {*id, v1::APPLICATION_STATUS_UNSPECIFIED,
                   v1::APPLICATION_STATUS_SUBMITTED, "submitted",
                   call.principal().actor(), now}));
        return Load(conn, year, *id, resp);
      });
}

absl::Status Applications::GetApplication(const v1::GetApplicationRequest& req,
                                          v1::Application* resp) {
  QPP_ASSIGN_OR_RETURN(ApplicationKey key,
                       ParseApplicationName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, key.year, key.id, resp);
}

absl::Status Applications::ListApplications(
    const v1::ListApplicationsRequest& req,
    v1::ListApplicationsResponse* resp) {
  ApplicationFilter filter;
  QPP_ASSIGN_OR_RETURN(filter.cohort_year,
                       ParseCohortName(req.parent(), "parent"));
  if (!v1::ApplicationStatus_IsValid(req.status())) {
    return status::InvalidField("status", "is not a known status");
  }
  filter.status = req.status();
  if (!req.organization().empty()) {
    QPP_ASSIGN_OR_RETURN(
        filter.organization_uscc,
        resource::ParseOrganizationName(req.organization(), "organization"));
  }
  std::map<int64_t, std::vector<TransitionRecord>> histories;
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<ApplicationRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(std::vector<ApplicationRecord> rows,
                                 repository_.ListApplications(
                                     *conn, filter, after_id, limit, false));
            std::vector<int64_t> ids;
            for (const ApplicationRecord& r : rows) ids.push_back(r.id);
            QPP_ASSIGN_OR_RETURN(histories,
                                 repository_.ListHistories(*conn, ids));
            return rows;
          },
          [](const ApplicationRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const ApplicationRecord& r : page.rows) {
    *resp->add_applications() = ToApplication(r, histories[r.id]);
  }
  return absl::OkStatus();
}

absl::Status Applications::WithdrawApplication(
    const RequestContext& call, const v1::WithdrawApplicationRequest& req,
    v1::Application* resp) {
  QPP_ASSIGN_OR_RETURN(ApplicationKey key,
                       ParseApplicationName(req.name(), "name"));
  status::FieldErrors errors;
  ValidateReason(req.reason(), true, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetApplication(
                                             conn, key.year, key.id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(req.etag(), Etag(found->version),
                                              "the application"));
        QPP_RETURN_IF_ERROR(
            CheckTransition(*found, v1::APPLICATION_STATUS_WITHDRAWN));
        ApplicationRecord updated = *found;
        updated.status = v1::APPLICATION_STATUS_WITHDRAWN;
        updated.status_reason = req.reason();
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateApplication(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the application");
        QPP_RETURN_IF_ERROR(repository_.InsertTransition(
            conn, {key.id, found->status, v1::APPLICATION_STATUS_WITHDRAWN,
                   req.reason(), call.principal().actor(), now}));
        return Load(conn, key.year, key.id, resp);
      });
}

absl::Status Applications::ResolveAdjudication(
    const RequestContext& call, const v1::ResolveAdjudicationRequest& req,
    v1::Application* resp) {
  QPP_ASSIGN_OR_RETURN(ApplicationKey key,
                       ParseApplicationName(req.name(), "name"));
  status::FieldErrors errors;
  const bool set_score = req.decision() == v1::ADJUDICATION_DECISION_SET_SCORE;
  if (req.decision() != v1::ADJUDICATION_DECISION_CONFIRM_CONSENSUS &&
      !set_score) {
    errors.Add("decision", "must be CONFIRM_CONSENSUS or SET_SCORE");
  }
  if (set_score &&
      !(req.adjudicated_score() >= 0 && req.adjudicated_score() <= 100)) {
    errors.Add("adjudicated_score", "must be 0..100");
  }
  if (!set_score && req.adjudicated_score() != 0) {
    errors.Add("adjudicated_score", "is only given with SET_SCORE");
  }
  ValidateReason(req.reason(), true, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The cohort's lock first, as the selection takes it: no
        // adjudication slips in while the selection runs.
        QPP_ASSIGN_OR_RETURN(auto cohort,
                             cohorts_.GetCohort(conn, key.year, true));
        if (!cohort.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(
            CheckSelectionOpen(*cohort, "its scores can no longer change"));
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetApplication(
                                             conn, key.year, key.id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(req.etag(), Etag(found->version),
                                              "the application"));
        QPP_ASSIGN_OR_RETURN(
            ApplicationRecord updated,
            Adjudicate(*found, req.decision(), req.adjudicated_score()));
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateApplication(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the application");
        QPP_RETURN_IF_ERROR(repository_.InsertTransition(
            conn,
            {key.id, found->status, found->status,
             AdjudicationReason(*found, updated, req.decision(), req.reason()),
             call.principal().actor(), now}));
        return Load(conn, key.year, key.id, resp);
      });
}

}  // namespace qpp::cultivation
