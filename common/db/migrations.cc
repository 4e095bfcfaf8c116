#include "common/db/migrations.h"

#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/db/idempotency.h"
#include "common/status/status.h"
#include "openssl/sha.h"
#include "spdlog/spdlog.h"

namespace qpp::db {
namespace {

std::string Sha256Hex(absl::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(),
         digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<char*>(digest), sizeof(digest)));
}

bool IsValidSchemaName(absl::string_view schema) {
  if (schema.empty() || schema.size() > 64) return false;
  for (char c : schema) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') {
      return false;
    }
  }
  return true;
}

// Releases the named lock when it goes out of scope.
class NamedLock final {
 public:
  NamedLock(Connection& conn, std::string name)
      : conn_(conn), name_(std::move(name)) {}
  ~NamedLock() {
    (void)conn_.Query("SELECT RELEASE_LOCK(?)", {SqlParam(name_)});
  }

 private:
  Connection& conn_;
  std::string name_;
};

}  // namespace

std::vector<std::string> SplitStatements(absl::string_view sql) {
  std::vector<std::string> out;
  std::string current;
  for (absl::string_view line : absl::StrSplit(sql, '\n')) {
    absl::string_view stripped = absl::StripAsciiWhitespace(line);
    if (stripped.empty() || absl::StartsWith(stripped, "--")) continue;
    absl::StrAppend(&current, line, "\n");
    if (absl::EndsWith(stripped, ";")) {
      absl::string_view stmt = absl::StripAsciiWhitespace(current);
      stmt.remove_suffix(1);
      out.emplace_back(stmt);
      current.clear();
    }
  }
  if (!absl::StripAsciiWhitespace(current).empty()) {
    out.emplace_back(absl::StripAsciiWhitespace(current));
  }
  return out;
}

absl::Status Migrate(const ConnectionOptions& server, absl::string_view schema,
                     const std::vector<MigrationFile>& migrations) {
  if (!IsValidSchemaName(schema)) {
    return absl::InvalidArgumentError(
        absl::StrCat("schema name '", schema, "' must be [a-z0-9_]{1,64}"));
  }
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return absl::FailedPreconditionError(absl::StrCat(
          "migration versions must increase: ", migrations[i].name));
    }
  }
  ConnectionOptions options = server;
  options.database.clear();
  QPP_ASSIGN_OR_RETURN(std::unique_ptr<Connection> conn, Connect(options));
  QPP_RETURN_IF_ERROR(conn->ExecuteDirect(
      absl::StrCat("CREATE DATABASE IF NOT EXISTS `", schema,
                   "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")));
  QPP_RETURN_IF_ERROR(conn->ExecuteDirect(absl::StrCat("USE `", schema, "`")));

  const std::string lock_name = absl::StrCat("qpp.migrate.", schema);
  QPP_ASSIGN_OR_RETURN(Rows locked,
                       conn->Query("SELECT GET_LOCK(?, 60)", {lock_name}));
  if (locked.empty() || locked[0].Int(0) != 1) {
    return absl::UnavailableError(
        "another process holds the migration lock; retry");
  }
  NamedLock guard(*conn, lock_name);

  QPP_RETURN_IF_ERROR(conn->ExecuteDirect(
      "CREATE TABLE IF NOT EXISTS schema_migrations ("
      " version INT NOT NULL PRIMARY KEY,"
      " name VARCHAR(255) NOT NULL,"
      " checksum CHAR(64) NOT NULL,"
      " applied_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6)"
      ") ENGINE=InnoDB"));
  // Before the service's own migrations, so that they may rely on it; a
  // schema whose first migration already created it keeps its table.
  QPP_RETURN_IF_ERROR(EnsureIdempotencyTable(*conn));
  QPP_ASSIGN_OR_RETURN(
      Rows applied_rows,
      conn->Query("SELECT version, name, checksum FROM schema_migrations", {}));
  std::map<int64_t, std::string> applied;
  for (const Row& row : applied_rows) applied[row.Int(0)] = row.String(2);

  for (const MigrationFile& m : migrations) {
    const std::string checksum = Sha256Hex(m.sql);
    auto it = applied.find(m.version);
    if (it != applied.end()) {
      if (it->second != checksum) {
        return absl::FailedPreconditionError(absl::StrCat(
            "migration ", m.name, " of schema ", schema,
            " was changed after it was applied; add a new migration instead"));
      }
      continue;
    }
    spdlog::info("applying migration {} to {}", m.name, std::string(schema));
    // MariaDB commits DDL implicitly, so migrations are written to be
    // re-runnable (IF NOT EXISTS); the record is written last.
    for (const std::string& stmt : SplitStatements(m.sql)) {
      absl::Status s = conn->ExecuteDirect(stmt);
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("migration ", m.name,
                                                   " failed: ", s.message()));
      }
    }
    QPP_RETURN_IF_ERROR(
        conn->Execute("INSERT INTO schema_migrations (version, name, checksum) "
                      "VALUES (?, ?, ?)",
                      {int64_t{m.version}, std::string(m.name), checksum})
            .status());
  }
  return absl::OkStatus();
}

}  // namespace qpp::db
