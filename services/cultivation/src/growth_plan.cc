#include "services/cultivation/src/growth_plan.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/cultivation/src/applications.h"
#include "services/cultivation/src/growth_plan_rules.h"

namespace qpp::cultivation {

GrowthPlan::GrowthPlan(const UseCaseContext& context,
                       GrowthPlanRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status GrowthPlan::Load(db::Connection& conn, int64_t id,
                              v1::GrowthPlanParticipant* resp) {
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetParticipant(conn, id, false));
  if (!stored.has_value()) return status::NotFound(ParticipantName(id));
  QPP_ASSIGN_OR_RETURN(auto coaching, repository_.ListCoaching(conn, {id}));
  QPP_ASSIGN_OR_RETURN(auto reviews, repository_.ListReviews(conn, {id}));
  *resp = ToParticipant(*stored, coaching[id], reviews[id]);
  return absl::OkStatus();
}

absl::Status GrowthPlan::CreateParticipant(
    const RequestContext& call,
    const v1::CreateGrowthPlanParticipantRequest& req,
    v1::GrowthPlanParticipant* resp) {
  status::FieldErrors errors;
  ParticipantRecord record = NewParticipant(req.participant(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  // Asked before the transaction: no lock is held while the registry
  // answers, and a registry that is down leaves nothing written.
  absl::StatusOr<RegisteredOrganization> organization =
      context_.registry.GetOrganization(call, record.organization_uscc);
  if (absl::IsNotFound(organization.status())) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat(
            "participant.organization: ", req.participant().organization(),
            " is not registered in the registry"));
  }
  QPP_RETURN_IF_ERROR(organization.status());
  QPP_RETURN_IF_ERROR(CheckGrowthPlanApplicant(*organization));
  record.organization_display_name = organization->display_name;
  record.size_class = organization->size_class;
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        absl::StatusOr<int64_t> id =
            repository_.InsertParticipant(conn, record, now);
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            id.status(), "GROWTH_PLAN_EXISTS",
            absl::StrCat(req.participant().organization(),
                         " takes part in the growth plan already")));
        return Load(conn, *id, resp);
      });
}

absl::Status GrowthPlan::GetParticipant(
    const v1::GetGrowthPlanParticipantRequest& req,
    v1::GrowthPlanParticipant* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseParticipantName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, id, resp);
}

absl::Status GrowthPlan::ListParticipants(
    const v1::ListGrowthPlanParticipantsRequest& req,
    v1::ListGrowthPlanParticipantsResponse* resp) {
  std::map<int64_t, std::vector<CoachingRecord>> coaching;
  std::map<int64_t, std::vector<ComplianceReviewRecord>> reviews;
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<ParticipantRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(
                std::vector<ParticipantRecord> rows,
                repository_.ListParticipants(*conn, req.priority_only(),
                                             after_id, limit));
            std::vector<int64_t> ids;
            for (const ParticipantRecord& r : rows) ids.push_back(r.id);
            QPP_ASSIGN_OR_RETURN(coaching,
                                 repository_.ListCoaching(*conn, ids));
            QPP_ASSIGN_OR_RETURN(reviews, repository_.ListReviews(*conn, ids));
            return rows;
          },
          [](const ParticipantRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const ParticipantRecord& r : page.rows) {
    *resp->add_participants() = ToParticipant(r, coaching[r.id], reviews[r.id]);
  }
  return absl::OkStatus();
}

absl::Status GrowthPlan::UpdateParticipant(
    const v1::UpdateGrowthPlanParticipantRequest& req,
    v1::GrowthPlanParticipant* resp) {
  const v1::GrowthPlanParticipant& patch = req.participant();
  QPP_ASSIGN_OR_RETURN(int64_t id,
                       ParseParticipantName(patch.name(), "participant.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       ParticipantUpdatePaths(req.update_mask()));
  {
    // The values alone, before any I/O.
    status::FieldErrors errors;
    ApplyParticipantUpdate(ParticipantRecord{}, patch, paths, errors);
    QPP_RETURN_IF_ERROR(errors.ToStatus());
  }
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_.GetParticipant(conn, id, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), Etag(found->version), "the participant"));
        status::FieldErrors errors;
        const ParticipantRecord updated =
            ApplyParticipantUpdate(*found, patch, paths, errors);
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateParticipant(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the participant");
        return Load(conn, id, resp);
      });
}

