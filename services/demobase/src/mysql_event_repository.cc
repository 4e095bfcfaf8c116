#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Events matching `where`, ordered by (start_time, id); locked until the
// transaction ends if `for_update`.
absl::StatusOr<std::vector<EventRecord>> QueryEvents(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT id, base_id, host_uscc, kind, topic, "
                              "start_time, end_time, place, capacity, "
                              "confirmed_headcount, state, attendance, "
                              "cancel_reason, create_time, update_time, "
                              "version FROM open_events",
                              where.Sql(), " ORDER BY start_time, id LIMIT ?",
                              for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<EventRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    EventRecord e;
    e.id = r.Int(0);
    e.base_id = r.Int(1);
    e.host_uscc = r.String(2);
    e.kind = static_cast<v1::EventKind>(r.Int(3));
    e.topic = r.String(4);
    e.start_time = db::TimeAt(r, 5);
    e.end_time = db::TimeAt(r, 6);
    e.place = r.String(7);
    e.capacity = static_cast<int32_t>(r.Int(8));
    e.confirmed_headcount = static_cast<int32_t>(r.Int(9));
    e.state = static_cast<v1::EventState>(r.Int(10));
    e.attendance = static_cast<int32_t>(r.Int(11));
    e.cancel_reason = r.String(12);
    e.create_time = db::TimeAt(r, 13);
    e.update_time = db::TimeAt(r, 14);
    e.version = r.Int(15);
    out.push_back(std::move(e));
  }
  return out;
}

class MysqlEventRepository final : public EventRepository {
 public:
  absl::StatusOr<int64_t> InsertEvent(db::Connection& conn,
                                      const EventRecord& e,
                                      absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO open_events (base_id, host_uscc, kind, topic, "
                "start_time, end_time, place, capacity, confirmed_headcount, "
                "state, create_time, update_time, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, 1)",
                {e.base_id, e.host_uscc, int64_t{e.kind}, e.topic,
                 db::SqlTime(e.start_time), db::SqlTime(e.end_time), e.place,
                 int64_t{e.capacity}, int64_t{v1::EVENT_STATE_SCHEDULED}, ts,
                 ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<EventRecord>> GetEvent(
      db::Connection& conn, int64_t base_id, int64_t id,
      bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id}).And("base_id = ?", {base_id});
    QPP_ASSIGN_OR_RETURN(auto list, QueryEvents(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<EventRecord>> ListEvents(
      db::Connection& conn, const EventFilter& filter,
      const std::optional<EventCursor>& after, int limit) override {
    db::WhereClause where;
    if (after.has_value()) {
      const std::string ts = db::SqlTime(after->start_time);
      where.And("(start_time > ? OR (start_time = ? AND id > ?))",
                {ts, ts, after->id});
    }
    if (filter.base_id != 0) where.And("base_id = ?", {filter.base_id});
    if (filter.range.from.has_value()) {
      where.And("start_time >= ?", {db::SqlTime(*filter.range.from)});
    }
    if (filter.range.to.has_value()) {
      where.And("start_time < ?", {db::SqlTime(*filter.range.to)});
    }
    if (filter.kind != v1::EVENT_KIND_UNSPECIFIED) {
      where.And("kind = ?", {int64_t{filter.kind}});
    }
    if (filter.state != v1::EVENT_STATE_UNSPECIFIED) {
      where.And("state = ?", {int64_t{filter.state}});
    }
    return QueryEvents(conn, where, limit, /*for_update=*/false);
  }

  absl::StatusOr<bool> UpdateEvent(db::Connection& conn, const EventRecord& e,
                                   int64_t expected_version,
                                   absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE open_events SET kind = ?, topic = ?, start_time = ?, "
            "end_time = ?, place = ?, capacity = ?, state = ?, "
            "attendance = ?, cancel_reason = ?, update_time = ?, "
            "version = version + 1 WHERE id = ? AND version = ?",
            {int64_t{e.kind}, e.topic, db::SqlTime(e.start_time),
             db::SqlTime(e.end_time), e.place, int64_t{e.capacity},
             int64_t{e.state}, int64_t{e.attendance}, e.cancel_reason,
             db::SqlTime(now), e.id, expected_version}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<EventRepository> NewMysqlEventRepository() {
  return std::make_unique<MysqlEventRepository>();
}

}  // namespace qpp::demobase
