#pragma once

// Use cases of a cohort's selection ("cohorts/{year}/selection"): the run
// that ranks, selects, waitlists and rejects with a reason each, enrols the
// selected and publishes the list; reading it; reopening it. Rules:
// selection_rules.h.
//
// Exactly once: a run locks the cohort's row and finds it published by any
// run that committed before, answering with that run's list instead of
// running again; the selection's primary key backs this up. A run also
// locks the library's row before counting active enrolments, so two
// cohorts selecting at once cannot both fill the last places.
//
// Statuses: INVALID_ARGUMENT for bad input; NOT_FOUND;
// FAILED_PRECONDITION (SELECTION_NOT_PUBLISHED); ABORTED for conflicts;
// UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

// The repositories a selection works across.
struct SelectionStores {
  CohortRepository& cohorts;
  ApplicationRepository& applications;
  SelectionRepository& selections;
  EnrollmentRepository& enrollments;
};

class Selections final {
 public:
  // The context and the repositories must outlive this object.
  Selections(const UseCaseContext& context, SelectionStores stores);

  // Runs the selection once; `call` names who ran it.
  absl::Status RunSelection(const RequestContext& call,
                            const v1::RunSelectionRequest& req,
                            v1::Selection* resp);
  // The published selection.
  absl::Status GetSelection(const v1::GetSelectionRequest& req,
                            v1::Selection* resp);
  // Reopens a published selection; `call` names who did.
  absl::Status ReopenSelection(const RequestContext& call,
                               const v1::ReopenSelectionRequest& req,
                               v1::Cohort* resp);

 private:
  // The published selection of `year` as the API shows it.
  absl::Status Load(db::Connection& conn, int32_t year, v1::Selection* resp);
  // Every application of `year`, locked if `for_update`.
  absl::StatusOr<std::vector<ApplicationRecord>> AllApplications(
      db::Connection& conn, int32_t year, bool for_update);

  const UseCaseContext context_;
  SelectionStores stores_;
};

}  // namespace qpp::cultivation
