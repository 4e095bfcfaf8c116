#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/cultivation/src/cultivation_repository.h"

namespace qpp::cultivation {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

absl::StatusOr<std::vector<ParticipantRecord>> QueryParticipants(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat("SELECT id, organization_uscc, "
                       "organization_display_name, size_class, categories, "
                       "statement, review_passed, priority, review_date, "
                       "create_time, update_time, version "
                       "FROM growth_plan_participants",
                       where.Sql(), " ORDER BY id LIMIT ?",
                       for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<ParticipantRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    ParticipantRecord p;
    p.id = r.Int(0);
    p.organization_uscc = r.String(1);
    p.organization_display_name = r.String(2);
    p.size_class = r.String(3);
    p.categories = static_cast<uint32_t>(r.Int(4));
    p.statement = r.String(5);
    p.review_passed = r.Bool(6);
    p.priority = r.Bool(7);
    p.review_day = db::DayAt(r, 8);
    p.create_time = db::TimeAt(r, 9);
    p.update_time = db::TimeAt(r, 10);
    p.version = r.Int(11);
    out.push_back(std::move(p));
  }
  return out;
}

class MysqlGrowthPlanRepository final : public GrowthPlanRepository {
 public:
  absl::StatusOr<int64_t> InsertParticipant(db::Connection& conn,
                                            const ParticipantRecord& p,
                                            absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO growth_plan_participants "
                     "(organization_uscc, organization_display_name, "
                     "size_class, categories, statement, create_time, "
                     "update_time, version) VALUES (?, ?, ?, ?, ?, ?, ?, 1)",
                     {p.organization_uscc, p.organization_display_name,
                      p.size_class, int64_t{p.categories}, p.statement, ts, ts})
            .status());
    QPP_ASSIGN_OR_RETURN(int64_t id, conn.LastInsertId());
    QPP_RETURN_IF_ERROR(RequestFundingReevaluation(
        conn, p.organization_uscc,
        absl::StrCat("growth plan participant ", id, " applied"), ts));
    return id;
  }

  absl::StatusOr<std::optional<ParticipantRecord>> GetParticipant(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryParticipants(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<ParticipantRecord>> ListParticipants(
      db::Connection& conn, bool priority_only, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (priority_only) where.And("priority = 1", {});
    return QueryParticipants(conn, where, limit, false);
  }

  absl::StatusOr<bool> UpdateParticipant(db::Connection& conn,
                                         const ParticipantRecord& p,
                                         int64_t expected_version,
                                         absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE growth_plan_participants SET categories = ?, "
            "statement = ?, review_passed = ?, priority = ?, review_date = ?, "
            "update_time = ?, version = version + 1 WHERE id = ? AND "
            "version = ?",
            {int64_t{p.categories}, p.statement, int64_t{p.review_passed},
             int64_t{p.priority}, db::SqlDayOrNull(p.review_day),
             db::SqlTime(now), p.id, expected_version}));
    if (n != 1) return false;
    QPP_RETURN_IF_ERROR(RequestFundingReevaluation(
        conn, p.organization_uscc,
        absl::StrCat("growth plan participant ", p.id,
                     p.priority ? " holds" : " holds no", " priority"),
        db::SqlTime(now)));
    return true;
  }

  absl::Status InsertCoaching(db::Connection& conn,
                              const CoachingRecord& c) override {
    return conn
        .Execute(
            "INSERT INTO growth_plan_coaching (participant_id, module, "
            "completion_date, expert_id, report_reference, completed_by, "
            "complete_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {c.participant_id, int64_t{c.module}, db::SqlDay(c.completion_day),
             c.expert_id == 0 ? SqlParam(nullptr) : SqlParam(c.expert_id),
             c.report_reference, c.completed_by, db::SqlTime(c.complete_time)})
        .status();
  }

  absl::StatusOr<std::map<int64_t, std::vector<CoachingRecord>>> ListCoaching(
      db::Connection& conn, const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<CoachingRecord>> out;
    if (ids.empty()) return out;
    std::vector<SqlParam> params(ids.begin(), ids.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT participant_id, module, "
                                "completion_date, expert_id, "
                                "report_reference, completed_by, "
                                "complete_time FROM growth_plan_coaching "
                                "WHERE participant_id IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY participant_id, module"),
                   params));
    for (const Row& r : rows) {
      CoachingRecord c;
      c.participant_id = r.Int(0);
      c.module = static_cast<v1::OperatingModule>(r.Int(1));
      c.completion_day = db::DayAt(r, 2).value_or(absl::CivilDay());
      c.expert_id = r.Int(3);
      c.report_reference = r.String(4);
      c.completed_by = r.String(5);
      c.complete_time = db::TimeAt(r, 6);
      out[c.participant_id].push_back(std::move(c));
    }
    return out;
  }

  absl::Status InsertReview(db::Connection& conn,
                            const ComplianceReviewRecord& v) override {
    return conn
        .Execute(
            "INSERT INTO growth_plan_reviews (participant_id, passed, "
            "findings, reason, review_date, reviewed_by, review_time) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            {v.participant_id, int64_t{v.passed}, v.findings, v.reason,
             db::SqlDay(v.review_day), v.reviewed_by,
             db::SqlTime(v.review_time)})
        .status();
  }

  absl::StatusOr<std::map<int64_t, std::vector<ComplianceReviewRecord>>>
  ListReviews(db::Connection& conn, const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<ComplianceReviewRecord>> out;
    if (ids.empty()) return out;
    std::vector<SqlParam> params(ids.begin(), ids.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT participant_id, passed, findings, "
                                "reason, review_date, reviewed_by, "
                                "review_time FROM growth_plan_reviews "
                                "WHERE participant_id IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY participant_id, id"),
                   params));
    for (const Row& r : rows) {
      ComplianceReviewRecord v;
      v.participant_id = r.Int(0);
      v.passed = r.Bool(1);
      v.findings = r.String(2);
      v.reason = r.String(3);
      v.review_day = db::DayAt(r, 4).value_or(absl::CivilDay());
      v.reviewed_by = r.String(5);
      v.review_time = db::TimeAt(r, 6);
      out[v.participant_id].push_back(std::move(v));
    }
    return out;
  }

  absl::StatusOr<int64_t> CountReviewPassed(db::Connection& conn) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("SELECT COUNT(*) FROM growth_plan_participants "
                              "WHERE review_passed = 1",
                              {}));
    return rows.empty() ? 0 : rows[0].Int(0);
  }
};

}  // namespace

std::unique_ptr<GrowthPlanRepository> NewMysqlGrowthPlanRepository() {
  return std::make_unique<MysqlGrowthPlanRepository>();
}

}  // namespace qpp::cultivation
