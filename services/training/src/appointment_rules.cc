#include "services/training/src/appointment_rules.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"
#include "services/training/src/certificate_rules.h"
#include "services/training/src/trainee_rules.h"

namespace qpp::training {

std::string AppointmentName(absl::string_view uscc, int64_t id) {
  return absl::StrCat(resource::OrganizationName(uscc), "/appointments/", id);
}

void ValidateAppointment(const v1::Appointment& a,
                         status::FieldErrors& errors) {
  if (a.role() == v1::Appointment::ROLE_UNSPECIFIED ||
      !v1::Appointment::Role_IsValid(a.role())) {
    errors.Add("appointment.role",
               "is required: ROLE_CHIEF_QUALITY_OFFICER or "
               "ROLE_QUALITY_ENGINEER");
  }
  if (!ParseCertificateName(a.certificate(), "appointment.certificate").ok()) {
    errors.Add("appointment.certificate",
               "is required: certificates/{number} of the appointee's "
               "certificate");
  }
  const auto start = dates::ToCivilDay(a.start_date());
  if (!start.has_value()) {
    errors.Add("appointment.start_date", "is required: a valid date");
  }
  if (a.has_end_date()) {
    const auto end = dates::ToCivilDay(a.end_date());
    if (!end.has_value()) {
      errors.Add("appointment.end_date", "must be a valid date when set");
    } else if (start.has_value() && *end < *start) {
      errors.Add("appointment.end_date", "must not be before start_date");
    }
  }
}

v1::CertificateType QualifyingType(v1::Appointment::Role role) {
  switch (role) {
    case v1::Appointment::ROLE_CHIEF_QUALITY_OFFICER:
      return v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER;
    case v1::Appointment::ROLE_QUALITY_ENGINEER:
      return v1::CERTIFICATE_TYPE_QUALITY_ENGINEER;
    default:
      return v1::CERTIFICATE_TYPE_UNSPECIFIED;
  }
}

absl::Status CheckQualifies(const CertificateRecord& c,
                            v1::Appointment::Role role, absl::CivilDay start,
                            absl::CivilDay today) {
  const auto refuse = [&](absl::string_view why) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "CERTIFICATE_NOT_QUALIFYING",
        absl::StrCat("certificates/", c.number, " does not qualify for ",
                     v1::Appointment::Role_Name(role), ": ", why));
  };
  const v1::CertificateType needed = QualifyingType(role);
  if (c.type != needed) {
    return refuse(absl::StrCat("it is a ", v1::CertificateType_Name(c.type),
                               ", the post needs a ",
                               v1::CertificateType_Name(needed)));
  }
  switch (CertificateState(c, today)) {
    case v1::Certificate::STATE_REVOKED:
      return refuse("it is revoked");
    case v1::Certificate::STATE_EXPIRED:
      return refuse("it has expired");
    default:
      break;
  }
  if (start < c.issue_date || start > c.expiry_date) {
    return refuse("it is not valid on the start date");
  }
  return absl::OkStatus();
}

v1::Appointment ToAppointment(const AppointmentRecord& r) {
  v1::Appointment out;
  out.set_name(AppointmentName(r.organization_uscc, r.id));
  out.set_role(r.role);
  out.set_certificate(absl::StrCat("certificates/", r.certificate_number));
  out.set_appointee(TraineeName(r.trainee_id));
  out.set_masked_appointee_name(validation::MaskName(r.appointee_name));
  *out.mutable_start_date() = dates::ToDate(r.start_date);
  if (r.end_date.has_value())
    *out.mutable_end_date() = dates::ToDate(*r.end_date);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  return out;
}

}  // namespace qpp::training
