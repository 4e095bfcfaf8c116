#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/status/status.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {
namespace {

using db::Row;
using db::Rows;

class MysqlAppointmentRepository final : public AppointmentRepository {
 public:
  absl::StatusOr<int64_t> InsertAppointment(db::Connection& conn,
                                            const AppointmentRecord& a,
                                            absl::Time now) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO appointments (organization_uscc, role, "
                     "certificate_id, trainee_id, start_date, end_date, "
                     "create_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     {a.organization_uscc, int64_t{a.role}, a.certificate_id,
                      a.trainee_id, db::SqlDay(a.start_date),
                      db::SqlDayOrNull(a.end_date), db::SqlTime(now)})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::vector<AppointmentRecord>> ListAppointments(
      db::Connection& conn, const AppointmentFilter& filter, int64_t after_id,
      int limit, int64_t only_id) override {
    db::WhereClause where;
    where.And("a.id > ?", {after_id});
    if (only_id != 0) where.And("a.id = ?", {only_id});
    if (!filter.organization_uscc.empty()) {
      where.And("a.organization_uscc = ?", {filter.organization_uscc});
    }
    if (filter.role != v1::Appointment::ROLE_UNSPECIFIED) {
      where.And("a.role = ?", {int64_t{filter.role}});
    }
    std::vector<db::SqlParam> params = where.params();
    params.push_back(int64_t{limit});
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat(
                "SELECT a.id, a.organization_uscc, a.role, a.certificate_id, "
                "c.number, a.trainee_id, t.display_name, a.start_date, "
                "a.end_date, a.create_time FROM appointments a "
                "JOIN certificates c ON c.id = a.certificate_id "
                "JOIN trainees t ON t.id = a.trainee_id",
                where.Sql(), " ORDER BY a.id LIMIT ?"),
            params));
    std::vector<AppointmentRecord> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
      AppointmentRecord a;
      a.id = r.Int(0);
      a.organization_uscc = r.String(1);
      a.role = static_cast<v1::Appointment::Role>(r.Int(2));
      a.certificate_id = r.Int(3);
      a.certificate_number = r.String(4);
      a.trainee_id = r.Int(5);
      a.appointee_name = r.String(6);
      a.start_date = db::DayAt(r, 7).value_or(absl::CivilDay());
      a.end_date = db::DayAt(r, 8);
      a.create_time = db::TimeAt(r, 9);
      out.push_back(std::move(a));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<AppointmentRepository> NewMysqlAppointmentRepository() {
  return std::make_unique<MysqlAppointmentRepository>();
}

}  // namespace qpp::training
