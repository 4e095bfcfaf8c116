#include "services/registry/src/target_count_rules.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/status/status.h"

namespace qpp::registry {

absl::StatusOr<absl::CivilDay> TargetCountsAsOf(int year,
                                                absl::CivilDay today) {
  if (year < 2000 || year > today.year()) {
    return status::InvalidField("year",
                                absl::StrCat("must be 2000..", today.year()));
  }
  const absl::CivilDay end_of_year(year, 12, 31);
  return end_of_year < today ? end_of_year : today;
}

int MarginInForce(const TargetFigures& figures,
                  const TargetCountSettings& settings) {
  return figures.margin_points.value_or(settings.fallback_margin_points);
}

namespace {

void FillBreakdown(
    const std::map<std::string, BreakdownFigures>& in,
    google::protobuf::RepeatedPtrField<v1::TargetBreakdown>* out) {
  for (const auto& [code, f] : in) {
    v1::TargetBreakdown* b = out->Add();
    b->set_code(code);
    b->set_introduced_enterprises(f.introduced_enterprises);
    b->set_benchmark_organizations(f.benchmark_organizations);
    b->set_improved_enterprises(f.improved_enterprises);
    b->set_key_enterprises_running(f.key_enterprises_running);
  }
}

}  // namespace

v1::TargetCounts ToTargetCounts(int year, absl::CivilDay as_of,
                                const TargetCountSettings& settings,
                                const TargetFigures& figures) {
  v1::TargetCounts out;
  out.set_year(year);
  *out.mutable_as_of() = dates::ToDate(as_of);
  out.set_improvement_margin_points(MarginInForce(figures, settings));
  out.set_improvement_window_start_year(settings.improvement_window_start_year);
  int64_t total = 0;
  for (int s = v1::ADOPTION_STATUS_NOT_STARTED;
       s <= v1::ADOPTION_STATUS_BENCHMARK; ++s) {
    const auto status = static_cast<v1::AdoptionStatus>(s);
    const auto it = figures.organizations_by_status.find(status);
    const int64_t count =
        it == figures.organizations_by_status.end() ? 0 : it->second;
    auto* c = out.add_adoption_counts();
    c->set_adoption_status(status);
    c->set_count(count);
    total += count;
    if (s >= v1::ADOPTION_STATUS_INTRODUCING) {
      out.set_introduced_model(out.introduced_model() + count);
    }
  }
  out.set_organizations(total);
  out.set_introduced_enterprises(figures.introduced_enterprises);
  out.set_started_introducing_in_year(figures.started_introducing_in_year);
  out.set_adopted_in_year(figures.adopted_in_year);
  out.set_benchmarks_in_year(figures.benchmarks_in_year);
  out.set_benchmarks_to_date(figures.benchmarks_to_date);
  out.set_benchmark_industries(
      static_cast<int64_t>(figures.benchmark_industry_codes.size()));
  for (const std::string& code : figures.benchmark_industry_codes) {
    out.add_benchmark_industry_codes(code);
  }
  out.set_benchmark_industry_level(settings.benchmark_industry_level);
  out.set_awards_in_year(figures.awards_in_year);
  out.set_improved_enterprises(figures.improved_enterprises);
  out.set_key_enterprises(figures.key_enterprises);
  out.set_key_enterprises_running(figures.key_enterprises_running);
  FillBreakdown(figures.by_district, out.mutable_district_counts());
  FillBreakdown(figures.by_section, out.mutable_industry_section_counts());
  return out;
}

}  // namespace qpp::registry
