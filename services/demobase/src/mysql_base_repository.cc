#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Bases matching `where`, ordered by id; locked until the transaction ends
// if `for_update`.
absl::StatusOr<std::vector<BaseRecord>> QueryBases(db::Connection& conn,
                                                   const db::WhereClause& where,
                                                   int limit, bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat("SELECT id, organization_uscc, "
                       "organization_display_name, year, theme, industry, "
                       "qualification, qualification_evidence, status, "
                       "status_reason, create_time, update_time, version "
                       "FROM demonstration_bases",
                       where.Sql(), " ORDER BY id LIMIT ?",
                       for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<BaseRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    BaseRecord b;
    b.id = r.Int(0);
    b.organization_uscc = r.String(1);
    b.organization_display_name = r.String(2);
    b.year = static_cast<int32_t>(r.Int(3));
    b.theme = r.String(4);
    b.industry = r.String(5);
    b.qualification = static_cast<v1::Qualification>(r.Int(6));
    b.qualification_evidence = r.String(7);
    b.status = static_cast<v1::BaseStatus>(r.Int(8));
    b.status_reason = r.String(9);
    b.create_time = db::TimeAt(r, 10);
    b.update_time = db::TimeAt(r, 11);
    b.version = r.Int(12);
    out.push_back(std::move(b));
  }
  return out;
}

class MysqlBaseRepository final : public BaseRepository {
 public:
  absl::Status EnsureYear(db::Connection& conn, int32_t year) override {
    return conn
        .Execute("INSERT IGNORE INTO designation_years (year) VALUES (?)",
                 {int64_t{year}})
        .status();
  }

  absl::Status LockYear(db::Connection& conn, int32_t year) override {
    return conn
        .Query("SELECT year FROM designation_years WHERE year = ? FOR UPDATE",
               {int64_t{year}})
        .status();
  }

  absl::StatusOr<int64_t> CountDesignations(db::Connection& conn,
                                            int32_t year) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(*) FROM demonstration_bases "
                   "WHERE year = ? AND status <> ?",
                   {int64_t{year}, int64_t{v1::BASE_STATUS_WITHDRAWN}}));
    return rows[0].Int(0);
  }

  absl::StatusOr<int64_t> InsertBase(db::Connection& conn, const BaseRecord& b,
                                     absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO demonstration_bases (organization_uscc, "
                     "organization_display_name, year, theme, industry, "
                     "qualification, qualification_evidence, status, "
                     "status_reason, create_time, update_time, version) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                     {b.organization_uscc, b.organization_display_name,
                      int64_t{b.year}, b.theme, b.industry,
                      int64_t{b.qualification}, b.qualification_evidence,
                      int64_t{b.status}, b.status_reason, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::Status InsertStatusChange(db::Connection& conn,
                                  const StatusChangeRecord& c) override {
    return conn
        .Execute(
            "INSERT INTO base_status_changes (base_id, status, reason, "
            "changed_by, change_time) VALUES (?, ?, ?, ?, ?)",
            {c.base_id, int64_t{c.status}, c.reason, c.changed_by,
             db::SqlTime(c.change_time)})
        .status();
  }

  absl::StatusOr<std::optional<BaseRecord>> GetBase(db::Connection& conn,
                                                    int64_t id,
                                                    bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list, QueryBases(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<BaseRecord>> ListBases(db::Connection& conn,
                                                    const BaseFilter& filter,
                                                    int64_t after_id,
                                                    int limit) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (filter.year != 0) where.And("year = ?", {int64_t{filter.year}});
    if (filter.status != v1::BASE_STATUS_UNSPECIFIED) {
      where.And("status = ?", {int64_t{filter.status}});
    }
    if (!filter.organization_uscc.empty()) {
      where.And("organization_uscc = ?", {filter.organization_uscc});
    }
    return QueryBases(conn, where, limit, /*for_update=*/false);
  }

  absl::StatusOr<std::map<int64_t, std::vector<StatusChangeRecord>>>
  ListHistories(db::Connection& conn,
                const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<StatusChangeRecord>> out;
    if (ids.empty()) return out;
    std::vector<SqlParam> params(ids.begin(), ids.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT base_id, status, reason, changed_by, "
                                "change_time FROM base_status_changes "
                                "WHERE base_id IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY base_id, id"),
                   params));
    for (const Row& r : rows) {
      StatusChangeRecord c;
      c.base_id = r.Int(0);
      c.status = static_cast<v1::BaseStatus>(r.Int(1));
      c.reason = r.String(2);
      c.changed_by = r.String(3);
      c.change_time = db::TimeAt(r, 4);
      out[c.base_id].push_back(std::move(c));
    }
    return out;
  }

  absl::StatusOr<bool> UpdateBase(db::Connection& conn, const BaseRecord& b,
                                  int64_t expected_version,
                                  absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("UPDATE demonstration_bases SET theme = ?, industry = ?, "
                     "status = ?, status_reason = ?, update_time = ?, "
                     "version = version + 1 WHERE id = ? AND version = ?",
                     {b.theme, b.industry, int64_t{b.status}, b.status_reason,
                      db::SqlTime(now), b.id, expected_version}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<BaseRepository> NewMysqlBaseRepository() {
  return std::make_unique<MysqlBaseRepository>();
}

}  // namespace qpp::demobase
