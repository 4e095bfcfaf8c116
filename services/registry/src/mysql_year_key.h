#pragma once

// SQL shared by the tables keyed by (uscc, year): award_records and
// benchmark_designations.

#include <optional>
#include <string>

#include "common/db/where_clause.h"
#include "services/registry/src/year_key.h"

namespace qpp::registry {

// Adds the filters of a (year DESC, uscc) list to `where`: one organisation
// unless `uscc` is empty, one year unless `year` is 0, and the rows after
// `after` in that order.
void AddYearKeyConditions(const std::string& uscc, int year,
                          const std::optional<YearKey>& after,
                          db::WhereClause& where);

}  // namespace qpp::registry
