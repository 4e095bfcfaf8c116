#include "services/demobase/src/registrations.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/demobase/src/registration_rules.h"

namespace qpp::demobase {
namespace {

// What a sealed contact value is bound to: the kind of value and the event,
// so that a ciphertext copied to another event or column does not open.
std::string SealContext(absl::string_view what, int64_t event_id) {
  return absl::StrCat("demobase.registrations.", what, ":", event_id);
}

absl::Status KeyringError() {
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "KEYRING",
      "the contact cannot be protected: the data keyring is not usable");
}

}  // namespace

Registrations::Registrations(const UseCaseContext& context,
                             RegistrationRepository& repository,
                             EventRepository& events)
    : context_(context), repository_(repository), events_(events) {}

absl::StatusOr<v1::Registration> Registrations::Show(
    const RegistrationRecord& r) const {
  QPP_ASSIGN_OR_RETURN(
      std::string name,
      context_.cipher.Decrypt(r.contact_name_sealed,
                              SealContext("contact_name", r.event_id)));
  QPP_ASSIGN_OR_RETURN(
      std::string phone,
      context_.cipher.Decrypt(r.contact_phone_sealed,
                              SealContext("contact_phone", r.event_id)));
  return ToRegistration(r, name, phone);
}

absl::Status Registrations::Load(db::Connection& conn,
                                 const RegistrationKey& key,
                                 v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRegistration(
                                       conn, key.event.id, key.id, false));
  if (!found.has_value() || found->base_id != key.event.base_id) {
    return status::NotFound(
        RegistrationName(key.event.base_id, key.event.id, key.id));
  }
  QPP_ASSIGN_OR_RETURN(*resp, Show(*found));
  return absl::OkStatus();
}

absl::Status Registrations::CreateRegistration(
    const v1::CreateRegistrationRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(EventKey event, ParseEventName(req.parent(), "parent"));
  const v1::Registration& in = req.registration();
  status::FieldErrors errors;
  ValidateNewRegistration(in, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  RegistrationRecord record;
  record.base_id = event.base_id;
  record.event_id = event.id;
  record.visitor_kind = in.visitor_kind();
  if (in.visitor_kind() == v1::VISITOR_KIND_GROUP) {
    record.organization_uscc = *resource::ParseOrganizationName(
        in.organization(), "registration.organization");
  }
  record.headcount = in.headcount();
  record.state = v1::REGISTRATION_STATE_CONFIRMED;
  absl::StatusOr<std::string> name = context_.cipher.Encrypt(
      in.contact_name(), SealContext("contact_name", event.id));
  absl::StatusOr<std::string> phone = context_.cipher.Encrypt(
      in.contact_phone(), SealContext("contact_phone", event.id));
  if (!name.ok() || !phone.ok()) return KeyringError();
  record.contact_name_sealed = *std::move(name);
  record.contact_phone_sealed = *std::move(phone);
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The event's lock first: seats are counted one request at a time.
        QPP_ASSIGN_OR_RETURN(
            auto found, events_.GetEvent(conn, event.base_id, event.id, true));
        if (!found.has_value()) return status::NotFound(req.parent());
        QPP_RETURN_IF_ERROR(CheckScheduled(*found));
        QPP_RETURN_IF_ERROR(CheckNotStarted(*found, now));
        QPP_RETURN_IF_ERROR(CheckSeats(*found, record.headcount));
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_.InsertRegistration(conn, record, now));
        QPP_RETURN_IF_ERROR(repository_.AddConfirmedHeadcount(
            conn, event.id, record.headcount, now));
        return Load(conn, {event, id}, resp);
      });
}

absl::Status Registrations::GetRegistration(
    const v1::GetRegistrationRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(RegistrationKey key,
                       ParseRegistrationName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, key, resp);
}

absl::Status Registrations::ListRegistrations(
    const v1::ListRegistrationsRequest& req,
    v1::ListRegistrationsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(EventKey event, ParseEventName(req.parent(), "parent"));
  if (!v1::RegistrationState_IsValid(req.state())) {
    return status::InvalidField("state", "is not a known state");
  }
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<RegistrationRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(
                auto found,
                events_.GetEvent(*conn, event.base_id, event.id, false));
            if (!found.has_value()) return status::NotFound(req.parent());
            return repository_.ListRegistrations(*conn, event.id, req.state(),
                                                 after_id, limit);
          },
          [](const RegistrationRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const RegistrationRecord& r : page.rows) {
    QPP_ASSIGN_OR_RETURN(*resp->add_registrations(), Show(r));
  }
  return absl::OkStatus();
}

absl::Status Registrations::CancelRegistration(
    const v1::CancelRegistrationRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(RegistrationKey key,
                       ParseRegistrationName(req.name(), "name"));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The event's lock before the registration's, as on create.
        QPP_ASSIGN_OR_RETURN(
            auto event,
            events_.GetEvent(conn, key.event.base_id, key.event.id, true));
        if (!event.has_value()) return status::NotFound(req.name());
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRegistration(
                                             conn, key.event.id, key.id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckCancellable(*found));
        QPP_RETURN_IF_ERROR(CheckNotStarted(*event, now));
        QPP_RETURN_IF_ERROR(repository_.SetState(
            conn, key.id, v1::REGISTRATION_STATE_CANCELLED, now));
        QPP_RETURN_IF_ERROR(repository_.AddConfirmedHeadcount(
            conn, key.event.id, -found->headcount, now));
        return Load(conn, key, resp);
      });
}

absl::Status Registrations::RecordAttendance(
    const v1::RecordAttendanceRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(RegistrationKey key,
                       ParseRegistrationName(req.name(), "name"));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            auto event,
            events_.GetEvent(conn, key.event.base_id, key.event.id, false));
        if (!event.has_value()) return status::NotFound(req.name());
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRegistration(
                                             conn, key.event.id, key.id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckAttendance(*found, req.attended(),
                                            req.feedback_score(),
                                            req.feedback_comment()));
        if (event->state == v1::EVENT_STATE_CANCELLED) {
          return CheckScheduled(*event);
        }
        QPP_RETURN_IF_ERROR(CheckStarted(*event, now));
        QPP_RETURN_IF_ERROR(repository_.SetAttendance(
            conn, key.id, req.attended(), req.feedback_score(),
            req.feedback_comment(), now));
        return Load(conn, key, resp);
      });
}

}  // namespace qpp::demobase
