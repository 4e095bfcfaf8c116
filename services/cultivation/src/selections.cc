#include "services/cultivation/src/selections.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/cultivation/src/applications.h"
#include "services/cultivation/src/selection_rules.h"

namespace qpp::cultivation {
namespace {

// Applications read per query when a run reads the whole cohort.
constexpr int kBatch = 1000;

// "cohorts/{year}/selection" → year; INVALID_ARGUMENT otherwise.
absl::StatusOr<int32_t> ParseSelectionName(absl::string_view name) {
  constexpr absl::string_view kSuffix = "/selection";
  if (!absl::EndsWith(name, kSuffix)) {
    return status::InvalidField("name", "must be cohorts/{year}/selection");
  }
  name.remove_suffix(kSuffix.size());
  return ParseCohortName(name, "name");
}

// The order of a published list: selected, waitlisted, rejected.
int OutcomeOrder(v1::ApplicationStatus s) {
  switch (s) {
    case v1::APPLICATION_STATUS_SELECTED:
      return 0;
    case v1::APPLICATION_STATUS_WAITLISTED:
      return 1;
    default:
      return 2;
  }
}

}  // namespace

Selections::Selections(const UseCaseContext& context, SelectionStores stores)
    : context_(context), stores_(stores) {}

absl::StatusOr<std::vector<ApplicationRecord>> Selections::AllApplications(
    db::Connection& conn, int32_t year, bool for_update) {
  ApplicationFilter filter;
  filter.cohort_year = year;
  std::vector<ApplicationRecord> out;
  int64_t after = 0;
  while (true) {
    QPP_ASSIGN_OR_RETURN(std::vector<ApplicationRecord> batch,
                         stores_.applications.ListApplications(
                             conn, filter, after, kBatch, for_update));
    for (ApplicationRecord& a : batch) out.push_back(std::move(a));
    if (batch.size() < static_cast<size_t>(kBatch)) break;
    after = out.back().id;
  }
  return out;
}

absl::Status Selections::Load(db::Connection& conn, int32_t year,
                              v1::Selection* resp) {
  QPP_ASSIGN_OR_RETURN(auto summary,
                       stores_.selections.GetSelection(conn, year));
  if (!summary.has_value()) {
    return status::NotFound(absl::StrCat(CohortName(year), "/selection"));
  }
  QPP_ASSIGN_OR_RETURN(std::vector<ApplicationRecord> applications,
                       AllApplications(conn, year, false));
  std::vector<const ApplicationRecord*> decided;
  for (const ApplicationRecord& a : applications) {
    if (a.status == v1::APPLICATION_STATUS_SELECTED ||
        a.status == v1::APPLICATION_STATUS_WAITLISTED ||
        a.status == v1::APPLICATION_STATUS_REJECTED) {
      decided.push_back(&a);
    }
  }
  std::sort(decided.begin(), decided.end(),
            [](const ApplicationRecord* a, const ApplicationRecord* b) {
              const int oa = OutcomeOrder(a->status);
              const int ob = OutcomeOrder(b->status);
              if (oa != ob) return oa < ob;
              if (a->selection_rank != b->selection_rank) {
                return a->selection_rank < b->selection_rank;
              }
              return a->id < b->id;
            });
  resp->Clear();
  resp->set_name(absl::StrCat(CohortName(year), "/selection"));
  resp->set_capacity(summary->capacity);
  resp->set_library_cap(summary->library_cap);
  resp->set_library_active_before(summary->library_active_before);
  resp->set_selected_count(summary->selected_count);
  resp->set_waitlisted_count(summary->waitlisted_count);
  resp->set_rejected_count(summary->rejected_count);
  resp->set_run_by(summary->run_by);
  *resp->mutable_run_time() = dates::ToTimestamp(summary->run_time);
  for (const ApplicationRecord* a : decided) {
    v1::SelectionEntry* e = resp->add_entries();
    e->set_application(ApplicationName(year, a->id));
    e->set_organization(resource::OrganizationName(a->organization_uscc));
    e->set_rank(a->selection_rank);
    e->set_consensus_score(a->consensus_score);
    e->set_score_spread(a->score_spread);
    e->set_outcome(a->status);
    e->set_reason(a->status_reason);
  }
  return absl::OkStatus();
}

absl::Status Selections::RunSelection(const RequestContext& call,
                                      const v1::RunSelectionRequest& req,
                                      v1::Selection* resp) {
  QPP_ASSIGN_OR_RETURN(int32_t year, ParseCohortName(req.name(), "name"));
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The cohort's lock first: runs of one cohort go one at a time, and
        // a run that finds the selection published answers with it.
        QPP_ASSIGN_OR_RETURN(auto cohort,
                             stores_.cohorts.GetCohort(conn, year, true));
        if (!cohort.has_value()) return status::NotFound(req.name());
        if (cohort->selection_state == v1::SELECTION_STATE_PUBLISHED) {
          return Load(conn, year, resp);
        }
        QPP_RETURN_IF_ERROR(stores_.enrollments.LockLibrary(conn));
        QPP_ASSIGN_OR_RETURN(std::vector<std::string> enrolled,
                             stores_.enrollments.ActiveOrganizations(conn));
        QPP_ASSIGN_OR_RETURN(std::vector<ApplicationRecord> applications,
                             AllApplications(conn, year, true));
        SelectionBounds bounds;
        bounds.capacity = cohort->capacity;
        bounds.library_cap = cohort->library_cap;
        bounds.library_active = static_cast<int>(enrolled.size());
        bounds.min_reviews = cohort->min_reviews;
        const std::vector<SelectionDecision> decisions =
            Select(applications, enrolled, bounds);

        std::map<int64_t, const ApplicationRecord*> by_id;
        for (const ApplicationRecord& a : applications) by_id[a.id] = &a;
        SelectionRecord summary;
        summary.cohort_year = year;
        summary.capacity = cohort->capacity;
        summary.library_cap = cohort->library_cap;
        summary.library_active_before = bounds.library_active;
        summary.run_by = call.principal().actor();
        summary.run_time = now;
        const absl::CivilDay today = dates::Today(now);
        for (const SelectionDecision& d : decisions) {
          const ApplicationRecord& before = *by_id.at(d.application_id);
          ApplicationRecord after = before;
          after.status = d.outcome;
          after.status_reason = Clip(d.reason, 500);
          after.selection_rank = d.rank;
          QPP_ASSIGN_OR_RETURN(bool written,
                               stores_.applications.UpdateApplication(
                                   conn, after, before.version, now));
          if (!written) return status::ConcurrentUpdate("an application");
          QPP_RETURN_IF_ERROR(stores_.applications.InsertTransition(
              conn, {before.id, before.status, after.status,
                     after.status_reason, summary.run_by, now}));
          if (d.outcome == v1::APPLICATION_STATUS_SELECTED) {
            ++summary.selected_count;
            EnrollmentRecord e;
            e.organization_uscc = before.organization_uscc;
            e.organization_display_name = before.organization_display_name;
            e.track = v1::TRACK_EXCELLENCE_LAUNCH;
            e.cohort_year = year;
            e.application_id = before.id;
            e.term_start = today;
            e.term_end = TermEnd(today);
            e.outcome = v1::ENROLLMENT_OUTCOME_ACTIVE;
            QPP_RETURN_IF_ERROR(
                stores_.enrollments.InsertEnrollment(conn, e, now).status());
          } else if (d.outcome == v1::APPLICATION_STATUS_WAITLISTED) {
            ++summary.waitlisted_count;
          } else {
            ++summary.rejected_count;
          }
        }
        QPP_RETURN_IF_ERROR(stores_.selections.InsertSelection(conn, summary));
        CohortRecord published = *cohort;
        published.selection_state = v1::SELECTION_STATE_PUBLISHED;
        QPP_ASSIGN_OR_RETURN(
            bool written, stores_.cohorts.UpdateCohort(conn, published,
                                                       cohort->version, now));
        if (!written) return status::ConcurrentUpdate("the cohort");
        return Load(conn, year, resp);
      });
}

