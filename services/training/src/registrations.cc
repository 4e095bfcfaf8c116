#include "services/training/src/registrations.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "services/training/src/registration_rules.h"
#include "services/training/src/session_rules.h"
#include "services/training/src/trainee_rules.h"

namespace qpp::training {
Registrations::Registrations(const UseCaseContext& context,
                             RegistrationRepository& repository,
                             CourseRepository& courses)
    : context_(context), repository_(repository), courses_(courses) {}

absl::Status Registrations::CreateRegistration(
    const v1::CreateRegistrationRequest& req, v1::Registration* resp) {
  status::FieldErrors errors;
  const auto session =
      ParseSessionName(req.registration().session(), "registration.session");
  if (!session.ok()) {
    errors.Add("registration.session",
               "must be courses/{course}/sessions/{session}");
  }
  const auto trainee =
      ParseTraineeName(req.registration().trainee(), "registration.trainee");
  if (!trainee.ok())
    errors.Add("registration.trainee", "must be trainees/{id}");
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The session's lock first: seats are counted one request at a time.
        QPP_ASSIGN_OR_RETURN(
            std::optional<int32_t> capacity,
            repository_.LockSession(conn, session->course_id, session->id));
        if (!capacity.has_value()) {
          return status::NotFound(req.registration().session());
        }
        QPP_ASSIGN_OR_RETURN(bool trainee_exists,
                             repository_.TraineeExists(conn, *trainee));
        if (!trainee_exists) {
          return status::NotFound(req.registration().trainee());
        }
        QPP_ASSIGN_OR_RETURN(
            bool active, repository_.HasActive(conn, session->id, *trainee));
        if (active) {
          return status::WithReason(absl::StatusCode::kAlreadyExists,
                                    "REGISTRATION_EXISTS",
                                    absl::StrCat(req.registration().trainee(),
                                                 " is already registered for ",
                                                 req.registration().session()));
        }
        QPP_ASSIGN_OR_RETURN(int64_t confirmed,
                             repository_.CountConfirmed(conn, session->id));
        RegistrationRecord record;
        record.course_id = session->course_id;
        record.session_id = session->id;
        record.trainee_id = *trainee;
        record.state = NewRegistrationState(confirmed, *capacity);
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_.InsertRegistration(conn, record, now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetRegistration(conn, id, false));
        *resp = ToRegistration(*stored);
        return absl::OkStatus();
      });
}

absl::Status Registrations::GetRegistration(
    const v1::GetRegistrationRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRegistrationName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_.GetRegistration(*conn, id, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = ToRegistration(*found);
  return absl::OkStatus();
}

absl::Status Registrations::ListRegistrations(
    const v1::ListRegistrationsRequest& req,
    v1::ListRegistrationsResponse* resp) {
  RegistrationFilter filter;
  if (!req.session().empty()) {
    QPP_ASSIGN_OR_RETURN(SessionKey key,
                         ParseSessionName(req.session(), "session"));
    filter.session_id = key.id;
  }
  if (!req.trainee().empty()) {
    QPP_ASSIGN_OR_RETURN(filter.trainee_id,
                         ParseTraineeName(req.trainee(), "trainee"));
  }
  if (!v1::Registration::State_IsValid(req.state())) {
    return status::InvalidField("state", "is not a known state");
  }
  filter.state = req.state();
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<RegistrationRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListRegistrations(*conn, filter, after_id,
                                                 limit);
          },
          [](const RegistrationRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const auto& r : page.rows)
    *resp->add_registrations() = ToRegistration(r);
  return absl::OkStatus();
}

