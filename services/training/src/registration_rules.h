#pragma once

// Rules of registrations: names, who gets a seat and who waits, what may be
// cancelled, what attendance and exam results may be recorded. Pure
// functions; no gRPC, no SQL.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/rpc/status.pb.h"
#include "qpp/training/v1/resources.pb.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {

// "registrations/{id}".
std::string RegistrationName(int64_t id);

// The id of "registrations/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<int64_t> ParseRegistrationName(absl::string_view name,
                                              absl::string_view field);

// A new registration's state: confirmed while fewer than `capacity` are
// confirmed, else waitlisted.
v1::Registration::State NewRegistrationState(int64_t confirmed,
                                             int32_t capacity);

// FAILED_PRECONDITION (ALREADY_CANCELLED) for a cancelled registration.
absl::Status CheckCancellable(const RegistrationRecord& registration);

// Attendance and exam result recorded on a confirmed registration of a
// course with or without an exam: FAILED_PRECONDITION (NOT_CONFIRMED)
// unless confirmed; INVALID_ARGUMENT for an exam result on a course without
// an exam, an unknown result, a score outside 0..100 or a score without a
// result, or an exam result without attendance.
absl::Status CheckAttendance(const RegistrationRecord& registration,
                             bool course_has_exam, bool attended,
                             v1::Registration::ExamResult result,
                             int32_t score);

// The largest bulk attendance upload.
inline constexpr int kMaxAttendanceRows = 1000;

// The request-level checks of a bulk attendance upload: a session name and
// 1..kMaxAttendanceRows rows. INVALID_ARGUMENT with field violations
// otherwise (rows are checked one by one as they are applied).
absl::Status CheckAttendanceUpload(const v1::BatchRecordAttendanceRequest& req);

// FAILED_PRECONDITION (WRONG_SESSION) unless `registration` is of the
// session `session_id`; `name` is the row's registration name.
absl::Status CheckSameSession(const RegistrationRecord& registration,
                              int64_t session_id, absl::string_view name);

// A status as google.rpc.Status: code, message and the error details it
// carries (status.h's payloads).
google::rpc::Status ToRpcStatus(const absl::Status& status);

// The registration as the API shows it.
v1::Registration ToRegistration(const RegistrationRecord& record);

}  // namespace qpp::training
