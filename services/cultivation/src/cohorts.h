#pragma once

// Use cases of cohorts ("cohorts/{year}"): one Excellence Launch cohort a
// year with its application window and the bounds of its selection
// (capacity, library cap, reviews needed, adjudication spread). Rules:
// cohort_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// NOT_FOUND; ALREADY_EXISTS (COHORT_EXISTS); FAILED_PRECONDITION
// (SELECTION_PUBLISHED) for changes after the selection; ABORTED for etag
// mismatches and conflicts; UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

class Cohorts final {
 public:
  // The context and the repository must outlive this object.
  Cohorts(const UseCaseContext& context, CohortRepository& repository);

  // Opens a cohort, defaults filled in; idempotent by request_id.
  absl::Status CreateCohort(const v1::CreateCohortRequest& req,
                            v1::Cohort* resp);
  // One cohort.
  absl::Status GetCohort(const v1::GetCohortRequest& req, v1::Cohort* resp);
  // A page of cohorts, newest year first.
  absl::Status ListCohorts(const v1::ListCohortsRequest& req,
                           v1::ListCohortsResponse* resp);
  // Changes the window or bounds while the selection is open.
  absl::Status UpdateCohort(const v1::UpdateCohortRequest& req,
                            v1::Cohort* resp);

 private:
  const UseCaseContext context_;
  CohortRepository& repository_;
};

}  // namespace qpp::cultivation
