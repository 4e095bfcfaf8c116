#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/resource/names.h"
#include "services/registry/src/mysql_year_key.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

class MysqlAwardRepository final : public AwardRepository {
 public:
  absl::Status InsertAward(db::Connection& conn, const std::string& uscc,
                           const v1::AwardRecord& a, absl::Time now) override {
    return conn
        .Execute(
            "INSERT INTO award_records (uscc, year, level, category, "
            "citation, create_time) VALUES (?, ?, ?, ?, ?, ?)",
            {uscc, int64_t{a.year()}, int64_t{a.level()}, a.category(),
             a.citation(), db::SqlTime(now)})
        .status();
  }

  absl::StatusOr<std::vector<v1::AwardRecord>> ListAwards(
      db::Connection& conn, const AwardFilter& filter,
      const std::optional<YearKey>& after, int limit) override {
    db::WhereClause where;
    AddYearKeyConditions(filter.uscc, filter.year, after, where);
    if (!filter.district_code.empty()) {
      where.And(
          "uscc IN (SELECT uscc FROM organizations WHERE "
          "district_code = ?)",
          {filter.district_code});
    }
    if (filter.level != v1::AWARD_LEVEL_UNSPECIFIED) {
      where.And("level = ?", {int64_t{filter.level}});
    }
    std::vector<SqlParam> p = where.params();
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat("SELECT uscc, year, level, category, "
                         "citation, create_time FROM award_records",
                         where.Sql(), " ORDER BY year DESC, uscc LIMIT ?"),
            p));
    std::vector<v1::AwardRecord> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
      v1::AwardRecord a;
      a.set_name(absl::StrCat(resource::OrganizationName(r.String(0)),
                              "/awards/", r.Int(1)));
      a.set_year(static_cast<int32_t>(r.Int(1)));
      a.set_level(static_cast<v1::AwardLevel>(r.Int(2)));
      a.set_category(r.String(3));
      a.set_citation(r.String(4));
      *a.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 5));
      out.push_back(std::move(a));
    }
    return out;
  }

  absl::StatusOr<bool> DeleteAward(db::Connection& conn,
                                   const std::string& uscc, int year) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("DELETE FROM award_records WHERE uscc = ? AND year = ?",
                     {uscc, int64_t{year}}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<AwardRepository> NewMysqlAwardRepository() {
  return std::make_unique<MysqlAwardRepository>();
}

}  // namespace qpp::registry
