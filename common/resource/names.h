#pragma once

// Resource names (AIP-122): "organizations/{uscc}",
// "organizations/{uscc}/awards/{year}", with "-" standing for every parent
// in the parent of a List (AIP-159). Parsers answer INVALID_ARGUMENT with a
// field violation on the request field that held the name, so a caller
// learns what to fix.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::resource {

// The parent id of a List over every parent (AIP-159).
inline constexpr absl::string_view kAll = "-";

// The collection of organisations, shared by every service.
inline constexpr absl::string_view kOrganizations = "organizations";

// A name "{parent_collection}/{parent}/{collection}/{id}" taken apart.
struct ChildName {
  std::string parent;  // the parent's id, e.g. a USCC
  std::string id;      // the child's id within the parent
};

// The id of "{collection}/{id}": INVALID_ARGUMENT on `field` unless `name`
// is exactly that with a non-empty id without '/'.
absl::StatusOr<std::string> ParseName(absl::string_view name,
                                      absl::string_view collection,
                                      absl::string_view field);

// The parent and id of "{parent_collection}/{parent}/{collection}/{id}";
// INVALID_ARGUMENT on `field` unless `name` has that shape with non-empty
// ids.
absl::StatusOr<ChildName> ParseChildName(absl::string_view name,
                                         absl::string_view parent_collection,
                                         absl::string_view collection,
                                         absl::string_view field);

// "organizations/{uscc}".
std::string OrganizationName(absl::string_view uscc);

// The USCC of "{collection}/{uscc}" (e.g. "partnerships/{uscc}"), checked
// against GB 32100. INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseUsccName(absl::string_view name,
                                          absl::string_view collection,
                                          absl::string_view field);

// The USCC of "organizations/{uscc}", checked against GB 32100.
// INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name,
                                                  absl::string_view field);

// The parent of a List under organisations: the USCC of
// "organizations/{uscc}", or an empty string for "organizations/-" (every
// organisation). INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<std::string> ParseOrganizationParent(absl::string_view parent,
                                                    absl::string_view field);

// The USCC and id of "organizations/{uscc}/{collection}/{id}", the USCC
// checked against GB 32100. INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<ChildName> ParseOrganizationChildName(
    absl::string_view name, absl::string_view collection,
    absl::string_view field);

}  // namespace qpp::resource
