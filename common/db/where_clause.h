#pragma once

// The WHERE clause of a query assembled from optional filters, with its
// parameters in the order of their placeholders, so that a List never
// concatenates caller text into SQL.

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/db/db.h"

namespace qpp::db {

class WhereClause final {
 public:
  // Adds `condition`, SQL with one '?' per element of `params`, joined to
  // the others by AND. `condition` must be a literal of the caller's, never
  // caller-supplied text.
  WhereClause& And(absl::string_view condition,
                   std::initializer_list<SqlParam> params = {});

  // " WHERE c1 AND c2 ..." (with a leading blank), or empty without
  // conditions.
  std::string Sql() const;

  // The parameters of every condition, in order; append those of the rest
  // of the statement (e.g. LIMIT) after them.
  const std::vector<SqlParam>& params() const { return params_; }

 private:
  std::vector<std::string> conditions_;
  std::vector<SqlParam> params_;
};

}  // namespace qpp::db
