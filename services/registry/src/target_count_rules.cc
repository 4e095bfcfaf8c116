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

v1::TargetCounts ToTargetCounts(int year, absl::CivilDay as_of,
                                int improvement_margin_points,
                                const TargetFigures& figures) {
  v1::TargetCounts out;
  out.set_year(year);
  *out.mutable_as_of() = dates::ToDate(as_of);
  out.set_improvement_margin_points(improvement_margin_points);
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
  out.set_started_introducing_in_year(figures.started_introducing_in_year);
  out.set_adopted_in_year(figures.adopted_in_year);
  out.set_benchmarks_in_year(figures.benchmarks_in_year);
  out.set_benchmarks_to_date(figures.benchmarks_to_date);
  out.set_awards_in_year(figures.awards_in_year);
  out.set_improved_enterprises(figures.improved_enterprises);
  return out;
}

}  // namespace qpp::registry
