#pragma once

// Storage of the registry: one small interface per resource, each
// implemented for MySQL/MariaDB in mysql_<resource>_repository.cc, the only
// code with the registry's SQL. Every method takes the connection to run on,
// so the use case decides the transaction. Methods return statuses as
// common/db maps them (ALREADY_EXISTS on duplicate keys, ABORTED on
// conflicts, UNAVAILABLE when the database is gone, INTERNAL otherwise) and
// never SQL text. Lists take a plain filter struct and a position (the last
// key of the previous page) and return at most `limit` rows.

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "qpp/registry/v1/resources.pb.h"
#include "services/registry/src/reference_data.h"
#include "services/registry/src/target_count_rules.h"
#include "services/registry/src/year_key.h"

namespace qpp::registry {

// Reference data (districts, industry sections, SME rules, score sheets).
class ReferenceRepository {
 public:
  virtual ~ReferenceRepository() = default;
  // Every table of reference data, read at once.
  virtual absl::StatusOr<ReferenceData> LoadReferenceData(
      db::Connection& conn) = 0;
};

// An organisation as stored: contacts still encrypted, with its version.
struct StoredOrganization {
  v1::Organization org;  // contacts empty
  std::string contacts_blob;
  int64_t version = 0;
};

// Which organisations a list returns; empty fields do not filter.
struct OrganizationFilter {
  bool show_deleted = false;  // else active ones only
  std::string district_code;
  std::string industry_section;
  std::string industry_code_prefix;
  v1::SizeClass size_class = v1::SIZE_CLASS_UNSPECIFIED;
  v1::OrganizationKind kind = v1::ORGANIZATION_KIND_UNSPECIFIED;
  v1::AdoptionStatus adoption_status = v1::ADOPTION_STATUS_UNSPECIFIED;
  v1::CreditStanding credit_standing = v1::CREDIT_STANDING_UNSPECIFIED;
  // Organisations with an award record of this level.
  v1::AwardLevel award_level = v1::AWARD_LEVEL_UNSPECIFIED;
  // Part of the display name.
  std::string name_query;
};

// Organisations, keyed by USCC.
class OrganizationRepository {
 public:
  virtual ~OrganizationRepository() = default;
  // The organisation, locked until the transaction ends if `for_update`;
  // nullopt if there is none.
  virtual absl::StatusOr<std::optional<StoredOrganization>> GetOrganization(
      db::Connection& conn, const std::string& uscc, bool for_update) = 0;
  // Inserts new organisations with version 1 (one statement);
  // `contact_blobs[i]` holds the sealed contacts of `orgs[i]`.
  virtual absl::Status InsertOrganizations(
      db::Connection& conn, const std::vector<const v1::Organization*>& orgs,
      const std::vector<std::string>& contact_blobs, absl::Time now) = 0;
  // Writes `org` if the stored version is `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdateOrganization(
      db::Connection& conn, const v1::Organization& org,
      const std::string& contacts_blob, int64_t expected_version,
      absl::Time now) = 0;
  // The registered ones of `usccs`, in no particular order.
  virtual absl::StatusOr<std::vector<StoredOrganization>> GetOrganizations(
      db::Connection& conn, const std::vector<std::string>& usccs) = 0;
  // The ones of `usccs` that are registered.
  virtual absl::StatusOr<std::set<std::string>> ExistingUsccs(
      db::Connection& conn, const std::vector<std::string>& usccs) = 0;
  // Up to `limit` organisations after `after_uscc` matching `filter`,
  // ordered by USCC.
  virtual absl::StatusOr<std::vector<StoredOrganization>> ListOrganizations(
      db::Connection& conn, const OrganizationFilter& filter,
      const std::string& after_uscc, int limit) = 0;
};

// Which award records a list returns; empty fields do not filter.
struct AwardFilter {
  std::string uscc;  // empty: every organisation
  // Only organisations registered in this district.
  std::string district_code;
  int year = 0;
  v1::AwardLevel level = v1::AWARD_LEVEL_UNSPECIFIED;
};

