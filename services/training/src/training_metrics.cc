#include "services/training/src/training_metrics.h"

#include "prometheus/counter.h"
#include "spdlog/spdlog.h"

namespace qpp::training {

StatisticsGauges::StatisticsGauges(prometheus::Registry& registry,
                                   Statistics& statistics)
    : statistics_(statistics),
      people_trained_(prometheus::BuildGauge()
                          .Name("qpp_training_people_trained")
                          .Help("Distinct people trained to date (plan: "
                                "10,000).")
                          .Register(registry)
                          .Add({})),
      person_times_(prometheus::BuildGauge()
                        .Name("qpp_training_person_times_current_year")
                        .Help("Person-times of sessions that ended this year "
                              "(plan: 3,000 a year).")
                        .Register(registry)
                        .Add({})),
      newly_certified_(prometheus::BuildGauge()
                           .Name("qpp_training_newly_certified_current_year")
                           .Help("People first certified this year (plan: "
                                 "1,000 a year).")
                           .Register(registry)
                           .Add({})),
      person_times_by_kind_(
          prometheus::BuildGauge()
              .Name("qpp_training_person_times_current_year_by_kind")
              .Help("Person-times of this year per course kind.")
              .Register(registry)),
      refresh_failures_(
          prometheus::BuildCounter()
              .Name("qpp_training_statistics_refresh_failures_total")
              .Help("Refreshes of the training gauges that failed.")
              .Register(registry)
              .Add({})),
      refresh_timestamp_(
          prometheus::BuildGauge()
              .Name("qpp_training_statistics_refresh_timestamp_seconds")
              .Help("Unix time of the last successful refresh of the "
                    "training gauges.")
              .Register(registry)
              .Add({})) {}

StatisticsGauges::~StatisticsGauges() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void StatisticsGauges::Start(absl::Duration period) {
  thread_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      if (absl::Status s = Refresh(); !s.ok()) {
        spdlog::warn("training gauges not refreshed: {}",
                     std::string(s.message()));
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMilliseconds(period),
                     [this] { return stop_; });
    }
  });
}

absl::Status StatisticsGauges::Refresh() {
  absl::StatusOr<v1::TrainingStatistics> stats = statistics_.CurrentYear();
  if (!stats.ok()) {
    refresh_failures_.Increment();
    return stats.status();
  }
  people_trained_.Set(static_cast<double>(stats->to_date().people_trained()));
  person_times_.Set(static_cast<double>(stats->year_figures().person_times()));
  newly_certified_.Set(
      static_cast<double>(stats->year_figures().newly_certified()));
  for (int k = v1::CourseKind_MIN; k <= v1::CourseKind_MAX; ++k) {
    if (k == v1::COURSE_KIND_UNSPECIFIED) continue;
    double value = 0;
    for (const v1::CourseKindFigures& f : stats->by_course_kind()) {
      if (f.kind() == k) value = static_cast<double>(f.year().person_times());
    }
    person_times_by_kind_
        .Add({{"course_kind",
               v1::CourseKind_Name(static_cast<v1::CourseKind>(k))}})
        .Set(value);
  }
  refresh_timestamp_.Set(
      absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  return absl::OkStatus();
}

}  // namespace qpp::training
