#pragma once

// Rules of organisations: validation, size classification by the SME rules,
// updates by field mask, the adoption steps, archiving, and masking of
// contacts. Plain functions over protos and reference data; no gRPC, no SQL,
// so all of it is unit-tested in memory.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/registry/v1/resources.pb.h"
#include "qpp/type/v1/date.pb.h"
#include "services/registry/src/reference_data.h"

namespace qpp::registry {

// Size class of an organisation by the rules in force on `day`; only
// enterprises are classified (others: UNSPECIFIED). An enterprise with none
// of the figures its rule reads (all of them 0: not reported) is
// UNSPECIFIED too, never MICRO: its size is unknown. A code broader than
// the rules of its division (a bare "70" where the table has 701 and 702)
// uses those rules, not the fallback for unlisted industries: the class
// they all agree on, else UNSPECIFIED until the group code is given. Sets
// *rule_set to the version used (empty when UNSPECIFIED).
v1::SizeClass ClassifySize(const ReferenceData& ref,
                           const v1::Organization& org, absl::CivilDay day,
                           std::string* rule_set);

// Validates the caller-settable fields of `org` (paths prefixed by
// `prefix`, e.g. "organization."). With `only` non-empty, validates just
// those top-level fields (for updates).
void ValidateOrganization(const v1::Organization& org, const ReferenceData& ref,
                          absl::CivilDay today, absl::string_view prefix,
                          status::FieldErrors& errors,
                          const std::vector<std::string>& only = {});

// A new organisation ready to store: validated, with output-only fields
// derived (name, section, size class, adoption NOT_STARTED, state ACTIVE,
// credit defaulting to GOOD since today). INVALID_ARGUMENT otherwise.
absl::StatusOr<v1::Organization> PrepareNewOrganization(
    const v1::Organization& input, const ReferenceData& ref,
    absl::CivilDay today, absl::string_view prefix = "organization.");

// `stored` with the fields of `mask` taken from `patch`, validated and with
// derived fields recomputed. INVALID_ARGUMENT for a missing, empty, "*" or
// unknown path or bad values.
absl::StatusOr<v1::Organization> ApplyOrganizationUpdate(
    const v1::Organization& stored, const v1::Organization& patch,
    const google::protobuf::FieldMask& mask, const ReferenceData& ref,
    absl::CivilDay today);

// OK for an active organisation; FAILED_PRECONDITION (ORGANIZATION_ARCHIVED)
// for an archived one, which accepts no change and no new records.
absl::Status CheckActive(const v1::Organization& org);

// `org` archived at `now` (state ARCHIVED, delete_time set).
// FAILED_PRECONDITION (ALREADY_ARCHIVED) if it already is.
absl::StatusOr<v1::Organization> ArchiveOrganization(
    const v1::Organization& org, absl::Time now);

// `org` active again, without delete_time. FAILED_PRECONDITION
// (NOT_ARCHIVED) if it is not archived.
absl::StatusOr<v1::Organization> RestoreOrganization(
    const v1::Organization& org);

// The day an adoption step takes effect: `effective_date` if set, else
// `today`. INVALID_ARGUMENT ("effective_date") for an impossible or future
// date.
absl::StatusOr<absl::CivilDay> AdoptionDay(
    const qpp::type::v1::Date& effective_date, absl::CivilDay today);

// Moves `org` to `target` (INTRODUCING or ADOPTED) on `day`, filling the
// date of every step passed and recording `evidence` (at most 300
// characters of text, may be empty) for the target step.
// FAILED_PRECONDITION for backward moves or for BENCHMARK (only
// designations set it); INVALID_ARGUMENT for other values or bad evidence.
absl::Status AdvanceAdoption(v1::Organization& org, v1::AdoptionStatus target,
                             absl::CivilDay day,
                             absl::string_view evidence = "");

// Replaces personal data in contacts by masked forms.
void MaskContacts(v1::Organization& org);

}  // namespace qpp::registry
