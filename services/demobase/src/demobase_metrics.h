#pragma once

// Demobase's business metrics (the gRPC server's metrics come from the
// shared bootstrap): the current year's figures of the programme as
// gauges, refreshed in the background from the statistics use case so that
// a scrape costs no query.
//
//   qpp_demobase_bases_designated_current_year   bases designated, not
//   withdrawn qpp_demobase_bases_min_per_year              the configured
//   minimum qpp_demobase_bases_max_per_year              the configured maximum
//   qpp_demobase_bases_behind_current_year       bases behind the event minimum
//   qpp_demobase_events_held_current_year        open events held
//   qpp_demobase_visitors_current_year           visitors of the events held
//   qpp_demobase_surveys_completed_current_year  survey rounds completed
//   qpp_demobase_projects_current_year{scope,status}
//                                                demonstration projects
//   qpp_demobase_statistics_refresh_failures_total
//   qpp_demobase_statistics_refresh_timestamp_seconds  last success (Unix)

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/dates/dates.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/demobase/src/compliance.h"

namespace qpp::demobase {

class StatisticsGauges final {
 public:
  // Registers the gauges in `registry` (at zero). `compliance` must outlive
  // this object; `clock` says which year is the current one.
  StatisticsGauges(prometheus::Registry& registry, Compliance& compliance,
                   dates::Clock clock);
  // Stops the refresh thread, if started.
  ~StatisticsGauges();
  StatisticsGauges(const StatisticsGauges&) = delete;
  StatisticsGauges& operator=(const StatisticsGauges&) = delete;

  // Refreshes every `period` on a thread of its own, the first time at
  // once. A failed refresh keeps the last values and counts a failure.
  void Start(absl::Duration period);

  // One refresh now; the status of the statistics query (UNAVAILABLE when
  // the database is unreachable).
  absl::Status Refresh();

 private:
  Compliance& compliance_;
  const dates::Clock clock_;
  prometheus::Gauge& bases_designated_;
  prometheus::Gauge& bases_min_;
  prometheus::Gauge& bases_max_;
  prometheus::Gauge& bases_behind_;
  prometheus::Gauge& events_held_;
  prometheus::Gauge& visitors_;
  prometheus::Gauge& surveys_completed_;
  prometheus::Family<prometheus::Gauge>& projects_;
  prometheus::Counter& refresh_failures_;
  prometheus::Gauge& refresh_timestamp_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qpp::demobase
