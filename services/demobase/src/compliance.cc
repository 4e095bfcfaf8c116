#include "services/demobase/src/compliance.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "services/demobase/src/base_rules.h"
#include "services/demobase/src/compliance_rules.h"

namespace qpp::demobase {
namespace {

// Bases read per query while filtering those behind.
constexpr int kBatch = 100;

}  // namespace

Compliance::Compliance(const UseCaseContext& context,
                       ReportRepository& repository, SurveyRepository& surveys,
                       ProjectRepository& projects)
    : context_(context),
      repository_(repository),
      surveys_(surveys),
      projects_(projects) {}

absl::StatusOr<std::vector<v1::BaseCompliance>> Compliance::Fetch(
    db::Connection& conn, int year, absl::CivilDay day, bool only_behind,
    int64_t after_id, int limit) {
  const YearBounds bounds = BoundsOf(year);
  const int32_t minimum = context_.options.min_events_per_year;
  std::vector<v1::BaseCompliance> out;
  while (static_cast<int>(out.size()) < limit) {
    QPP_ASSIGN_OR_RETURN(std::vector<BaseYearFigures> rows,
                         repository_.ListBaseYearFigures(
                             conn, year, bounds.start, bounds.end,
                             dates::EndOfDay(day), after_id, kBatch));
    for (const BaseYearFigures& f : rows) {
      after_id = f.base.id;
      v1::BaseCompliance c = ToCompliance(f, minimum, day);
      if (only_behind && !c.behind()) continue;
      out.push_back(std::move(c));
      if (static_cast<int>(out.size()) == limit) break;
    }
    if (static_cast<int>(rows.size()) < kBatch) break;
  }
  return out;
}

absl::Status Compliance::ListBaseCompliance(
    const v1::ListBaseComplianceRequest& req,
    v1::ListBaseComplianceResponse* resp) {
  QPP_RETURN_IF_ERROR(ValidateYear(req.year()));
  QPP_ASSIGN_OR_RETURN(absl::CivilDay day,
                       ReportDay(req.year(), req.as_of(), context_.clock()));
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<v1::BaseCompliance>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return Fetch(*conn, req.year(), day, req.only_behind(), after_id,
                         limit);
          },
          [](const v1::BaseCompliance& c) {
            return c.base().substr(c.base().rfind('/') + 1);
          }));
  resp->set_next_page_token(page.next_page_token);
  *resp->mutable_as_of() = dates::ToDate(day);
  for (auto& c : page.rows) *resp->add_bases() = std::move(c);
  return absl::OkStatus();
}

absl::Status Compliance::GetDemoBaseStatistics(
    const v1::GetDemoBaseStatisticsRequest& req, v1::DemoBaseStatistics* resp) {
  QPP_RETURN_IF_ERROR(ValidateYear(req.year()));
  QPP_ASSIGN_OR_RETURN(absl::CivilDay day,
                       ReportDay(req.year(), {}, context_.clock()));
  const YearBounds bounds = BoundsOf(req.year());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      YearFigures figures,
      repository_.GetYearFigures(*conn, req.year(), bounds.start, bounds.end));
  // A year has at most --max_bases_per_year (at most 100) live bases.
  QPP_ASSIGN_OR_RETURN(
      std::vector<v1::BaseCompliance> behind,
      Fetch(*conn, req.year(), day, /*only_behind=*/true, 0, 1000));
  QPP_ASSIGN_OR_RETURN(
      int32_t surveys,
      surveys_.CountCompletedRounds(*conn, absl::CivilDay(req.year(), 1, 1),
                                    absl::CivilDay(req.year(), 12, 31)));
  QPP_ASSIGN_OR_RETURN(
      std::vector<ProjectStatusFigure> projects,
      projects_.CountByStatus(*conn, absl::CivilDay(req.year(), 1, 1),
                              absl::CivilDay(req.year(), 12, 31)));
  resp->set_year(req.year());
  for (int s = v1::ProjectStatus_MIN; s <= v1::ProjectStatus_MAX; ++s) {
    if (s == v1::PROJECT_STATUS_UNSPECIFIED) continue;
    v1::ProjectStatusCount* count = resp->add_projects_by_status();
    count->set_status(static_cast<v1::ProjectStatus>(s));
    for (const ProjectStatusFigure& f : projects) {
      if (f.status != s) continue;
      if (f.scope == v1::PROJECT_SCOPE_INDUSTRY) {
        count->set_industry_projects(f.count);
      } else if (f.scope == v1::PROJECT_SCOPE_DISTRICT) {
        count->set_district_pilots(f.count);
      }
    }
  }
  resp->set_surveys_completed(surveys);
  resp->set_bases_designated(figures.bases_designated);
  resp->set_min_bases_per_year(context_.options.min_bases_per_year);
  resp->set_max_bases_per_year(context_.options.max_bases_per_year);
  resp->set_events_held(figures.events_held);
  resp->set_events_cancelled(figures.events_cancelled);
  resp->set_visitors(figures.visitors);
  resp->set_bases_behind(static_cast<int32_t>(behind.size()));
  return absl::OkStatus();
}

}  // namespace qpp::demobase
