#include "common/dates/dates.h"

#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"

namespace qpp::dates {

using google::protobuf::util::TimeUtil;

absl::Time SystemNow() { return absl::Now(); }

absl::TimeZone ChinaTime() { return absl::FixedTimeZone(8 * 3600); }

absl::CivilDay Today(absl::Time now) {
  return absl::ToCivilDay(now, ChinaTime());
}

absl::Time EndOfDay(absl::CivilDay day) {
  return absl::FromCivil(absl::CivilSecond(day + 1), ChinaTime());
}

std::optional<absl::CivilDay> ToCivilDay(const qpp::type::v1::Date& date) {
  if (date.year() < 1900 || date.year() > 9999) return std::nullopt;
  const absl::CivilDay day(date.year(), date.month(), date.day());
  // CivilDay normalises out-of-range fields, so only a real date round-trips.
  if (day.year() != date.year() || day.month() != date.month() ||
      day.day() != date.day()) {
    return std::nullopt;
  }
  return day;
}

qpp::type::v1::Date ToDate(absl::CivilDay day) {
  qpp::type::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

bool IsSet(const qpp::type::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(timestamp));
}

}  // namespace qpp::dates
