// common/db on a real MariaDB: reconnects, migrations, idempotency purge.

#include "absl/strings/str_cat.h"
#include "common/db/db.h"
#include "common/db/idempotency.h"
#include "common/db/migrations.h"
#include "common/status/status.h"
#include "common/testing/database_test.h"
#include "common/testing/test_db.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"

namespace qpp::db {
namespace {

const std::vector<MigrationFile>& TestMigrations() {
  static const auto* const kFiles = new std::vector<MigrationFile>{
      {1, "0001_items.sql",
       "-- a comment line\n"
       "CREATE TABLE IF NOT EXISTS items (id BIGINT PRIMARY KEY,\n"
       "  name VARCHAR(50) NOT NULL) ENGINE=InnoDB;\n"
       "INSERT INTO items VALUES (1, '深圳');\n"}};
  return *kFiles;
}

class DbIntegrationTest : public testing::DatabaseTest<DbIntegrationTest> {
 public:
  static constexpr char kSchemaName[] = "common_db";
  static const std::vector<MigrationFile>& SchemaMigrations() {
    return TestMigrations();
  }
};

TEST_F(DbIntegrationTest, KilledConnectionIsDiscardedNotHandedOutAgain) {
  PoolOptions options = db_->options();
  options.size = 1;
  ConnectionPool pool(options, nullptr);
  int64_t first_id = 0;
  {
    auto conn = pool.Acquire();
    ASSERT_TRUE(conn.ok());
    auto rows = (*conn)->Query("SELECT CONNECTION_ID()");
    ASSERT_TRUE(rows.ok());
    first_id = (*rows)[0].Int(0);
    // Kill it from another session, as a server restart or a network cut
    // would.
    auto admin = Connect(options.connection);
    ASSERT_TRUE(admin.ok());
    ASSERT_TRUE((*admin)->ExecuteDirect(absl::StrCat("KILL ", first_id)).ok());
    auto after =
        (*conn)->Query("SELECT name FROM items WHERE id = ?", {int64_t{1}});
    EXPECT_EQ(after.status().code(), absl::StatusCode::kUnavailable);
    EXPECT_TRUE((*conn)->broken());
  }
  // The pool (size 1) replaces it; the cached statement is prepared again on
  // the new connection.
  auto conn = pool.Acquire();
  ASSERT_TRUE(conn.ok());
  auto rows =
      (*conn)->Query("SELECT name FROM items WHERE id = ?", {int64_t{1}});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].String(0), "深圳");
  auto id = (*conn)->Query("SELECT CONNECTION_ID()");
  EXPECT_NE((*id)[0].Int(0), first_id);
}

// As after a database restart: every idle connection of the pool is dead at
// once. The first statement that meets one fails (its outcome is unknown to
// the pool); from then on each connection idle at that moment is pinged
// before use, so no other caller fails, and a transaction that finds its
// connection lost at START TRANSACTION (nothing done yet) takes another.
TEST_F(DbIntegrationTest, AfterOneLostConnectionTheIdleOnesAreCheckedFirst) {
  PoolOptions options = db_->options();
  options.size = 4;
  ConnectionPool pool(options, nullptr);
  std::vector<int64_t> ids;
  {
    std::vector<PooledConnection> held;
    for (int i = 0; i < options.size; ++i) {
      auto conn = pool.Acquire();
      ASSERT_TRUE(conn.ok());
      auto rows = (*conn)->Query("SELECT CONNECTION_ID()");
      ASSERT_TRUE(rows.ok());
      ids.push_back((*rows)[0].Int(0));
      held.push_back(*std::move(conn));
    }
  }
  auto admin = Connect(options.connection);
  ASSERT_TRUE(admin.ok());
  for (int64_t id : ids) {
    ASSERT_TRUE((*admin)->ExecuteDirect(absl::StrCat("KILL ", id)).ok());
  }
  // A transaction meets a dead connection at START TRANSACTION and
  // succeeds on a fresh one.
  int64_t inserted = 0;
  absl::Status tx = WithTransaction(pool, [&](Connection& conn) {
    auto n = conn.Execute("INSERT INTO items VALUES (?, ?)",
                          {int64_t{90}, std::string("after a restart")});
    if (!n.ok()) return n.status();
    inserted = static_cast<int64_t>(*n);
    return absl::OkStatus();
  });
  ASSERT_TRUE(tx.ok()) << tx;
  EXPECT_EQ(inserted, 1);
  // Every later caller gets a working connection at the first try.
  for (int i = 0; i < options.size * 2; ++i) {
    auto conn = pool.Acquire();
    ASSERT_TRUE(conn.ok());
    auto rows = (*conn)->Query("SELECT COUNT(*) FROM items WHERE id = ?",
                               {int64_t{90}});
    ASSERT_TRUE(rows.ok()) << "call " << i << ": " << rows.status();
    EXPECT_EQ((*rows)[0].Int(0), 1);
  }
}

