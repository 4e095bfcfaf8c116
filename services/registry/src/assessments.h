#pragma once

// Use cases of self-assessments against the GB/T 19580 score sheet
// ("organizations/{uscc}/assessments/{id}") and of the score sheet itself
// ("scoreSheets/{version}", "scoreSheets/current"). Scoring rules:
// assessment_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND;
// FAILED_PRECONDITION (ORGANIZATION_ARCHIVED, ASSESSMENT_NOT_CURRENT);
// PERMISSION_DENIED (PRINCIPAL_REQUIRED) for a correction or withdrawal that
// names nobody; UNAVAILABLE when the database is unreachable.
//
// A wrong assessment is corrected (a new assessment supersedes it) or
// withdrawn; either keeps the old row as history with the reason, who and
// when. Lists and the target counts see CURRENT assessments only.

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class Assessments final {
 public:
  // The context must outlive this object.
  Assessments(const UseCaseContext& context,
              std::unique_ptr<AssessmentRepository> repository);

  // A score sheet by version, or the one in force today for "current".
  absl::Status GetScoreSheet(const v1::GetScoreSheetRequest& req,
                             v1::ScoreSheet* resp);
  // Scores and records a self-assessment of an active organisation;
  // idempotent by request_id.
  absl::Status CreateSelfAssessment(const RequestContext& call,
                                    const v1::CreateSelfAssessmentRequest& req,
                                    v1::SelfAssessment* resp);
  // A self-assessment with its scores.
  absl::Status GetSelfAssessment(const RequestContext& call,
                                 const v1::GetSelfAssessmentRequest& req,
                                 v1::SelfAssessment* resp);
  // A page of an organisation's self-assessments, newest first; CURRENT
  // ones unless show_history.
  absl::Status ListSelfAssessments(const RequestContext& call,
                                   const v1::ListSelfAssessmentsRequest& req,
                                   v1::ListSelfAssessmentsResponse* resp);
  // Records the corrected sheet as a new assessment superseding the named
  // CURRENT one, on behalf of `call`'s principal; answers the new one.
  // Idempotent by request_id.
  absl::Status CorrectSelfAssessment(
      const RequestContext& call, const v1::CorrectSelfAssessmentRequest& req,
      v1::SelfAssessment* resp);
  // Withdraws the named CURRENT assessment on behalf of `call`'s principal;
  // answers it as it now stands. Idempotent by request_id.
  absl::Status WithdrawSelfAssessment(
      const RequestContext& call, const v1::WithdrawSelfAssessmentRequest& req,
      v1::SelfAssessment* resp);

 private:
  // The organisation and id of an assessment's name; INVALID_ARGUMENT
  // ("name") if it is not one.
  static absl::StatusOr<std::pair<std::string, int64_t>> ParseAssessmentName(
      const std::string& name);
  // For a district office and a request id: PERMISSION_DENIED if `uscc`
  // is outside its district, checked before a stored answer is replayed.
  absl::Status CheckScope(const DistrictScope& scope,
                          const std::string& request_id,
                          const std::string& uscc);
  // Locks the assessment `id` of active organisation `uscc`, within
  // `scope`, and checks that it is CURRENT: NOT_FOUND, PERMISSION_DENIED,
  // FAILED_PRECONDITION otherwise.
  absl::Status LockCurrent(db::Connection& conn, const DistrictScope& scope,
                           const std::string& uscc, int64_t id,
                           const std::string& name);

  const UseCaseContext context_;
  std::unique_ptr<AssessmentRepository> repository_;
};

}  // namespace qpp::registry
