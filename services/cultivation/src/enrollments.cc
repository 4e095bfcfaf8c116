#include "services/cultivation/src/enrollments.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/cultivation/src/applications.h"

namespace qpp::cultivation {

Enrollments::Enrollments(const UseCaseContext& context,
                         EnrollmentRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Enrollments::GetEnrollment(const v1::GetEnrollmentRequest& req,
                                        v1::Enrollment* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseEnrollmentName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, id, resp);
}

absl::Status Enrollments::Load(db::Connection& conn, int64_t id,
                               v1::Enrollment* resp) {
  QPP_ASSIGN_OR_RETURN(auto stored, repository_.GetEnrollment(conn, id, false));
  if (!stored.has_value()) return status::NotFound(EnrollmentName(id));
  QPP_ASSIGN_OR_RETURN(auto milestones, repository_.ListMilestones(conn, {id}));
  *resp = ToEnrollment(*stored, milestones[id]);
  return absl::OkStatus();
}

absl::Status Enrollments::ListEnrollments(const v1::ListEnrollmentsRequest& req,
                                          v1::ListEnrollmentsResponse* resp) {
  EnrollmentFilter filter;
  if (!req.organization().empty()) {
    QPP_ASSIGN_OR_RETURN(
        filter.organization_uscc,
        resource::ParseOrganizationName(req.organization(), "organization"));
  }
  if (!v1::EnrollmentOutcome_IsValid(req.outcome())) {
    return status::InvalidField("outcome", "is not a known outcome");
  }
  if (!v1::Track_IsValid(req.track())) {
    return status::InvalidField("track", "is not a known track");
  }
  filter.outcome = req.outcome();
  filter.track = req.track();
  std::map<int64_t, std::vector<MilestoneRecord>> milestones;
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<EnrollmentRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(
                std::vector<EnrollmentRecord> rows,
                repository_.ListEnrollments(*conn, filter, after_id, limit));
            std::vector<int64_t> ids;
            for (const EnrollmentRecord& r : rows) ids.push_back(r.id);
            QPP_ASSIGN_OR_RETURN(milestones,
                                 repository_.ListMilestones(*conn, ids));
            return rows;
          },
          [](const EnrollmentRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const EnrollmentRecord& r : page.rows) {
    *resp->add_enrollments() = ToEnrollment(r, milestones[r.id]);
  }
  return absl::OkStatus();
}

namespace {

// The day and the optional expert of a milestone request; violations in
// `errors`.
struct MilestoneInput {
  absl::CivilDay day;
  int64_t expert_id = 0;
};

MilestoneInput ReadMilestoneInput(const qpp::type::v1::Date& date,
                                  const std::string& expert,
                                  const std::string& report,
                                  status::FieldErrors& errors) {
  MilestoneInput in;
  const std::optional<absl::CivilDay> day = dates::ToCivilDay(date);
  if (!day.has_value()) {
    errors.Add("completion_date", "must be a valid date");
  } else {
    in.day = *day;
  }
  if (!expert.empty()) {
    absl::StatusOr<int64_t> id = ParseExpertName(expert, "expert");
    if (!id.ok()) {
      errors.Add("expert", "must be experts/{expert} with a numeric id");
    } else {
      in.expert_id = *id;
    }
  }
  validation::CheckText("report_reference", report, 1, 200, errors);
  return in;
}

}  // namespace

absl::StatusOr<std::pair<EnrollmentRecord, std::vector<MilestoneRecord>>>
Enrollments::Peek(int64_t id, absl::string_view name) {
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetEnrollment(*conn, id, false));
  if (!stored.has_value()) return status::NotFound(name);
  QPP_ASSIGN_OR_RETURN(auto milestones,
                       repository_.ListMilestones(*conn, {id}));
  return std::make_pair(*stored, milestones[id]);
}

