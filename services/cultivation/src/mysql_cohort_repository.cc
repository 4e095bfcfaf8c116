#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "services/cultivation/src/cultivation_repository.h"

namespace qpp::cultivation {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

constexpr char kColumns[] =
    "SELECT year, capacity, library_cap, application_open_date, "
    "application_close_date, min_reviews, adjudication_spread, "
    "selection_state, create_time, update_time, version FROM cohorts";

CohortRecord ToRecord(const Row& r) {
  CohortRecord c;
  c.year = static_cast<int32_t>(r.Int(0));
  c.capacity = static_cast<int32_t>(r.Int(1));
  c.library_cap = static_cast<int32_t>(r.Int(2));
  c.open_day = db::DayAt(r, 3).value_or(absl::CivilDay());
  c.close_day = db::DayAt(r, 4).value_or(absl::CivilDay());
  c.min_reviews = static_cast<int32_t>(r.Int(5));
  c.adjudication_spread = r.Double(6);
  c.selection_state = static_cast<v1::SelectionState>(r.Int(7));
  c.create_time = db::TimeAt(r, 8);
  c.update_time = db::TimeAt(r, 9);
  c.version = r.Int(10);
  return c;
}

class MysqlCohortRepository final : public CohortRepository {
 public:
  absl::Status InsertCohort(db::Connection& conn, const CohortRecord& c,
                            absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    return conn
        .Execute(
            "INSERT INTO cohorts (year, capacity, library_cap, "
            "application_open_date, application_close_date, min_reviews, "
            "adjudication_spread, selection_state, create_time, update_time, "
            "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
            {int64_t{c.year}, int64_t{c.capacity}, int64_t{c.library_cap},
             db::SqlDay(c.open_day), db::SqlDay(c.close_day),
             int64_t{c.min_reviews}, c.adjudication_spread,
             int64_t{c.selection_state}, ts, ts})
        .status();
  }

  absl::StatusOr<std::optional<CohortRecord>> GetCohort(
      db::Connection& conn, int32_t year, bool for_update) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query(absl::StrCat(kColumns, " WHERE year = ?",
                                           for_update ? " FOR UPDATE" : ""),
                              {int64_t{year}}));
    if (rows.empty()) return std::nullopt;
    return ToRecord(rows[0]);
  }

  absl::StatusOr<std::vector<CohortRecord>> ListCohorts(db::Connection& conn,
                                                        int32_t before_year,
                                                        int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat(kColumns,
                                " WHERE year < ? ORDER BY year DESC LIMIT ?"),
                   {int64_t{before_year == 0 ? 100000 : before_year},
                    int64_t{limit}}));
    std::vector<CohortRecord> out;
    for (const Row& r : rows) out.push_back(ToRecord(r));
    return out;
  }

  absl::StatusOr<bool> UpdateCohort(db::Connection& conn, const CohortRecord& c,
                                    int64_t expected_version,
                                    absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE cohorts SET capacity = ?, library_cap = ?, "
            "application_open_date = ?, application_close_date = ?, "
            "min_reviews = ?, adjudication_spread = ?, selection_state = ?, "
            "update_time = ?, version = version + 1 "
            "WHERE year = ? AND version = ?",
            {int64_t{c.capacity}, int64_t{c.library_cap},
             db::SqlDay(c.open_day), db::SqlDay(c.close_day),
             int64_t{c.min_reviews}, c.adjudication_spread,
             int64_t{c.selection_state}, db::SqlTime(now), int64_t{c.year},
             expected_version}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<CohortRepository> NewMysqlCohortRepository() {
  return std::make_unique<MysqlCohortRepository>();
}

}  // namespace qpp::cultivation
