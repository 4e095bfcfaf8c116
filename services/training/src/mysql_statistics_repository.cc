#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/status/status.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {
namespace {

using db::Row;
using db::Rows;

// Attended registrations (the one person-time each) of sessions that ended
// in the period, with their course kind and trainee.
constexpr char kAttended[] =
    "FROM registrations r JOIN sessions s ON s.id = r.session_id "
    "JOIN courses c ON c.id = r.course_id "
    "JOIN trainees t ON t.id = r.trainee_id "
    "WHERE r.attended = 1 AND s.end_date BETWEEN ? AND ?";

std::vector<KindDistrictCount> ToCounts(const Rows& rows, bool has_kind,
                                        bool has_district) {
  std::vector<KindDistrictCount> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    KindDistrictCount c;
    size_t i = 0;
    if (has_kind) c.kind = static_cast<v1::CourseKind>(r.Int(i++));
    if (has_district) c.district_code = r.String(i++);
    c.count = r.Int(i);
    out.push_back(std::move(c));
  }
  return out;
}

class MysqlStatisticsRepository final : public StatisticsRepository {
 public:
  absl::StatusOr<PeriodCounts> CountPeriod(db::Connection& conn,
                                           absl::CivilDay first,
                                           absl::CivilDay last) override {
    const std::vector<db::SqlParam> period = {db::SqlDay(first),
                                              db::SqlDay(last)};
    PeriodCounts out;
    QPP_ASSIGN_OR_RETURN(
        Rows person_times,
        conn.Query(absl::StrCat("SELECT c.kind, t.employer_district_code, "
                                "COUNT(*) ",
                                kAttended, " GROUP BY 1, 2 ORDER BY 1, 2"),
                   period));
    out.person_times = ToCounts(person_times, true, true);
    QPP_ASSIGN_OR_RETURN(
        Rows people,
        conn.Query(
            absl::StrCat("SELECT COUNT(DISTINCT r.trainee_id) ", kAttended),
            period));
    out.people_trained = people.empty() ? 0 : people[0].Int(0);
    QPP_ASSIGN_OR_RETURN(
        Rows by_kind,
        conn.Query(absl::StrCat("SELECT c.kind, COUNT(DISTINCT r.trainee_id) ",
                                kAttended, " GROUP BY 1 ORDER BY 1"),
                   period));
    out.people_by_kind = ToCounts(by_kind, true, false);
    QPP_ASSIGN_OR_RETURN(
        Rows by_district,
        conn.Query(absl::StrCat("SELECT t.employer_district_code, "
                                "COUNT(DISTINCT r.trainee_id) ",
                                kAttended, " GROUP BY 1 ORDER BY 1"),
                   period));
    out.people_by_district = ToCounts(by_district, false, true);
    // A holder's first certificate: none issued earlier (ties by id).
    QPP_ASSIGN_OR_RETURN(
        Rows certified,
        conn.Query(
            "SELECT COALESCE(co.kind, 0), t.employer_district_code, COUNT(*) "
            "FROM certificates c JOIN trainees t ON t.id = c.trainee_id "
            "LEFT JOIN registrations r ON r.id = c.registration_id "
            "LEFT JOIN courses co ON co.id = r.course_id "
            "WHERE c.issue_date BETWEEN ? AND ? AND NOT EXISTS ("
            "SELECT 1 FROM certificates e WHERE e.trainee_id = c.trainee_id "
            "AND (e.issue_date < c.issue_date OR "
            "(e.issue_date = c.issue_date AND e.id < c.id))) "
            "GROUP BY 1, 2 ORDER BY 1, 2",
            period));
    out.newly_certified = ToCounts(certified, true, true);
    return out;
  }

  absl::StatusOr<int64_t> CountAttendedStaff(db::Connection& conn,
                                             const std::string& employer_uscc,
                                             absl::CivilDay first,
                                             absl::CivilDay last) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(DISTINCT r.trainee_id) FROM registrations r "
                   "JOIN sessions s ON s.id = r.session_id "
                   "JOIN trainees t ON t.id = r.trainee_id "
                   "WHERE r.attended = 1 AND t.employer_uscc = ? "
                   "AND s.start_date >= ? AND s.end_date <= ?",
                   {employer_uscc, db::SqlDay(first), db::SqlDay(last)}));
    return rows[0].Int(0);
  }
};

}  // namespace

std::unique_ptr<StatisticsRepository> NewMysqlStatisticsRepository() {
  return std::make_unique<MysqlStatisticsRepository>();
}

}  // namespace qpp::training
