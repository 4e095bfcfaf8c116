#pragma once

// Use cases of enrolments ("enrollments/{enrollment}"): the enterprises in
// the key-enterprise library, created by a cohort's selection, each with
// its track, two-year term, the five milestones in order and its outcome.
// Rules: selection_rules.h.
//
// Dependencies are asked before the transaction: training for the
// key-staff training milestone, the registry for an accepted enterprise's
// adoption status. The registry's move comes first and is idempotent (a
// request id naming the enrolment, and "already adopted" taken as done),
// so a retry after a failed write repeats it harmlessly; a dependency that
// is down leaves nothing written here.
//
// Statuses: INVALID_ARGUMENT for bad input; NOT_FOUND; FAILED_PRECONDITION
// (ENROLLMENT_NOT_ACTIVE, MILESTONE_OUT_OF_ORDER, TOO_FEW_STAFF_TRAINED);
// UNAVAILABLE (REGISTRY_UNAVAILABLE, TRAINING_UNAVAILABLE); ABORTED for
// conflicts; UNAVAILABLE when the database is unreachable.

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "services/cultivation/src/cultivation_repository.h"
#include "services/cultivation/src/use_case_context.h"

namespace qpp::cultivation {

class Enrollments final {
 public:
  // The context and the repository must outlive this object.
  Enrollments(const UseCaseContext& context, EnrollmentRepository& repository);

  // One enrolment.
  absl::Status GetEnrollment(const v1::GetEnrollmentRequest& req,
                             v1::Enrollment* resp);
  // A page of enrolments by id.
  absl::Status ListEnrollments(const v1::ListEnrollmentsRequest& req,
                               v1::ListEnrollmentsResponse* resp);
  // Completes one of the first four milestones.
  absl::Status CompleteMilestone(const RequestContext& call,
                                 const v1::CompleteMilestoneRequest& req,
                                 v1::Enrollment* resp);
  // Records the end-of-term acceptance.
  absl::Status RecordAcceptance(const RequestContext& call,
                                const v1::RecordAcceptanceRequest& req,
                                v1::Enrollment* resp);
  // Withdraws an active enrolment.
  absl::Status WithdrawEnrollment(const RequestContext& call,
                                  const v1::WithdrawEnrollmentRequest& req,
                                  v1::Enrollment* resp);
  // Marks EXPIRED every active enrolment whose two-year term ended before
  // today (the clock's day, China time) without an outcome, each in a
  // transaction of its own under its row lock, with the reason and
  // funding's re-evaluation outbox written like any enrolment change.
  // Idempotent: an enrolment expired (or ended otherwise) meanwhile is
  // left alone. Returns how many it expired; UNAVAILABLE or ABORTED from
  // the database (those expired before the failure stay expired).
  absl::StatusOr<int> ExpireOverdueEnrollments();

 private:
  // The stored enrolment `id` with its milestones as the API shows it.
  absl::Status Load(db::Connection& conn, int64_t id, v1::Enrollment* resp);
  // The enrolment `id` and its completed milestones, read without locks,
  // for the checks made before calling a dependency.
  absl::StatusOr<std::pair<EnrollmentRecord, std::vector<MilestoneRecord>>>
  Peek(int64_t id, absl::string_view name);
  // Records milestone `m` on the locked enrolment after checking again that
  // it is active and `m` comes next; `finish` then changes the enrolment
  // (acceptance) or is empty.
  absl::Status Record(const MilestoneRecord& m,
                      const std::optional<EnrollmentRecord>& finish,
                      absl::string_view request_id,
                      const google::protobuf::Message& req,
                      v1::Enrollment* resp);
  const UseCaseContext context_;
  EnrollmentRepository& repository_;
};

}  // namespace qpp::cultivation
