#include "services/training/src/registration_rules.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "services/training/src/course_rules.h"
#include "services/training/src/session_rules.h"
#include "services/training/src/trainee_rules.h"

namespace qpp::training {

absl::Status CheckAttendanceUpload(
    const v1::BatchRecordAttendanceRequest& req) {
  status::FieldErrors errors;
  if (!ParseSessionName(req.session(), "session").ok()) {
    errors.Add("session", "is required: courses/{course}/sessions/{session}");
  }
  if (req.rows().empty()) {
    errors.Add("rows", "must hold at least one row");
  } else if (req.rows_size() > kMaxAttendanceRows) {
    errors.Add("rows", absl::StrCat("must hold at most ", kMaxAttendanceRows,
                                    " rows; split the upload"));
  }
  return errors.ToStatus();
}

absl::Status CheckSameSession(const RegistrationRecord& registration,
                              int64_t session_id, absl::string_view name) {
  if (registration.session_id == session_id) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "WRONG_SESSION",
      absl::StrCat(name, " is a registration of another session"));
}

google::rpc::Status ToRpcStatus(const absl::Status& s) {
  google::rpc::Status out;
  out.set_code(s.raw_code());
  out.set_message(std::string(s.message()));
  s.ForEachPayload([&](absl::string_view type_url, const absl::Cord& value) {
    if (!absl::StartsWith(type_url, "type.googleapis.com/")) return;
    google::protobuf::Any* any = out.add_details();
    any->set_type_url(std::string(type_url));
    any->set_value(std::string(value));
  });
  return out;
}

std::string RegistrationName(int64_t id) {
  return absl::StrCat("registrations/", id);
}

absl::StatusOr<int64_t> ParseRegistrationName(absl::string_view name,
                                              absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "registrations", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(std::string(field),
                                "must be registrations/{id} with a numeric id");
  }
  return *value;
}

v1::Registration::State NewRegistrationState(int64_t confirmed,
                                             int32_t capacity) {
  return confirmed < capacity ? v1::Registration::STATE_CONFIRMED
                              : v1::Registration::STATE_WAITLISTED;
}

absl::Status CheckCancellable(const RegistrationRecord& registration) {
  if (registration.state != v1::Registration::STATE_CANCELLED) {
    return absl::OkStatus();
  }
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "ALREADY_CANCELLED",
      absl::StrCat(RegistrationName(registration.id), " is already cancelled"));
}

absl::Status CheckAttendance(const RegistrationRecord& registration,
                             bool course_has_exam, bool attended,
                             v1::Registration::ExamResult result,
                             int32_t score) {
  status::FieldErrors errors;
  if (!v1::Registration::ExamResult_IsValid(result)) {
    errors.Add("exam_result", "is not a known exam result");
  } else if (result != v1::Registration::EXAM_RESULT_UNSPECIFIED) {
    if (!course_has_exam) {
      errors.Add("exam_result", "the course has no exam");
    } else if (!attended) {
      errors.Add("exam_result", "an exam result needs attended = true");
    }
  }
  if (score < 0 || score > 100) {
    errors.Add("exam_score", "must be 0..100");
  } else if (score != 0 &&
             result == v1::Registration::EXAM_RESULT_UNSPECIFIED) {
    errors.Add("exam_score", "a score needs an exam_result");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  if (registration.state != v1::Registration::STATE_CONFIRMED) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "NOT_CONFIRMED",
        absl::StrCat(RegistrationName(registration.id),
                     " is not confirmed; attendance is recorded only on "
                     "confirmed registrations"));
  }
  return absl::OkStatus();
}

v1::Registration ToRegistration(const RegistrationRecord& r) {
  v1::Registration out;
  out.set_name(RegistrationName(r.id));
  out.set_session(SessionName(r.course_id, r.session_id));
  out.set_trainee(TraineeName(r.trainee_id));
  out.set_state(r.state);
  out.set_waitlist_position(r.waitlist_position);
  out.set_attended(r.attended);
  out.set_exam_result(r.exam_result);
  out.set_exam_score(r.exam_score);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(absl::StrCat("\"", r.version, "\""));
  return out;
}

}  // namespace qpp::training
