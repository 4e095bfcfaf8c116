#pragma once

// Rules of sessions: names, the fields a session must have, what an update
// may change. Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/training/v1/resources.pb.h"

namespace qpp::training {

// A session's place: its course and its own id.
struct SessionKey {
  int64_t course_id = 0;
  int64_t id = 0;
};

// "courses/{course}/sessions/{id}".
std::string SessionName(int64_t course_id, int64_t id);

// The key of "courses/{course}/sessions/{id}"; INVALID_ARGUMENT on `field`
// unless both ids are positive decimal numbers.
absl::StatusOr<SessionKey> ParseSessionName(absl::string_view name,
                                            absl::string_view field);

// The course of a List's parent "courses/{course}", or 0 for "courses/-"
// (every course); INVALID_ARGUMENT ("parent") otherwise.
absl::StatusOr<int64_t> ParseSessionsParent(absl::string_view parent);

// Validates a whole session (paths prefixed "session."): both dates,
// end_date not before start_date, place 1..200 characters, a provider
// `organizations/{uscc}` with a valid USCC, capacity 1..10000. Records
// violations in `errors`.
void ValidateSession(const v1::Session& session, status::FieldErrors& errors);

// The USCC of a validated session's provider.
std::string ProviderUscc(const v1::Session& session);

// The fields an update mask names, each one a session may change
// (start_date, end_date, place, provider, capacity). INVALID_ARGUMENT
// ("update_mask") if the mask is empty or names another field.
absl::StatusOr<std::vector<std::string>> SessionUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`.
v1::Session ApplySessionUpdate(const v1::Session& current,
                               const v1::Session& patch,
                               const std::vector<std::string>& paths);

}  // namespace qpp::training
