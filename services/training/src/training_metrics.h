#pragma once

// Training's business metrics (the gRPC server's metrics come from the
// shared bootstrap): the plan's figures as gauges, refreshed in the
// background from the statistics use case so that a scrape costs no query.
//
//   qpp_training_people_trained                distinct people trained to date
//   qpp_training_person_times_current_year     person-times this year
//   qpp_training_newly_certified_current_year  people first certified this year
//   qpp_training_person_times_current_year_by_kind{course_kind}
//   qpp_training_statistics_refresh_failures_total
//   qpp_training_statistics_refresh_timestamp_seconds  last success (Unix)

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/training/src/statistics.h"

namespace qpp::training {

class StatisticsGauges final {
 public:
  // Registers the gauges in `registry` (at zero). `statistics` must outlive
  // this object.
  StatisticsGauges(prometheus::Registry& registry, Statistics& statistics);
  // Stops the refresh thread, if started.
  ~StatisticsGauges();
  StatisticsGauges(const StatisticsGauges&) = delete;
  StatisticsGauges& operator=(const StatisticsGauges&) = delete;

  // Refreshes every `period` on a thread of its own, the first time at
  // once. A failed refresh keeps the last values and counts a failure.
  void Start(absl::Duration period);

  // One refresh now; the status of the statistics query.
  absl::Status Refresh();

 private:
  Statistics& statistics_;
  prometheus::Gauge& people_trained_;
  prometheus::Gauge& person_times_;
  prometheus::Gauge& newly_certified_;
  prometheus::Family<prometheus::Gauge>& person_times_by_kind_;
  prometheus::Counter& refresh_failures_;
  prometheus::Gauge& refresh_timestamp_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qpp::training
