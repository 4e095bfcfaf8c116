#include "services/training/src/courses.h"

#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "services/training/src/course_rules.h"

namespace qpp::training {
Courses::Courses(const UseCaseContext& context, CourseRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Courses::CreateCourse(const v1::CreateCourseRequest& req,
                                   v1::Course* resp) {
  status::FieldErrors errors;
  ValidateCourse(req.course(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(int64_t id,
                             repository_.InsertCourse(conn, req.course(), now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetCourse(conn, id, false));
        *resp = std::move(stored->course);
        return absl::OkStatus();
      });
}

absl::Status Courses::GetCourse(const v1::GetCourseRequest& req,
                                v1::Course* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseCourseName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found, repository_.GetCourse(*conn, id, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = std::move(found->course);
  return absl::OkStatus();
}

absl::Status Courses::ListCourses(const v1::ListCoursesRequest& req,
                                  v1::ListCoursesResponse* resp) {
  if (!v1::CourseKind_IsValid(req.kind())) {
    return status::InvalidField("kind", "is not a known course kind");
  }
  const CourseFilter filter{req.kind()};
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<v1::Course>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListCourses(*conn, filter, after_id, limit);
          },
          [](const v1::Course& c) {
            return c.name().substr(c.name().rfind('/') + 1);
          }));
  resp->set_next_page_token(page.next_page_token);
  for (auto& c : page.rows) *resp->add_courses() = std::move(c);
  return absl::OkStatus();
}

absl::Status Courses::UpdateCourse(const v1::UpdateCourseRequest& req,
                                   v1::Course* resp) {
  const v1::Course& patch = req.course();
  QPP_ASSIGN_OR_RETURN(int64_t id,
                       ParseCourseName(patch.name(), "course.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       CourseUpdatePaths(req.update_mask()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetCourse(conn, id, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), found->course.etag(), "the course"));
        const v1::Course updated =
            ApplyCourseUpdate(found->course, patch, paths);
        status::FieldErrors errors;
        ValidateCourse(updated, errors);
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateCourse(conn, id, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the course");
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetCourse(conn, id, false));
        *resp = std::move(stored->course);
        return absl::OkStatus();
      });
}

absl::Status Courses::DeleteCourse(const v1::DeleteCourseRequest& req,
                                   v1::DeleteCourseResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseCourseName(req.name(), "name"));
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetCourse(conn, id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_ASSIGN_OR_RETURN(int64_t sessions,
                             repository_.CountSessions(conn, id));
        QPP_RETURN_IF_ERROR(CheckCourseDeletable(req.name(), sessions));
        QPP_ASSIGN_OR_RETURN(bool deleted, repository_.DeleteCourse(conn, id));
        return deleted ? absl::OkStatus() : status::NotFound(req.name());
      });
}

}  // namespace qpp::training
