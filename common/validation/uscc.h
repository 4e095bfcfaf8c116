#pragma once

// Unified social credit code (GB 32100-2015): 18 characters from
// "0123456789ABCDEFGHJKLMNPQRTUWXY", the last a check character over the
// first 17 with weights 3^i mod 31.

#include <optional>
#include <string>
#include <string_view>

#include "absl/strings/string_view.h"

namespace qpp::validation {

// The check character for the first 17 characters of a code, or nullopt if
// `first17` is not 17 characters of the code alphabet.
std::optional<char> UsccCheckCharacter(absl::string_view first17);

// Why `code` is not a valid USCC, or an empty string if it is. Lower-case
// letters are not accepted: the standard writes codes in upper case.
std::string UsccProblem(absl::string_view code);

// True iff `code` is a valid USCC.
inline bool IsValidUscc(absl::string_view code) {
  return UsccProblem(code).empty();
}

}  // namespace qpp::validation
