#pragma once

// Configuration: command-line flags with environment overrides, and secrets
// that come only from the environment or from files.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::config {

// The environment variable that overrides flag `name`: QPP_ + upper case
// (db_host -> QPP_DB_HOST).
std::string EnvNameOf(absl::string_view flag_name);

// Sets every flag that has an environment variable from it, then parses the
// command line, which wins over the environment. Exits with a message on a
// malformed value. Returns the positional arguments (argv[0] first).
std::vector<char*> ParseFlags(int argc, char** argv, absl::string_view usage);

// The whole content of `path`. FAILED_PRECONDITION naming the file when it
// cannot be read.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// A secret: the content of `file` if non-empty (trailing newline removed),
// else the environment variable `env`, else empty. Secrets never come from
// flags' values, which show up in process listings.
absl::StatusOr<std::string> ReadSecret(absl::string_view env,
                                       const std::string& file);

}  // namespace qpp::config
