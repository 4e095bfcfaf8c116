#include "services/cultivation/src/enrollments.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"

namespace qpp::cultivation {

Enrollments::Enrollments(const UseCaseContext& context,
                         EnrollmentRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Enrollments::GetEnrollment(const v1::GetEnrollmentRequest& req,
                                        v1::Enrollment* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseEnrollmentName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetEnrollment(*conn, id, false));
  if (!stored.has_value()) return status::NotFound(req.name());
  *resp = ToEnrollment(*stored);
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
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<EnrollmentRecord>> {
            int64_t after_id = 0;
            if (!after.empty() &&
                (!absl::SimpleAtoi(after, &after_id) || after_id < 0)) {
              return status::InvalidField("page_token",
                                          "is not a token of this list");
            }
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListEnrollments(*conn, filter, after_id, limit);
          },
          [](const EnrollmentRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const EnrollmentRecord& r : page.rows) {
    *resp->add_enrollments() = ToEnrollment(r);
  }
  return absl::OkStatus();
}

}  // namespace qpp::cultivation
