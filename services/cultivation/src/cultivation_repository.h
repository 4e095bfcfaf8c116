#pragma once

// Storage of cultivation, one interface per resource. The MySQL/MariaDB
// implementations (mysql_<resource>_repository.cc) are the only code with
// SQL; they never throw and map SQL errors to statuses (duplicate key →
// ALREADY_EXISTS, deadlock or lock wait → ABORTED, lost connection →
// UNAVAILABLE, else INTERNAL) without SQL text. Every method runs on the
// connection (and so inside the transaction) it is given.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/cultivation/src/application_rules.h"
#include "services/cultivation/src/cohort_rules.h"
#include "services/cultivation/src/growth_plan_rules.h"
#include "services/cultivation/src/review_rules.h"
#include "services/cultivation/src/selection_rules.h"

namespace qpp::cultivation {

class CohortRepository {
 public:
  virtual ~CohortRepository() = default;
  // Inserts a cohort (times and version ignored). ALREADY_EXISTS if the
  // year has one.
  virtual absl::Status InsertCohort(db::Connection& conn,
                                    const CohortRecord& cohort,
                                    absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<CohortRecord>> GetCohort(
      db::Connection& conn, int32_t year, bool for_update) = 0;
  // Newest year first, before `before_year` (0 for the first page).
  virtual absl::StatusOr<std::vector<CohortRecord>> ListCohorts(
      db::Connection& conn, int32_t before_year, int limit) = 0;
  // Writes every mutable column if the stored version is
  // `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateCohort(db::Connection& conn,
                                            const CohortRecord& cohort,
                                            int64_t expected_version,
                                            absl::Time now) = 0;
};

// Which applications a list returns; unset fields do not filter.
struct ApplicationFilter {
  int32_t cohort_year = 0;
  v1::ApplicationStatus status = v1::APPLICATION_STATUS_UNSPECIFIED;
  std::string organization_uscc;
};

class ApplicationRepository {
 public:
  virtual ~ApplicationRepository() = default;
  // Inserts an application (id, times, version ignored); returns its id.
  // ALREADY_EXISTS if the organisation has a live application in the
  // cohort.
  virtual absl::StatusOr<int64_t> InsertApplication(
      db::Connection& conn, const ApplicationRecord& application,
      absl::Time now) = 0;
  // The application `id` of cohort `year`; locked until the transaction
  // ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<ApplicationRecord>> GetApplication(
      db::Connection& conn, int32_t year, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page); locked if
  // `for_update`.
  virtual absl::StatusOr<std::vector<ApplicationRecord>> ListApplications(
      db::Connection& conn, const ApplicationFilter& filter, int64_t after_id,
      int limit, bool for_update) = 0;
  // Writes status, reason, review figures and rank if the stored version is
  // `expected_version`; false if not. The live key follows the status.
  virtual absl::StatusOr<bool> UpdateApplication(
      db::Connection& conn, const ApplicationRecord& application,
      int64_t expected_version, absl::Time now) = 0;
  // Appends a transition to the application's history.
  virtual absl::Status InsertTransition(db::Connection& conn,
                                        const TransitionRecord& t) = 0;
  // The histories of the applications `ids`, each oldest first.
  virtual absl::StatusOr<std::map<int64_t, std::vector<TransitionRecord>>>
  ListHistories(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // Applications of `year` by status.
  virtual absl::StatusOr<std::map<v1::ApplicationStatus, int64_t>>
  CountByStatus(db::Connection& conn, int32_t year) = 0;
};

class ExpertRepository {
 public:
  virtual ~ExpertRepository() = default;
  // Inserts an expert (id, times, version ignored); returns its id.
  // ALREADY_EXISTS if the resident ID number's hash is in the pool.
  virtual absl::StatusOr<int64_t> InsertExpert(db::Connection& conn,
                                               const ExpertRecord& expert,
                                               absl::Time now) = 0;
  // Locked until the transaction ends if `for_update` (declarations and
  // assignments of the expert take this lock first); nullopt if none.
  virtual absl::StatusOr<std::optional<ExpertRecord>> GetExpert(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page).
  virtual absl::StatusOr<std::vector<ExpertRecord>> ListExperts(
      db::Connection& conn, int64_t after_id, int limit) = 0;
  // Records a conflict unless the expert declared that organisation
  // already (then the first declaration stays).
  virtual absl::Status InsertConflict(db::Connection& conn,
                                      const ConflictRecord& conflict) = 0;
  // The conflicts of the experts `ids`, each oldest first.
  virtual absl::StatusOr<std::map<int64_t, std::vector<ConflictRecord>>>
  ListConflicts(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // Bumps the expert's version and update time.
  virtual absl::Status Touch(db::Connection& conn, int64_t id,
                             absl::Time now) = 0;
};

class ReviewRepository {
 public:
  virtual ~ReviewRepository() = default;
  // Inserts an assigned review (id, scores, submit time ignored); returns
  // its id. ALREADY_EXISTS if the expert is assigned to the application.
  virtual absl::StatusOr<int64_t> InsertReview(db::Connection& conn,
                                               const ReviewRecord& review) = 0;
  // The review `id` of application `application_id`; locked if
  // `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<ReviewRecord>> GetReview(
      db::Connection& conn, int64_t application_id, int64_t id,
      bool for_update) = 0;
  // An application's reviews ordered by id, after `after_id`.
  virtual absl::StatusOr<std::vector<ReviewRecord>> ListReviews(
      db::Connection& conn, int64_t application_id, int64_t after_id,
      int limit) = 0;
  // Writes state, scores, total, comment and submit time.
  virtual absl::Status UpdateReview(db::Connection& conn,
                                    const ReviewRecord& review) = 0;
  // The totals of an application's submitted reviews.
  virtual absl::StatusOr<std::vector<double>> SubmittedTotals(
      db::Connection& conn, int64_t application_id) = 0;
};

// A published selection's summary as stored.
struct SelectionRecord {
  int32_t cohort_year = 0;
  int32_t capacity = 0;
  int32_t library_cap = 0;
  int32_t library_active_before = 0;
  int32_t selected_count = 0;
  int32_t waitlisted_count = 0;
  int32_t rejected_count = 0;
  std::string run_by;
  absl::Time run_time;
};

class SelectionRepository {
 public:
  virtual ~SelectionRepository() = default;
  // Inserts the summary. ALREADY_EXISTS if the cohort has one.
  virtual absl::Status InsertSelection(db::Connection& conn,
                                       const SelectionRecord& selection) = 0;
  // The cohort's summary; nullopt if it has not run.
  virtual absl::StatusOr<std::optional<SelectionRecord>> GetSelection(
      db::Connection& conn, int32_t year) = 0;
  // Deletes the cohort's summary (reopening).
  virtual absl::Status DeleteSelection(db::Connection& conn, int32_t year) = 0;
};

// Which enrolments a list returns; unset fields do not filter.
struct EnrollmentFilter {
  std::string organization_uscc;
  v1::EnrollmentOutcome outcome = v1::ENROLLMENT_OUTCOME_UNSPECIFIED;
  v1::Track track = v1::TRACK_UNSPECIFIED;
  // 0 for any cohort.
  int32_t cohort_year = 0;
  // Only enrolments whose term ended before this day, if set.
  std::optional<absl::CivilDay> term_ended_before;
};

class EnrollmentRepository {
 public:
  virtual ~EnrollmentRepository() = default;
  // Locks the library's row until the transaction ends: every change to
  // the set of active enrolments that counts them first takes this lock.
  virtual absl::Status LockLibrary(db::Connection& conn) = 0;
  // Inserts an enrolment (id, times, version ignored); returns its id.
  // ALREADY_EXISTS if the organisation is actively enrolled.
  virtual absl::StatusOr<int64_t> InsertEnrollment(
      db::Connection& conn, const EnrollmentRecord& enrollment,
      absl::Time now) = 0;
  // Locked if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<EnrollmentRecord>> GetEnrollment(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id`.
  virtual absl::StatusOr<std::vector<EnrollmentRecord>> ListEnrollments(
      db::Connection& conn, const EnrollmentFilter& filter, int64_t after_id,
      int limit) = 0;
  // Writes outcome, reason and acceptance score if the stored version is
  // `expected_version`;
  // false if not. The live key follows the outcome.
  virtual absl::StatusOr<bool> UpdateEnrollment(
      db::Connection& conn, const EnrollmentRecord& enrollment,
      int64_t expected_version, absl::Time now) = 0;
  // Records a completed milestone. ALREADY_EXISTS if it is recorded.
  virtual absl::Status InsertMilestone(db::Connection& conn,
                                       const MilestoneRecord& milestone) = 0;
  // The completed milestones of the enrolments `ids`, each in kind order.
  virtual absl::StatusOr<std::map<int64_t, std::vector<MilestoneRecord>>>
  ListMilestones(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // The USCCs actively enrolled.
  virtual absl::StatusOr<std::vector<std::string>> ActiveOrganizations(
      db::Connection& conn) = 0;
  // Enrolments accepted and failed whose acceptance is dated in `year`.
  virtual absl::StatusOr<std::map<v1::EnrollmentOutcome, int64_t>>
  CountAcceptancesInYear(db::Connection& conn, int32_t year) = 0;
  // Enrolments by outcome; of one track unless TRACK_UNSPECIFIED.
  virtual absl::StatusOr<std::map<v1::EnrollmentOutcome, int64_t>>
  CountByOutcome(db::Connection& conn, v1::Track track) = 0;
};

class GrowthPlanRepository {
 public:
  virtual ~GrowthPlanRepository() = default;
  // Inserts a participant (id, review figures, times, version ignored);
  // returns its id. ALREADY_EXISTS if the organisation takes part already.
  virtual absl::StatusOr<int64_t> InsertParticipant(
      db::Connection& conn, const ParticipantRecord& participant,
      absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<ParticipantRecord>> GetParticipant(
      db::Connection& conn, int64_t id, bool for_update) = 0;
  // Ordered by id, after `after_id` (0 for the first page); only those
  // holding the priority flag if `priority_only`.
  virtual absl::StatusOr<std::vector<ParticipantRecord>> ListParticipants(
      db::Connection& conn, bool priority_only, int64_t after_id,
      int limit) = 0;
  // Writes categories, statement and the review figures if the stored
  // version is `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateParticipant(
      db::Connection& conn, const ParticipantRecord& participant,
      int64_t expected_version, absl::Time now) = 0;
  // Records a coached module. ALREADY_EXISTS if it is recorded.
  virtual absl::Status InsertCoaching(db::Connection& conn,
                                      const CoachingRecord& coaching) = 0;
  // The coached modules of the participants `ids`, each in module order.
  virtual absl::StatusOr<std::map<int64_t, std::vector<CoachingRecord>>>
  ListCoaching(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // Appends a compliance review.
  virtual absl::Status InsertReview(db::Connection& conn,
                                    const ComplianceReviewRecord& review) = 0;
  // The reviews of the participants `ids`, each oldest first.
  virtual absl::StatusOr<std::map<int64_t, std::vector<ComplianceReviewRecord>>>
  ListReviews(db::Connection& conn, const std::vector<int64_t>& ids) = 0;
  // Participants whose latest review passed.
  virtual absl::StatusOr<int64_t> CountReviewPassed(db::Connection& conn) = 0;
};

std::unique_ptr<CohortRepository> NewMysqlCohortRepository();
std::unique_ptr<SelectionRepository> NewMysqlSelectionRepository();
std::unique_ptr<EnrollmentRepository> NewMysqlEnrollmentRepository();
std::unique_ptr<ExpertRepository> NewMysqlExpertRepository();
std::unique_ptr<ReviewRepository> NewMysqlReviewRepository();
std::unique_ptr<ApplicationRepository> NewMysqlApplicationRepository();
std::unique_ptr<GrowthPlanRepository> NewMysqlGrowthPlanRepository();

// Funding's outbox (services/cultivation/funding/src/reevaluation.h): a
// change of an enrolment or a growth-plan participant asks, in the same
// transaction on `conn`, that the organisation's funding eligibility be
// evaluated again. `reason` is cut to the column's 200 characters.
absl::Status RequestFundingReevaluation(db::Connection& conn,
                                        const std::string& uscc,
                                        const std::string& reason,
                                        const std::string& at);

}  // namespace qpp::cultivation
