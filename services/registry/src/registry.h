#pragma once

// The registry's use cases: each method validates, runs its transaction
// through the repository and fills the response. Transport-independent: the
// gRPC surface (registry_service.h) only offloads calls here.

#include <functional>
#include <memory>
#include <mutex>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/crypto/cipher.h"
#include "common/db/db.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/domain.h"
#include "services/registry/src/repository.h"

namespace qpp::registry {

struct RegistryOptions {
  // Rise of the self-assessment total, in points of 1000, that counts as
  // "performance improved".
  int improvement_margin_points = 50;
  // How long reference data (districts, rules, sheets) is cached.
  absl::Duration reference_ttl = absl::Seconds(60);
};

// Statuses: INVALID_ARGUMENT with field violations for bad input (nothing
// written); NOT_FOUND; ALREADY_EXISTS; FAILED_PRECONDITION for state rules
// (archived, adoption order, credit); ABORTED for etag mismatches and
// conflicts; UNAVAILABLE when the database is unreachable.
class Registry final {
 public:
  using Clock = std::function<absl::Time()>;

  Registry(db::ConnectionPool& pool, std::unique_ptr<RegistryRepository> repo,
           crypto::DataCipher cipher, RegistryOptions options, Clock clock);

  absl::Status GetOrganization(const v1::GetOrganizationRequest& req,
                               v1::Organization* resp);
  absl::Status ListOrganizations(const v1::ListOrganizationsRequest& req,
                                 v1::ListOrganizationsResponse* resp);
  absl::Status CreateOrganization(const v1::CreateOrganizationRequest& req,
                                  v1::Organization* resp);
  absl::Status UpdateOrganization(const v1::UpdateOrganizationRequest& req,
                                  v1::Organization* resp);
  absl::Status DeleteOrganization(const v1::DeleteOrganizationRequest& req,
                                  v1::Organization* resp);
  absl::Status UndeleteOrganization(const v1::UndeleteOrganizationRequest& req,
                                    v1::Organization* resp);
  absl::Status SetAdoptionStatus(const v1::SetAdoptionStatusRequest& req,
                                 v1::Organization* resp);
  absl::Status BatchCreateOrganizations(
      const v1::BatchCreateOrganizationsRequest& req,
      v1::BatchCreateOrganizationsResponse* resp);
  // One chunk of an import; `first_index` numbers its rows. Appends failed
  // rows to resp (up to 10000) and adds to its counters.
  absl::Status ImportChunk(const v1::ImportOrganizationsRequest& chunk,
                           int first_index,
                           v1::ImportOrganizationsResponse* resp);

  absl::Status CreateAwardRecord(const v1::CreateAwardRecordRequest& req,
                                 v1::AwardRecord* resp);
  absl::Status ListAwardRecords(const v1::ListAwardRecordsRequest& req,
                                v1::ListAwardRecordsResponse* resp);
  absl::Status DeleteAwardRecord(const v1::DeleteAwardRecordRequest& req,
                                 v1::DeleteAwardRecordResponse* resp);

  absl::Status GetScoreSheet(const v1::GetScoreSheetRequest& req,
                             v1::ScoreSheet* resp);
  absl::Status CreateSelfAssessment(const v1::CreateSelfAssessmentRequest& req,
                                    v1::SelfAssessment* resp);
  absl::Status GetSelfAssessment(const v1::GetSelfAssessmentRequest& req,
                                 v1::SelfAssessment* resp);
  absl::Status ListSelfAssessments(const v1::ListSelfAssessmentsRequest& req,
                                   v1::ListSelfAssessmentsResponse* resp);

  absl::Status CreateBenchmarkDesignation(
      const v1::CreateBenchmarkDesignationRequest& req,
      v1::BenchmarkDesignation* resp);
  absl::Status ListBenchmarkDesignations(
      const v1::ListBenchmarkDesignationsRequest& req,
      v1::ListBenchmarkDesignationsResponse* resp);
  absl::Status DeleteBenchmarkDesignation(
      const v1::DeleteBenchmarkDesignationRequest& req,
      v1::DeleteBenchmarkDesignationResponse* resp);

  absl::Status CreatePartnership(const v1::CreatePartnershipRequest& req,
                                 v1::Partnership* resp);
  absl::Status GetPartnership(const v1::GetPartnershipRequest& req,
                              v1::Partnership* resp);
  absl::Status ListPartnerships(const v1::ListPartnershipsRequest& req,
                                v1::ListPartnershipsResponse* resp);
  absl::Status UpdatePartnership(const v1::UpdatePartnershipRequest& req,
                                 v1::Partnership* resp);
  absl::Status DeletePartnership(const v1::DeletePartnershipRequest& req,
                                 v1::DeletePartnershipResponse* resp);

  absl::Status GetTargetCounts(const v1::GetTargetCountsRequest& req,
                               v1::TargetCounts* resp);

  // Reference data, cached for reference_ttl.
  absl::StatusOr<std::shared_ptr<const ReferenceData>> Reference();

 private:
  // Rows of a batch or import chunk after validation.
  struct PreparedRows {
    std::vector<v1::Organization> prepared;
    std::vector<std::string> blobs;  // encrypted contacts
    std::vector<int> candidates;     // valid rows, first of each USCC
    absl::Time now;
  };
  // Validates rows[i] (numbered first_index + i), filling `results` for the
  // invalid ones.
  absl::StatusOr<PreparedRows> PrepareRows(
      const google::protobuf::RepeatedPtrField<v1::Organization>& rows,
      int first_index, std::vector<v1::RowResult>* results);
  // Inserts the valid rows that are not registered yet.
  absl::Status InsertPrepared(db::Connection& conn, const PreparedRows& rows,
                              std::vector<v1::RowResult>* results);
  // Validates and creates rows[i] numbered first_index + i; one result per
  // row in `results`.
  absl::Status CreateRows(
      const google::protobuf::RepeatedPtrField<v1::Organization>& rows,
      int first_index, std::vector<v1::RowResult>* results);
  // Stored organisation with contacts decrypted; NOT_FOUND if absent.
  absl::StatusOr<StoredOrganization> LoadOrganization(db::Connection& conn,
                                                      const std::string& uscc,
                                                      bool for_update);
  // Loads for a state change: NOT_FOUND, ABORTED on etag mismatch.
  absl::StatusOr<StoredOrganization> LoadForChange(db::Connection& conn,
                                                   const std::string& uscc,
                                                   const std::string& etag);
  // Writes `org` over `stored` and fills `resp` (masked).
  absl::Status SaveOrganization(db::Connection& conn,
                                const StoredOrganization& stored,
                                const v1::Organization& org,
                                v1::Organization* resp);
  // Active organisation or NOT_FOUND / FAILED_PRECONDITION.
  absl::StatusOr<StoredOrganization> RequireActive(db::Connection& conn,
                                                   const std::string& uscc);
  absl::StatusOr<std::string> EncryptContacts(const v1::Organization& org);
  absl::Status DecryptContacts(const std::string& blob, v1::Organization& org);

  db::ConnectionPool& pool_;
  std::unique_ptr<RegistryRepository> repo_;
  crypto::DataCipher cipher_;
  RegistryOptions options_;
  Clock clock_;
  std::mutex ref_mu_;
  std::shared_ptr<const ReferenceData> ref_;
  absl::Time ref_loaded_ = absl::InfinitePast();
};

}  // namespace qpp::registry
