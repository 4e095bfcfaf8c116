#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/cultivation/src/cultivation_repository.h"

namespace qpp::cultivation {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// The live key of an application: its USCC until it is withdrawn.
SqlParam LiveKey(const ApplicationRecord& a) {
  if (!IsLive(a.status)) return nullptr;
  return a.organization_uscc;
}

absl::StatusOr<std::vector<ApplicationRecord>> QueryApplications(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat(
              "SELECT id, cohort_year, organization_uscc, "
              "organization_display_name, statement, self_assessment, "
              "self_assessment_total, assessor_certificate, "
              "assessor_not_certified, status, status_reason, review_count, "
              "consensus_score, score_spread, needs_adjudication, "
              "selection_rank, create_time, update_time, version "
              "FROM applications",
              where.Sql(), " ORDER BY id LIMIT ?",
              for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<ApplicationRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    ApplicationRecord a;
    a.id = r.Int(0);
    a.cohort_year = static_cast<int32_t>(r.Int(1));
    a.organization_uscc = r.String(2);
    a.organization_display_name = r.String(3);
    a.statement = r.String(4);
    a.self_assessment = r.String(5);
    a.self_assessment_total = r.Double(6);
    a.assessor_certificate = r.String(7);
    a.assessor_not_certified = r.Bool(8);
    a.status = static_cast<v1::ApplicationStatus>(r.Int(9));
    a.status_reason = r.String(10);
    a.review_count = static_cast<int32_t>(r.Int(11));
    a.consensus_score = r.Double(12);
    a.score_spread = r.Double(13);
    a.needs_adjudication = r.Bool(14);
    a.selection_rank = static_cast<int32_t>(r.Int(15));
    a.create_time = db::TimeAt(r, 16);
    a.update_time = db::TimeAt(r, 17);
    a.version = r.Int(18);
    out.push_back(std::move(a));
  }
  return out;
}

class MysqlApplicationRepository final : public ApplicationRepository {
 public:
  absl::StatusOr<int64_t> InsertApplication(db::Connection& conn,
                                            const ApplicationRecord& a,
                                            absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO applications (cohort_year, organization_uscc, "
                "live_uscc, organization_display_name, statement, "
                "self_assessment, self_assessment_total, "
                "assessor_certificate, assessor_not_certified, status, "
                "status_reason, create_time, update_time, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                {int64_t{a.cohort_year}, a.organization_uscc, LiveKey(a),
                 a.organization_display_name, a.statement, a.self_assessment,
                 a.self_assessment_total, a.assessor_certificate,
                 int64_t{a.assessor_not_certified}, int64_t{a.status},
                 a.status_reason, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<ApplicationRecord>> GetApplication(
      db::Connection& conn, int32_t year, int64_t id,
      bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id}).And("cohort_year = ?", {int64_t{year}});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryApplications(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<ApplicationRecord>> ListApplications(
      db::Connection& conn, const ApplicationFilter& filter, int64_t after_id,
      int limit, bool for_update) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (filter.cohort_year != 0) {
      where.And("cohort_year = ?", {int64_t{filter.cohort_year}});
    }
    if (filter.status != v1::APPLICATION_STATUS_UNSPECIFIED) {
      where.And("status = ?", {int64_t{filter.status}});
    }
    if (!filter.organization_uscc.empty()) {
      where.And("organization_uscc = ?", {filter.organization_uscc});
    }
    return QueryApplications(conn, where, limit, for_update);
  }

  absl::StatusOr<bool> UpdateApplication(db::Connection& conn,
                                         const ApplicationRecord& a,
                                         int64_t expected_version,
                                         absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE applications SET live_uscc = ?, status = ?, "
            "status_reason = ?, review_count = ?, consensus_score = ?, "
            "score_spread = ?, needs_adjudication = ?, selection_rank = ?, "
            "update_time = ?, version = version + 1 "
            "WHERE id = ? AND version = ?",
            {LiveKey(a), int64_t{a.status}, a.status_reason,
             int64_t{a.review_count}, a.consensus_score, a.score_spread,
             int64_t{a.needs_adjudication}, int64_t{a.selection_rank},
             db::SqlTime(now), a.id, expected_version}));
    return n == 1;
  }

  absl::Status InsertTransition(db::Connection& conn,
                                const TransitionRecord& t) override {
    return conn
        .Execute(
            "INSERT INTO application_transitions (application_id, "
            "from_status, to_status, reason, changed_by, change_time) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            {t.application_id, int64_t{t.from_status}, int64_t{t.to_status},
             t.reason, t.changed_by, db::SqlTime(t.change_time)})
        .status();
  }

  absl::StatusOr<std::map<int64_t, std::vector<TransitionRecord>>>
  ListHistories(db::Connection& conn,
                const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<TransitionRecord>> out;
    if (ids.empty()) return out;
    std::vector<SqlParam> params(ids.begin(), ids.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat("SELECT application_id, from_status, to_status, "
                         "reason, changed_by, change_time "
                         "FROM application_transitions WHERE application_id "
                         "IN ",
                         db::Placeholders(static_cast<int>(ids.size())),
                         " ORDER BY application_id, id"),
            params));
    for (const Row& r : rows) {
      TransitionRecord t;
      t.application_id = r.Int(0);
      t.from_status = static_cast<v1::ApplicationStatus>(r.Int(1));
      t.to_status = static_cast<v1::ApplicationStatus>(r.Int(2));
      t.reason = r.String(3);
      t.changed_by = r.String(4);
      t.change_time = db::TimeAt(r, 5);
      out[t.application_id].push_back(std::move(t));
    }
    return out;
  }

  absl::StatusOr<std::map<v1::ApplicationStatus, int64_t>> CountByStatus(
      db::Connection& conn, int32_t year) override {
    QPP_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT status, COUNT(*) FROM applications "
                                    "WHERE cohort_year = ? GROUP BY status",
                                    {int64_t{year}}));
    std::map<v1::ApplicationStatus, int64_t> out;
    for (const Row& r : rows) {
      out[static_cast<v1::ApplicationStatus>(r.Int(0))] = r.Int(1);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<ApplicationRepository> NewMysqlApplicationRepository() {
  return std::make_unique<MysqlApplicationRepository>();
}

}  // namespace qpp::cultivation
