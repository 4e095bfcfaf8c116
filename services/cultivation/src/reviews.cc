#include "services/cultivation/src/reviews.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/cultivation/src/applications.h"
#include "services/cultivation/src/review_rules.h"

namespace qpp::cultivation {

Reviews::Reviews(const UseCaseContext& context, ReviewStores stores)
    : context_(context), stores_(stores) {}

absl::StatusOr<std::pair<ApplicationRecord, CohortRecord>>
Reviews::LockReviewable(db::Connection& conn, int32_t year, int64_t id) {
  QPP_ASSIGN_OR_RETURN(auto application, stores_.applications.GetApplication(
                                             conn, year, id, true));
  if (!application.has_value()) {
    return status::NotFound(ApplicationName(year, id));
  }
  QPP_ASSIGN_OR_RETURN(auto cohort,
                       stores_.cohorts.GetCohort(conn, year, false));
  if (!cohort.has_value()) return status::NotFound(CohortName(year));
  QPP_RETURN_IF_ERROR(
      CheckSelectionOpen(*cohort, "its applications are no longer reviewed"));
  const v1::ApplicationStatus s = application->status;
  if (s != v1::APPLICATION_STATUS_SUBMITTED &&
      s != v1::APPLICATION_STATUS_UNDER_REVIEW &&
      s != v1::APPLICATION_STATUS_SCORED) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "INVALID_STATUS_CHANGE",
                              absl::StrCat(ApplicationName(year, id), " is ",
                                           v1::ApplicationStatus_Name(s),
                                           " and is no longer reviewed"));
  }
  return std::make_pair(*application, *cohort);
}

absl::Status Reviews::CheckExpert(db::Connection& conn, int64_t id,
                                  absl::string_view uscc) {
  QPP_ASSIGN_OR_RETURN(auto expert, stores_.experts.GetExpert(conn, id, true));
  if (!expert.has_value()) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "NOT_FOUND",
                              absl::StrCat(ExpertName(id), " does not exist"));
  }
  QPP_ASSIGN_OR_RETURN(auto conflicts,
                       stores_.experts.ListConflicts(conn, {id}));
  return CheckNoConflict(*expert, conflicts[id], uscc);
}

absl::Status Reviews::CreateReview(const RequestContext& call,
                                   const v1::CreateReviewRequest& req,
                                   v1::Review* resp) {
  QPP_ASSIGN_OR_RETURN(ApplicationKey key,
                       ParseApplicationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(int64_t expert_id,
                       ParseExpertName(req.review().expert(), "review.expert"));
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto locked,
                             LockReviewable(conn, key.year, key.id));
        ApplicationRecord& application = locked.first;
        QPP_RETURN_IF_ERROR(
            CheckExpert(conn, expert_id, application.organization_uscc));
        ReviewRecord review;
        review.application_id = key.id;
        review.cohort_year = key.year;
        review.expert_id = expert_id;
        review.state = v1::REVIEW_STATE_ASSIGNED;
        review.create_time = now;
        absl::StatusOr<int64_t> id = stores_.reviews.InsertReview(conn, review);
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            id.status(), "REVIEW_EXISTS",
            absl::StrCat(req.review().expert(), " is assigned to ",
                         req.parent(), " already")));
        if (application.status == v1::APPLICATION_STATUS_SUBMITTED) {
          ApplicationRecord updated = application;
          updated.status = v1::APPLICATION_STATUS_UNDER_REVIEW;
          updated.status_reason = "";
          QPP_ASSIGN_OR_RETURN(bool written,
                               stores_.applications.UpdateApplication(
                                   conn, updated, application.version, now));
          if (!written) return status::ConcurrentUpdate("the application");
          QPP_RETURN_IF_ERROR(stores_.applications.InsertTransition(
              conn, {key.id, application.status, updated.status,
                     absl::StrCat(req.review().expert(), " assigned"),
                     call.principal().actor(), now}));
        }
        QPP_ASSIGN_OR_RETURN(
            auto stored, stores_.reviews.GetReview(conn, key.id, *id, false));
        *resp = ToReview(*stored);
        return absl::OkStatus();
      });
}

