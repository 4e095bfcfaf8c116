#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Registrations matching `where`, ordered by id; locked until the
// transaction ends if `for_update`.
absl::StatusOr<std::vector<RegistrationRecord>> QueryRegistrations(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT id, base_id, event_id, visitor_kind, "
                              "organization_uscc, contact_name_sealed, "
                              "contact_phone_sealed, headcount, state, "
                              "attended, feedback_score, feedback_comment, "
                              "create_time, update_time, version "
                              "FROM registrations",
                              where.Sql(), " ORDER BY id LIMIT ?",
                              for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<RegistrationRecord> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    RegistrationRecord r;
    r.id = row.Int(0);
    r.base_id = row.Int(1);
    r.event_id = row.Int(2);
    r.visitor_kind = static_cast<v1::VisitorKind>(row.Int(3));
    r.organization_uscc = row.String(4);
    r.contact_name_sealed = row.String(5);
    r.contact_phone_sealed = row.String(6);
    r.headcount = static_cast<int32_t>(row.Int(7));
    r.state = static_cast<v1::RegistrationState>(row.Int(8));
    r.attended = row.Bool(9);
    r.feedback_score = static_cast<int32_t>(row.Int(10));
    r.feedback_comment = row.String(11);
    r.create_time = db::TimeAt(row, 12);
    r.update_time = db::TimeAt(row, 13);
    r.version = row.Int(14);
    out.push_back(std::move(r));
  }
  return out;
}

class MysqlRegistrationRepository final : public RegistrationRepository {
 public:
  absl::StatusOr<int64_t> InsertRegistration(db::Connection& conn,
                                             const RegistrationRecord& r,
                                             absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO registrations (base_id, event_id, visitor_kind, "
                "organization_uscc, contact_name_sealed, "
                "contact_phone_sealed, headcount, state, create_time, "
                "update_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "1)",
                {r.base_id, r.event_id, int64_t{r.visitor_kind},
                 r.organization_uscc, r.contact_name_sealed,
                 r.contact_phone_sealed, int64_t{r.headcount}, int64_t{r.state},
                 ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<RegistrationRecord>> GetRegistration(
      db::Connection& conn, int64_t event_id, int64_t id,
      bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id}).And("event_id = ?", {event_id});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryRegistrations(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<RegistrationRecord>> ListRegistrations(
      db::Connection& conn, int64_t event_id, v1::RegistrationState state,
      int64_t after_id, int limit) override {
    db::WhereClause where;
    where.And("event_id = ?", {event_id}).And("id > ?", {after_id});
    if (state != v1::REGISTRATION_STATE_UNSPECIFIED) {
      where.And("state = ?", {int64_t{state}});
    }
    return QueryRegistrations(conn, where, limit, /*for_update=*/false);
  }

  absl::Status SetState(db::Connection& conn, int64_t id,
                        v1::RegistrationState state, absl::Time now) override {
    return conn
        .Execute(
            "UPDATE registrations SET state = ?, update_time = ?, "
            "version = version + 1 WHERE id = ?",
            {int64_t{state}, db::SqlTime(now), id})
        .status();
  }

  absl::Status SetAttendance(db::Connection& conn, int64_t id, bool attended,
                             int32_t score, const std::string& comment,
                             absl::Time now) override {
    return conn
        .Execute(
            "UPDATE registrations SET attended = ?, feedback_score = ?, "
            "feedback_comment = ?, update_time = ?, version = version + 1 "
            "WHERE id = ?",
            {int64_t{attended ? 1 : 0}, int64_t{score}, comment,
             db::SqlTime(now), id})
        .status();
  }

  absl::Status AddConfirmedHeadcount(db::Connection& conn, int64_t event_id,
                                     int32_t delta, absl::Time now) override {
    return conn
        .Execute(
            "UPDATE open_events SET confirmed_headcount = "
            "confirmed_headcount + ?, update_time = ?, version = version + 1 "
            "WHERE id = ?",
            {int64_t{delta}, db::SqlTime(now), event_id})
        .status();
  }
};

}  // namespace

std::unique_ptr<RegistrationRepository> NewMysqlRegistrationRepository() {
  return std::make_unique<MysqlRegistrationRepository>();
}

}  // namespace qpp::demobase