TEST_F(DbIntegrationTest, PoolTimesOutWhenEveryConnectionIsBusy) {
  PoolOptions options = db_->options();
  options.size = 1;
  options.acquire_timeout = absl::Milliseconds(100);
  ConnectionPool pool(options, nullptr);
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  EXPECT_EQ(pool.Acquire().status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(DbIntegrationTest, SqlErrorsMapToStatusesWithoutSqlText) {
  auto conn = Connect(db_->options().connection);
  ASSERT_TRUE(conn.ok());
  auto dup = (*conn)->Execute("INSERT INTO items VALUES (?, ?)",
                              {int64_t{1}, std::string("again")});
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message().find("INSERT"), std::string::npos);
  auto bad = (*conn)->Query("SELECT nosuchcolumn FROM items");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(bad.status().message().find("nosuchcolumn"), std::string::npos);
  auto too_long = (*conn)->Execute("INSERT INTO items VALUES (?, ?)",
                                   {int64_t{2}, std::string(51, 'x')});
  EXPECT_EQ(too_long.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(DbIntegrationTest, TransactionRollsBackOnError) {
  ConnectionPool pool(db_->options(), nullptr);
  absl::Status s = WithTransaction(pool, [](Connection& c) -> absl::Status {
    QPP_RETURN_IF_ERROR(c.Execute("INSERT INTO items VALUES (?, ?)",
                                  {int64_t{10}, std::string("ten")})
                            .status());
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  auto rows = db_->Query("SELECT COUNT(*) FROM items WHERE id = 10");
  EXPECT_EQ((*rows)[0].Int(0), 0);
}

TEST_F(DbIntegrationTest, MigrationsAreRecordedAndEditsRefused) {
  // Applying again is a no-op.
  EXPECT_TRUE(
      Migrate(db_->options().connection, db_->schema(), TestMigrations()).ok());
  auto rows = db_->Query("SELECT COUNT(*) FROM schema_migrations");
  EXPECT_EQ((*rows)[0].Int(0), 1);
  auto items = db_->Query("SELECT COUNT(*) FROM items WHERE id = 1");
  EXPECT_EQ((*items)[0].Int(0), 1);
  // A released migration whose text changed is refused.
  std::vector<MigrationFile> edited = TestMigrations();
  edited[0].sql = "CREATE TABLE items2 (id INT);";
  EXPECT_EQ(Migrate(db_->options().connection, db_->schema(), edited).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(SplitStatements("-- c\nA;\n\nB\n  C;\n").size(), 2u);
}

TEST_F(DbIntegrationTest, MigrateCreatesTheIdempotencyTableOfEverySchema) {
  // No migration of TestMigrations declares it.
  auto rows = db_->Query(
      "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = ? "
      "AND table_name = 'idempotency_keys'",
      {db_->schema()});
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].Int(0), 1);
  // A schema whose released first migration created the table itself (as the
  // registry's 0001 does) migrates as before, whichever ran first.
  std::vector<MigrationFile> older = TestMigrations();
  older.push_back({2, "0002_own_idempotency.sql",
                   "CREATE TABLE IF NOT EXISTS idempotency_keys ("
                   "request_id VARCHAR(64) NOT NULL PRIMARY KEY) "
                   "ENGINE=InnoDB;\n"});
  EXPECT_TRUE(Migrate(db_->options().connection, db_->schema(), older).ok());
}

TEST_F(DbIntegrationTest, RequestIdAppliesOnceAndReplaysTheFirstAnswer) {
  ASSERT_TRUE(db_->Clear({"idempotency_keys"}).ok());
  ConnectionPool pool(db_->options(), nullptr);
  // Any messages serve as request and response here.
  google::rpc::Status request;
  request.set_message("insert item 20");
  int runs = 0;
  const auto insert = [&](google::rpc::Status* response) {
    return RunIdempotent(
        pool, "req-20", request, response, [&](Connection& c) -> absl::Status {
          ++runs;
          QPP_RETURN_IF_ERROR(
              c.Execute("INSERT INTO items VALUES (?, ?)",
                        {int64_t{20} + runs - 1, std::string("twenty")})
                  .status());
          response->set_code(runs);
          return absl::OkStatus();
        });
  };
  google::rpc::Status first, second;
  ASSERT_TRUE(insert(&first).ok());
  ASSERT_TRUE(insert(&second).ok());
  EXPECT_EQ(runs, 1);
  EXPECT_EQ(second.code(), first.code());
  auto keys = db_->Query("SELECT method FROM idempotency_keys");
  ASSERT_EQ(keys->size(), 1u);
  EXPECT_EQ((*keys)[0].String(0), "Status");  // the request's message name
  // The same request_id for another request is refused.
  request.set_message("insert item 21");
  google::rpc::Status third;
  EXPECT_EQ(insert(&third).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(runs, 1);
}

TEST_F(DbIntegrationTest, OldIdempotencyKeysArePurged) {
  ASSERT_TRUE(db_->Clear({"idempotency_keys"}).ok());
  auto conn = Connect(db_->options().connection);
  ASSERT_TRUE(conn.ok());
  ASSERT_TRUE((*conn)
                  ->ExecuteDirect("INSERT INTO idempotency_keys VALUES "
                                  "('old', 'M', 'f', NULL, '2020-01-01'), "
                                  "('new', 'M', 'f', NULL, UTC_TIMESTAMP(6))")
                  .ok());
  ConnectionPool pool(db_->options(), nullptr);
  auto purged = PurgeIdempotencyKeys(pool, absl::Hours(24));
  ASSERT_TRUE(purged.ok());
  EXPECT_EQ(*purged, 1u);
  auto rows = db_->Query("SELECT request_id FROM idempotency_keys");
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].String(0), "new");
}

TEST_F(DbIntegrationTest, ProbeReportsReachability) {
  DatabaseProbe good(db_->options().connection);
  EXPECT_TRUE(good.Check().ok());
  ConnectionOptions wrong = db_->options().connection;
  wrong.port = 1;  // nothing listens there
  DatabaseProbe bad(wrong);
  EXPECT_EQ(bad.Check().code(), absl::StatusCode::kUnavailable);
}

TEST(EscapeLikeTest, EscapesWildcards) {
  EXPECT_EQ(EscapeLike("50%_a\\b"), "50\\%\\_a\\\\b");
}

}  // namespace
}  // namespace qpp::db
