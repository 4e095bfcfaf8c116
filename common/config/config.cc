#include "common/config/config.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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

std::string EnvNameOf(absl::string_view flag_name) {
  return absl::StrCat("QPP_", absl::AsciiStrToUpper(flag_name));
}

std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    const char* value = std::getenv(EnvNameOf(name).c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::cerr << "invalid value in " << EnvNameOf(name) << ": " << error
                << "\n";
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

absl::StatusOr<std::string> ReadSecret(absl::string_view env,
                                       const std::string& file) {
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot read secret file ", file));
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string value = buffer.str();
    absl::StripTrailingAsciiWhitespace(&value);
    return value;
  }
  const char* value = std::getenv(std::string(env).c_str());
  return value == nullptr ? std::string() : std::string(value);
}

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
