#pragma once

// Turning CSV rows into Organization messages for the bulk import.

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qpp/registry/v1/resources.pb.h"

namespace qpp::qppctl {

// Maps header names to column indexes. Required columns: uscc,
// display_name (or name), kind, district_code, industry_code. Optional:
// employees, annual_revenue_yuan, total_assets_yuan, listing_cultivation,
// high_tech, growth, exemplary_public_service, contact_name, contact_role,
// contact_phone, contact_email. INVALID_ARGUMENT naming a missing or unknown
// column.
absl::StatusOr<std::map<std::string, int>> ParseHeader(
    const std::vector<std::string>& header);

// Builds an organisation from a record. Kinds are accepted as enum names
// with or without the ORGANIZATION_KIND_ prefix; flags as 1/0, true/false,
// yes/no or 是/否. INVALID_ARGUMENT for values that cannot be sent at all
// (a non-number in a number column, an unknown kind); everything else is
// checked by the server.
absl::StatusOr<qpp::registry::v1::Organization> RowToOrganization(
    const std::map<std::string, int>& columns,
    const std::vector<std::string>& row);

// Quotes a field for a CSV report when needed.
std::string CsvField(const std::string& value);

}  // namespace qpp::qppctl