absl::Status Registrations::CancelRegistration(
    const v1::CancelRegistrationRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRegistrationName(req.name(), "name"));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_.GetRegistration(conn, id, false));
        if (!found.has_value()) return status::NotFound(req.name());
        // The session's lock before the registration's, as on create.
        QPP_RETURN_IF_ERROR(
            repository_.LockSession(conn, found->course_id, found->session_id)
                .status());
        QPP_ASSIGN_OR_RETURN(found,
                             repository_.GetRegistration(conn, id, true));
        QPP_RETURN_IF_ERROR(CheckCancellable(*found));
        QPP_RETURN_IF_ERROR(repository_.SetState(
            conn, id, v1::Registration::STATE_CANCELLED, now));
        if (found->state == v1::Registration::STATE_CONFIRMED) {
          QPP_ASSIGN_OR_RETURN(
              std::optional<int64_t> next,
              repository_.FirstWaitlisted(conn, found->session_id));
          if (next.has_value()) {
            QPP_RETURN_IF_ERROR(repository_.SetState(
                conn, *next, v1::Registration::STATE_CONFIRMED, now));
          }
        }
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetRegistration(conn, id, false));
        *resp = ToRegistration(*stored);
        return absl::OkStatus();
      });
}

absl::Status Registrations::RecordAttendance(
    const v1::RecordAttendanceRequest& req, v1::Registration* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRegistrationName(req.name(), "name"));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_.GetRegistration(conn, id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_ASSIGN_OR_RETURN(auto course,
                             courses_.GetCourse(conn, found->course_id, false));
        const bool has_exam = course.has_value() && course->course.has_exam();
        QPP_RETURN_IF_ERROR(CheckAttendance(*found, has_exam, req.attended(),
                                            req.exam_result(),
                                            req.exam_score()));
        QPP_RETURN_IF_ERROR(repository_.SetAttendance(conn, id, req.attended(),
                                                      req.exam_result(),
                                                      req.exam_score(), now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetRegistration(conn, id, false));
        *resp = ToRegistration(*stored);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Registration> Registrations::ApplyAttendanceRow(
    db::Connection& conn, int64_t session_id, const v1::AttendanceRow& row,
    absl::Time now) {
  QPP_ASSIGN_OR_RETURN(
      int64_t id, ParseRegistrationName(row.registration(), "registration"));
  QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRegistration(conn, id, true));
  if (!found.has_value()) return status::NotFound(row.registration());
  QPP_RETURN_IF_ERROR(CheckSameSession(*found, session_id, row.registration()));
  QPP_ASSIGN_OR_RETURN(auto course,
                       courses_.GetCourse(conn, found->course_id, false));
  const bool has_exam = course.has_value() && course->course.has_exam();
  QPP_RETURN_IF_ERROR(CheckAttendance(*found, has_exam, row.attended(),
                                      row.exam_result(), row.exam_score()));
  QPP_RETURN_IF_ERROR(repository_.SetAttendance(
      conn, id, row.attended(), row.exam_result(), row.exam_score(), now));
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetRegistration(conn, id, false));
  return ToRegistration(*stored);
}

absl::Status Registrations::BatchRecordAttendance(
    const v1::BatchRecordAttendanceRequest& req,
    v1::BatchRecordAttendanceResponse* resp) {
  QPP_RETURN_IF_ERROR(CheckAttendanceUpload(req));
  QPP_ASSIGN_OR_RETURN(SessionKey session,
                       ParseSessionName(req.session(), "session"));
  const absl::Time now = context_.clock();
  // One transaction: a database failure leaves nothing half applied, while
  // a refused row only skips itself.
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        resp->Clear();
        QPP_ASSIGN_OR_RETURN(
            auto capacity,
            repository_.LockSession(conn, session.course_id, session.id));
        if (!capacity.has_value()) return status::NotFound(req.session());
        for (int i = 0; i < req.rows_size(); ++i) {
          v1::AttendanceRowResult* result = resp->add_results();
          result->set_index(i);
          absl::StatusOr<v1::Registration> applied =
              ApplyAttendanceRow(conn, session.id, req.rows(i), now);
          if (applied.ok()) {
            result->mutable_status();  // OK: code 0
            *result->mutable_registration() = *std::move(applied);
            resp->set_applied_count(resp->applied_count() + 1);
            continue;
          }
          // A failure of the database itself fails the whole upload.
          const absl::StatusCode code = applied.status().code();
          if (code == absl::StatusCode::kUnavailable ||
              code == absl::StatusCode::kAborted ||
              code == absl::StatusCode::kInternal) {
            return applied.status();
          }
          *result->mutable_status() = ToRpcStatus(applied.status());
          resp->set_failed_count(resp->failed_count() + 1);
        }
        return absl::OkStatus();
      });
}

}  // namespace qpp::training
