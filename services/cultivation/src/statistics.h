#pragma once

// Use case of cultivation's statistics: a year's applications by outcome,
// active enrolments against the library cap, the year's acceptances and
// the growth-plan enterprises passing their compliance review,
// for the programme progress and the business gauges
// (cultivation_metrics.h).
//
// Statuses: INVALID_ARGUMENT with a field violation for a bad year;
// UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

// The repositories the statistics read.
struct StatisticsStores {
  CohortRepository& cohorts;
  ApplicationRepository& applications;
  EnrollmentRepository& enrollments;
  GrowthPlanRepository& growth_plan;
};

class Statistics final {
 public:
  // The context and the repositories must outlive this object.
  Statistics(const UseCaseContext& context, StatisticsStores stores);

  // The figures of `req.year()`.
  absl::Status GetCultivationStatistics(
      const v1::GetCultivationStatisticsRequest& req,
      v1::CultivationStatistics* resp);

  // The same for the current year of the context's clock (China time).
  absl::StatusOr<v1::CultivationStatistics> CurrentYear();

 private:
  const UseCaseContext context_;
  StatisticsStores stores_;
};

}  // namespace qpp::cultivation
