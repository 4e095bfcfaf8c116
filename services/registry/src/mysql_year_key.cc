#include "services/registry/src/mysql_year_key.h"

namespace qpp::registry {

void AddYearKeyConditions(const std::string& uscc, int year,
                          const std::optional<YearKey>& after,
                          db::WhereClause& where) {
  if (!uscc.empty()) where.And("uscc = ?", {uscc});
  if (year != 0) where.And("year = ?", {int64_t{year}});
  if (after.has_value()) {
    where.And("(year < ? OR (year = ? AND uscc > ?))",
              {int64_t{after->year}, int64_t{after->year}, after->uscc});
  }
}

}  // namespace qpp::registry
