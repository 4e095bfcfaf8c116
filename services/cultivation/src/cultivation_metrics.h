#pragma once

// Cultivation's business metrics (the gRPC server's metrics come from the
// shared bootstrap): the programme's figures as gauges, refreshed in the
// background from the statistics use case so that a scrape costs no query.
//
//   qpp_cultivation_active_enrollments             the key-enterprise library
//   qpp_cultivation_library_cap                    its cap (this year's cohort)
//   qpp_cultivation_applications_current_year      live applications
//   qpp_cultivation_selected_current_year          selected this year
//   qpp_cultivation_accepted_current_year          passed acceptance this year
//   qpp_cultivation_statistics_refresh_failures_total
//   qpp_cultivation_statistics_refresh_timestamp_seconds  last success (Unix)

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/cultivation/src/statistics.h"

namespace qpp::cultivation {

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
  prometheus::Gauge& active_enrollments_;
  prometheus::Gauge& library_cap_;
  prometheus::Gauge& applications_;
  prometheus::Gauge& selected_;
  prometheus::Gauge& accepted_;
  prometheus::Counter& refresh_failures_;
  prometheus::Gauge& refresh_timestamp_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qpp::cultivation
