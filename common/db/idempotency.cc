#include "common/db/idempotency.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "common/db/sql_values.h"
#include "common/status/status.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "openssl/sha.h"
#include "spdlog/spdlog.h"

namespace qpp::db {
namespace {

std::string Fingerprint(absl::string_view method,
                        const google::protobuf::Message& request) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&coded);
  }
  std::string input = absl::StrCat(method, "\n", bytes);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

}  // namespace

absl::Status EnsureIdempotencyTable(Connection& conn) {
  return conn.ExecuteDirect(kIdempotencyTableSql);
}

std::string IdempotencyMethod(const google::protobuf::Message& request) {
  absl::string_view name = request.GetDescriptor()->name();
  absl::ConsumeSuffix(&name, "Request");
  return std::string(name);
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) return absl::OkStatus();
  if (request_id.size() > 64) {
    return status::InvalidField("request_id", "must be at most 64 characters");
  }
  for (char c : request_id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') {
      return status::InvalidField(
          "request_id", "may contain only letters, digits, '-' and '_'");
    }
  }
  return absl::OkStatus();
}

absl::Status RunIdempotent(ConnectionPool& pool, absl::string_view request_id,
                           const google::protobuf::Message& request,
                           google::protobuf::Message* response,
                           absl::FunctionRef<absl::Status(Connection&)> mutate,
                           bool single_statement) {
  QPP_RETURN_IF_ERROR(ValidateRequestId(request_id));
  if (request_id.empty()) {
    if (!single_statement) return WithTransaction(pool, mutate);
    QPP_ASSIGN_OR_RETURN(PooledConnection conn, pool.Acquire());
    return mutate(*conn);
  }

  const std::string id(request_id);
  const std::string method = IdempotencyMethod(request);
  const std::string fingerprint = Fingerprint(method, request);
  bool replay = false;
  absl::Status status = WithTransaction(pool, [&](Connection& conn) {
    replay = false;
    absl::StatusOr<uint64_t> claimed = conn.Execute(
        "INSERT INTO idempotency_keys (request_id, method, fingerprint, "
        "created_at) VALUES (?, ?, ?, ?)",
        {id, method, fingerprint, SqlTime(absl::Now())});
    if (!claimed.ok()) {
      if (claimed.status().code() == absl::StatusCode::kAlreadyExists) {
        replay = true;
        return absl::OkStatus();  // commits nothing; read below
      }
      return claimed.status();
    }
    response->Clear();
    QPP_RETURN_IF_ERROR(mutate(conn));
    return conn
        .Execute(
            "UPDATE idempotency_keys SET response = ? WHERE request_id = ?",
            {response->SerializeAsString(), id})
        .status();
  });
  if (!status.ok() || !replay) return status;

  QPP_ASSIGN_OR_RETURN(PooledConnection conn, pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn->Query("SELECT method, fingerprint, response FROM idempotency_keys "
                  "WHERE request_id = ?",
                  {id}));
  if (rows.empty() || rows[0].IsNull(2)) {
    // The key vanished (purged) or holds no response: treat as a conflict
    // the client may retry.
    return status::WithReason(absl::StatusCode::kAborted, "REQUEST_IN_FLIGHT",
                              "a request with this request_id is in progress");
  }
  if (rows[0].String(0) != method || rows[0].String(1) != fingerprint) {
    return status::InvalidField(
        "request_id",
        "was already used for a different request; use a new request_id");
  }
  response->Clear();
  if (!response->ParseFromString(rows[0].String(2))) {
    return absl::InternalError("stored response is unreadable");
  }
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> PurgeIdempotencyKeys(ConnectionPool& pool,
                                              absl::Duration max_age) {
  QPP_ASSIGN_OR_RETURN(PooledConnection conn, pool.Acquire());
  return conn->Execute("DELETE FROM idempotency_keys WHERE created_at < ?",
                       {SqlTime(absl::Now() - max_age)});
}

IdempotencyJanitor::IdempotencyJanitor(ConnectionPool& pool,
                                       absl::Duration max_age,
                                       absl::Duration period) {
  thread_ = std::thread([this, &pool, max_age, period] {
    std::unique_lock<std::mutex> lock(mu_);
    while (!stop_) {
      lock.unlock();
      auto purged = PurgeIdempotencyKeys(pool, max_age);
      if (!purged.ok()) {
        spdlog::warn("idempotency purge failed: {}",
                     std::string(purged.status().message()));
      } else if (*purged > 0) {
        spdlog::info("purged {} idempotency keys", *purged);
      }
      lock.lock();
      cv_.wait_for(lock, absl::ToChronoNanoseconds(period),
                   [this] { return stop_; });
    }
  });
}

IdempotencyJanitor::~IdempotencyJanitor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace qpp::db
