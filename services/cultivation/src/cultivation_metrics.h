#pragma once

// Cultivation's business metrics (the gRPC server's metrics come from the
// shared bootstrap): the programme's figures as gauges, refreshed in the
// background from the statistics use case so that a scrape costs no query;
// and the enrolment expiry job, whose passes they count.
//
//   qpp_cultivation_active_enrollments             the key-enterprise library
//   qpp_cultivation_library_cap                    its cap (this year's cohort)
//   qpp_cultivation_applications_current_year      live applications
//   qpp_cultivation_selected_current_year          selected this year
//   qpp_cultivation_accepted_current_year          passed acceptance this year
//   qpp_cultivation_growth_plan_review_passed      growth plan, review passed
//   qpp_cultivation_statistics_refresh_failures_total
//   qpp_cultivation_statistics_refresh_timestamp_seconds  last success (Unix)
//   qpp_cultivation_enrollments_expired_total      expired by the expiry job
//   qpp_cultivation_expiry_failures_total          expiry passes that failed

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "services/cultivation/src/enrollments.h"
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
  prometheus::Gauge& growth_plan_review_passed_;
  prometheus::Counter& refresh_failures_;
  prometheus::Gauge& refresh_timestamp_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

// The periodic job that marks enrolments past their two-year term without
// an outcome EXPIRED (Enrollments::ExpireOverdueEnrollments), counting
// those it expired and the passes that failed.
class EnrollmentExpiryJob final {
 public:
  // Registers the counters in `registry` (at zero). `enrollments` must
  // outlive this object.
  EnrollmentExpiryJob(prometheus::Registry& registry, Enrollments& enrollments);
  // Stops the thread, if started, after the pass it is in.
  ~EnrollmentExpiryJob();
  EnrollmentExpiryJob(const EnrollmentExpiryJob&) = delete;
  EnrollmentExpiryJob& operator=(const EnrollmentExpiryJob&) = delete;

  // Runs a pass every `period` on a thread of its own, the first at once.
  // A failed pass is logged and counted; the next one picks up the rest.
  void Start(absl::Duration period);

  // One pass now: how many enrolments it expired, or the failure.
  absl::StatusOr<int> RunOnce();

 private:
  Enrollments& enrollments_;
  prometheus::Counter& expired_;
  prometheus::Counter& failures_;

  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qpp::cultivation
