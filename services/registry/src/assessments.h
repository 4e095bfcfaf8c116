#pragma once

// Use cases of self-assessments against the GB/T 19580 score sheet
// ("organizations/{uscc}/assessments/{id}") and of the score sheet itself
// ("scoreSheets/{version}", "scoreSheets/current"). Scoring rules:
// assessment_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND;
// FAILED_PRECONDITION (ORGANIZATION_ARCHIVED); UNAVAILABLE when the database
// is unreachable.

#include <memory>

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
  // A page of an organisation's self-assessments, newest first.
  absl::Status ListSelfAssessments(const RequestContext& call,
                                   const v1::ListSelfAssessmentsRequest& req,
                                   v1::ListSelfAssessmentsResponse* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<AssessmentRepository> repository_;
};

}  // namespace qpp::registry
