#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace qpp::cultivation {

// Cultivation's migrations/*.sql, embedded at build time.
const std::vector<db::MigrationFile>& Migrations();

}  // namespace qpp::cultivation
