#pragma once

// Use cases of registrations ("registrations/{registration}"): a trainee's
// seat or waitlist place in a session, cancellation with promotion of the
// first waitlisted, attendance (one person-time each) and exam results.
// Rules: registration_rules.h.
//
// Capacity: every change to a session's seats locks the session's row
// first, so confirmed registrations never exceed its capacity however many
// requests arrive at once; beyond it registrations are waitlisted in order.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND
// (also for a missing session or trainee); ALREADY_EXISTS
// (REGISTRATION_EXISTS); FAILED_PRECONDITION (ALREADY_CANCELLED,
// NOT_CONFIRMED); ABORTED for conflicts; UNAVAILABLE when the database is
// unreachable.

#include <memory>

#include "absl/status/status.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

class Registrations final {
 public:
  // The context and both repositories (shared with the certificate use
  // cases) must outlive this object.
  Registrations(const UseCaseContext& context,
                RegistrationRepository& repository, CourseRepository& courses);

  // Registers a trainee for a session, confirmed or waitlisted; idempotent
  // by request_id.
  absl::Status CreateRegistration(const v1::CreateRegistrationRequest& req,
                                  v1::Registration* resp);
  // One registration.
  absl::Status GetRegistration(const v1::GetRegistrationRequest& req,
                               v1::Registration* resp);
  // A page of registrations by id.
  absl::Status ListRegistrations(const v1::ListRegistrationsRequest& req,
                                 v1::ListRegistrationsResponse* resp);
  // Cancels; a freed seat goes to the session's first waitlisted
  // registration.
  absl::Status CancelRegistration(const v1::CancelRegistrationRequest& req,
                                  v1::Registration* resp);
  // Records attendance and the exam result of a confirmed registration.
  absl::Status RecordAttendance(const v1::RecordAttendanceRequest& req,
                                v1::Registration* resp);
  // Records a session's attendance in bulk: each row checked and applied
  // as RecordAttendance would, answered with its own status; valid rows
  // applied whatever the others do. Idempotent by request_id.
  absl::Status BatchRecordAttendance(
      const v1::BatchRecordAttendanceRequest& req,
      v1::BatchRecordAttendanceResponse* resp);

 private:
  const UseCaseContext context_;
  RegistrationRepository& repository_;
  CourseRepository& courses_;

  // One row of BatchRecordAttendance inside its transaction: the recorded
  // registration, or why the row is refused (nothing of it written).
  absl::StatusOr<v1::Registration> ApplyAttendanceRow(
      db::Connection& conn, int64_t session_id, const v1::AttendanceRow& row,
      absl::Time now);
};

}  // namespace qpp::training
