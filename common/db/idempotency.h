#pragma once

// request_id idempotency for mutations (AIP-155), shared by every service.
// Each schema has an `idempotency_keys` table, which the migration runner
// creates as its own bookkeeping (see Migrate), so no service's migrations
// or tests declare it.
//
// The key row is inserted first, inside the mutation's transaction, so a
// concurrent retry blocks on the key until the first attempt commits or
// rolls back, then either replays the stored response or runs itself: a
// mutation is never applied twice, and a failed attempt leaves no key.

#include <condition_variable>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/db.h"
#include "google/protobuf/message.h"

namespace qpp::db {

// DDL for the table; Migrate runs it on every schema it migrates.
inline constexpr absl::string_view kIdempotencyTableSql =
    "CREATE TABLE IF NOT EXISTS idempotency_keys ("
    " request_id VARCHAR(64) NOT NULL PRIMARY KEY,"
    " method VARCHAR(128) NOT NULL,"
    " fingerprint CHAR(64) NOT NULL,"
    " response LONGBLOB NULL,"
    " created_at DATETIME(6) NOT NULL,"
    " KEY idx_created (created_at)) ENGINE=InnoDB";

// INVALID_ARGUMENT (field "request_id") unless empty or 1..64 characters of
// [A-Za-z0-9_-] (a UUID is recommended).
absl::Status ValidateRequestId(absl::string_view request_id);

// Creates the idempotency_keys table if it does not exist (a no-op on a
// schema whose own migration created it before the runner did).
absl::Status EnsureIdempotencyTable(Connection& conn);

// The method a request message belongs to, recorded with its request_id:
// the message's name without the "Request" suffix, which is the method's
// name when every method has its own request message (AIP-131..136), e.g.
// "CreateOrganization" for qpp.registry.v1.CreateOrganizationRequest.
std::string IdempotencyMethod(const google::protobuf::Message& request);

// Runs `mutate` in a transaction. With a non-empty request_id, records it
// with the method of `request` (IdempotencyMethod), a fingerprint of the
// request and the serialized `response` that `mutate` produced; a later call
// with the same id and an identical request gets the stored response without
// running `mutate`; the same id with a different request fails with
// INVALID_ARGUMENT. ABORTED (REQUEST_IN_FLIGHT) if the key exists without a
// response; INVALID_ARGUMENT for a malformed request_id; else the status of
// `mutate` or of the database.
//
// `single_statement` says that `mutate` issues exactly one writing
// statement; without a request_id it then runs in autocommit mode, which is
// just as atomic and saves the BEGIN and COMMIT round trips.
absl::Status RunIdempotent(ConnectionPool& pool, absl::string_view request_id,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* response,
                           absl::FunctionRef<absl::Status(Connection&)> mutate,
                           bool single_statement = false);

// Deletes keys older than `max_age`; returns how many.
absl::StatusOr<uint64_t> PurgeIdempotencyKeys(ConnectionPool& pool,
                                              absl::Duration max_age);

// Purges keys older than `max_age` every `period` on a thread of its own,
// until destroyed. A retry after max_age is treated as a new request.
class IdempotencyJanitor final {
 public:
  IdempotencyJanitor(ConnectionPool& pool, absl::Duration max_age,
                     absl::Duration period);
  ~IdempotencyJanitor();

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace qpp::db
