#pragma once

// Rules of the change feed of organisations (ListOrganizationChanges): which
// changes make an entry, and the entry of a change. Pure functions; no gRPC,
// no SQL. How entries are numbered so that a follower never skips or
// repeats one: OrganizationChangeRepository and docs/architecture.md.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "qpp/registry/v1/resources.pb.h"

namespace qpp::registry {

// The types of the change from `before` to `after`, in the order of the
// enum: CREATED when `before` is null; else one per reported fact that
// differs (kind, district, size class, credit standing, adoption status,
// key-enterprise flag; ARCHIVED or RESTORED for the state). Empty when no
// reported fact changed: such a change makes no entry.
std::vector<v1::OrganizationChangeType> ChangeTypesBetween(
    const v1::Organization* before, const v1::Organization& after);

// The entry of a change of `types` that made `after` (version `version`)
// at `time`; its sequence is left 0 for the repository to assign.
v1::OrganizationChange ChangeEntry(
    const v1::Organization& after, int64_t version, absl::Time time,
    const std::vector<v1::OrganizationChangeType>& types);

// Change types as stored: a bit (1 << type) per type, and back.
int32_t ChangeTypeBits(const v1::OrganizationChange& change);
void SetChangeTypes(int32_t bits, v1::OrganizationChange& change);

// The position a page token of the feed carries: the sequence of the last
// entry the follower has seen (0 before the first). Encoded opaquely
// (common/paging/page_token.h) and bound to the feed, so that a token of
// another list is refused.
std::string ChangeFeedToken(int64_t after_sequence);
// INVALID_ARGUMENT ("page_token") for a token that is not the feed's.
absl::StatusOr<int64_t> ParseChangeFeedToken(absl::string_view token);

}  // namespace qpp::registry
