#pragma once

// PRC resident identity card number (GB 11643-1999): 17 digits, of which
// 7-14 are the date of birth, and a check character 0-9 or X.

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace qpp::validation {

// Why `id` is not a valid resident ID number, or empty if it is. `today`
// bounds the date of birth. A lower-case 'x' is not accepted.
std::string ResidentIdProblem(absl::string_view id, absl::CivilDay today);

// True iff `id` is valid as of `today`.
inline bool IsValidResidentId(absl::string_view id, absl::CivilDay today) {
  return ResidentIdProblem(id, today).empty();
}

// The check character for 17 digits, or '\0' if they are not 17 digits.
char ResidentIdCheckCharacter(absl::string_view first17);

}  // namespace qpp::validation
