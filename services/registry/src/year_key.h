#pragma once

// Records keyed by an organisation and a year, named
// "organizations/{uscc}/<collection>/{year}" (award records, benchmark
// designations), and listed newest year first, then by USCC.

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::registry {

// Position in a (year DESC, uscc) list: a page starts after it.
struct YearKey {
  int year = 0;
  std::string uscc;
};

// The year of a record's id: INVALID_ARGUMENT on `field` unless 2000..2100.
absl::StatusOr<int> ParseYearId(absl::string_view id, absl::string_view field);

// The page key "year:uscc" of a record named
// "organizations/{uscc}/<collection>/{year}".
std::string YearKeyOf(int year, absl::string_view name);

// Reads a page key made by YearKeyOf; nullopt for an empty key (the first
// page). INVALID_ARGUMENT ("page_token") if malformed.
absl::StatusOr<std::optional<YearKey>> ParseYearKey(absl::string_view key);

}  // namespace qpp::registry
