#pragma once

// Use cases that register many organisations at once:
// BatchCreateOrganizations (up to 1000 rows, all-or-nothing per call,
// idempotent by request_id) and the chunks of the ImportOrganizations stream.
// Every row gets a result: created, invalid (with the fields to fix) or
// already registered; the valid new rows are inserted together.
//
// Statuses of a call (not of its rows): INVALID_ARGUMENT for a request out
// of bounds or a bad request_id; PERMISSION_DENIED (PROGRAMME_OFFICE_ONLY)
// for a district office (bulk loading is the programme office's);
// UNAVAILABLE or ABORTED from the database.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/context/request_context.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class OrganizationImport final {
 public:
  // The context must outlive this object.
  explicit OrganizationImport(const UseCaseContext& context);

  // Creates 1..1000 organisations; one result per row.
  absl::Status BatchCreateOrganizations(
      const RequestContext& call,
      const v1::BatchCreateOrganizationsRequest& req,
      v1::BatchCreateOrganizationsResponse* resp);

  // One chunk (at most 1000 rows) of an ImportOrganizations stream;
  // `first_index` numbers its rows within the stream. Adds to the counters
  // of `resp` and appends failed rows (up to 10000 in all).
  absl::Status ImportChunk(const RequestContext& call,
                           const v1::ImportOrganizationsRequest& chunk,
                           int first_index,
                           v1::ImportOrganizationsResponse* resp);

 private:
  // Rows of a batch or import chunk after validation.
  struct PreparedRows {
    std::vector<v1::Organization> prepared;
    std::vector<std::string> blobs;  // sealed contacts
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

  const UseCaseContext context_;
};

}  // namespace qpp::registry
