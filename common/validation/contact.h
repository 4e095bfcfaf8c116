#pragma once

// Validation of contact details: Chinese phone numbers and e-mail addresses.

#include "absl/strings/string_view.h"

namespace qpp::validation {

// True iff `phone` is an 11-digit mainland mobile number (1[3-9]xxxxxxxxx)
// or a landline of 7..20 characters, digits and '-', with at least 7 digits
// and not starting with '-' ("0755-88888888").
bool IsValidPhone(absl::string_view phone);

// True iff `email` is at most 100 characters of the form local@domain.tld,
// with a non-empty local part, one '@', a dot inside the domain and no
// blanks or control characters. Deliberately loose: only delivery proves an
// address.
bool IsValidEmail(absl::string_view email);

}  // namespace qpp::validation
