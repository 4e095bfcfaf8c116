#pragma once

// Versioned schema migrations. Each service keeps NNNN_what.sql files in its
// migrations/ folder; the build embeds them into the binary (see
// cmake/QppMigrations.cmake), and Migrate applies the missing ones in order
// at start-up or from the binary's --migrate_only mode.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/db/db.h"

namespace qpp::db {

// One migration file: its number, file name and SQL. Statements end with ';'
// at the end of a line; lines starting with "--" are comments.
struct MigrationFile {
  int version;
  const char* name;
  const char* sql;
};

// Creates `schema` (utf8mb4) if needed and applies every migration not yet
// recorded in its `schema_migrations` table, each recorded with a SHA-256 of
// its text. Also creates the runner's shared tables if missing:
// `schema_migrations` and `idempotency_keys` (see common/db/idempotency.h),
// so no service's migrations declare them. Holds a server lock named after the
// schema while it runs, so replicas starting together apply each migration
// once. FAILED_PRECONDITION if an applied migration's text has changed since (a
// released migration must never be edited) or versions are not increasing;
// UNAVAILABLE if the server cannot be reached.
absl::Status Migrate(const ConnectionOptions& server, absl::string_view schema,
                     const std::vector<MigrationFile>& migrations);

// Splits a migration's text into statements.
std::vector<std::string> SplitStatements(absl::string_view sql);

}  // namespace qpp::db
