#pragma once

// Rules of demonstration bases: names, the fields a designation must have,
// who qualifies, the yearly maximum, the status a base may move to. Pure
// functions; no gRPC, no SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/demobase/v1/resources.pb.h"
#include "services/demobase/src/registry_client.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

// A base as stored.
struct BaseRecord {
  int64_t id = 0;
  std::string organization_uscc;
  std::string organization_display_name;
  int32_t year = 0;
  std::string theme;
  std::string industry;
  v1::Qualification qualification = v1::QUALIFICATION_UNSPECIFIED;
  std::string qualification_evidence;
  v1::BaseStatus status = v1::BASE_STATUS_UNSPECIFIED;
  std::string status_reason;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// One stored status change.
struct StatusChangeRecord {
  int64_t base_id = 0;
  v1::BaseStatus status = v1::BASE_STATUS_UNSPECIFIED;
  std::string reason;
  std::string changed_by;
  absl::Time change_time;
};

// Why an organisation qualifies.
struct QualificationEvidence {
  v1::Qualification qualification = v1::QUALIFICATION_UNSPECIFIED;
  std::string evidence;
};

// A positive decimal id from a resource name's segment; nullopt otherwise.
std::optional<int64_t> ParseId(absl::string_view id);

// "demonstrationBases/{id}".
std::string BaseName(int64_t id);

// The id of "demonstrationBases/{id}"; INVALID_ARGUMENT on `field`
// otherwise.
absl::StatusOr<int64_t> ParseBaseName(absl::string_view name,
                                      absl::string_view field);

// INVALID_ARGUMENT unless 1 <= min <= max <= 100 (a start-up check of the
// flags).
absl::Status ValidateOptions(const ProgrammeOptions& options);

// Validates a new designation (paths prefixed "demonstration_base."): an
// organisation `organizations/{uscc}` with a valid USCC, a year
// 2000..2100, theme 1..200 and industry 1..50 characters. Records
// violations in `errors`.
void ValidateNewBase(const v1::DemonstrationBase& base,
                     status::FieldErrors& errors);

// Why `organization` may be a base of `year`: a Mayor's Quality Award
// record of `year` or earlier (the newest one is the evidence), else the
// exemplary public-service flag. FAILED_PRECONDITION
// (ORGANIZATION_NOT_REGISTERED) for an archived organisation,
// (ORGANIZATION_NOT_ELIGIBLE) for one with neither.
absl::StatusOr<QualificationEvidence> Qualify(
    const RegisteredOrganization& organization,
    const std::vector<AwardFact>& awards, int year);

// FAILED_PRECONDITION (DESIGNATION_LIMIT_REACHED) if `designated` (not
// withdrawn) designations of `year` leave no room under `max`.
absl::Status CheckDesignationRoom(int64_t designated, int max, int year);

// FAILED_PRECONDITION (INVALID_STATUS_CHANGE) unless `to` may follow
// `from`: active → suspended, suspended → active, active or suspended →
// withdrawn.
absl::Status CheckStatusChange(const BaseRecord& base, v1::BaseStatus to);

// Validates the reason of a status change: required (1..500 characters)
// or optional (at most 500). Records violations of "reason".
void ValidateReason(absl::string_view reason, bool required,
                    status::FieldErrors& errors);

// The fields an update mask names, each one a base may change (theme,
// industry). INVALID_ARGUMENT ("update_mask") otherwise.
absl::StatusOr<std::vector<std::string>> BaseUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`; violations of the
// new values recorded in `errors`.
BaseRecord ApplyBaseUpdate(const BaseRecord& current,
                           const v1::DemonstrationBase& patch,
                           const std::vector<std::string>& paths,
                           status::FieldErrors& errors);

// "\"<version>\"".
std::string Etag(int64_t version);

// The base as the API shows it, with its history.
v1::DemonstrationBase ToBase(const BaseRecord& record,
                             const std::vector<StatusChangeRecord>& history);

}  // namespace qpp::demobase
