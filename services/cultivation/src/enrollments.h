#pragma once

// Use cases of enrolments ("enrollments/{enrollment}"): the enterprises in
// the key-enterprise library, created by a cohort's selection, each with
// its track, two-year term and outcome. Rules: selection_rules.h.
//
// Statuses: INVALID_ARGUMENT for bad input; NOT_FOUND; UNAVAILABLE when
// the database is unreachable.

#include "absl/status/status.h"
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

 private:
  const UseCaseContext context_;
  EnrollmentRepository& repository_;
};

}  // namespace qpp::cultivation
