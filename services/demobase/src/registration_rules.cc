#include "services/demobase/src/registration_rules.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/contact.h"
#include "common/validation/text.h"
#include "services/demobase/src/base_rules.h"

namespace qpp::demobase {

std::string RegistrationName(int64_t base_id, int64_t event_id, int64_t id) {
  return absl::StrCat(EventName(base_id, event_id), "/registrations/", id);
}

absl::StatusOr<RegistrationKey> ParseRegistrationName(absl::string_view name,
                                                      absl::string_view field) {
  const size_t slash = name.rfind("/registrations/");
  if (slash != absl::string_view::npos) {
    const absl::StatusOr<EventKey> event =
        ParseEventName(name.substr(0, slash), field);
    const std::optional<int64_t> id =
        ParseId(name.substr(slash + std::string("/registrations/").size()));
    if (event.ok() && id.has_value()) return RegistrationKey{*event, *id};
  }
  return status::InvalidField(
      std::string(field),
      "must be demonstrationBases/{base}/events/{event}/registrations/"
      "{registration} with numeric ids");
}

void ValidateNewRegistration(const v1::Registration& r,
                             status::FieldErrors& errors) {
  const bool group = r.visitor_kind() == v1::VISITOR_KIND_GROUP;
  const bool person = r.visitor_kind() == v1::VISITOR_KIND_PERSON;
  if (!group && !person) {
    errors.Add("registration.visitor_kind", "is required: GROUP or PERSON");
  }
  if (group && !resource::ParseOrganizationName(r.organization(),
                                                "registration.organization")
                    .ok()) {
    errors.Add("registration.organization",
               "a group needs its organisation, organizations/{uscc} with a "
               "valid USCC");
  }
  if (person && !r.organization().empty()) {
    errors.Add("registration.organization",
               "must be empty for a person; register a group instead");
  }
  if (group && r.headcount() < 1) {
    errors.Add("registration.headcount", "must be at least 1");
  }
  if (person && r.headcount() != 1) {
    errors.Add("registration.headcount", "must be 1 for a person");
  }
  validation::CheckText("registration.contact_name", r.contact_name(), 1, 50,
                        errors);
  if (!validation::IsValidPhone(r.contact_phone())) {
    errors.Add("registration.contact_phone",
               "is required: a mobile or landline number");
  }
}

absl::Status CheckSeats(const EventRecord& event, int32_t headcount) {
  if (headcount > event.capacity) {
    return status::InvalidField(
        "registration.headcount",
        absl::StrCat("exceeds the event's capacity of ", event.capacity));
  }
  const int32_t left = event.capacity - event.confirmed_headcount;
  if (headcount <= left) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "NOT_ENOUGH_SEATS",
      absl::StrCat(EventName(event.base_id, event.id), " has ", left,
                   " seats left, fewer than the ", headcount, " asked for"));
}

absl::Status CheckCancellable(const RegistrationRecord& r) {
  if (r.state != v1::REGISTRATION_STATE_CANCELLED) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "ALREADY_CANCELLED",
      absl::StrCat(RegistrationName(r.base_id, r.event_id, r.id),
                   " is already cancelled"));
}

absl::Status CheckAttendance(const RegistrationRecord& r, bool attended,
                             int32_t score, absl::string_view comment) {
  status::FieldErrors errors;
  if (score < 0 || score > kMaxFeedbackScore) {
    errors.Add("feedback_score", absl::StrCat("must be 1..", kMaxFeedbackScore,
                                              ", or 0 for none"));
  } else if (score != 0 && !attended) {
    errors.Add("feedback_score", "feedback needs attended = true");
  }
  if (validation::CheckText("feedback_comment", comment, 0, 500, errors) &&
      !comment.empty() && score == 0) {
    errors.Add("feedback_comment", "a comment needs a feedback_score");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  if (r.state == v1::REGISTRATION_STATE_CONFIRMED) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "NOT_CONFIRMED",
      absl::StrCat(RegistrationName(r.base_id, r.event_id, r.id),
                   " is not confirmed; attendance is recorded only on "
                   "confirmed registrations"));
}

v1::Registration ToRegistration(const RegistrationRecord& r,
                                absl::string_view contact_name,
                                absl::string_view contact_phone) {
  v1::Registration out;
  out.set_name(RegistrationName(r.base_id, r.event_id, r.id));
  out.set_visitor_kind(r.visitor_kind);
  if (!r.organization_uscc.empty()) {
    out.set_organization(resource::OrganizationName(r.organization_uscc));
  }
  out.set_masked_contact_name(validation::MaskName(contact_name));
  out.set_masked_contact_phone(validation::MaskPhone(contact_phone));
  out.set_headcount(r.headcount);
  out.set_state(r.state);
  out.set_attended(r.attended);
  out.set_feedback_score(r.feedback_score);
  out.set_feedback_comment(r.feedback_comment);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::demobase
