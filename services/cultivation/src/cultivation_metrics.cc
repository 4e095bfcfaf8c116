#include "services/cultivation/src/cultivation_metrics.h"

#include "spdlog/spdlog.h"

namespace qpp::cultivation {
namespace {

prometheus::Gauge& NewGauge(prometheus::Registry& registry,
                            const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(
      {});
}

}  // namespace

StatisticsGauges::StatisticsGauges(prometheus::Registry& registry,
                                   Statistics& statistics)
    : statistics_(statistics),
      active_enrollments_(NewGauge(
          registry, "qpp_cultivation_active_enrollments",
          "Active enrolments in the key-enterprise library (plan: 100).")),
      library_cap_(NewGauge(registry, "qpp_cultivation_library_cap",
                            "The library cap of this year's cohort.")),
      applications_(NewGauge(registry,
                             "qpp_cultivation_applications_current_year",
                             "Live applications to this year's cohort.")),
      selected_(NewGauge(registry, "qpp_cultivation_selected_current_year",
                         "Enterprises selected this year (plan: 30).")),
      accepted_(NewGauge(registry, "qpp_cultivation_accepted_current_year",
                         "Enrolments that passed the end-of-term acceptance "
                         "this year.")),
      refresh_failures_(
          prometheus::BuildCounter()
              .Name("qpp_cultivation_statistics_refresh_failures_total")
              .Help("Refreshes of the cultivation gauges that failed.")
              .Register(registry)
              .Add({})),
      refresh_timestamp_(NewGauge(
          registry, "qpp_cultivation_statistics_refresh_timestamp_seconds",
          "Unix time of the last successful refresh of the cultivation "
          "gauges.")) {}

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
        spdlog::warn("cultivation gauges not refreshed: {}",
                     std::string(s.message()));
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMilliseconds(period),
                     [this] { return stop_; });
    }
  });
}

absl::Status StatisticsGauges::Refresh() {
  absl::StatusOr<v1::CultivationStatistics> stats = statistics_.CurrentYear();
  if (!stats.ok()) {
    refresh_failures_.Increment();
    return stats.status();
  }
  active_enrollments_.Set(stats->active_enrollments());
  library_cap_.Set(stats->library_cap());
  applications_.Set(stats->applications());
  selected_.Set(stats->selected());
  accepted_.Set(stats->accepted());
  refresh_timestamp_.Set(
      absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  return absl::OkStatus();
}

}  // namespace qpp::cultivation
