#include "services/training/src/statistics.h"

#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/training/src/statistics_rules.h"

namespace qpp::training {

Statistics::Statistics(const UseCaseContext& context,
                       std::unique_ptr<StatisticsRepository> repository)
    : context_(context), repository_(std::move(repository)) {}

absl::Status Statistics::GetTrainingStatistics(
    const v1::GetTrainingStatisticsRequest& req, v1::TrainingStatistics* resp) {
  QPP_RETURN_IF_ERROR(CheckStatisticsYear(req.year()));
  const absl::CivilDay first(req.year(), 1, 1);
  const absl::CivilDay last(req.year(), 12, 31);
  // One consistent snapshot for both periods.
  return db::WithTransaction(
      context_.pool, [&](db::Connection& c) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(PeriodCounts year,
                             repository_->CountPeriod(c, first, last));
        QPP_ASSIGN_OR_RETURN(
            PeriodCounts to_date,
            repository_->CountPeriod(c, StatisticsEpoch(), last));
        *resp = BuildStatistics(req.year(), year, to_date);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::TrainingStatistics> Statistics::CurrentYear() {
  v1::GetTrainingStatisticsRequest req;
  req.set_year(static_cast<int32_t>(dates::Today(context_.clock()).year()));
  v1::TrainingStatistics out;
  QPP_RETURN_IF_ERROR(GetTrainingStatistics(req, &out));
  return out;
}

absl::Status Statistics::CountAttendedStaff(
    const v1::CountAttendedStaffRequest& req,
    v1::CountAttendedStaffResponse* resp) {
  status::FieldErrors errors;
  absl::StatusOr<std::string> uscc =
      resource::ParseOrganizationName(req.organization(), "organization");
  if (!uscc.ok()) {
    errors.Add("organization",
               "must be organizations/{uscc} with a valid USCC");
  }
  const std::optional<absl::CivilDay> first =
      dates::ToCivilDay(req.start_date());
  const std::optional<absl::CivilDay> last = dates::ToCivilDay(req.end_date());
  if (!first.has_value()) errors.Add("start_date", "must be a valid date");
  if (!last.has_value()) errors.Add("end_date", "must be a valid date");
  if (first.has_value() && last.has_value() && *last < *first) {
    errors.Add("end_date", "must not be before start_date");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(int64_t count, repository_->CountAttendedStaff(
                                          *conn, *uscc, *first, *last));
  resp->set_attended_staff(static_cast<int32_t>(count));
  return absl::OkStatus();
}

}  // namespace qpp::training
