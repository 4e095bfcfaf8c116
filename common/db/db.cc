#include "common/db/db.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"
#include "cppconn/exception.h"
#include "cppconn/prepared_statement.h"
#include "cppconn/resultset.h"
#include "cppconn/resultset_metadata.h"
#include "cppconn/statement.h"
#include "mysql_connection.h"
#include "mysql_driver.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

namespace qpp::db {
namespace {

// Cached prepared statements per connection; past this the cache is dropped
// (bulk inserts of varying row counts would otherwise grow it without bound).
constexpr size_t kMaxCachedStatements = 256;

// MySQL/MariaDB error numbers that the mapping distinguishes.
enum MysqlError : int {
  kDupEntry = 1062,
  kDupEntryWithKeyName = 1586,
  kDupUnique = 1169,
  kLockWaitTimeout = 1205,
  kDeadlock = 1213,
  kRowReferenced = 1451,
  kNoReferencedRow = 1452,
  kRowReferenced2 = 1217,
  kNoReferencedRow2 = 1216,
  kDataTooLong = 1406,
  kOutOfRange = 1264,
  kIncorrectString = 1366,
  kTruncatedWrongValue = 1292,
  kStatementTimeout = 1969,
  kServerShutdown = 1053,
  kConnectionKilled = 1927,
  kQueryInterrupted = 1317,
  kServerGone = 2006,
  kServerLost = 2013,
  kConnectionError = 2002,
  kConnHostError = 2003,
  kUnknownHost = 2005,
  kServerLostExtended = 2055,
  kCommandsOutOfSync = 2014,
};

bool IsConnectionLoss(int code) {
  switch (code) {
    case kServerShutdown:
    case kConnectionKilled:
    case kServerGone:
    case kServerLost:
    case kConnectionError:
    case kConnHostError:
    case kUnknownHost:
    case kServerLostExtended:
    case kCommandsOutOfSync:
      return true;
    default:
      return code >= 2000 && code < 3000;  // client library errors
  }
}

absl::Status MapSqlError(int code, const std::string& sqlstate,
                         const std::string& what) {
  spdlog::warn("db error code={} sqlstate={} detail={}", code, sqlstate, what);
  switch (code) {
    case kDupEntry:
    case kDupEntryWithKeyName:
    case kDupUnique:
      return status::WithReason(absl::StatusCode::kAlreadyExists,
                                "DB_DUPLICATE_KEY",
                                "a record with the same key already exists");
    case kDeadlock:
    case kLockWaitTimeout:
      return status::WithReason(
          absl::StatusCode::kAborted, "DB_CONFLICT",
          "the record is being changed concurrently; retry the request");
    case kRowReferenced:
    case kRowReferenced2:
      return status::WithReason(absl::StatusCode::kFailedPrecondition,
                                "DB_REFERENCED",
                                "the record is still referenced by others");
    case kNoReferencedRow:
    case kNoReferencedRow2:
      return status::WithReason(absl::StatusCode::kFailedPrecondition,
                                "DB_MISSING_REFERENCE",
                                "a referenced record does not exist");
    case kDataTooLong:
    case kOutOfRange:
    case kIncorrectString:
    case kTruncatedWrongValue:
      return status::WithReason(absl::StatusCode::kInvalidArgument,
                                "DB_VALUE_OUT_OF_RANGE",
                                "a value is outside what can be stored");
    case kStatementTimeout:
    case kQueryInterrupted:
      return status::WithReason(absl::StatusCode::kDeadlineExceeded,
                                "DB_TIMEOUT", "the database took too long");
    default:
      break;
  }
  if (IsConnectionLoss(code)) {
    return status::WithReason(absl::StatusCode::kUnavailable, "DB_UNAVAILABLE",
                              "the database is unavailable; retry later");
  }
  return status::WithReason(absl::StatusCode::kInternal, "DB_ERROR",
                            "internal database error");
}

// Metrics shared by all connections of a pool.
struct DbMetrics {
  prometheus::Histogram* query_seconds = nullptr;
  prometheus::Family<prometheus::Counter>* errors = nullptr;
  prometheus::Gauge* in_use = nullptr;
  prometheus::Gauge* idle = nullptr;
  prometheus::Gauge* max = nullptr;
  prometheus::Histogram* acquire_seconds = nullptr;
  prometheus::Counter* acquire_timeouts = nullptr;
  prometheus::Counter* opened = nullptr;
  prometheus::Counter* discarded = nullptr;