// Award records, keyed by (uscc, year).
class AwardRepository {
 public:
  virtual ~AwardRepository() = default;
  // ALREADY_EXISTS if the organisation has an award in that year.
  virtual absl::Status InsertAward(db::Connection& conn,
                                   const std::string& uscc,
                                   const v1::AwardRecord& award,
                                   absl::Time now) = 0;
  // Newest year first, then by USCC, after `after` (nullopt: first page).
  virtual absl::StatusOr<std::vector<v1::AwardRecord>> ListAwards(
      db::Connection& conn, const AwardFilter& filter,
      const std::optional<YearKey>& after, int limit) = 0;
  // False if there was none.
  virtual absl::StatusOr<bool> DeleteAward(db::Connection& conn,
                                           const std::string& uscc,
                                           int year) = 0;
};

// Who superseded or withdrew a self-assessment, when and why.
struct AssessmentChange {
  std::string reason;
  std::string principal;
  absl::Time time;
};

// Self-assessments, keyed by an id of their own.
class AssessmentRepository {
 public:
  virtual ~AssessmentRepository() = default;
  // Stores a scored assessment with its items; returns its id.
  virtual absl::StatusOr<int64_t> InsertAssessment(
      db::Connection& conn, const std::string& uscc,
      const v1::SelfAssessment& assessment, absl::Time now) = 0;
  // Item codes and percentages only; the caller scores them.
  virtual absl::StatusOr<std::optional<v1::SelfAssessment>> GetAssessment(
      db::Connection& conn, const std::string& uscc, int64_t id) = 0;
  // Newest assessment date first; `after_id` 0 = first page. CURRENT ones
  // only unless `include_history`.
  virtual absl::StatusOr<std::vector<v1::SelfAssessment>> ListAssessments(
      db::Connection& conn, const std::string& uscc, int64_t after_id,
      int limit, bool include_history) = 0;
  // The assessment's state, its row locked until the transaction ends;
  // nullopt if there is none.
  virtual absl::StatusOr<std::optional<v1::SelfAssessmentState>> LockAssessment(
      db::Connection& conn, const std::string& uscc, int64_t id) = 0;
  // Marks `old_id` SUPERSEDED by `new_id` with `change`, and `new_id` as
  // its correction.
  virtual absl::Status SupersedeAssessment(db::Connection& conn, int64_t old_id,
                                           int64_t new_id,
                                           const AssessmentChange& change) = 0;
  // Marks `id` WITHDRAWN with `change`.
  virtual absl::Status WithdrawAssessment(db::Connection& conn, int64_t id,
                                          const AssessmentChange& change) = 0;
};

// Which benchmark designations a list returns; empty fields do not filter.
struct BenchmarkFilter {
  std::string uscc;  // empty: every organisation
  // Only organisations registered in this district.
  std::string district_code;
  int year = 0;
  std::string industry_section;
};

// Benchmark designations, keyed by (uscc, year).
class BenchmarkRepository {
 public:
  virtual ~BenchmarkRepository() = default;
  // `section` is the GB/T 4754 section of the designation's industry.
  // ALREADY_EXISTS if the organisation is designated in that year.
  virtual absl::Status InsertBenchmark(db::Connection& conn,
                                       const std::string& uscc,
                                       const v1::BenchmarkDesignation& b,
                                       char section, absl::Time now) = 0;
  // Newest year first, then by USCC, after `after` (nullopt: first page).
  virtual absl::StatusOr<std::vector<v1::BenchmarkDesignation>> ListBenchmarks(
      db::Connection& conn, const BenchmarkFilter& filter,
      const std::optional<YearKey>& after, int limit) = 0;
  // False if there was none.
  virtual absl::StatusOr<bool> DeleteBenchmark(db::Connection& conn,
                                               const std::string& uscc,
                                               int year) = 0;
  // Earliest designation year left for the organisation, if any.
  virtual absl::StatusOr<std::optional<int>> FirstBenchmarkYear(
      db::Connection& conn, const std::string& uscc) = 0;
};

