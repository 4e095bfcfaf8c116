#pragma once

// Rules of courses: names, the fields a course must have, what an update
// may change. Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/training/v1/resources.pb.h"

namespace qpp::training {

// "courses/{id}".
std::string CourseName(int64_t id);

// The id of "courses/{id}"; INVALID_ARGUMENT on `field` unless the id is a
// positive decimal number.
absl::StatusOr<int64_t> ParseCourseName(absl::string_view name,
                                        absl::string_view field);

// A positive decimal id from a resource name's last segment; nullopt if it
// is not one.
std::optional<int64_t> ParseId(absl::string_view id);

// Validates a whole course (paths prefixed "course."): title 1..200
// characters, a kind, hours 1..2000, description at most 2000 characters,
// and an exam for a course that leads to a certificate. Records violations
// in `errors`.
void ValidateCourse(const v1::Course& course, status::FieldErrors& errors);

// The fields an update mask names, each one a course may change (title,
// kind, hours, has_exam, certificate_type, description). INVALID_ARGUMENT
// ("update_mask") if the mask is empty or names another field.
absl::StatusOr<std::vector<std::string>> CourseUpdatePaths(
    const google::protobuf::FieldMask& mask);

// `current` with the fields `paths` taken from `patch`.
v1::Course ApplyCourseUpdate(const v1::Course& current, const v1::Course& patch,
                             const std::vector<std::string>& paths);

// FAILED_PRECONDITION (COURSE_HAS_SESSIONS) if `sessions` > 0.
absl::Status CheckCourseDeletable(absl::string_view name, int64_t sessions);

}  // namespace qpp::training
