#include "services/training/src/appointments.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/training/src/appointment_rules.h"
#include "services/training/src/certificate_rules.h"
#include "services/training/src/registry_client.h"

namespace qpp::training {
Appointments::Appointments(const UseCaseContext& context,
                           std::unique_ptr<AppointmentRepository> repository,
                           CertificateRepository& certificates)
    : context_(context),
      repository_(std::move(repository)),
      certificates_(certificates) {}

absl::Status Appointments::CreateAppointment(
    const RequestContext& call, const v1::CreateAppointmentRequest& req,
    v1::Appointment* resp) {
  QPP_ASSIGN_OR_RETURN(std::string uscc,
                       resource::ParseOrganizationName(req.parent(), "parent"));
  status::FieldErrors errors;
  ValidateAppointment(req.appointment(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const v1::Appointment& a = req.appointment();
  QPP_ASSIGN_OR_RETURN(
      std::string number,
      ParseCertificateName(a.certificate(), "appointment.certificate"));
  const absl::CivilDay start = *dates::ToCivilDay(a.start_date());
  // Asked before the transaction, as for sessions: a registry that is down
  // leaves nothing written.
  QPP_RETURN_IF_ERROR(
      RequireRegistered(context_.registry, call, uscc, "parent").status());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // Locked, so that a revocation cannot slip in between.
        QPP_ASSIGN_OR_RETURN(auto certificate,
                             certificates_.GetCertificate(conn, number, true));
        if (!certificate.has_value()) {
          return status::NotFound(a.certificate());
        }
        QPP_RETURN_IF_ERROR(
            CheckQualifies(*certificate, a.role(), start, dates::Today(now)));
        AppointmentRecord record;
        record.organization_uscc = uscc;
        record.role = a.role();
        record.certificate_id = certificate->id;
        record.trainee_id = certificate->trainee_id;
        record.start_date = start;
        if (a.has_end_date()) record.end_date = dates::ToCivilDay(a.end_date());
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_->InsertAppointment(conn, record, now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_->ListAppointments(conn, {}, 0, 1, id));
        if (stored.empty()) return absl::InternalError("appointment not read");
        *resp = ToAppointment(stored[0]);
        return absl::OkStatus();
      });
}

absl::Status Appointments::ListAppointments(
    const v1::ListAppointmentsRequest& req,
    v1::ListAppointmentsResponse* resp) {
  AppointmentFilter filter;
  QPP_ASSIGN_OR_RETURN(
      filter.organization_uscc,
      resource::ParseOrganizationParent(req.parent(), "parent"));
  if (!v1::Appointment::Role_IsValid(req.role())) {
    return status::InvalidField("role", "is not a known role");
  }
  filter.role = req.role();
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<AppointmentRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_->ListAppointments(*conn, filter, after_id,
                                                 limit);
          },
          [](const AppointmentRecord& r) { return absl::StrCat(r.id); }));
  resp->Clear();
  resp->set_next_page_token(page.next_page_token);
  for (const auto& r : page.rows) *resp->add_appointments() = ToAppointment(r);
  return absl::OkStatus();
}

}  // namespace qpp::training
