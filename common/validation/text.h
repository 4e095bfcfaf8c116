#pragma once

// Validation of free text from callers, and masking of personal data.

#include <string>
#include <string_view>

#include "absl/strings/string_view.h"
#include "common/status/status.h"

namespace qpp::validation {

// True iff `s` is well-formed UTF-8 (no overlongs, surrogates or code points
// above U+10FFFF).
bool IsValidUtf8(absl::string_view s);

// Number of code points in well-formed UTF-8 `s`.
size_t Utf8Length(absl::string_view s);

// Checks that `value` is valid UTF-8 without control characters, with
// min_chars..max_chars code points (leading/trailing blanks count). Records
// a violation of `field` in `errors` otherwise. Returns whether it passed.
bool CheckText(absl::string_view field, absl::string_view value,
               size_t min_chars, size_t max_chars, status::FieldErrors& errors);

// Masks a name: first character kept, the rest '*' ("张三丰" -> "张**").
std::string MaskName(absl::string_view name);

// Masks a phone number: first 3 and last 4 characters kept for 11 or more
// characters ("13812345678" -> "138****5678"), else all but the last 2.
std::string MaskPhone(absl::string_view phone);

// Masks an e-mail: first character of the local part kept
// ("zhang@example.cn" -> "z***@example.cn").
std::string MaskEmail(absl::string_view email);

// Masks a resident ID number: first 3 and last 4 characters kept
// ("440305199001011234" -> "440***********1234").
std::string MaskIdNumber(absl::string_view id);

}  // namespace qpp::validation
