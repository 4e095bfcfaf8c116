#include "services/demobase/src/demobase_metrics.h"

#include <cctype>
#include <string>

#include "spdlog/spdlog.h"

namespace qpp::demobase {
namespace {

prometheus::Gauge& NewGauge(prometheus::Registry& registry,
                            const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(
      {});
}

// "PROJECT_SCOPE_INDUSTRY" -> "industry".
std::string Label(const std::string& enum_name, const std::string& prefix) {
  std::string out = enum_name.substr(prefix.size());
  for (char& c : out) c = static_cast<char>(std::tolower(c));
  return out;
}

}  // namespace

StatisticsGauges::StatisticsGauges(prometheus::Registry& registry,
                                   Compliance& compliance, dates::Clock clock)
    : compliance_(compliance),
      clock_(std::move(clock)),
      bases_designated_(NewGauge(
          registry, "qpp_demobase_bases_designated_current_year",
          "Demonstration bases designated for this year and not withdrawn "
          "(plan: 2-4 a year).")),
      bases_min_(NewGauge(registry, "qpp_demobase_bases_min_per_year",
                          "The configured yearly minimum of designations.")),
      bases_max_(NewGauge(registry, "qpp_demobase_bases_max_per_year",
                          "The configured yearly maximum of designations.")),
      bases_behind_(NewGauge(
          registry, "qpp_demobase_bases_behind_current_year",
          "Bases of this year that have held fewer events than the yearly "
          "minimum spread over the year to date.")),
      events_held_(NewGauge(registry, "qpp_demobase_events_held_current_year",
                            "Open events of this year marked held.")),
      visitors_(NewGauge(registry, "qpp_demobase_visitors_current_year",
                         "Visitors received at this year's events held.")),
      surveys_completed_(
          NewGauge(registry, "qpp_demobase_surveys_completed_current_year",
                   "Satisfaction survey rounds ending this year and "
                   "completed.")),
      projects_(prometheus::BuildGauge()
                    .Name("qpp_demobase_projects_current_year")
                    .Help("Demonstration projects whose period overlaps this "
                          "year, by scope (industry, district) and status.")
                    .Register(registry)),
      refresh_failures_(
          prometheus::BuildCounter()
              .Name("qpp_demobase_statistics_refresh_failures_total")
              .Help("Refreshes of the demobase gauges that failed.")
              .Register(registry)
              .Add({})),
      refresh_timestamp_(NewGauge(
          registry, "qpp_demobase_statistics_refresh_timestamp_seconds",
          "Unix time of the last successful refresh of the demobase "
          "gauges.")) {
  // Every series exists from the start, at zero.
  for (const char* scope : {"industry", "district"}) {
    for (int s = v1::ProjectStatus_MIN; s <= v1::ProjectStatus_MAX; ++s) {
      if (s == v1::PROJECT_STATUS_UNSPECIFIED) continue;
      projects_.Add({{"scope", scope},
                     {"status", Label(v1::ProjectStatus_Name(
                                          static_cast<v1::ProjectStatus>(s)),
                                      "PROJECT_STATUS_")}});
    }
  }
}

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
        spdlog::warn("demobase gauges not refreshed: {}",
                     std::string(s.message()));
      }
      lock.lock();
      wake_.wait_for(lock, absl::ToChronoMilliseconds(period),
                     [this] { return stop_; });
    }
  });
}

absl::Status StatisticsGauges::Refresh() {
  v1::GetDemoBaseStatisticsRequest req;
  req.set_year(static_cast<int32_t>(dates::Today(clock_()).year()));
  v1::DemoBaseStatistics stats;
  if (absl::Status s = compliance_.GetDemoBaseStatistics(req, &stats);
      !s.ok()) {
    refresh_failures_.Increment();
    return s;
  }
  bases_designated_.Set(stats.bases_designated());
  bases_min_.Set(stats.min_bases_per_year());
  bases_max_.Set(stats.max_bases_per_year());
  bases_behind_.Set(stats.bases_behind());
  events_held_.Set(stats.events_held());
  visitors_.Set(static_cast<double>(stats.visitors()));
  surveys_completed_.Set(stats.surveys_completed());
  for (const v1::ProjectStatusCount& c : stats.projects_by_status()) {
    const std::string status =
        Label(v1::ProjectStatus_Name(c.status()), "PROJECT_STATUS_");
    projects_.Add({{"scope", "industry"}, {"status", status}})
        .Set(c.industry_projects());
    projects_.Add({{"scope", "district"}, {"status", status}})
        .Set(c.district_pilots());
  }
  refresh_timestamp_.Set(
      absl::ToDoubleSeconds(absl::Now() - absl::UnixEpoch()));
  return absl::OkStatus();
}

}  // namespace qpp::demobase
