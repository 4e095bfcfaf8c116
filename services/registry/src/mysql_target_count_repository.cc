#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// "Counted on the day" (see target_count_rules.h): not archived by the end
// of the day, and registered by then or with an adoption date by then.
// Placeholders: end_utc, end_utc, day, day, day.
constexpr char kCountedOnDay[] =
    "(o.state = 1 OR o.delete_time >= ?) AND (o.create_time < ? OR "
    "o.introducing_date <= ? OR o.adopted_date <= ? OR "
    "o.benchmark_date <= ?)";

// Introducing or further on the day; and adopted or further. NULL dates
// make the comparisons NULL, hence IFNULL. Placeholders: day x3, day x2.
constexpr char kIntroducing[] =
    "IFNULL(o.introducing_date <= ? OR o.adopted_date <= ? OR "
    "o.benchmark_date <= ?, 0)";
constexpr char kAdopted[] =
    "IFNULL(o.adopted_date <= ? OR o.benchmark_date <= ?, 0)";

class MysqlTargetCountRepository final : public TargetCountRepository {
 public:
  absl::StatusOr<TargetFigures> CountTargets(
      db::Connection& conn, int year, absl::CivilDay as_of,
      const TargetCountSettings& settings) override {
    TargetFigures out;
    const std::string day = db::SqlDay(as_of);
    const std::string year_start = db::SqlDay(absl::CivilDay(year, 1, 1));
    // The end of as_of in China time, as a UTC bound.
    const std::string end_utc = db::SqlTime(dates::EndOfDay(as_of));
    const std::vector<SqlParam> counted = {end_utc, end_utc, day, day, day};
    auto with_counted = [&](std::vector<SqlParam> before,
                            std::vector<SqlParam> after = {}) {
      before.insert(before.end(), counted.begin(), counted.end());
      before.insert(before.end(), after.begin(), after.end());
      return before;
    };
    const int64_t enterprise = v1::ORGANIZATION_KIND_ENTERPRISE;

    QPP_ASSIGN_OR_RETURN(
        Rows statuses,
        conn.Query(
            absl::StrCat("SELECT CASE WHEN o.benchmark_date <= ? THEN 4 "
                         "WHEN o.adopted_date <= ? THEN 3 WHEN "
                         "o.introducing_date <= ? THEN 2 ELSE 1 END AS s, "
                         "COUNT(*) FROM organizations o WHERE ",
                         kCountedOnDay, " GROUP BY s ORDER BY s"),
            with_counted({day, day, day})));
    for (const Row& r : statuses) {
      out.organizations_by_status[static_cast<v1::AdoptionStatus>(r.Int(0))] =
          r.Int(1);
    }

    // The "1000", benchmarked organisations and key enterprises, per
    // district and section; the totals are their sums.
    QPP_ASSIGN_OR_RETURN(
        Rows groups,
        conn.Query(
            absl::StrCat("SELECT o.district_code, o.industry_section, "
                         "SUM(o.kind = ? AND ",
                         kIntroducing,
                         "), SUM(IFNULL(o.benchmark_date <= ?, 0)), "
                         "SUM(o.flag_key_enterprise = 1 AND ",
                         kAdopted,
                         "), SUM(o.flag_key_enterprise) FROM organizations o "
                         "WHERE ",
                         kCountedOnDay,
                         " GROUP BY o.district_code, o.industry_section"),
            with_counted({enterprise, day, day, day, day, day, day})));
    for (const Row& r : groups) {
      for (BreakdownFigures* f :
           {&out.by_district[r.String(0)], &out.by_section[r.String(1)]}) {
        f->introduced_enterprises += r.Int(2);
        f->benchmark_organizations += r.Int(3);
        f->key_enterprises_running += r.Int(4);
      }
      out.introduced_enterprises += r.Int(2);
      out.key_enterprises_running += r.Int(4);
      out.key_enterprises += r.Int(5);
    }

    QPP_ASSIGN_OR_RETURN(
        Rows steps,
        conn.Query(absl::StrCat("SELECT "
                                "IFNULL(SUM(o.introducing_date BETWEEN ? AND "
                                "?), 0), IFNULL(SUM(o.adopted_date BETWEEN ? "
                                "AND ?), 0) FROM organizations o WHERE ",
                                kCountedOnDay),
                   with_counted({year_start, day, year_start, day})));
    out.started_introducing_in_year = steps[0].Int(0);
    out.adopted_in_year = steps[0].Int(1);

    QPP_ASSIGN_OR_RETURN(
        Rows bench,
        conn.Query("SELECT IFNULL(SUM(year = ?), 0), COUNT(DISTINCT uscc) "
                   "FROM benchmark_designations WHERE year <= ?",
                   {int64_t{year}, int64_t{year}}));
    out.benchmarks_in_year = bench[0].Int(0);
    out.benchmarks_to_date = bench[0].Int(1);
    const char* industry =
        settings.benchmark_industry_level == v1::INDUSTRY_LEVEL_DIVISION
            ? "LEFT(b.industry_code, 2)"
            : "b.industry_section";
    QPP_ASSIGN_OR_RETURN(
        Rows industries,
        conn.Query(absl::StrCat("SELECT DISTINCT ", industry,
                                " AS i FROM benchmark_designations b JOIN "
                                "organizations o ON o.uscc = b.uscc WHERE "
                                "b.year <= ? AND ",
                                kCountedOnDay, " ORDER BY i"),
                   with_counted({int64_t{year}})));
    for (const Row& r : industries) {
      out.benchmark_industry_codes.push_back(r.String(0));
    }

    QPP_ASSIGN_OR_RETURN(
        Rows awards,
        conn.Query("SELECT COUNT(*) FROM award_records WHERE year = ?",
                   {int64_t{year}}));
    out.awards_in_year = awards[0].Int(0);

    QPP_ASSIGN_OR_RETURN(
        Rows margin,
        conn.Query("SELECT margin_points FROM improvement_margins WHERE "
                   "effective_from <= ? ORDER BY effective_from DESC LIMIT 1",
                   {day}));
    if (!margin.empty()) out.margin_points = static_cast<int>(margin[0].Int(0));
    const int64_t margin_centi = int64_t{MarginInForce(out, settings)} * 100;
    const std::string window_start = db::SqlDay(
        absl::CivilDay(settings.improvement_window_start_year, 1, 1));
    // First and latest totals per enterprise and sheet edition inside the
    // window; improved when any edition rose by the margin.
    QPP_ASSIGN_OR_RETURN(
        Rows improved,
        conn.Query(
            absl::StrCat(
                "SELECT o.district_code, o.industry_section, "
                "COUNT(DISTINCT o.uscc) FROM (SELECT a.uscc, "
                "CAST(SUBSTRING_INDEX(GROUP_CONCAT(a.total_centi ORDER BY "
                "a.assessment_date, a.id), ',', 1) AS SIGNED) AS first_total, "
                "CAST(SUBSTRING_INDEX(GROUP_CONCAT(a.total_centi ORDER BY "
                "a.assessment_date DESC, a.id DESC), ',', 1) AS SIGNED) AS "
                "last_total FROM self_assessments a WHERE a.state = 1 AND "
                "a.assessment_date BETWEEN ? AND ? GROUP BY a.uscc, "
                "a.sheet_version HAVING "
                "COUNT(*) >= 2) t JOIN organizations o ON o.uscc = t.uscc "
                "WHERE t.last_total - t.first_total >= ? AND o.kind = ? AND ",
                kCountedOnDay, " GROUP BY o.district_code, o.industry_section"),
            with_counted({window_start, day, margin_centi, enterprise})));
    for (const Row& r : improved) {
      out.by_district[r.String(0)].improved_enterprises += r.Int(2);
      out.by_section[r.String(1)].improved_enterprises += r.Int(2);
      out.improved_enterprises += r.Int(2);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<TargetCountRepository> NewMysqlTargetCountRepository() {
  return std::make_unique<MysqlTargetCountRepository>();
}

}  // namespace qpp::registry
