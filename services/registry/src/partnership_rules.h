#pragma once

// Rules of partnerships: an industry association, chamber of commerce or
// social organisation (the partner) that promotes the excellence model in
// industries and among member organisations. Pure functions; no gRPC, no
// SQL.

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/registry/v1/resources.pb.h"
#include "services/registry/src/reference_data.h"

namespace qpp::registry {

// Validates the fields of a partnership (paths prefixed "partnership.");
// `only` limits the check to those fields. Records violations in `errors`.
void ValidatePartnership(const v1::Partnership& p, const ReferenceData& ref,
                         absl::CivilDay today, status::FieldErrors& errors,
                         const std::vector<std::string>& only = {});

// OK if `partner` may be a partner: an industry association, chamber of
// commerce or social organisation; else FAILED_PRECONDITION (PARTNER_KIND).
absl::Status CheckPartnerKind(const v1::Organization& partner);

// The fields an update mask names, each one a partner may change
// (industry_codes, members, start_date, remarks). INVALID_ARGUMENT
// ("update_mask") if the mask is empty or names another field.
absl::StatusOr<std::vector<std::string>> PartnershipUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`.
v1::Partnership ApplyPartnershipUpdate(const v1::Partnership& current,
                                       const v1::Partnership& patch,
                                       const std::vector<std::string>& paths);

// The USCCs of the members, whose names ValidatePartnership checked.
std::vector<std::string> MemberUsccs(const v1::Partnership& p);

// OK if every member is among `registered` (USCCs); else INVALID_ARGUMENT on
// the first member that is not ("partnership.members[i]").
absl::Status CheckMembersRegistered(const v1::Partnership& p,
                                    const std::set<std::string>& registered);

}  // namespace qpp::registry
