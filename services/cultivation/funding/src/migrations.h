#pragma once

#include <vector>

#include "common/db/migrations.h"

namespace qpp::funding {

// Funding's migrations/*.sql (numbered from 1001), embedded at build time;
// the cultivation binary applies them with its own to the same schema.
const std::vector<db::MigrationFile>& Migrations();

}  // namespace qpp::funding
