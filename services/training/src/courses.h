#pragma once

// Use cases of courses ("courses/{course}"): what is taught, for how many
// hours, with or without an exam, and which certificate it leads to. Rules:
// course_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND;
// FAILED_PRECONDITION (COURSE_HAS_SESSIONS) on deleting a course with
// sessions; ABORTED for etag mismatches and conflicts; UNAVAILABLE when the
// database is unreachable.

#include "absl/status/status.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"

namespace qpp::training {

class Courses final {
 public:
  // The context and the repository (shared with the session use cases,
  // which read courses) must outlive this object.
  Courses(const UseCaseContext& context, CourseRepository& repository);

  // Creates a course with a new id; idempotent by request_id.
  absl::Status CreateCourse(const v1::CreateCourseRequest& req,
                            v1::Course* resp);
  // The course of "courses/{course}".
  absl::Status GetCourse(const v1::GetCourseRequest& req, v1::Course* resp);
  // A page of courses by id.
  absl::Status ListCourses(const v1::ListCoursesRequest& req,
                           v1::ListCoursesResponse* resp);
  // Changes the fields of the update mask; the result must be a valid
  // course.
  absl::Status UpdateCourse(const v1::UpdateCourseRequest& req,
                            v1::Course* resp);
  // Deletes a course without sessions.
  absl::Status DeleteCourse(const v1::DeleteCourseRequest& req,
                            v1::DeleteCourseResponse* resp);

 private:
  const UseCaseContext context_;
  CourseRepository& repository_;
};

}  // namespace qpp::training
