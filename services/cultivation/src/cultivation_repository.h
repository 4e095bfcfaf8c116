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

std::unique_ptr<CohortRepository> NewMysqlCohortRepository();
std::unique_ptr<ApplicationRepository> NewMysqlApplicationRepository();

}  // namespace qpp::cultivation
