#include "services/cultivation/src/cohorts.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "services/cultivation/src/cohort_rules.h"

namespace qpp::cultivation {

Cohorts::Cohorts(const UseCaseContext& context, CohortRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Cohorts::CreateCohort(const v1::CreateCohortRequest& req,
                                   v1::Cohort* resp) {
  status::FieldErrors errors;
  const CohortRecord record = NewCohort(req.cohort(), context_.options, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
            repository_.InsertCohort(conn, record, now), "COHORT_EXISTS",
            absl::StrCat(CohortName(record.year), " exists already")));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetCohort(conn, record.year, false));
        *resp = ToCohort(*stored);
        return absl::OkStatus();
      });
}

absl::Status Cohorts::GetCohort(const v1::GetCohortRequest& req,
                                v1::Cohort* resp) {
  QPP_ASSIGN_OR_RETURN(int32_t year, ParseCohortName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto stored, repository_.GetCohort(*conn, year, false));
  if (!stored.has_value()) return status::NotFound(req.name());
  *resp = ToCohort(*stored);
  return absl::OkStatus();
}

absl::Status Cohorts::ListCohorts(const v1::ListCohortsRequest& req,
                                  v1::ListCohortsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<CohortRecord>> {
            int32_t before = 0;
            if (!after.empty() && !absl::SimpleAtoi(after, &before)) {
              return status::InvalidField("page_token",
                                          "is not a token of this list");
            }
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListCohorts(*conn, before, limit);
          },
          [](const CohortRecord& r) { return absl::StrCat(r.year); }));
  resp->set_next_page_token(page.next_page_token);
  for (const CohortRecord& r : page.rows) *resp->add_cohorts() = ToCohort(r);
  return absl::OkStatus();
}

absl::Status Cohorts::UpdateCohort(const v1::UpdateCohortRequest& req,
                                   v1::Cohort* resp) {
  const v1::Cohort& patch = req.cohort();
  QPP_ASSIGN_OR_RETURN(int32_t year,
                       ParseCohortName(patch.name(), "cohort.name"));
  QPP_ASSIGN_OR_RETURN(std::vector<std::string> paths,
                       CohortUpdatePaths(req.update_mask()));
  {
    // The values alone, before any I/O; the window is checked again
    // against the stored one below.
    status::FieldErrors errors;
    CohortRecord probe;
    probe.close_day = absl::CivilDay(9999, 12, 31);
    probe.open_day = absl::CivilDay(1, 1, 1);
    ApplyCohortUpdate(probe, patch, paths, errors);
    QPP_RETURN_IF_ERROR(errors.ToStatus());
  }
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_.GetCohort(conn, year, true));
        if (!found.has_value()) return status::NotFound(patch.name());
        QPP_RETURN_IF_ERROR(status::CheckEtag(
            patch.etag(), Etag(found->version), "the cohort"));
        QPP_RETURN_IF_ERROR(
            CheckSelectionOpen(*found, "its bounds cannot change"));
        status::FieldErrors errors;
        const CohortRecord updated =
            ApplyCohortUpdate(*found, patch, paths, errors);
        QPP_RETURN_IF_ERROR(errors.ToStatus());
        QPP_ASSIGN_OR_RETURN(
            bool written,
            repository_.UpdateCohort(conn, updated, found->version, now));
        if (!written) return status::ConcurrentUpdate("the cohort");
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetCohort(conn, year, false));
        *resp = ToCohort(*stored);
        return absl::OkStatus();
      });
}

}  // namespace qpp::cultivation
