#include "services/cultivation/src/statistics.h"

#include "common/dates/dates.h"
#include "common/status/status.h"

namespace qpp::cultivation {

Statistics::Statistics(const UseCaseContext& context, StatisticsStores stores)
    : context_(context), stores_(stores) {}

absl::Status Statistics::GetCultivationStatistics(
    const v1::GetCultivationStatisticsRequest& req,
    v1::CultivationStatistics* resp) {
  if (req.year() < 2000 || req.year() > 2100) {
    return status::InvalidField("year", "must be 2000..2100");
  }
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto by_status,
                       stores_.applications.CountByStatus(*conn, req.year()));
  QPP_ASSIGN_OR_RETURN(auto outcomes, stores_.enrollments.CountByOutcome(
                                          *conn, v1::TRACK_UNSPECIFIED));
  QPP_ASSIGN_OR_RETURN(
      auto acceptances,
      stores_.enrollments.CountAcceptancesInYear(*conn, req.year()));
  QPP_ASSIGN_OR_RETURN(auto cohort,
                       stores_.cohorts.GetCohort(*conn, req.year(), false));
  QPP_ASSIGN_OR_RETURN(int64_t review_passed,
                       stores_.growth_plan.CountReviewPassed(*conn));
  resp->Clear();
  resp->set_year(req.year());
  int64_t live = 0;
  for (const auto& [s, n] : by_status) {
    if (IsLive(s)) live += n;
  }
  resp->set_applications(static_cast<int32_t>(live));
  resp->set_selected(
      static_cast<int32_t>(by_status[v1::APPLICATION_STATUS_SELECTED]));
  resp->set_waitlisted(
      static_cast<int32_t>(by_status[v1::APPLICATION_STATUS_WAITLISTED]));
  resp->set_rejected(
      static_cast<int32_t>(by_status[v1::APPLICATION_STATUS_REJECTED]));
  resp->set_withdrawn(
      static_cast<int32_t>(by_status[v1::APPLICATION_STATUS_WITHDRAWN]));
  resp->set_active_enrollments(
      static_cast<int32_t>(outcomes[v1::ENROLLMENT_OUTCOME_ACTIVE]));
  resp->set_library_cap(cohort.has_value()
                            ? cohort->library_cap
                            : context_.options.default_library_cap);
  resp->set_accepted(
      static_cast<int32_t>(acceptances[v1::ENROLLMENT_OUTCOME_ACCEPTED]));
  resp->set_failed(
      static_cast<int32_t>(acceptances[v1::ENROLLMENT_OUTCOME_FAILED]));
  resp->set_growth_plan_review_passed(static_cast<int32_t>(review_passed));
  return absl::OkStatus();
}

absl::StatusOr<v1::CultivationStatistics> Statistics::CurrentYear() {
  v1::GetCultivationStatisticsRequest req;
  req.set_year(static_cast<int32_t>(dates::Today(context_.clock()).year()));
  v1::CultivationStatistics out;
  QPP_RETURN_IF_ERROR(GetCultivationStatistics(req, &out));
  return out;
}

}  // namespace qpp::cultivation