absl::Status Selections::GetSelection(const v1::GetSelectionRequest& req,
                                      v1::Selection* resp) {
  QPP_ASSIGN_OR_RETURN(int32_t year, ParseSelectionName(req.name()));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  return Load(*conn, year, resp);
}

absl::Status Selections::ReopenSelection(const RequestContext& call,
                                         const v1::ReopenSelectionRequest& req,
                                         v1::Cohort* resp) {
  QPP_ASSIGN_OR_RETURN(int32_t year, ParseCohortName(req.name(), "name"));
  status::FieldErrors errors;
  ValidateReason(req.reason(), true, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_RETURN_IF_ERROR(db::ValidateRequestId(req.request_id()));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto cohort,
                             stores_.cohorts.GetCohort(conn, year, true));
        if (!cohort.has_value()) return status::NotFound(req.name());
        if (cohort->selection_state != v1::SELECTION_STATE_PUBLISHED) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "SELECTION_NOT_PUBLISHED",
              absl::StrCat("the selection of ", req.name(),
                           " is not published, so it cannot be reopened"));
        }
        QPP_RETURN_IF_ERROR(stores_.enrollments.LockLibrary(conn));
        // The run's enrolments end: withdrawn, naming why.
        EnrollmentFilter filter;
        filter.cohort_year = year;
        filter.outcome = v1::ENROLLMENT_OUTCOME_ACTIVE;
        QPP_ASSIGN_OR_RETURN(
            std::vector<EnrollmentRecord> enrolled,
            stores_.enrollments.ListEnrollments(conn, filter, 0, 100000));
        for (const EnrollmentRecord& e : enrolled) {
          EnrollmentRecord ended = e;
          ended.outcome = v1::ENROLLMENT_OUTCOME_WITHDRAWN;
          ended.outcome_reason =
              Clip(absl::StrCat("selection reopened: ", req.reason()), 500);
          QPP_ASSIGN_OR_RETURN(bool written,
                               stores_.enrollments.UpdateEnrollment(
                                   conn, ended, e.version, now));
          if (!written) return status::ConcurrentUpdate("an enrolment");
        }
        // The applications return to where they were before the run.
        QPP_ASSIGN_OR_RETURN(std::vector<ApplicationRecord> applications,
                             AllApplications(conn, year, true));
        std::vector<int64_t> ids;
        for (const ApplicationRecord& a : applications) ids.push_back(a.id);
        QPP_ASSIGN_OR_RETURN(auto histories,
                             stores_.applications.ListHistories(conn, ids));
        for (const ApplicationRecord& a : applications) {
          if (OutcomeOrder(a.status) == 2 &&
              a.status != v1::APPLICATION_STATUS_REJECTED) {
            continue;
          }
          const auto& history = histories[a.id];
          if (history.empty()) continue;
          ApplicationRecord back = a;
          back.status = history.back().from_status;
          back.status_reason = "";
          back.selection_rank = 0;
          QPP_ASSIGN_OR_RETURN(bool written,
                               stores_.applications.UpdateApplication(
                                   conn, back, a.version, now));
          if (!written) return status::ConcurrentUpdate("an application");
          QPP_RETURN_IF_ERROR(stores_.applications.InsertTransition(
              conn,
              {a.id, a.status, back.status,
               Clip(absl::StrCat("selection reopened: ", req.reason()), 500),
               call.principal().actor(), now}));
        }
        QPP_RETURN_IF_ERROR(stores_.selections.DeleteSelection(conn, year));
        CohortRecord reopened = *cohort;
        reopened.selection_state = v1::SELECTION_STATE_OPEN;
        QPP_ASSIGN_OR_RETURN(
            bool written,
            stores_.cohorts.UpdateCohort(conn, reopened, cohort->version, now));
        if (!written) return status::ConcurrentUpdate("the cohort");
        QPP_ASSIGN_OR_RETURN(auto stored,
                             stores_.cohorts.GetCohort(conn, year, false));
        *resp = ToCohort(*stored);
        return absl::OkStatus();
      });
}

}  // namespace qpp::cultivation