absl::Status GrowthPlan::CompleteCoaching(
    const RequestContext& call, const v1::CompleteCoachingMilestoneRequest& req,
    v1::GrowthPlanParticipant* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseParticipantName(req.name(), "name"));
  status::FieldErrors errors;
  if (req.module() < v1::OPERATING_MODULE_GOVERNANCE_STRUCTURE ||
      req.module() > v1::OPERATING_MODULE_HUMAN_RESOURCES) {
    errors.Add("module", "must be one of the four operating modules");
  }
  const std::optional<absl::CivilDay> day =
      dates::ToCivilDay(req.completion_date());
  if (!day.has_value()) errors.Add("completion_date", "must be a valid date");
  int64_t expert_id = 0;
  if (!req.expert().empty()) {
    absl::StatusOr<int64_t> expert = ParseExpertName(req.expert(), "expert");
    if (!expert.ok()) {
      errors.Add("expert", "must be experts/{expert} with a numeric id");
    } else {
      expert_id = *expert;
    }
  }
  validation::CheckText("report_reference", req.report_reference(), 1, 200,
                        errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  const CoachingRecord coaching{
      id,        req.module(),           *day,
      expert_id, req.report_reference(), call.principal().actor(),
      now};
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The participant's lock orders concurrent completions.
        QPP_ASSIGN_OR_RETURN(auto locked,
                             repository_.GetParticipant(conn, id, true));
        if (!locked.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckCoachingDay("completion_date", *day,
                                             dates::Today(locked->create_time),
                                             dates::Today(now)));
        QPP_ASSIGN_OR_RETURN(auto done, repository_.ListCoaching(conn, {id}));
        QPP_RETURN_IF_ERROR(CheckNextCoaching(done[id], req.module()));
        QPP_RETURN_IF_ERROR(repository_.InsertCoaching(conn, coaching));
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateParticipant(conn, *locked, locked->version, now));
        if (!written) return status::ConcurrentUpdate("the participant");
        return Load(conn, id, resp);
      });
}

absl::Status GrowthPlan::RecordReview(
    const RequestContext& call, const v1::RecordComplianceReviewRequest& req,
    v1::GrowthPlanParticipant* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseParticipantName(req.name(), "name"));
  status::FieldErrors errors;
  const std::optional<absl::CivilDay> day =
      dates::ToCivilDay(req.review_date());
  if (!day.has_value()) errors.Add("review_date", "must be a valid date");
  validation::CheckText("findings", req.findings(), 1, 2000, errors);
  ValidateReason(req.reason(), true, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  const ComplianceReviewRecord review{
      id,           req.passed(), req.findings(),
      req.reason(), *day,         call.principal().actor(),
      now};
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto locked,
                             repository_.GetParticipant(conn, id, true));
        if (!locked.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckCoachingDay("review_date", *day,
                                             dates::Today(locked->create_time),
                                             dates::Today(now)));
        QPP_ASSIGN_OR_RETURN(auto done, repository_.ListCoaching(conn, {id}));
        QPP_RETURN_IF_ERROR(CheckCoachingComplete(done[id]));
        QPP_RETURN_IF_ERROR(repository_.InsertReview(conn, review));
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateParticipant(conn, ApplyReview(*locked, review),
                                          locked->version, now));
        if (!written) return status::ConcurrentUpdate("the participant");
        return Load(conn, id, resp);
      });
}

}  // namespace qpp::cultivation
