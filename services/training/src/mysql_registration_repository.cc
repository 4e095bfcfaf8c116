#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/status/status.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Registrations matching `where`, ordered by id, each waitlisted one with
// its place in its session's queue; locked until the transaction ends if
// `for_update`.
absl::StatusOr<std::vector<RegistrationRecord>> QueryRegistrations(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat(
              "SELECT r.id, r.course_id, r.session_id, r.trainee_id, r.state, "
              "r.attended, r.exam_result, r.exam_score, r.create_time, "
              "r.update_time, r.version, CASE WHEN r.state = 2 THEN (SELECT "
              "COUNT(*) FROM registrations w WHERE w.session_id = "
              "r.session_id AND w.state = 2 AND w.id <= r.id) ELSE 0 END "
              "FROM registrations r",
              where.Sql(), " ORDER BY r.id LIMIT ?",
              for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<RegistrationRecord> out;
  out.reserve(rows.size());
  for (const Row& row : rows) {
    RegistrationRecord r;
    r.id = row.Int(0);
    r.course_id = row.Int(1);
    r.session_id = row.Int(2);
    r.trainee_id = row.Int(3);
    r.state = static_cast<v1::Registration::State>(row.Int(4));
    r.attended = row.Bool(5);
    r.exam_result = static_cast<v1::Registration::ExamResult>(row.Int(6));
    r.exam_score = static_cast<int32_t>(row.Int(7));
    r.create_time = db::TimeAt(row, 8);
    r.update_time = db::TimeAt(row, 9);
    r.version = row.Int(10);
    r.waitlist_position = static_cast<int32_t>(row.Int(11));
    out.push_back(r);
  }
  return out;
}

class MysqlRegistrationRepository final : public RegistrationRepository {
 public:
  absl::StatusOr<std::optional<int32_t>> LockSession(
      db::Connection& conn, int64_t course_id, int64_t session_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT capacity FROM sessions WHERE id = ? AND "
                              "course_id = ? FOR UPDATE",
                              {session_id, course_id}));
    if (rows.empty()) return std::nullopt;
    return static_cast<int32_t>(rows[0].Int(0));
  }

  absl::StatusOr<int64_t> CountConfirmed(db::Connection& conn,
                                         int64_t session_id) override {
    QPP_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT COUNT(*) FROM registrations WHERE "
                                    "session_id = ? AND state = 1",
                                    {session_id}));
    return rows[0].Int(0);
  }

  absl::StatusOr<bool> HasActive(db::Connection& conn, int64_t session_id,
                                 int64_t trainee_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(*) FROM registrations WHERE session_id = ? "
                   "AND trainee_id = ? AND state IN (1, 2)",
                   {session_id, trainee_id}));
    return rows[0].Int(0) > 0;
  }

  absl::StatusOr<bool> TraineeExists(db::Connection& conn,
                                     int64_t trainee_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(*) FROM trainees WHERE id = ?", {trainee_id}));
    return rows[0].Int(0) > 0;
  }

  absl::StatusOr<int64_t> InsertRegistration(db::Connection& conn,
                                             const RegistrationRecord& r,
                                             absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO registrations (course_id, session_id, "
                     "trainee_id, state, create_time, update_time, version) "
                     "VALUES (?, ?, ?, ?, ?, ?, 1)",
                     {r.course_id, r.session_id, r.trainee_id, int64_t{r.state},
                      ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<RegistrationRecord>> GetRegistration(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("r.id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryRegistrations(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return list[0];
  }

  absl::StatusOr<std::vector<RegistrationRecord>> ListRegistrations(
      db::Connection& conn, const RegistrationFilter& filter, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("r.id > ?", {after_id});
    if (filter.session_id != 0) {
      where.And("r.session_id = ?", {filter.session_id});
    }
    if (filter.trainee_id != 0) {
      where.And("r.trainee_id = ?", {filter.trainee_id});
    }
    if (filter.state != v1::Registration::STATE_UNSPECIFIED) {
      where.And("r.state = ?", {int64_t{filter.state}});
    }
    return QueryRegistrations(conn, where, limit, /*for_update=*/false);
  }

  absl::StatusOr<std::optional<int64_t>> FirstWaitlisted(
      db::Connection& conn, int64_t session_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT id FROM registrations WHERE session_id = ? AND "
                   "state = 2 ORDER BY id LIMIT 1",
                   {session_id}));
    if (rows.empty()) return std::nullopt;
    return rows[0].Int(0);
  }

  absl::Status SetState(db::Connection& conn, int64_t id,
                        v1::Registration::State state,
                        absl::Time now) override {
    return conn
        .Execute(
            "UPDATE registrations SET state = ?, update_time = ?, "
            "version = version + 1 WHERE id = ?",
            {int64_t{state}, db::SqlTime(now), id})
        .status();
  }

  absl::Status SetAttendance(db::Connection& conn, int64_t id, bool attended,
                             v1::Registration::ExamResult result, int32_t score,
                             absl::Time now) override {
    return conn
        .Execute(
            "UPDATE registrations SET attended = ?, exam_result = ?, "
            "exam_score = ?, update_time = ?, version = version + 1 "
            "WHERE id = ?",
            {int64_t{attended ? 1 : 0}, int64_t{result}, int64_t{score},
             db::SqlTime(now), id})
        .status();
  }
};

}  // namespace

std::unique_ptr<RegistrationRepository> NewMysqlRegistrationRepository() {
  return std::make_unique<MysqlRegistrationRepository>();
}

}  // namespace qpp::training