absl::Status Reviews::GetReview(const v1::GetReviewRequest& req,
                                v1::Review* resp) {
  QPP_ASSIGN_OR_RETURN(ReviewKey key, ParseReviewName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      auto stored,
      stores_.reviews.GetReview(*conn, key.application_id, key.id, false));
  if (!stored.has_value() || stored->cohort_year != key.year) {
    return status::NotFound(req.name());
  }
  *resp = ToReview(*stored);
  return absl::OkStatus();
}

absl::Status Reviews::ListReviews(const v1::ListReviewsRequest& req,
                                  v1::ListReviewsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(ApplicationKey key,
                       ParseApplicationName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<ReviewRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return stores_.reviews.ListReviews(*conn, key.id, after_id, limit);
          },
          [](const ReviewRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const ReviewRecord& r : page.rows) {
    if (r.cohort_year == key.year) *resp->add_reviews() = ToReview(r);
  }
  return absl::OkStatus();
}

absl::Status Reviews::SubmitReview(const RequestContext& call,
                                   const v1::SubmitReviewRequest& req,
                                   v1::Review* resp) {
  QPP_ASSIGN_OR_RETURN(ReviewKey key, ParseReviewName(req.name(), "name"));
  status::FieldErrors errors;
  const std::vector<double> scores = ValidateScores(req.scores(), errors);
  validation::CheckText("comment", req.comment(), 0, 2000, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            auto locked, LockReviewable(conn, key.year, key.application_id));
        const ApplicationRecord& application = locked.first;
        const CohortRecord& cohort = locked.second;
        QPP_ASSIGN_OR_RETURN(
            auto review,
            stores_.reviews.GetReview(conn, key.application_id, key.id, true));
        if (!review.has_value() || review->cohort_year != key.year) {
          return status::NotFound(req.name());
        }
        if (review->state == v1::REVIEW_STATE_SUBMITTED) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "REVIEW_SUBMITTED",
              absl::StrCat(req.name(), " was submitted already"));
        }
        QPP_RETURN_IF_ERROR(CheckExpert(conn, review->expert_id,
                                        application.organization_uscc));
        review->state = v1::REVIEW_STATE_SUBMITTED;
        review->scores = scores;
        review->total = ReviewTotal(scores);
        review->comment = req.comment();
        review->submit_time = now;
        QPP_RETURN_IF_ERROR(stores_.reviews.UpdateReview(conn, *review));

        QPP_ASSIGN_OR_RETURN(
            std::vector<double> totals,
            stores_.reviews.SubmittedTotals(conn, key.application_id));
        const Consensus consensus =
            ComputeConsensus(totals, cohort.adjudication_spread);
        ApplicationRecord updated = application;
        updated.review_count = consensus.count;
        updated.consensus_score = consensus.score;
        updated.score_spread = consensus.spread;
        updated.needs_adjudication = consensus.needs_adjudication;
        const bool scored =
            application.status == v1::APPLICATION_STATUS_UNDER_REVIEW &&
            consensus.count >= cohort.min_reviews;
        if (scored) updated.status = v1::APPLICATION_STATUS_SCORED;
        QPP_ASSIGN_OR_RETURN(bool written,
                             stores_.applications.UpdateApplication(
                                 conn, updated, application.version, now));
        if (!written) return status::ConcurrentUpdate("the application");
        if (scored) {
          QPP_RETURN_IF_ERROR(stores_.applications.InsertTransition(
              conn, {key.application_id, application.status, updated.status,
                     absl::StrCat(consensus.count, " reviews, consensus ",
                                  absl::StrFormat("%.2f", consensus.score)),
                     call.principal().actor(), now}));
        }
        *resp = ToReview(*review);
        return absl::OkStatus();
      });
}

}  // namespace qpp::cultivation