  void CountError(int code) {
    if (errors == nullptr) return;
    // Label by error class, not raw number, to keep cardinality small.
    const char* kind = "other";
    if (code == kDupEntry || code == kDupEntryWithKeyName)
      kind = "duplicate";
    else if (code == kDeadlock || code == kLockWaitTimeout)
      kind = "conflict";
    else if (IsConnectionLoss(code))
      kind = "connection";
    errors->Add({{"kind", kind}}).Increment();
  }
};

class MysqlConnection final : public Connection {
 public:
  MysqlConnection(std::unique_ptr<sql::Connection> conn, DbMetrics* metrics)
      : conn_(std::move(conn)), metrics_(metrics) {}

  ~MysqlConnection() override {
    statements_.clear();
    direct_.reset();
    try {
      conn_->close();
    } catch (...) {
      // Closing a dead connection may throw; nothing to do.
    }
  }

  absl::StatusOr<Rows> Query(absl::string_view sql,
                             absl::Span<const SqlParam> params) override {
    return Run<Rows>(
        sql,
        [&](sql::PreparedStatement* ps) {
          std::unique_ptr<sql::ResultSet> rs(ps->executeQuery());
          const unsigned columns = rs->getMetaData()->getColumnCount();
          Rows rows;
          rows.reserve(rs->rowsCount());
          while (rs->next()) {
            std::vector<std::optional<std::string>> cells;
            cells.reserve(columns);
            for (unsigned c = 1; c <= columns; ++c) {
              sql::SQLString value = rs->getString(c);
              if (rs->wasNull()) {
                cells.emplace_back(std::nullopt);
              } else {
                cells.emplace_back(value.asStdString());
              }
            }
            rows.emplace_back(std::move(cells));
          }
          return rows;
        },
        params);
  }

  absl::StatusOr<uint64_t> Execute(absl::string_view sql,
                                   absl::Span<const SqlParam> params) override {
    return Run<uint64_t>(
        sql,
        [](sql::PreparedStatement* ps) {
          return static_cast<uint64_t>(ps->executeUpdate());
        },
        params);
  }

  absl::Status ExecuteDirect(absl::string_view sql) override {
    return Guard([&] {
      if (direct_ == nullptr) direct_.reset(conn_->createStatement());
      direct_->execute(std::string(sql));
    });
  }

  absl::StatusOr<int64_t> LastInsertId() override {
    QPP_ASSIGN_OR_RETURN(Rows rows, Query("SELECT LAST_INSERT_ID()", {}));
    if (rows.empty()) return absl::InternalError("no insert id");
    return rows[0].Int(0);
  }

  absl::Status Begin() override { return ExecuteDirect("START TRANSACTION"); }
  absl::Status Commit() override { return ExecuteDirect("COMMIT"); }
  void Rollback() override {
    if (!ExecuteDirect("ROLLBACK").ok()) broken_ = true;
  }

  absl::Status Ping() override {
    bool valid = false;
    QPP_RETURN_IF_ERROR(Guard([&] { valid = conn_->isValid(); }));
    if (!valid) {
      broken_ = true;
      return status::WithReason(absl::StatusCode::kUnavailable,
                                "DB_UNAVAILABLE",
                                "the database is unavailable");
    }
    return absl::OkStatus();
  }

  bool broken() const override { return broken_; }

 private:
  // Runs `body` converting connector exceptions into statuses and marking
  // the connection broken when the session is gone.
  template <typename Fn>
  absl::Status Guard(Fn&& body) {
    if (broken_) {
      return status::WithReason(absl::StatusCode::kUnavailable,
                                "DB_UNAVAILABLE", "the connection is broken");
    }
    try {
      body();
      return absl::OkStatus();
    } catch (const sql::SQLException& e) {
      const int code = e.getErrorCode();
      if (IsConnectionLoss(code)) broken_ = true;
      if (metrics_ != nullptr) metrics_->CountError(code);
      return MapSqlError(code, e.getSQLStateCStr(), e.what());
    } catch (const std::exception& e) {
      // Connector misuse (e.g. a bad parameter index) is a bug; the session
      // state is unknown, so do not reuse the connection.
      broken_ = true;
      if (metrics_ != nullptr) metrics_->CountError(-1);
      return MapSqlError(-1, "", e.what());
    }
  }

