#include "common/config/db_flags.h"

#include "absl/flags/flag.h"
#include "common/config/config.h"

ABSL_FLAG(std::string, db_host, "127.0.0.1", "MySQL/MariaDB host.");
ABSL_FLAG(int, db_port, 3307, "MySQL/MariaDB port.");
ABSL_FLAG(std::string, db_user, "qpp", "Database user.");
ABSL_FLAG(std::string, db_password_file, "",
          "File holding the database password (else QPP_DB_PASSWORD).");
ABSL_FLAG(std::string, db_name, "",
          "Schema of this service (default: the service's own).");
ABSL_FLAG(int, db_pool_size, 8,
          "Database connections, and threads running blocking work.");
ABSL_FLAG(int, db_acquire_timeout_ms, 2000,
          "How long a request waits for a free connection.");

namespace qpp::config {

absl::StatusOr<db::PoolOptions> DbOptionsFromFlags(
    absl::string_view default_schema) {
  db::PoolOptions options;
  options.connection.host = absl::GetFlag(FLAGS_db_host);
  options.connection.port = absl::GetFlag(FLAGS_db_port);
  options.connection.user = absl::GetFlag(FLAGS_db_user);
  auto password =
      ReadSecret("QPP_DB_PASSWORD", absl::GetFlag(FLAGS_db_password_file));
  if (!password.ok()) return password.status();
  options.connection.password = *password;
  options.connection.database = absl::GetFlag(FLAGS_db_name);
  if (options.connection.database.empty()) {
    options.connection.database = std::string(default_schema);
  }
  options.size = absl::GetFlag(FLAGS_db_pool_size);
  if (options.size < 1 || options.size > 256) {
    return absl::InvalidArgumentError("--db_pool_size must be 1..256");
  }
  options.acquire_timeout =
      absl::Milliseconds(absl::GetFlag(FLAGS_db_acquire_timeout_ms));
  return options;
}

}  // namespace qpp::config
