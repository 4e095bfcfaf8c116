#pragma once

// Use cases of applications ("cohorts/{year}/applications/{id}"):
// voluntary applications (自愿申报) inside the cohort's window, checked with
// the registry (registered, enterprise, good credit, not archived) and
// training (the self-assessment's assessor certified), their status flow
// with its history, and withdrawal. Rules: application_rules.h.
//
// One live application per organisation and cohort: a unique key on the
// live USCC decides between concurrent submissions.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// NOT_FOUND; ALREADY_EXISTS (APPLICATION_EXISTS); FAILED_PRECONDITION
// (APPLICATION_WINDOW_CLOSED, SELECTION_PUBLISHED,
// ORGANIZATION_NOT_REGISTERED, ORGANIZATION_NOT_ENTERPRISE,
// CREDIT_RESTRICTED, ALREADY_ENROLLED, INVALID_STATUS_CHANGE); UNAVAILABLE
// (REGISTRY_UNAVAILABLE, TRAINING_UNAVAILABLE) when a dependency cannot
// answer, and then nothing is written; ABORTED for etag mismatches and
// conflicts; UNAVAILABLE when the database is unreachable.

#include <string>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

class Applications final {
 public:
  // The context and the repositories must outlive this object.
  Applications(const UseCaseContext& context, CohortRepository& cohorts,
               ApplicationRepository& repository,
               EnrollmentRepository& enrollments);

  // Submits an application after asking the registry and training under
  // `call` (deadline, request id, principal); idempotent by request_id.
  absl::Status CreateApplication(const RequestContext& call,
                                 const v1::CreateApplicationRequest& req,
                                 v1::Application* resp);
  // One application with its history.
  absl::Status GetApplication(const v1::GetApplicationRequest& req,
                              v1::Application* resp);
  // A page of a cohort's applications by id.
  absl::Status ListApplications(const v1::ListApplicationsRequest& req,
                                v1::ListApplicationsResponse* resp);
  // Withdraws an application; `call` names who did in the history.
  absl::Status WithdrawApplication(const RequestContext& call,
                                   const v1::WithdrawApplicationRequest& req,
                                   v1::Application* resp);

  // Resolves the adjudication of a flagged application (confirms the
  // consensus or sets the adjudicated score), clears the flag and records
  // the decision in the history; `call` names the adjudicator.
  // FAILED_PRECONDITION (NOT_FLAGGED_FOR_ADJUDICATION,
  // INVALID_STATUS_CHANGE, SELECTION_PUBLISHED); ABORTED on an etag
  // mismatch.
  absl::Status ResolveAdjudication(const RequestContext& call,
                                   const v1::ResolveAdjudicationRequest& req,
                                   v1::Application* resp);

  // The stored application `id` of `year` as the API shows it.
  absl::Status Load(db::Connection& conn, int32_t year, int64_t id,
                    v1::Application* resp);

 private:
  const UseCaseContext context_;
  CohortRepository& cohorts_;
  ApplicationRepository& repository_;
  EnrollmentRepository& enrollments_;
};

}  // namespace qpp::cultivation
