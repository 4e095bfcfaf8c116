#include "common/validation/date.h"

#include <string>

#include "common/dates/dates.h"

namespace qpp::validation {

void CheckPastDate(absl::string_view field, const qpp::type::v1::Date& date,
                   absl::CivilDay today, bool required,
                   status::FieldErrors& errors) {
  if (!dates::IsSet(date)) {
    if (required) errors.Add(std::string(field), "is required");
    return;
  }
  const auto day = dates::ToCivilDay(date);
  if (!day.has_value()) {
    errors.Add(std::string(field), "is not a real date");
  } else if (*day > today) {
    errors.Add(std::string(field), "must not be in the future");
  }
}

}  // namespace qpp::validation
