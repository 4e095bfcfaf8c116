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

class MysqlBenchmarkRepository final : public BenchmarkRepository {
 public:
  absl::Status InsertBenchmark(db::Connection& conn, const std::string& uscc,
                               const v1::BenchmarkDesignation& b, char section,
                               absl::Time now) override {
    return conn
        .Execute(
            "INSERT INTO benchmark_designations (uscc, year, "
            "industry_code, industry_section, citation, create_time) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            {uscc, int64_t{b.year()}, b.industry_code(),
             std::string(1, section), b.citation(), db::SqlTime(now)})
        .status();
  }

  absl::StatusOr<std::vector<v1::BenchmarkDesignation>> ListBenchmarks(
      db::Connection& conn, const BenchmarkFilter& filter,
      const std::optional<YearKey>& after, int limit) override {
    db::WhereClause where;
    AddYearKeyConditions(filter.uscc, filter.year, after, where);
    if (!filter.district_code.empty()) {
      where.And(
          "uscc IN (SELECT uscc FROM organizations WHERE "
          "district_code = ?)",
          {filter.district_code});
    }
    if (!filter.industry_section.empty()) {
      where.And("industry_section = ?", {filter.industry_section});
    }
    std::vector<SqlParam> p = where.params();
    p.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat("SELECT uscc, year, industry_code, citation, "
                         "create_time FROM benchmark_designations",
                         where.Sql(), " ORDER BY year DESC, uscc LIMIT ?"),
            p));
    std::vector<v1::BenchmarkDesignation> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
      v1::BenchmarkDesignation b;
      b.set_name(absl::StrCat(resource::OrganizationName(r.String(0)),
                              "/benchmarks/", r.Int(1)));
      b.set_year(static_cast<int32_t>(r.Int(1)));
      b.set_industry_code(r.String(2));
      b.set_citation(r.String(3));
      *b.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 4));
      out.push_back(std::move(b));
    }
    return out;
  }

  absl::StatusOr<bool> DeleteBenchmark(db::Connection& conn,
                                       const std::string& uscc,
                                       int year) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "DELETE FROM benchmark_designations WHERE uscc = ? AND year = ?",
            {uscc, int64_t{year}}));
    return n == 1;
  }

  absl::StatusOr<std::optional<int>> FirstBenchmarkYear(
      db::Connection& conn, const std::string& uscc) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "SELECT MIN(year) FROM benchmark_designations WHERE uscc = ?",
            {uscc}));
    if (rows.empty() || rows[0].IsNull(0)) return std::nullopt;
    return static_cast<int>(rows[0].Int(0));
  }
};

}  // namespace

std::unique_ptr<BenchmarkRepository> NewMysqlBenchmarkRepository() {
  return std::make_unique<MysqlBenchmarkRepository>();
}

}  // namespace qpp::registry
