#pragma once

// Validation of dates that callers send as qpp.type.v1.Date.

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status/status.h"
#include "qpp/type/v1/date.pb.h"

namespace qpp::validation {

// Checks a date that records something that happened: unset is allowed
// unless `required` ("is required"); a set date must be a real date
// ("is not a real date", see dates::ToCivilDay) not after `today` ("must not
// be in the future"). Records a violation of `field` in `errors` otherwise.
void CheckPastDate(absl::string_view field, const qpp::type::v1::Date& date,
                   absl::CivilDay today, bool required,
                   status::FieldErrors& errors);

}  // namespace qpp::validation
