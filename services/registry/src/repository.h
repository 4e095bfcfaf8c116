#pragma once

// Storage of the registry. The interface takes the connection to run on, so
// the caller decides the transaction; the MySQL implementation is the only
// code with the registry's SQL. Methods return statuses as common/db maps
// them (ALREADY_EXISTS on duplicate keys, ABORTED on conflicts,
// UNAVAILABLE when the database is gone) and never SQL text.

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/registry/src/domain.h"

namespace qpp::registry {

// An organisation as stored: contacts still encrypted, with its version.
struct StoredOrganization {
  v1::Organization org;  // contacts empty
  std::string contacts_blob;
  int64_t version = 0;
};

// Position after which a page starts (keyset pagination); empty = start.
struct AwardKey {
  int year = 0;
  std::string uscc;
};

class RegistryRepository {
 public:
  virtual ~RegistryRepository() = default;

  virtual absl::StatusOr<ReferenceData> LoadReferenceData(
      db::Connection& conn) = 0;

  // Organisations.
  virtual absl::StatusOr<std::optional<StoredOrganization>> GetOrganization(
      db::Connection& conn, const std::string& uscc, bool for_update) = 0;
  // Inserts new organisations with version 1 (one statement).
  virtual absl::Status InsertOrganizations(
      db::Connection& conn, const std::vector<const v1::Organization*>& orgs,
      const std::vector<std::string>& contact_blobs, absl::Time now) = 0;
  // Writes `org` if the stored version is `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateOrganization(
      db::Connection& conn, const v1::Organization& org,
      const std::string& contacts_blob, int64_t expected_version,
      absl::Time now) = 0;
  virtual absl::StatusOr<std::set<std::string>> ExistingUsccs(
      db::Connection& conn, const std::vector<std::string>& usccs) = 0;
  // Up to `limit` organisations after `after_uscc` matching the request's
  // filters, ordered by USCC.
  virtual absl::StatusOr<std::vector<StoredOrganization>> ListOrganizations(
      db::Connection& conn, const v1::ListOrganizationsRequest& filter,
      const std::string& after_uscc, int limit) = 0;

  // Awards, keyed by (uscc, year).
  virtual absl::Status InsertAward(db::Connection& conn,
                                   const std::string& uscc,
                                   const v1::AwardRecord& award,
                                   absl::Time now) = 0;
  // Newest year first; `uscc` empty for all organisations.
  virtual absl::StatusOr<std::vector<v1::AwardRecord>> ListAwards(
      db::Connection& conn, const std::string& uscc, int year,
      v1::AwardLevel level, const std::optional<AwardKey>& after,
      int limit) = 0;
  virtual absl::StatusOr<bool> DeleteAward(db::Connection& conn,
                                           const std::string& uscc,
                                           int year) = 0;

  // Self-assessments.
  virtual absl::StatusOr<int64_t> InsertAssessment(
      db::Connection& conn, const std::string& uscc,
      const v1::SelfAssessment& assessment, absl::Time now) = 0;
  // Item codes and percentages only; the caller scores them.
  virtual absl::StatusOr<std::optional<v1::SelfAssessment>> GetAssessment(
      db::Connection& conn, const std::string& uscc, int64_t id) = 0;
  // Newest assessment date first; `after_id` 0 = first page.
  virtual absl::StatusOr<std::vector<v1::SelfAssessment>> ListAssessments(
      db::Connection& conn, const std::string& uscc, int64_t after_id,
      int limit) = 0;

  // Benchmark designations, keyed by (uscc, year).
  virtual absl::Status InsertBenchmark(db::Connection& conn,
                                       const std::string& uscc,
                                       const v1::BenchmarkDesignation& b,
                                       char section, absl::Time now) = 0;
  virtual absl::StatusOr<std::vector<v1::BenchmarkDesignation>> ListBenchmarks(
      db::Connection& conn, const std::string& uscc, int year,
      const std::string& section, const std::optional<AwardKey>& after,
      int limit) = 0;
  virtual absl::StatusOr<bool> DeleteBenchmark(db::Connection& conn,
                                               const std::string& uscc,
                                               int year) = 0;
  // Earliest designation year left for the organisation, if any.
  virtual absl::StatusOr<std::optional<int>> FirstBenchmarkYear(
      db::Connection& conn, const std::string& uscc) = 0;

  // Partnerships, keyed by the partner's USCC.
  virtual absl::Status InsertPartnership(db::Connection& conn,
                                         const std::string& uscc,
                                         const v1::Partnership& p,
                                         absl::Time now) = 0;
  virtual absl::StatusOr<std::optional<std::pair<v1::Partnership, int64_t>>>
  GetPartnership(db::Connection& conn, const std::string& uscc,
                 bool for_update) = 0;
  virtual absl::StatusOr<std::vector<v1::Partnership>> ListPartnerships(
      db::Connection& conn, const std::string& industry_code,
      const std::string& after_uscc, int limit) = 0;
  virtual absl::StatusOr<bool> UpdatePartnership(db::Connection& conn,
                                                 const std::string& uscc,
                                                 const v1::Partnership& p,
                                                 int64_t expected_version,
                                                 absl::Time now) = 0;
  virtual absl::StatusOr<bool> DeletePartnership(db::Connection& conn,
                                                 const std::string& uscc) = 0;

  // Figures for the plan's targets as of the end of `as_of` (a day).
  virtual absl::StatusOr<v1::TargetCounts> CountTargets(
      db::Connection& conn, int year, absl::CivilDay as_of,
      int improvement_margin_points) = 0;
};

// The MySQL/MariaDB implementation.
std::unique_ptr<RegistryRepository> NewMysqlRegistryRepository();

}  // namespace qpp::registry
