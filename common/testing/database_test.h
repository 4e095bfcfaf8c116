#pragma once

// A GoogleTest fixture whose tests share one throwaway schema per test
// suite, migrated with the given migrations (see test_db.h):
//
//   class RegistryIntegrationTest
//       : public testing::DatabaseTest<RegistryIntegrationTest> {
//    public:
//     static constexpr char kSchemaName[] = "registry";
//     static const std::vector<db::MigrationFile>& SchemaMigrations() {
//       return Migrations();
//     }
//   };
//
// Tests skip without a database (or fail when one is required); a fixture
// that overrides SetUp calls DatabaseTest::SetUp() first and returns if
// IsSkipped() || HasFatalFailure().

#include <vector>

#include "common/db/migrations.h"
#include "common/testing/test_db.h"
#include "gtest/gtest.h"

namespace qpp::testing {

template <typename Fixture>
class DatabaseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto created =
        TestDatabase::Create(Fixture::kSchemaName, Fixture::SchemaMigrations());
    ASSERT_TRUE(created.ok()) << created.status();
    db_ = created->release();
  }

  static void TearDownTestSuite() {
    delete db_;
    db_ = nullptr;
  }

  void SetUp() override { QPP_SKIP_WITHOUT_DB(db_); }

  // The suite's schema; null without a database.
  static inline TestDatabase* db_ = nullptr;
};

}  // namespace qpp::testing