absl::Status Enrollments::Record(const MilestoneRecord& m,
                                 const std::optional<EnrollmentRecord>& finish,
                                 absl::string_view request_id,
                                 const google::protobuf::Message& req,
                                 v1::Enrollment* resp) {
  return db::RunIdempotent(
      context_.pool, request_id, req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto locked, repository_.GetEnrollment(
                                              conn, m.enrollment_id, true));
        if (!locked.has_value()) {
          return status::NotFound(EnrollmentName(m.enrollment_id));
        }
        QPP_RETURN_IF_ERROR(CheckActive(*locked));
        QPP_ASSIGN_OR_RETURN(auto milestones, repository_.ListMilestones(
                                                  conn, {m.enrollment_id}));
        QPP_RETURN_IF_ERROR(
            CheckNextMilestone(milestones[m.enrollment_id], m.kind));
        QPP_RETURN_IF_ERROR(repository_.InsertMilestone(conn, m));
        if (finish.has_value()) {
          QPP_ASSIGN_OR_RETURN(bool written, repository_.UpdateEnrollment(
                                                 conn, *finish, locked->version,
                                                 m.complete_time));
          if (!written) return status::ConcurrentUpdate("the enrolment");
        }
        return Load(conn, m.enrollment_id, resp);
      });
}

absl::Status Enrollments::CompleteMilestone(
    const RequestContext& call, const v1::CompleteMilestoneRequest& req,
    v1::Enrollment* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseEnrollmentName(req.name(), "name"));
  status::FieldErrors errors;
  if (req.kind() < v1::MILESTONE_KIND_INITIAL_DIAGNOSIS ||
      req.kind() > v1::MILESTONE_KIND_SOLUTION) {
    errors.Add("kind",
               "must be one of the first four milestones; record the "
               "acceptance with RecordAcceptance");
  }
  const MilestoneInput in = ReadMilestoneInput(
      req.completion_date(), req.expert(), req.report_reference(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  QPP_ASSIGN_OR_RETURN(auto current, Peek(id, req.name()));
  const EnrollmentRecord& enrollment = current.first;
  QPP_RETURN_IF_ERROR(CheckActive(enrollment));
  QPP_RETURN_IF_ERROR(CheckNextMilestone(current.second, req.kind()));
  QPP_RETURN_IF_ERROR(
      CheckCompletionDay(enrollment, in.day, dates::Today(now)));
  if (req.kind() == v1::MILESTONE_KIND_KEY_STAFF_TRAINING) {
    // Asked before the transaction: training that is down leaves nothing
    // written.
    QPP_ASSIGN_OR_RETURN(int attended, context_.training.CountAttendedStaff(
                                           call, enrollment.organization_uscc,
                                           enrollment.term_start, in.day));
    QPP_RETURN_IF_ERROR(CheckStaffTrained(attended,
                                          context_.options.min_trained_staff,
                                          enrollment.term_start, in.day));
  }
  MilestoneRecord m{id,
                    req.kind(),
                    in.day,
                    in.expert_id,
                    req.report_reference(),
                    call.principal().actor(),
                    now};
  return Record(m, std::nullopt, req.request_id(), req, resp);
}

absl::Status Enrollments::RecordAcceptance(
    const RequestContext& call, const v1::RecordAcceptanceRequest& req,
    v1::Enrollment* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseEnrollmentName(req.name(), "name"));
  status::FieldErrors errors;
  if (!(req.score() >= 0 && req.score() <= 100)) {
    errors.Add("score", "must be 0..100");
  }
  const MilestoneInput in = ReadMilestoneInput(
      req.completion_date(), req.expert(), req.report_reference(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  QPP_ASSIGN_OR_RETURN(auto current, Peek(id, req.name()));
  const EnrollmentRecord& enrollment = current.first;
  QPP_RETURN_IF_ERROR(CheckActive(enrollment));
  QPP_RETURN_IF_ERROR(
      CheckNextMilestone(current.second, v1::MILESTONE_KIND_ACCEPTANCE));
  QPP_RETURN_IF_ERROR(
      CheckCompletionDay(enrollment, in.day, dates::Today(now)));
  if (req.passed()) {
    // The registry first: the 1000 and the phase targets count adopted
    // enterprises. The request id names the enrolment, so a retry replays.
    QPP_RETURN_IF_ERROR(context_.registry.SetAdopted(
        call, enrollment.organization_uscc, in.day,
        absl::StrCat("cultivation-enrollment-", id, "-accepted"),
        absl::StrCat("enrollments/", id,
                     " passed its end-of-term acceptance with ",
                     absl::StrFormat("%.1f", req.score()))));
  }
  EnrollmentRecord finished = enrollment;
  finished.outcome = req.passed() ? v1::ENROLLMENT_OUTCOME_ACCEPTED
                                  : v1::ENROLLMENT_OUTCOME_FAILED;
  finished.acceptance_score = req.score();
  finished.outcome_reason = absl::StrCat(
      req.passed() ? "passed" : "failed", " the end-of-term acceptance (",
      absl::StrFormat("%.1f", req.score()), "), report ",
      Clip(req.report_reference(), 200));
  MilestoneRecord m{
      id,           v1::MILESTONE_KIND_ACCEPTANCE, in.day,
      in.expert_id, req.report_reference(),        call.principal().actor(),
      now};
  return Record(m, finished, req.request_id(), req, resp);
}

absl::Status Enrollments::WithdrawEnrollment(
    const RequestContext& call, const v1::WithdrawEnrollmentRequest& req,
    v1::Enrollment* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseEnrollmentName(req.name(), "name"));
  status::FieldErrors errors;
  ValidateReason(req.reason(), true, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto locked,
                             repository_.GetEnrollment(conn, id, true));
        if (!locked.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckActive(*locked));
        EnrollmentRecord ended = *locked;
        ended.outcome = v1::ENROLLMENT_OUTCOME_WITHDRAWN;
        ended.outcome_reason = Clip(
            absl::StrCat(req.reason(), " (", call.principal().actor(), ")"),
            500);
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateEnrollment(conn, ended, locked->version, now));
        if (!written) return status::ConcurrentUpdate("the enrolment");
        return Load(conn, id, resp);
      });
}

