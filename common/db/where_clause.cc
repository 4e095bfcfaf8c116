#include "common/db/where_clause.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qpp::db {

WhereClause& WhereClause::And(absl::string_view condition,
                              std::initializer_list<SqlParam> params) {
  conditions_.emplace_back(condition);
  params_.insert(params_.end(), params.begin(), params.end());
  return *this;
}

std::string WhereClause::Sql() const {
  if (conditions_.empty()) return std::string();
  return absl::StrCat(" WHERE ", absl::StrJoin(conditions_, " AND "));
}

}  // namespace qpp::db
