#include "common/testing/test_db.h"

#include <unistd.h>

#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace qpp::testing {
namespace {
std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v == nullptr ? fallback : v;
}
}  // namespace

bool TestDatabaseRequired() { return Env("QPP_TEST_REQUIRE_DB") == "1"; }

absl::StatusOr<std::unique_ptr<TestDatabase>> TestDatabase::Create(
    const std::string& name, const std::vector<db::MigrationFile>& migrations) {
  if (Env("QPP_TEST_DB_HOST").empty()) return std::unique_ptr<TestDatabase>();
  auto t = std::unique_ptr<TestDatabase>(new TestDatabase());
  db::ConnectionOptions& c = t->options_.connection;
  c.host = Env("QPP_TEST_DB_HOST");
  if (!absl::SimpleAtoi(Env("QPP_TEST_DB_PORT", "3306"), &c.port)) {
    return absl::InvalidArgumentError("QPP_TEST_DB_PORT is not a number");
  }
  c.user = Env("QPP_TEST_DB_USER", "qpp");
  c.password = Env("QPP_TEST_DB_PASSWORD");
  c.database = absl::StrCat("qpp_test_", name, "_", getpid());
  t->options_.size = 16;
  QPP_RETURN_IF_ERROR(db::Migrate(c, c.database, migrations));
  return t;
}

TestDatabase::~TestDatabase() {
  db::ConnectionOptions admin = options_.connection;
  admin.database.clear();
  auto conn = db::Connect(admin);
  if (conn.ok()) {
    (void)(*conn)->ExecuteDirect(
        absl::StrCat("DROP DATABASE IF EXISTS `", schema(), "`"));
  }
}

absl::Status TestDatabase::Clear(const std::vector<std::string>& tables) {
  QPP_ASSIGN_OR_RETURN(auto conn, db::Connect(options_.connection));
  QPP_RETURN_IF_ERROR(conn->ExecuteDirect("SET FOREIGN_KEY_CHECKS = 0"));
  for (const auto& table : tables) {
    QPP_RETURN_IF_ERROR(
        conn->ExecuteDirect(absl::StrCat("DELETE FROM `", table, "`")));
  }
  return conn->ExecuteDirect("SET FOREIGN_KEY_CHECKS = 1");
}

absl::StatusOr<db::Rows> TestDatabase::Query(const std::string& sql,
                                             std::vector<db::SqlParam> params) {
  QPP_ASSIGN_OR_RETURN(auto conn, db::Connect(options_.connection));
  return conn->Query(sql, params);
}

}  // namespace qpp::testing
