#pragma once

// Days and instants as the services see them: civil days in China Standard
// Time, qpp.type.v1.Date and google.protobuf.Timestamp on the wire, and an
// injectable clock.

#include <functional>
#include <optional>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "qpp/type/v1/date.pb.h"

namespace qpp::dates {

// The current time; use cases take one so that tests can fix it.
using Clock = std::function<absl::Time()>;

// The system clock.
absl::Time SystemNow();

// China Standard Time: UTC+8, the time of Asia/Shanghai. A fixed offset, the
// same as the tz database's Asia/Shanghai for every instant since 1991 (no
// daylight saving since), and available without tzdata in the container.
absl::TimeZone ChinaTime();

// The civil day of `now` in China Standard Time.
absl::CivilDay Today(absl::Time now);

// The first instant of the day after `day` in China Standard Time: what "by
// the end of `day`" means as a bound on stored UTC times.
absl::Time EndOfDay(absl::CivilDay day);

// The civil day of a qpp.type.v1.Date, or nullopt unless it is a real date
// with a year in 1900..9999 (an unset Date is not).
std::optional<absl::CivilDay> ToCivilDay(const qpp::type::v1::Date& date);

// The qpp.type.v1.Date of a civil day.
qpp::type::v1::Date ToDate(absl::CivilDay day);

// True iff any field of `date` is set (proto3 has no presence for it).
bool IsSet(const qpp::type::v1::Date& date);

// google.protobuf.Timestamp of `t`, to the microsecond.
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// The instant of a google.protobuf.Timestamp, to the microsecond.
absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp);

}  // namespace qpp::dates
