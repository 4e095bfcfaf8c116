#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "common/resource/names.h"
#include "services/training/src/session_rules.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Sessions matching `where`, ordered by id; locked until the transaction
// ends if `for_update`.
absl::StatusOr<std::vector<StoredSession>> QuerySessions(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT id, course_id, start_date, end_date, "
                              "place, provider_uscc, capacity, create_time, "
                              "update_time, version FROM sessions",
                              where.Sql(), " ORDER BY id LIMIT ?",
                              for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<StoredSession> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    StoredSession stored;
    v1::Session& s = stored.session;
    stored.course_id = r.Int(1);
    s.set_name(SessionName(stored.course_id, r.Int(0)));
    if (auto day = db::DayAt(r, 2))
      *s.mutable_start_date() = dates::ToDate(*day);
    if (auto day = db::DayAt(r, 3)) *s.mutable_end_date() = dates::ToDate(*day);
    s.set_place(r.String(4));
    s.set_provider(resource::OrganizationName(r.String(5)));
    s.set_capacity(static_cast<int32_t>(r.Int(6)));
    *s.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 7));
    *s.mutable_update_time() = dates::ToTimestamp(db::TimeAt(r, 8));
    stored.version = r.Int(9);
    s.set_etag(absl::StrCat("\"", stored.version, "\""));
    out.push_back(std::move(stored));
  }
  return out;
}

SqlParam Day(const type::v1::Date& date) {
  return db::SqlDayOrNull(dates::ToCivilDay(date));
}

class MysqlSessionRepository final : public SessionRepository {
 public:
  absl::StatusOr<int64_t> InsertSession(db::Connection& conn, int64_t course_id,
                                        const std::string& provider_uscc,
                                        const v1::Session& s,
                                        absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO sessions (course_id, start_date, end_date, "
                     "place, provider_uscc, capacity, create_time, "
                     "update_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                     {course_id, Day(s.start_date()), Day(s.end_date()),
                      s.place(), provider_uscc, int64_t{s.capacity()}, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<StoredSession>> GetSession(
      db::Connection& conn, int64_t course_id, int64_t id,
      bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id}).And("course_id = ?", {course_id});
    QPP_ASSIGN_OR_RETURN(auto list, QuerySessions(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<v1::Session>> ListSessions(
      db::Connection& conn, const SessionFilter& filter, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (filter.course_id != 0) where.And("course_id = ?", {filter.course_id});
    if (!filter.provider_uscc.empty()) {
      where.And("provider_uscc = ?", {filter.provider_uscc});
    }
    QPP_ASSIGN_OR_RETURN(auto list, QuerySessions(conn, where, limit,
                                                  /*for_update=*/false));
    std::vector<v1::Session> out;
    out.reserve(list.size());
    for (auto& stored : list) out.push_back(std::move(stored.session));
    return out;
  }

  absl::StatusOr<bool> UpdateSession(db::Connection& conn, int64_t id,
                                     const std::string& provider_uscc,
                                     const v1::Session& s,
                                     int64_t expected_version,
                                     absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE sessions SET start_date = ?, end_date = ?, "
            "place = ?, provider_uscc = ?, capacity = ?, "
            "update_time = ?, version = version + 1 "
            "WHERE id = ? AND version = ?",
            {Day(s.start_date()), Day(s.end_date()), s.place(), provider_uscc,
             int64_t{s.capacity()}, db::SqlTime(now), id, expected_version}));
    return n == 1;
  }

  absl::StatusOr<bool> DeleteSession(db::Connection& conn, int64_t course_id,
                                     int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("DELETE FROM sessions WHERE id = ? AND course_id = ?",
                     {id, course_id}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<SessionRepository> NewMysqlSessionRepository() {
  return std::make_unique<MysqlSessionRepository>();
}

}  // namespace qpp::training
