#pragma once

// Rules of appointments to an organisation's quality posts: names, what a
// new appointment must carry, which certificate qualifies for which post.
// Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status/status.h"
#include "qpp/training/v1/resources.pb.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {

// "organizations/{uscc}/appointments/{id}".
std::string AppointmentName(absl::string_view uscc, int64_t id);

// Validates a new appointment (paths prefixed "appointment."): a role, a
// certificate name `certificates/{number}`, a valid start_date and, if
// set, a valid end_date not before it. Records violations in `errors`.
void ValidateAppointment(const v1::Appointment& appointment,
                         status::FieldErrors& errors);

// The certificate type a post needs.
v1::CertificateType QualifyingType(v1::Appointment::Role role);

// OK if `certificate` qualifies its holder for `role` from `start`: of the
// post's type, valid `today`, issued on or before `start` and not expired
// by then. FAILED_PRECONDITION (CERTIFICATE_NOT_QUALIFYING) saying why
// otherwise.
absl::Status CheckQualifies(const CertificateRecord& certificate,
                            v1::Appointment::Role role, absl::CivilDay start,
                            absl::CivilDay today);

// The appointment as the API shows it (appointee name masked).
v1::Appointment ToAppointment(const AppointmentRecord& record);

}  // namespace qpp::training
