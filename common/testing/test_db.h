#pragma once

// Integration tests run against a real MariaDB named by the environment:
// QPP_TEST_DB_HOST, QPP_TEST_DB_PORT, QPP_TEST_DB_USER, QPP_TEST_DB_PASSWORD
// (tests/run.sh starts a throwaway server and sets them). Each test binary
// gets its own schema, migrated with the service's own migrations and
// dropped at the end; tests empty the tables they use between cases.

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/db/db.h"
#include "common/db/migrations.h"

namespace qpp::testing {

class TestDatabase final {
 public:
  // A fresh schema "qpp_test_<name>_<pid>" with `migrations` applied.
  // Returns null when QPP_TEST_DB_HOST is unset (tests then skip, or fail if
  // QPP_TEST_REQUIRE_DB=1, which tests/run.sh sets).
  static absl::StatusOr<std::unique_ptr<TestDatabase>> Create(
      const std::string& name,
      const std::vector<db::MigrationFile>& migrations);
  ~TestDatabase();

  const db::PoolOptions& options() const { return options_; }
  const std::string& schema() const { return options_.connection.database; }
  // Deletes every row of `tables`, in order, with foreign key checks off.
  absl::Status Clear(const std::vector<std::string>& tables);
  // Runs a query on a fresh connection, for assertions on stored rows.
  absl::StatusOr<db::Rows> Query(const std::string& sql,
                                 std::vector<db::SqlParam> params = {});

 private:
  db::PoolOptions options_;
};

// True if integration tests must not skip.
bool TestDatabaseRequired();

}  // namespace qpp::testing

// In a test: skip (or fail, when required) without a database.
#define QPP_SKIP_WITHOUT_DB(db_ptr)                                    \
  do {                                                                 \
    if ((db_ptr) == nullptr) {                                         \
      if (::qpp::testing::TestDatabaseRequired()) {                    \
        FAIL() << "QPP_TEST_REQUIRE_DB=1 but no test database is set"; \
      }                                                                \
      GTEST_SKIP() << "set QPP_TEST_DB_* to run against MariaDB";      \
    }                                                                  \
  } while (false)