  template <typename T, typename Fn>
  absl::StatusOr<T> Run(absl::string_view sql, Fn&& body,
                        absl::Span<const SqlParam> params) {
    const absl::Time start = absl::Now();
    std::optional<T> result;
    absl::Status status = Guard([&] {
      sql::PreparedStatement* ps = Prepare(sql);
      Bind(ps, params);
      result.emplace(body(ps));
    });
    if (metrics_ != nullptr && metrics_->query_seconds != nullptr) {
      metrics_->query_seconds->Observe(
          absl::ToDoubleSeconds(absl::Now() - start));
    }
    if (!status.ok()) return status;
    return std::move(*result);
  }

  sql::PreparedStatement* Prepare(absl::string_view sql) {
    std::string key(sql);
    auto it = statements_.find(key);
    if (it != statements_.end()) return it->second.get();
    if (statements_.size() >= kMaxCachedStatements) statements_.clear();
    std::unique_ptr<sql::PreparedStatement> ps(conn_->prepareStatement(key));
    return statements_.emplace(std::move(key), std::move(ps))
        .first->second.get();
  }

  static void Bind(sql::PreparedStatement* ps,
                   absl::Span<const SqlParam> params) {
    for (size_t i = 0; i < params.size(); ++i) {
      const unsigned index = static_cast<unsigned>(i + 1);
      const SqlParam& p = params[i];
      if (std::holds_alternative<std::nullptr_t>(p)) {
        ps->setNull(index, 0);
      } else if (const auto* v = std::get_if<int64_t>(&p)) {
        ps->setInt64(index, *v);
      } else if (const auto* d = std::get_if<double>(&p)) {
        ps->setDouble(index, *d);
      } else {
        ps->setString(index, std::get<std::string>(p));
      }
    }
  }

  std::unique_ptr<sql::Connection> conn_;
  std::unordered_map<std::string, std::unique_ptr<sql::PreparedStatement>>
      statements_;
  std::unique_ptr<sql::Statement> direct_;
  DbMetrics* metrics_;
  bool broken_ = false;
};

absl::StatusOr<std::unique_ptr<Connection>> ConnectWithMetrics(
    const ConnectionOptions& o, DbMetrics* metrics) {
  try {
    sql::mysql::MySQL_Driver* driver = sql::mysql::get_mysql_driver_instance();
    sql::ConnectOptionsMap opts;
    opts["hostName"] = o.host;
    opts["port"] = o.port;
    opts["userName"] = o.user;
    opts["password"] = o.password;
    if (!o.database.empty()) opts["schema"] = o.database;
    opts["OPT_CONNECT_TIMEOUT"] =
        static_cast<int>(absl::ToInt64Seconds(o.connect_timeout));
    opts["OPT_READ_TIMEOUT"] =
        static_cast<int>(absl::ToInt64Seconds(o.read_timeout));
    opts["OPT_WRITE_TIMEOUT"] =
        static_cast<int>(absl::ToInt64Seconds(o.write_timeout));
    // Reconnecting silently would invalidate cached prepared statements and
    // lose session settings; a lost connection is replaced by the pool.
    opts["OPT_RECONNECT"] = false;
    opts["OPT_CHARSET_NAME"] = "utf8mb4";
    std::unique_ptr<sql::Connection> raw(driver->connect(opts));
    std::unique_ptr<sql::Statement> stmt(raw->createStatement());
    stmt->execute("SET NAMES utf8mb4 COLLATE utf8mb4_unicode_ci");
    stmt->execute("SET SESSION time_zone = '+00:00'");
    stmt->execute(
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_DATE,"
        "NO_ZERO_IN_DATE,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
    stmt.reset();
    if (metrics != nullptr && metrics->opened != nullptr) {
      metrics->opened->Increment();
    }
    return std::unique_ptr<Connection>(
        new MysqlConnection(std::move(raw), metrics));
  } catch (const sql::SQLException& e) {
    if (metrics != nullptr) metrics->CountError(e.getErrorCode());
    spdlog::warn("db connect to {}:{} failed: code={} {}", o.host, o.port,
                 e.getErrorCode(), e.what());
    return status::WithReason(absl::StatusCode::kUnavailable, "DB_UNAVAILABLE",
                              "the database is unavailable; retry later");
  }
}

}  // namespace

const std::string& Row::String(size_t i) const {
  static const std::string* const kEmpty = new std::string();
  return cells_[i].has_value() ? *cells_[i] : *kEmpty;
}

int64_t Row::Int(size_t i) const {
  int64_t v = 0;
  if (cells_[i].has_value() && absl::SimpleAtoi(*cells_[i], &v)) return v;
  return 0;
}

double Row::Double(size_t i) const {
  double v = 0;
  if (cells_[i].has_value() && absl::SimpleAtod(*cells_[i], &v)) return v;
  return 0;
}

absl::StatusOr<std::unique_ptr<Connection>> Connect(
    const ConnectionOptions& options) {
  return ConnectWithMetrics(options, nullptr);
}

struct ConnectionPool::Impl {
  struct Idle {
    std::unique_ptr<Connection> conn;
    absl::Time since;
    // The loss epoch when it was returned: a connection returned before
    // the latest loss is suspect (the server may have restarted).
    uint64_t epoch;
  };
  PoolOptions options;
  DbMetrics metrics;
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Idle> idle;  // back = most recently used
  int open = 0;           // idle + in use + being opened
  // Bumped whenever a connection is found lost: after a server restart
  // every idle connection is dead, and each is pinged before its next use
  // instead of failing a caller's statement.
  uint64_t loss_epoch = 0;

