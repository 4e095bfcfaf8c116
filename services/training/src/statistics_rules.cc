#include "services/training/src/statistics_rules.h"

#include <map>
#include <string>

#include "common/status/status.h"

namespace qpp::training {
namespace {

// The figures of one period, before they go into messages.
struct Sums {
  v1::TrainingFigures total;
  std::map<int, v1::TrainingFigures> by_kind;
  std::map<std::string, v1::TrainingFigures> by_district;
};

Sums Sum(const PeriodCounts& counts) {
  Sums s;
  for (const KindDistrictCount& c : counts.person_times) {
    s.total.set_person_times(s.total.person_times() + c.count);
    auto& kind = s.by_kind[c.kind];
    kind.set_person_times(kind.person_times() + c.count);
    auto& district = s.by_district[c.district_code];
    district.set_person_times(district.person_times() + c.count);
  }
  for (const KindDistrictCount& c : counts.newly_certified) {
    s.total.set_newly_certified(s.total.newly_certified() + c.count);
    auto& kind = s.by_kind[c.kind];
    kind.set_newly_certified(kind.newly_certified() + c.count);
    auto& district = s.by_district[c.district_code];
    district.set_newly_certified(district.newly_certified() + c.count);
  }
  // Distinct people do not add up across groups: each has its own count.
  s.total.set_people_trained(counts.people_trained);
  for (const KindDistrictCount& c : counts.people_by_kind) {
    s.by_kind[c.kind].set_people_trained(c.count);
  }
  for (const KindDistrictCount& c : counts.people_by_district) {
    s.by_district[c.district_code].set_people_trained(c.count);
  }
  return s;
}

}  // namespace

absl::Status CheckStatisticsYear(int32_t year) {
  if (year < 2000 || year > 2100) {
    return status::InvalidField("year", "must be between 2000 and 2100");
  }
  return absl::OkStatus();
}

absl::CivilDay StatisticsEpoch() { return absl::CivilDay(1970, 1, 1); }

v1::TrainingStatistics BuildStatistics(int32_t year,
                                       const PeriodCounts& year_counts,
                                       const PeriodCounts& to_date) {
  const Sums in_year = Sum(year_counts);
  const Sums all = Sum(to_date);
  v1::TrainingStatistics out;
  out.set_year(year);
  *out.mutable_year_figures() = in_year.total;
  *out.mutable_to_date() = all.total;
  // Every group of the year also has figures to date, so the groups to
  // date are the complete list.
  for (const auto& [kind, figures] : all.by_kind) {
    v1::CourseKindFigures* k = out.add_by_course_kind();
    k->set_kind(static_cast<v1::CourseKind>(kind));
    *k->mutable_to_date() = figures;
    if (auto it = in_year.by_kind.find(kind); it != in_year.by_kind.end()) {
      *k->mutable_year() = it->second;
    }
  }
  for (const auto& [district, figures] : all.by_district) {
    v1::DistrictFigures* d = out.add_by_district();
    d->set_district_code(district);
    *d->mutable_to_date() = figures;
    if (auto it = in_year.by_district.find(district);
        it != in_year.by_district.end()) {
      *d->mutable_year() = it->second;
    }
  }
  return out;
}

}  // namespace qpp::training
