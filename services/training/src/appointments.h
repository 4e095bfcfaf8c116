#pragma once

// Use cases of appointments ("organizations/{uscc}/appointments/{id}"): an
// organisation's appointment of a certified person as its chief quality
// officer (pilot enterprises) or to a key quality-engineer post, with its
// dates, listed per organisation. The organisation is checked with the
// registry; the certificate must qualify for the post. Rules:
// appointment_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input;
// NOT_FOUND for an unknown certificate; FAILED_PRECONDITION
// (ORGANIZATION_NOT_REGISTERED, CERTIFICATE_NOT_QUALIFYING); UNAVAILABLE
// (REGISTRY_UNAVAILABLE) when the registry cannot answer, and when the
// database is unreachable. Nothing is written on any error.

#include <memory>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

class Appointments final {
 public:
  // The context and the certificate repository must outlive this object.
  Appointments(const UseCaseContext& context,
               std::unique_ptr<AppointmentRepository> repository,
               CertificateRepository& certificates);

  // Records an appointment; idempotent by request_id.
  absl::Status CreateAppointment(const RequestContext& call,
                                 const v1::CreateAppointmentRequest& req,
                                 v1::Appointment* resp);
  // A page of an organisation's (or every organisation's) appointments.
  absl::Status ListAppointments(const v1::ListAppointmentsRequest& req,
                                v1::ListAppointmentsResponse* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<AppointmentRepository> repository_;
  CertificateRepository& certificates_;
};

}  // namespace qpp::training
