#pragma once

// MySQL/MariaDB access for every service: a connection wrapper that never
// throws, a bounded connection pool with metrics, transactions with retry on
// deadlock, and mapping of SQL errors to statuses. This header and its .cc
// are the only code that include MySQL Connector/C++.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace prometheus {
class Registry;
}

namespace qpp::db {

// A bound statement parameter. Booleans bind as integers; BLOBs as strings.
using SqlParam = std::variant<std::nullptr_t, int64_t, double, std::string>;

// NULL when `value` is empty, else the value.
template <typename T>
SqlParam NullableParam(const std::optional<T>& value) {
  if (!value.has_value()) return nullptr;
  if constexpr (std::is_integral_v<T>)
    return static_cast<int64_t>(*value);
  else
    return SqlParam(*value);
}

// One row of a result, each cell as text (the server's rendering), or
// nullopt for NULL. Accessors take zero-based column indexes.
class Row final {
 public:
  explicit Row(std::vector<std::optional<std::string>> cells)
      : cells_(std::move(cells)) {}
  size_t size() const { return cells_.size(); }
  bool IsNull(size_t i) const { return !cells_[i].has_value(); }
  // Empty for NULL.
  const std::string& String(size_t i) const;
  // 0 for NULL or non-numeric text.
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  bool Bool(size_t i) const { return Int(i) != 0; }
  std::optional<std::string> Optional(size_t i) const { return cells_[i]; }

 private:
  std::vector<std::optional<std::string>> cells_;
};

// Rows of a query, fully read.
using Rows = std::vector<Row>;

// Where and how to connect.
struct ConnectionOptions {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user = "root";
  std::string password;
  // Schema to use; empty for none (used by migrations to create it).
  std::string database;
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration read_timeout = absl::Seconds(30);
  absl::Duration write_timeout = absl::Seconds(30);
};

// One server session. Not thread-safe: one user at a time (the pool sees to
// that). Prepared statements are cached per connection by SQL text; a
// connection that lost its server is marked broken and never reused, so
// statements are prepared again on its replacement.
//
// Every method maps errors: duplicate key -> ALREADY_EXISTS, deadlock or lock
// wait timeout -> ABORTED, lost connection -> UNAVAILABLE, statement timeout
// -> DEADLINE_EXCEEDED, foreign key -> FAILED_PRECONDITION, data too long or
// out of range -> INVALID_ARGUMENT, anything else -> INTERNAL. Messages never
// contain SQL text; the details are logged.
class Connection {
 public:
  virtual ~Connection() = default;
  // Runs a SELECT (prepared) and reads every row.
  virtual absl::StatusOr<Rows> Query(
      absl::string_view sql, absl::Span<const SqlParam> params = {}) = 0;
  // Runs INSERT/UPDATE/DELETE (prepared); returns the affected row count.
  virtual absl::StatusOr<uint64_t> Execute(
      absl::string_view sql, absl::Span<const SqlParam> params = {}) = 0;
  // Runs a statement without preparing it (DDL, transaction control).
  virtual absl::Status ExecuteDirect(absl::string_view sql) = 0;
  // AUTO_INCREMENT id of the last insert on this connection.
  virtual absl::StatusOr<int64_t> LastInsertId() = 0;
  virtual absl::Status Begin() = 0;
  virtual absl::Status Commit() = 0;
  // Best effort; marks the connection broken if it fails.
  virtual void Rollback() = 0;
  // Round trip to the server.
  virtual absl::Status Ping() = 0;
  // True once the connection saw an error that makes it unusable.
  virtual bool broken() const = 0;
};

// Opens a connection with utf8mb4, UTC session time zone and strict SQL mode.
// UNAVAILABLE if the server cannot be reached.
absl::StatusOr<std::unique_ptr<Connection>> Connect(
    const ConnectionOptions& options);

// Pool settings.
struct PoolOptions {
  ConnectionOptions connection;
  // Maximum open connections; also the size of the executor that uses them.
  int size = 8;
  // How long Acquire waits for a free connection before UNAVAILABLE.
  absl::Duration acquire_timeout = absl::Seconds(2);
  // An idle connection older than this is pinged before it is handed out.
  absl::Duration validate_after_idle = absl::Seconds(10);
  // Besides, once any connection is found lost, every connection that was
  // idle at that moment is pinged before its next use.
};

class ConnectionPool;

// A connection borrowed from a pool; returned (or, if broken, discarded) when
// destroyed.
class PooledConnection final {
 public:
  PooledConnection(PooledConnection&& other) noexcept
      : pool_(other.pool_), conn_(std::move(other.conn_)) {
    other.pool_ = nullptr;
  }
  PooledConnection& operator=(PooledConnection&&) = delete;
  ~PooledConnection();
  Connection* operator->() const { return conn_.get(); }
  Connection& operator*() const { return *conn_; }

 private:
  friend class ConnectionPool;
  PooledConnection(ConnectionPool* pool, std::unique_ptr<Connection> conn)
      : pool_(pool), conn_(std::move(conn)) {}
  ConnectionPool* pool_;
  std::unique_ptr<Connection> conn_;
};

// A bounded pool of connections, opened lazily. Thread-safe. Exposes
// qpp_db_pool_* and qpp_db_query_* metrics when given a registry.
class ConnectionPool final {
 public:
  // `registry` may be null (no metrics). Opens no connection yet.
  ConnectionPool(PoolOptions options, prometheus::Registry* registry);
  ~ConnectionPool();
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A healthy connection. UNAVAILABLE if none frees up within the acquire
  // timeout or the server cannot be reached.
  absl::StatusOr<PooledConnection> Acquire();
  // Acquires a connection and pings the server.
  absl::Status Ping();
  int size() const;

 private:
  friend class PooledConnection;
  struct Impl;
  void Release(std::unique_ptr<Connection> conn);
  std::unique_ptr<Impl> impl_;
};

// Checks that the database answers, on a connection of its own, so that a
// pool exhausted by load does not read as a database outage. Reconnects
// after a failure. Thread-safe.
class DatabaseProbe final {
 public:
  explicit DatabaseProbe(ConnectionOptions options)
      : options_(std::move(options)) {}
  // OK if the server answered a ping; UNAVAILABLE otherwise.
  absl::Status Check();

 private:
  ConnectionOptions options_;
  std::mutex mu_;
  std::unique_ptr<Connection> conn_;
};

// Runs `fn` inside a transaction on a pooled connection: commits if it
// returns OK, rolls back otherwise. Retries the whole function (up to
// `attempts` times) when the database reports a deadlock or lock wait
// timeout (ABORTED with reason DB_CONFLICT), so `fn` must be repeatable.
absl::Status WithTransaction(ConnectionPool& pool,
                             absl::FunctionRef<absl::Status(Connection&)> fn,
                             int attempts = 3);

// True iff `status` came from a deadlock or lock wait timeout.
bool IsTransactionConflict(const absl::Status& status);

// Escapes LIKE wildcards ('%', '_', '\') in user text.
std::string EscapeLike(absl::string_view text);

}  // namespace qpp::db
