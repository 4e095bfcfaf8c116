#pragma once

// Use cases of registrations
// ("demonstrationBases/{base}/events/{event}/registrations/{registration}"):
// a visiting group's or a person's seats at an event, cancellation, and
// attendance with feedback. The contact's name and phone are sealed
// (AES-256-GCM, bound to the event) before they are stored and returned
// only masked; no status message carries them. Rules:
// registration_rules.h.
//
// Capacity: every change to an event's seats locks the event's row first,
// so the sum of confirmed headcounts never exceeds the capacity however
// many requests arrive at once.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (also a
// headcount above the capacity); NOT_FOUND (also for a missing event);
// FAILED_PRECONDITION (EVENT_NOT_SCHEDULED, EVENT_STARTED,
// EVENT_NOT_STARTED, NOT_ENOUGH_SEATS, ALREADY_CANCELLED, NOT_CONFIRMED,
// KEYRING); DATA_LOSS for a stored contact that does not open; ABORTED for
// conflicts; UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

class Registrations final {
 public:
  // The context and both repositories must outlive this object.
  Registrations(const UseCaseContext& context,
                RegistrationRepository& repository, EventRepository& events);

  // Registers for a scheduled event that has not started; idempotent by
  // request_id.
  absl::Status CreateRegistration(const v1::CreateRegistrationRequest& req,
                                  v1::Registration* resp);
  // One registration, masked.
  absl::Status GetRegistration(const v1::GetRegistrationRequest& req,
                               v1::Registration* resp);
  // A page of an event's registrations by id, masked.
  absl::Status ListRegistrations(const v1::ListRegistrationsRequest& req,
                                 v1::ListRegistrationsResponse* resp);
  // Cancels before the event starts; the seats are free again at once.
  absl::Status CancelRegistration(const v1::CancelRegistrationRequest& req,
                                  v1::Registration* resp);
  // Records attendance and feedback once the event has started.
  absl::Status RecordAttendance(const v1::RecordAttendanceRequest& req,
                                v1::Registration* resp);

 private:
  // The record as the API shows it: the contact opened and masked.
  absl::StatusOr<v1::Registration> Show(const RegistrationRecord& r) const;
  // The stored registration `key` as the API shows it.
  absl::Status Load(db::Connection& conn, const RegistrationKey& key,
                    v1::Registration* resp);

  const UseCaseContext context_;
  RegistrationRepository& repository_;
  EventRepository& events_;
};

}  // namespace qpp::demobase
