#pragma once

// Rules of trainees: names, the fields a trainee must have, masking of
// personal data, what an update may change. Pure functions; no gRPC, no SQL.
// No function here puts a resident ID number or a phone into a message.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/training/v1/resources.pb.h"

namespace qpp::training {

// The purposes of the keyed hashes (crypto::DataCipher::KeyedHash).
inline constexpr absl::string_view kResidentIdHashPurpose =
    "training.trainees.resident_id";

// "trainees/{id}".
std::string TraineeName(int64_t id);

// The id of "trainees/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<int64_t> ParseTraineeName(absl::string_view name,
                                         absl::string_view field);

// Validates a new trainee (paths prefixed "trainee."): display_name 1..50
// characters, a valid resident ID number (GB 11643, born by `today`), a
// valid phone if set, an employer `organizations/{uscc}`. Records
// violations in `errors`; their descriptions never repeat the values.
void ValidateNewTrainee(const v1::Trainee& trainee, absl::CivilDay today,
                        status::FieldErrors& errors);

// Validates the fields `paths` of an update (display_name, phone,
// employer) as ValidateNewTrainee does.
void ValidateTraineeUpdate(const v1::Trainee& patch,
                           const std::vector<std::string>& paths,
                           status::FieldErrors& errors);

// The fields an update mask names, each one a trainee may change
// (display_name, phone, employer). INVALID_ARGUMENT ("update_mask") if the
// mask is empty or names another field (resident_id is immutable).
absl::StatusOr<std::vector<std::string>> TraineeUpdatePaths(
    const google::protobuf::FieldMask& mask);

// A resident ID number masked: the first 4 (the region) and the last 4
// characters kept, e.g. "4403**********1234"; all '*' if shorter than 8.
std::string MaskResidentId(absl::string_view id);

// A phone masked: validation::MaskPhone, empty for none.
std::string MaskTraineePhone(absl::string_view phone);

}  // namespace qpp::training
