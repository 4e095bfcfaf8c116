#include "services/registry/src/assessments.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/assessment_rules.h"
#include "services/registry/src/district_scope.h"

namespace qpp::registry {
namespace {

// The id of an assessment in its name or a page key; 0 if it is not one.
int64_t AssessmentId(absl::string_view text) {
  int64_t id = 0;
  return absl::SimpleAtoi(text, &id) && id > 0 ? id : 0;
}

// PERMISSION_DENIED (PRINCIPAL_REQUIRED) unless `call` names who calls:
// corrections and withdrawals record it.
absl::Status RequirePrincipal(const RequestContext& call) {
  if (!call.principal().empty()) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kPermissionDenied, "PRINCIPAL_REQUIRED",
      "a correction or withdrawal is recorded with who made it; call through "
      "the gateway with your own credentials");
}

}  // namespace

Assessments::Assessments(const UseCaseContext& context,
                         std::unique_ptr<AssessmentRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::Status Assessments::GetScoreSheet(const v1::GetScoreSheetRequest& req,
                                        v1::ScoreSheet* resp) {
  QPP_ASSIGN_OR_RETURN(std::string version,
                       resource::ParseName(req.name(), "scoreSheets", "name"));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const ScoreSheetDef* sheet =
      FindScoreSheet(*ref, version, dates::Today(context_.clock()));
  if (sheet == nullptr) return status::NotFound(req.name());
  *resp = ToScoreSheet(*sheet);
  return absl::OkStatus();
}

absl::Status Assessments::CreateSelfAssessment(
    const RequestContext& call, const v1::CreateSelfAssessmentRequest& req,
    v1::SelfAssessment* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const absl::Time now = context_.clock();
  QPP_ASSIGN_OR_RETURN(
      v1::SelfAssessment scored,
      ScoreSelfAssessment(*ref, req.self_assessment(), dates::Today(now)));
  const DistrictScope scope = DistrictScope::Of(call.principal());
  if (!scope.city_wide() && !req.request_id().empty()) {
    // Before the replay of a stored answer (see ChangeOrganization).
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
    QPP_RETURN_IF_ERROR(context_.organizations.CheckAccess(*conn, scope, uscc));
  }
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(
            context_.organizations.LoadActive(conn, scope, uscc).status());
        QPP_ASSIGN_OR_RETURN(
            int64_t id, repository_->InsertAssessment(conn, uscc, scored, now));
        *resp = scored;
        resp->set_name(absl::StrCat(req.parent(), "/assessments/", id));
        *resp->mutable_create_time() = dates::ToTimestamp(now);
        resp->set_state(v1::SELF_ASSESSMENT_STATE_CURRENT);
        return absl::OkStatus();
      });
}

absl::Status Assessments::GetSelfAssessment(
    const RequestContext& call, const v1::GetSelfAssessmentRequest& req,
    v1::SelfAssessment* resp) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName name,
      resource::ParseOrganizationChildName(req.name(), "assessments", "name"));
  const int64_t id = AssessmentId(name.id);
  if (id == 0) {
    return status::InvalidField("name", "assessment id must be a number");
  }
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_RETURN_IF_ERROR(context_.organizations.CheckAccess(
      *conn, DistrictScope::Of(call.principal()), name.parent));
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_->GetAssessment(*conn, name.parent, id));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = std::move(*found);
  if (const ScoreSheetDef* sheet = ref->Sheet(resp->sheet_version())) {
    ComputeScores(*sheet, *resp);
  }
  return absl::OkStatus();
}