absl::StatusOr<int> Enrollments::ExpireOverdueEnrollments() {
  const absl::Time now = context_.clock();
  const absl::CivilDay today = dates::Today(now);
  EnrollmentFilter overdue;
  overdue.outcome = v1::ENROLLMENT_OUTCOME_ACTIVE;
  overdue.term_ended_before = today;
  int expired = 0;
  int64_t after_id = 0;
  for (;;) {
    std::vector<EnrollmentRecord> page;
    {
      QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
      QPP_ASSIGN_OR_RETURN(
          page, repository_.ListEnrollments(*conn, overdue, after_id, 100));
    }
    for (const EnrollmentRecord& candidate : page) {
      after_id = candidate.id;
      bool changed = false;
      QPP_RETURN_IF_ERROR(db::WithTransaction(
          context_.pool, [&](db::Connection& conn) -> absl::Status {
            changed = false;
            QPP_ASSIGN_OR_RETURN(auto locked, repository_.GetEnrollment(
                                                  conn, candidate.id, true));
            if (!locked.has_value()) return absl::OkStatus();
            // Read again under the lock: an acceptance or a withdrawal
            // that came first stands.
            const std::optional<EnrollmentRecord> ended =
                ExpireIfOverdue(*locked, today);
            if (!ended.has_value()) return absl::OkStatus();
            QPP_ASSIGN_OR_RETURN(bool written,
                                 repository_.UpdateEnrollment(
                                     conn, *ended, locked->version, now));
            if (!written) return status::ConcurrentUpdate("the enrolment");
            changed = true;
            return absl::OkStatus();
          }));
      if (changed) ++expired;
    }
    if (page.size() < 100) return expired;
  }
}

}  // namespace qpp::cultivation