  void UpdateGauges() {
    if (metrics.in_use == nullptr) return;
    metrics.idle->Set(static_cast<double>(idle.size()));
    metrics.in_use->Set(static_cast<double>(open) -
                        static_cast<double>(idle.size()));
  }
};

ConnectionPool::ConnectionPool(PoolOptions options,
                               prometheus::Registry* registry)
    : impl_(std::make_unique<Impl>()) {
  impl_->options = std::move(options);
  // Initialises the client library once, before any thread uses it.
  sql::mysql::get_mysql_driver_instance();
  if (registry == nullptr) return;
  DbMetrics& m = impl_->metrics;
  auto& conns = prometheus::BuildGauge()
                    .Name("qpp_db_pool_connections")
                    .Help("Open database connections by state.")
                    .Register(*registry);
  m.in_use = &conns.Add({{"state", "in_use"}});
  m.idle = &conns.Add({{"state", "idle"}});
  m.max = &prometheus::BuildGauge()
               .Name("qpp_db_pool_max_connections")
               .Help("Configured size of the connection pool.")
               .Register(*registry)
               .Add({});
  m.max->Set(impl_->options.size);
  m.acquire_seconds = &prometheus::BuildHistogram()
                           .Name("qpp_db_pool_acquire_seconds")
                           .Help("Time spent waiting for a pooled connection.")
                           .Register(*registry)
                           .Add({}, prometheus::Histogram::BucketBoundaries{
                                        0.0001, 0.0005, 0.001, 0.005, 0.01,
                                        0.05, 0.1, 0.5, 1, 2.5});
  m.acquire_timeouts = &prometheus::BuildCounter()
                            .Name("qpp_db_pool_acquire_timeouts_total")
                            .Help("Acquires that gave up waiting.")
                            .Register(*registry)
                            .Add({});
  m.opened = &prometheus::BuildCounter()
                  .Name("qpp_db_connections_opened_total")
                  .Help("Database connections opened.")
                  .Register(*registry)
                  .Add({});
  m.discarded = &prometheus::BuildCounter()
                     .Name("qpp_db_connections_discarded_total")
                     .Help("Connections dropped because they were broken.")
                     .Register(*registry)
                     .Add({});
  m.errors = &prometheus::BuildCounter()
                  .Name("qpp_db_errors_total")
                  .Help("Database errors by kind.")
                  .Register(*registry);
  for (const char* kind : {"duplicate", "conflict", "connection", "other"}) {
    m.errors->Add({{"kind", kind}});
  }
  m.query_seconds =
      &prometheus::BuildHistogram()
           .Name("qpp_db_query_seconds")
           .Help("Duration of prepared statements.")
           .Register(*registry)
           .Add({}, prometheus::Histogram::BucketBoundaries{
                        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
                        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5});
  impl_->UpdateGauges();
}

ConnectionPool::~ConnectionPool() = default;

int ConnectionPool::size() const { return impl_->options.size; }

absl::StatusOr<PooledConnection> ConnectionPool::Acquire() {
  Impl& p = *impl_;
  const absl::Time start = absl::Now();
  const absl::Time deadline = start + p.options.acquire_timeout;
  std::unique_lock<std::mutex> lock(p.mu);
  while (true) {
    if (!p.idle.empty()) {
      Impl::Idle item = std::move(p.idle.back());
      p.idle.pop_back();
      p.UpdateGauges();
      const bool stale =
          item.epoch != p.loss_epoch ||
          absl::Now() - item.since > p.options.validate_after_idle;
      lock.unlock();
      if (stale && !item.conn->Ping().ok()) {
        // The server dropped it while idle: replace it below.
        if (p.metrics.discarded != nullptr) p.metrics.discarded->Increment();
        item.conn.reset();
        lock.lock();
        ++p.loss_epoch;
        --p.open;
        p.UpdateGauges();
        continue;
      }
      if (p.metrics.acquire_seconds != nullptr) {
        p.metrics.acquire_seconds->Observe(
            absl::ToDoubleSeconds(absl::Now() - start));
      }
      return PooledConnection(this, std::move(item.conn));
    }
    if (p.open < p.options.size) {
      ++p.open;
      lock.unlock();
      auto conn = ConnectWithMetrics(p.options.connection, &p.metrics);
      if (!conn.ok()) {
        lock.lock();
        --p.open;
        p.UpdateGauges();
        p.cv.notify_one();
        return conn.status();
      }
      lock.lock();
      p.UpdateGauges();
      lock.unlock();
      if (p.metrics.acquire_seconds != nullptr) {
        p.metrics.acquire_seconds->Observe(
            absl::ToDoubleSeconds(absl::Now() - start));
      }
      return PooledConnection(this, std::move(*conn));
    }
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration() ||
        p.cv.wait_for(lock, absl::ToChronoNanoseconds(left)) ==
            std::cv_status::timeout) {
      if (!p.idle.empty() || p.open < p.options.size) continue;
      if (p.metrics.acquire_timeouts != nullptr) {
        p.metrics.acquire_timeouts->Increment();
      }
      return status::WithReason(absl::StatusCode::kUnavailable, "DB_POOL_BUSY",
                                "all database connections are busy; retry");
    }
  }
}

void ConnectionPool::Release(std::unique_ptr<Connection> conn) {
  Impl& p = *impl_;
  const bool broken = conn->broken();
  if (broken) {
    if (p.metrics.discarded != nullptr) p.metrics.discarded->Increment();
    conn.reset();  // closes outside the lock
  }
  {
    std::lock_guard<std::mutex> lock(p.mu);
    if (broken) {
      --p.open;
      ++p.loss_epoch;
    } else {
      p.idle.push_back({std::move(conn), absl::Now(), p.loss_epoch});
    }
    p.UpdateGauges();
  }
  p.cv.notify_one();
}

absl::Status ConnectionPool::Ping() {
  QPP_ASSIGN_OR_RETURN(PooledConnection conn, Acquire());
  return conn->Ping();
}

PooledConnection::~PooledConnection() {
  if (pool_ != nullptr && conn_ != nullptr) pool_->Release(std::move(conn_));
}

absl::Status DatabaseProbe::Check() {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn_ == nullptr || conn_->broken()) {
    ConnectionOptions quick = options_;
    quick.connect_timeout = absl::Seconds(2);
    quick.read_timeout = absl::Seconds(2);
    quick.write_timeout = absl::Seconds(2);
    QPP_ASSIGN_OR_RETURN(conn_, Connect(quick));
  }
  absl::Status s = conn_->Ping();
  if (!s.ok()) conn_.reset();
  return s;
}

bool IsTransactionConflict(const absl::Status& status) {
  return status.code() == absl::StatusCode::kAborted &&
         status::ReasonOf(status) == "DB_CONFLICT";
}

absl::Status WithTransaction(ConnectionPool& pool,
                             absl::FunctionRef<absl::Status(Connection&)> fn,
                             int attempts) {
  absl::Status last;
  // A connection found lost at START TRANSACTION did nothing yet: take
  // another (the pool pings the rest once one is found lost).
  int lost_at_begin = 0;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    QPP_ASSIGN_OR_RETURN(PooledConnection conn, pool.Acquire());
    if (absl::Status begun = conn->Begin(); !begun.ok()) {
      if (conn->broken() && ++lost_at_begin <= 2) {
        --attempt;
        continue;
      }
      return begun;
    }
    last = fn(*conn);
    if (last.ok()) last = conn->Commit();
    if (last.ok()) return last;
    conn->Rollback();
    if (!IsTransactionConflict(last)) return last;
  }
  return last;
}

std::string EscapeLike(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

}  // namespace qpp::db