absl::Status Assessments::ListSelfAssessments(
    const RequestContext& call, const v1::ListSelfAssessmentsRequest& req,
    v1::ListSelfAssessmentsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
    QPP_RETURN_IF_ERROR(context_.organizations.CheckAccess(
        *conn, DistrictScope::Of(call.principal()), uscc));
  }
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<v1::SelfAssessment>> {
            const int64_t after_id = after.empty() ? 0 : AssessmentId(after);
            if (!after.empty() && after_id == 0) {
              return status::InvalidField("page_token", "is malformed");
            }
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListAssessments(*conn, uscc, after_id, limit,
                                                req.show_history());
          },
          [](const v1::SelfAssessment& a) {
            return a.name().substr(a.name().rfind('/') + 1);
          }));
  resp->set_next_page_token(page.next_page_token);
  for (auto& a : page.rows) {
    if (const ScoreSheetDef* sheet = ref->Sheet(a.sheet_version())) {
      ComputeScores(*sheet, a);
    }
    *resp->add_self_assessments() = std::move(a);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::pair<std::string, int64_t>>
Assessments::ParseAssessmentName(const std::string& name) {
  QPP_ASSIGN_OR_RETURN(
      resource::ChildName parsed,
      resource::ParseOrganizationChildName(name, "assessments", "name"));
  const int64_t id = AssessmentId(parsed.id);
  if (id == 0) {
    return status::InvalidField("name", "assessment id must be a number");
  }
  return std::make_pair(parsed.parent, id);
}

absl::Status Assessments::CheckScope(const DistrictScope& scope,
                                     const std::string& request_id,
                                     const std::string& uscc) {
  if (scope.city_wide() || request_id.empty()) return absl::OkStatus();
  // Before the replay of a stored answer (see ChangeOrganization).
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return context_.organizations.CheckAccess(*conn, scope, uscc);
}

absl::Status Assessments::LockCurrent(db::Connection& conn,
                                      const DistrictScope& scope,
                                      const std::string& uscc, int64_t id,
                                      const std::string& name) {
  QPP_RETURN_IF_ERROR(
      context_.organizations.LoadActive(conn, scope, uscc).status());
  QPP_ASSIGN_OR_RETURN(auto state, repository_->LockAssessment(conn, uscc, id));
  if (!state.has_value()) return status::NotFound(name);
  return CheckCurrent(*state, name);
}

absl::Status Assessments::CorrectSelfAssessment(
    const RequestContext& call, const v1::CorrectSelfAssessmentRequest& req,
    v1::SelfAssessment* resp) {
  QPP_ASSIGN_OR_RETURN(auto name, ParseAssessmentName(req.name()));
  // Named copies rather than a structured binding: the lambda below
  // captures them, which clang accepts only from version 16.
  const std::string& uscc = name.first;
  const int64_t id = name.second;
  QPP_RETURN_IF_ERROR(ValidateChangeReason(req.reason()));
  QPP_RETURN_IF_ERROR(RequirePrincipal(call));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const absl::Time now = context_.clock();
  QPP_ASSIGN_OR_RETURN(
      v1::SelfAssessment scored,
      ScoreSelfAssessment(*ref, req.self_assessment(), dates::Today(now)));
  const AssessmentChange change{req.reason(), call.principal().name, now};
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(CheckScope(scope, req.request_id(), uscc));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(LockCurrent(conn, scope, uscc, id, req.name()));
        QPP_ASSIGN_OR_RETURN(int64_t new_id, repository_->InsertAssessment(
                                                 conn, uscc, scored, now));
        QPP_RETURN_IF_ERROR(
            repository_->SupersedeAssessment(conn, id, new_id, change));
        *resp = scored;
        resp->set_name(absl::StrCat(resource::OrganizationName(uscc),
                                    "/assessments/", new_id));
        *resp->mutable_create_time() = dates::ToTimestamp(now);
        resp->set_state(v1::SELF_ASSESSMENT_STATE_CURRENT);
        resp->set_supersedes(req.name());
        return absl::OkStatus();
      });
}

absl::Status Assessments::WithdrawSelfAssessment(
    const RequestContext& call, const v1::WithdrawSelfAssessmentRequest& req,
    v1::SelfAssessment* resp) {
  QPP_ASSIGN_OR_RETURN(auto name, ParseAssessmentName(req.name()));
  // As in CorrectSelfAssessment, for the lambda's capture.
  const std::string& uscc = name.first;
  const int64_t id = name.second;
  QPP_RETURN_IF_ERROR(ValidateChangeReason(req.reason()));
  QPP_RETURN_IF_ERROR(RequirePrincipal(call));
  QPP_ASSIGN_OR_RETURN(auto ref, context_.reference.Get());
  const AssessmentChange change{req.reason(), call.principal().name,
                                context_.clock()};
  const DistrictScope scope = DistrictScope::Of(call.principal());
  QPP_RETURN_IF_ERROR(CheckScope(scope, req.request_id(), uscc));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(LockCurrent(conn, scope, uscc, id, req.name()));
        QPP_RETURN_IF_ERROR(repository_->WithdrawAssessment(conn, id, change));
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_->GetAssessment(conn, uscc, id));
        if (!found.has_value()) return status::NotFound(req.name());
        *resp = std::move(*found);
        if (const ScoreSheetDef* sheet = ref->Sheet(resp->sheet_version())) {
          ComputeScores(*sheet, *resp);
        }
        return absl::OkStatus();
      });
}

}  // namespace qpp::registry
