#include "services/demobase/src/compliance_rules.h"

#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/demobase/src/base_rules.h"

namespace qpp::demobase {

absl::Status ValidateYear(int year) {
  if (year >= 2000 && year <= 2100) return absl::OkStatus();
  return status::InvalidField("year", "must be 2000..2100");
}

YearBounds BoundsOf(int year) {
  return {absl::FromCivil(absl::CivilSecond(year, 1, 1, 0, 0, 0),
                          dates::ChinaTime()),
          absl::FromCivil(absl::CivilSecond(year + 1, 1, 1, 0, 0, 0),
                          dates::ChinaTime())};
}

absl::StatusOr<absl::CivilDay> ReportDay(int year, const type::v1::Date& as_of,
                                         absl::Time now) {
  if (dates::IsSet(as_of)) {
    const std::optional<absl::CivilDay> day = dates::ToCivilDay(as_of);
    if (!day.has_value() || day->year() != year) {
      return status::InvalidField("as_of", "must be a valid day of the year");
    }
    return *day;
  }
  const absl::CivilDay today = dates::Today(now);
  if (today.year() < year) return absl::CivilDay(year, 1, 1);
  if (today.year() > year) return absl::CivilDay(year, 12, 31);
  return today;
}

int32_t ExpectedToDate(int32_t minimum, absl::CivilDay day) {
  const absl::CivilDay first(day.year(), 1, 1);
  const int64_t days_in_year = absl::CivilDay(day.year() + 1, 1, 1) - first;
  const int64_t elapsed = day - first + 1;
  return static_cast<int32_t>(minimum * elapsed / days_in_year);
}

v1::BaseCompliance ToCompliance(const BaseYearFigures& f, int32_t minimum,
                                absl::CivilDay day) {
  v1::BaseCompliance out;
  out.set_base(BaseName(f.base.id));
  out.set_organization(resource::OrganizationName(f.base.organization_uscc));
  out.set_organization_display_name(f.base.organization_display_name);
  out.set_status(f.base.status);
  out.set_events_held(f.events_held);
  out.set_events_scheduled(f.events_scheduled);
  out.set_minimum(minimum);
  out.set_expected_to_date(ExpectedToDate(minimum, day));
  out.set_behind(f.base.status != v1::BASE_STATUS_WITHDRAWN &&
                 f.events_held < out.expected_to_date());
  out.set_visitors(f.visitors);
  out.set_feedback_count(f.feedback_count);
  if (f.feedback_count > 0) {
    out.set_average_feedback(static_cast<double>(f.feedback_sum) /
                             f.feedback_count);
  }
  return out;
}

}  // namespace qpp::demobase
