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

// Trainees matching `where`, ordered by id; locked until the transaction
// ends if `for_update`.
absl::StatusOr<std::vector<TraineeRecord>> QueryTrainees(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT id, display_name, resident_id_hash, "
                              "resident_id_sealed, phone_sealed, "
                              "employer_uscc, employer_district_code, "
                              "create_time, update_time, version FROM trainees",
                              where.Sql(), " ORDER BY id LIMIT ?",
                              for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<TraineeRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    TraineeRecord t;
    t.id = r.Int(0);
    t.display_name = r.String(1);
    t.resident_id_hash = r.String(2);
    t.resident_id_sealed = r.String(3);
    t.phone_sealed = r.String(4);
    t.employer_uscc = r.String(5);
    t.employer_district_code = r.String(6);
    t.create_time = db::TimeAt(r, 7);
    t.update_time = db::TimeAt(r, 8);
    t.version = r.Int(9);
    out.push_back(std::move(t));
  }
  return out;
}

absl::StatusOr<std::optional<TraineeRecord>> First(
    absl::StatusOr<std::vector<TraineeRecord>> list) {
  QPP_RETURN_IF_ERROR(list.status());
  if (list->empty()) return std::nullopt;
  return std::move((*list)[0]);
}

class MysqlTraineeRepository final : public TraineeRepository {
 public:
  absl::StatusOr<int64_t> InsertTrainee(db::Connection& conn,
                                        const TraineeRecord& t,
                                        absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO trainees (display_name, resident_id_hash, "
                     "resident_id_sealed, phone_sealed, employer_uscc, "
                     "employer_district_code, create_time, update_time, "
                     "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                     {t.display_name, t.resident_id_hash, t.resident_id_sealed,
                      t.phone_sealed, t.employer_uscc, t.employer_district_code,
                      ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<TraineeRecord>> GetTrainee(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id});
    return First(QueryTrainees(conn, where, 1, for_update));
  }

  absl::StatusOr<std::optional<TraineeRecord>> FindTraineeByHash(
      db::Connection& conn, const std::string& resident_id_hash) override {
    db::WhereClause where;
    where.And("resident_id_hash = ?", {resident_id_hash});
    return First(QueryTrainees(conn, where, 1, /*for_update=*/false));
  }

  absl::StatusOr<std::vector<TraineeRecord>> ListTrainees(
      db::Connection& conn, const TraineeFilter& filter, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (!filter.employer_uscc.empty()) {
      where.And("employer_uscc = ?", {filter.employer_uscc});
    }
    return QueryTrainees(conn, where, limit, /*for_update=*/false);
  }

  absl::StatusOr<bool> UpdateTrainee(db::Connection& conn,
                                     const TraineeRecord& t,
                                     int64_t expected_version,
                                     absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("UPDATE trainees SET display_name = ?, phone_sealed = ?, "
                     "employer_uscc = ?, employer_district_code = ?, "
                     "update_time = ?, version = version + 1 "
                     "WHERE id = ? AND version = ?",
                     {t.display_name, t.phone_sealed, t.employer_uscc,
                      t.employer_district_code, db::SqlTime(now), t.id,
                      expected_version}));
    return n == 1;
  }

  absl::StatusOr<bool> DeleteTrainee(db::Connection& conn,
                                     int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n, conn.Execute("DELETE FROM trainees WHERE id = ?", {id}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<TraineeRepository> NewMysqlTraineeRepository() {
  return std::make_unique<MysqlTraineeRepository>();
}

}  // namespace qpp::training
