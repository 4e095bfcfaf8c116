#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace qpp::cultivation {

// Cultivation's migrations/*.sql, embedded at build time.
const std::vector<db::MigrationFile>& Migrations();

// Everything the cultivation schema holds: cultivation's migrations, then
// funding eligibility's (numbered from 1001). The binary applies these.
const std::vector<db::MigrationFile>& SchemaMigrations();

}  // namespace qpp::cultivation
