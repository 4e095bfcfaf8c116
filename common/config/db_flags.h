#pragma once

// The database flags every service shares (--db_host, --db_port, --db_user,
// --db_password_file, --db_name, --db_pool_size, --db_acquire_timeout_ms),
// each also QPP_<FLAG> in the environment. Linked only by binaries that use
// a database, so that the gateway's --help shows none of them.

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/db/db.h"

namespace qpp::config {

// Database settings from the shared --db_* flags; `default_schema` is used
// when --db_name is empty. The password comes from QPP_DB_PASSWORD or
// --db_password_file.
absl::StatusOr<db::PoolOptions> DbOptionsFromFlags(
    absl::string_view default_schema);

}  // namespace qpp::config
