#pragma once

// Use case of the training statistics: the plan's figures of a year and to
// its end (person-times, distinct people trained, newly certified people),
// per course kind and per employer district. Rules: statistics_rules.h.
//
// Statuses: INVALID_ARGUMENT with a field violation for a bad year;
// UNAVAILABLE when the database is unreachable.

#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

class Statistics final {
 public:
  // The context must outlive this object.
  Statistics(const UseCaseContext& context,
             std::unique_ptr<StatisticsRepository> repository);

  // The figures of `req.year()` and up to its end.
  absl::Status GetTrainingStatistics(
      const v1::GetTrainingStatisticsRequest& req,
      v1::TrainingStatistics* resp);

  // Distinct staff of an organisation who attended a session within a
  // range of days (for cultivation). INVALID_ARGUMENT for a bad
  // organisation or range.
  absl::Status CountAttendedStaff(const v1::CountAttendedStaffRequest& req,
                                  v1::CountAttendedStaffResponse* resp);

  // The same for the current year of the context's clock (China time), for
  // the business gauges.
  absl::StatusOr<v1::TrainingStatistics> CurrentYear();

 private:
  const UseCaseContext context_;
  std::unique_ptr<StatisticsRepository> repository_;
};

}  // namespace qpp::training
