#pragma once

// Use cases of the programme's reports: each base's compliance with the
// yearly minimum of events (events held, visitors, feedback, and whether
// it falls behind for the year to date), and the year's statistics for the
// programme progress and the dashboards (bases, events, visitors, surveys
// completed, demonstration projects by status). Rules: compliance_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

class Compliance final {
 public:
  // The context and the repositories must outlive this object.
  Compliance(const UseCaseContext& context, ReportRepository& repository,
             SurveyRepository& surveys, ProjectRepository& projects);

  // A page of the compliance of the year's bases, by base id.
  absl::Status ListBaseCompliance(const v1::ListBaseComplianceRequest& req,
                                  v1::ListBaseComplianceResponse* resp);
  // The year's figures, with the demonstration projects whose planned
  // period overlaps the year counted per status (every status, zeros
  // included).
  absl::Status GetDemoBaseStatistics(
      const v1::GetDemoBaseStatisticsRequest& req,
      v1::DemoBaseStatistics* resp);

 private:
  // Up to `limit` bases of `year` after `after_id` as of `day`, only those
  // behind if `only_behind`.
  absl::StatusOr<std::vector<v1::BaseCompliance>> Fetch(
      db::Connection& conn, int year, absl::CivilDay day, bool only_behind,
      int64_t after_id, int limit);

  const UseCaseContext context_;
  ReportRepository& repository_;
  SurveyRepository& surveys_;
  ProjectRepository& projects_;
};

}  // namespace qpp::demobase