// A partnership as stored, with its version.
struct StoredPartnership {
  v1::Partnership partnership;
  int64_t version = 0;
};

// Which partnerships a list returns; empty fields do not filter.
struct PartnershipFilter {
  // Partnerships promoting the model in this industry.
  std::string industry_code;
};

// Partnerships, keyed by the partner's USCC.
class PartnershipRepository {
 public:
  virtual ~PartnershipRepository() = default;
  // Inserts the partnership with its industries and members;
  // ALREADY_EXISTS if the partner has one.
  virtual absl::Status InsertPartnership(db::Connection& conn,
                                         const std::string& uscc,
                                         const v1::Partnership& p,
                                         absl::Time now) = 0;
  // Locked until the transaction ends if `for_update`; nullopt if none.
  virtual absl::StatusOr<std::optional<StoredPartnership>> GetPartnership(
      db::Connection& conn, const std::string& uscc, bool for_update) = 0;
  // Ordered by the partner's USCC, after `after_uscc`.
  virtual absl::StatusOr<std::vector<v1::Partnership>> ListPartnerships(
      db::Connection& conn, const PartnershipFilter& filter,
      const std::string& after_uscc, int limit) = 0;
  // Writes `p` if the stored version is `expected_version`; false if not.
  virtual absl::StatusOr<bool> UpdatePartnership(db::Connection& conn,
                                                 const std::string& uscc,
                                                 const v1::Partnership& p,
                                                 int64_t expected_version,
                                                 absl::Time now) = 0;
  // False if there was none.
  virtual absl::StatusOr<bool> DeletePartnership(db::Connection& conn,
                                                 const std::string& uscc) = 0;
};

// The change feed of organisations (organization_change_rules.h).
class OrganizationChangeRepository {
 public:
  virtual ~OrganizationChangeRepository() = default;
  // Numbers `changes` with the next sequences of the feed, in order, sets
  // them, and stores them. It locks the feed's counter until the
  // transaction ends, so that sequences are handed out in commit order:
  // call it last in the writing transaction (every writer of the feed then
  // queues on the counter only for the rest of its transaction), and never
  // outside one.
  virtual absl::Status AppendChanges(
      db::Connection& conn, std::vector<v1::OrganizationChange>& changes) = 0;
  // Up to `limit` entries after `after_sequence`, by sequence; only those
  // of organisations in `district_code` (after the change) unless it is
  // empty.
  virtual absl::StatusOr<std::vector<v1::OrganizationChange>> ListChanges(
      db::Connection& conn, int64_t after_sequence,
      const std::string& district_code, int limit) = 0;
  // The position just before the first entry made at or after `since`; the
  // last committed sequence if there is none (read in one statement, so
  // that no entry committing meanwhile falls between the two).
  virtual absl::StatusOr<int64_t> PositionBefore(db::Connection& conn,
                                                 absl::Time since) = 0;
};

// The figures behind the plan's targets.
class TargetCountRepository {
 public:
  virtual ~TargetCountRepository() = default;
  // Figures of `year` as of the end of `as_of` (China time), counted as
  // target_count_rules.h describes, shaped by `settings`.
  virtual absl::StatusOr<TargetFigures> CountTargets(
      db::Connection& conn, int year, absl::CivilDay as_of,
      const TargetCountSettings& settings) = 0;
};

// The MySQL/MariaDB implementations, one file each.
std::unique_ptr<ReferenceRepository> NewMysqlReferenceRepository();
std::unique_ptr<OrganizationRepository> NewMysqlOrganizationRepository();
std::unique_ptr<AwardRepository> NewMysqlAwardRepository();
std::unique_ptr<AssessmentRepository> NewMysqlAssessmentRepository();
std::unique_ptr<BenchmarkRepository> NewMysqlBenchmarkRepository();
std::unique_ptr<PartnershipRepository> NewMysqlPartnershipRepository();
std::unique_ptr<TargetCountRepository> NewMysqlTargetCountRepository();
std::unique_ptr<OrganizationChangeRepository>
NewMysqlOrganizationChangeRepository();

}  // namespace qpp::registry
