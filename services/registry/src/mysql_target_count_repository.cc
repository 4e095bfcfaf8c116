#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;

class MysqlTargetCountRepository final : public TargetCountRepository {
 public:
  absl::StatusOr<TargetFigures> CountTargets(db::Connection& conn, int year,
                                             absl::CivilDay as_of,
                                             int margin) override {
    TargetFigures out;
    const std::string day = db::SqlDay(as_of);
    const std::string year_start = db::SqlDay(absl::CivilDay(year, 1, 1));
    // Registered by the end of as_of in China time, as a UTC bound.
    const std::string end_utc = db::SqlTime(dates::EndOfDay(as_of));
    QPP_ASSIGN_OR_RETURN(
        Rows statuses,
        conn.Query(
            "SELECT CASE WHEN benchmark_date <= ? THEN 4 "
            "WHEN adopted_date <= ? THEN 3 WHEN introducing_date <= ? THEN 2 "
            "ELSE 1 END AS s, COUNT(*) FROM organizations "
            "WHERE state = 1 AND create_time < ? GROUP BY s ORDER BY s",
            {day, day, day, end_utc}));
    for (const Row& r : statuses) {
      out.organizations_by_status[static_cast<v1::AdoptionStatus>(r.Int(0))] =
          r.Int(1);
    }
    QPP_ASSIGN_OR_RETURN(Rows steps,
                         conn.Query("SELECT "
                                    "SUM(introducing_date BETWEEN ? AND ?), "
                                    "SUM(adopted_date BETWEEN ? AND ?) "
                                    "FROM organizations WHERE state = 1",
                                    {year_start, day, year_start, day}));
    out.started_introducing_in_year = steps[0].Int(0);
    out.adopted_in_year = steps[0].Int(1);
    QPP_ASSIGN_OR_RETURN(
        Rows bench,
        conn.Query("SELECT SUM(year = ?), COUNT(DISTINCT uscc) FROM "
                   "benchmark_designations WHERE year <= ?",
                   {int64_t{year}, int64_t{year}}));
    out.benchmarks_in_year = bench[0].Int(0);
    out.benchmarks_to_date = bench[0].Int(1);
    QPP_ASSIGN_OR_RETURN(
        Rows awards,
        conn.Query("SELECT COUNT(*) FROM award_records WHERE year = ?",
                   {int64_t{year}}));
    out.awards_in_year = awards[0].Int(0);
    // First and latest assessment totals per enterprise up to as_of.
    QPP_ASSIGN_OR_RETURN(
        Rows improved,
        conn.Query(
            "SELECT COUNT(*) FROM (SELECT a.uscc, "
            "CAST(SUBSTRING_INDEX(GROUP_CONCAT(a.total_centi ORDER BY "
            "a.assessment_date, a.id), ',', 1) AS SIGNED) AS first_total, "
            "CAST(SUBSTRING_INDEX(GROUP_CONCAT(a.total_centi ORDER BY "
            "a.assessment_date DESC, a.id DESC), ',', 1) AS SIGNED) AS "
            "last_total FROM self_assessments a JOIN organizations o ON "
            "o.uscc = a.uscc WHERE o.kind = ? AND o.state = 1 AND "
            "a.assessment_date <= ? GROUP BY a.uscc HAVING COUNT(*) >= 2) t "
            "WHERE last_total - first_total >= ?",
            {int64_t{v1::ORGANIZATION_KIND_ENTERPRISE}, day,
             int64_t{margin} * 100}));
    out.improved_enterprises = improved[0].Int(0);
    return out;
  }
};

}  // namespace

std::unique_ptr<TargetCountRepository> NewMysqlTargetCountRepository() {
  return std::make_unique<MysqlTargetCountRepository>();
}

}  // namespace qpp::registry
