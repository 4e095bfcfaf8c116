#pragma once

// Use cases of reviews ("cohorts/{year}/applications/{a}/reviews/{r}"): an
// expert assigned to an application, then the expert's scores per
// criterion, from which the application's consensus score, spread and
// adjudication flag follow. Rules: review_rules.h.
//
// Every assignment and scoring locks the application's row first, then the
// expert's: the consensus is recomputed one review at a time, and a
// conflict declared concurrently (which locks the expert's row) is seen.
// An expert who works for the applicant or declared a conflict with it is
// refused at assignment and again at scoring.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// NOT_FOUND; ALREADY_EXISTS (REVIEW_EXISTS); FAILED_PRECONDITION
// (EXPERT_CONFLICT, REVIEW_SUBMITTED, INVALID_STATUS_CHANGE,
// SELECTION_PUBLISHED); ABORTED for conflicts; UNAVAILABLE when the
// database is unreachable.

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

// The repositories reviews work across.
struct ReviewStores {
  CohortRepository& cohorts;
  ApplicationRepository& applications;
  ExpertRepository& experts;
  ReviewRepository& reviews;
};

class Reviews final {
 public:
  // The context and the repositories must outlive this object.
  Reviews(const UseCaseContext& context, ReviewStores stores);

  // Assigns an expert; `call` names who did in the application's history.
  absl::Status CreateReview(const RequestContext& call,
                            const v1::CreateReviewRequest& req,
                            v1::Review* resp);
  // One review.
  absl::Status GetReview(const v1::GetReviewRequest& req, v1::Review* resp);
  // A page of an application's reviews.
  absl::Status ListReviews(const v1::ListReviewsRequest& req,
                           v1::ListReviewsResponse* resp);
  // Records the expert's scores and recomputes the consensus.
  absl::Status SubmitReview(const RequestContext& call,
                            const v1::SubmitReviewRequest& req,
                            v1::Review* resp);

 private:
  // The locked application `id` of `year` and its cohort, with the checks
  // that it is still being reviewed.
  absl::StatusOr<std::pair<ApplicationRecord, CohortRecord>> LockReviewable(
      db::Connection& conn, int32_t year, int64_t id);
  // The locked expert `id`, refused if in conflict with `uscc`.
  absl::Status CheckExpert(db::Connection& conn, int64_t id,
                           absl::string_view uscc);

  const UseCaseContext context_;
  ReviewStores stores_;
};

}  // namespace qpp::cultivation
