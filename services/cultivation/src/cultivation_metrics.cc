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
      growth_plan_review_passed_(
          NewGauge(registry, "qpp_cultivation_growth_plan_review_passed",
                   "Growth-plan enterprises whose latest compliance review "
                   "passed (priority for approval and funding).")),
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
  growth_plan_review_passed_.Set(stats->growth_plan_review_passed());
  refresh_timestamp_.Set(
      absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  return absl::OkStatus();
}

EnrollmentExpiryJob::EnrollmentExpiryJob(prometheus::Registry& registry,
                                         Enrollments& enrollments)
    : enrollments_(enrollments),
      expired_(prometheus::BuildCounter()
                   .Name("qpp_cultivation_enrollments_expired_total")
                   .Help("Enrolments the expiry job marked EXPIRED: past "
                         "their two-year term without an outcome.")
                   .Register(registry)
                   .Add({})),
      failures_(prometheus::BuildCounter()
                    .Name("qpp_cultivation_expiry_failures_total")
                    .Help("Passes of the enrolment expiry job that failed.")
                    .Register(registry)
                    .Add({})) {}

EnrollmentExpiryJob::~EnrollmentExpiryJob() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EnrollmentExpiryJob::Start(absl::Duration period) {
  thread_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      if (absl::StatusOr<int> n = RunOnce(); !n.ok()) {
        spdlog::warn("enrolment expiry pass failed: {}",
                     std::string(n.status().message()));
      } else if (*n > 0) {
        spdlog::info("enrolment expiry: {} enrolment(s) expired", *n);
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMilliseconds(period),
                     [this] { return stop_; });
    }
  });
}

absl::StatusOr<int> EnrollmentExpiryJob::RunOnce() {
  absl::StatusOr<int> n = enrollments_.ExpireOverdueEnrollments();
  if (!n.ok()) {
    failures_.Increment();
    return n.status();
  }
  expired_.Increment(*n);
  return *n;
}

}  // namespace qpp::cultivation
