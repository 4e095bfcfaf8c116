#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

absl::StatusOr<std::vector<RoundRecord>> QueryRounds(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat("SELECT r.id, r.title, r.industry, r.period_start, "
                       "r.period_end, r.method, r.scale_max, r.dimensions, "
                       "r.state, r.create_time, r.update_time, r.version, "
                       "(SELECT COUNT(*) FROM survey_scores s WHERE "
                       "s.round_id = r.id) FROM survey_rounds r",
                       where.Sql(), " ORDER BY r.id LIMIT ?",
                       for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<RoundRecord> out;
  for (const Row& row : rows) {
    RoundRecord r;
    r.id = row.Int(0);
    r.round.set_title(row.String(1));
    r.round.set_industry(row.String(2));
    if (auto d = db::DayAt(row, 3)) {
      *r.round.mutable_period_start() = dates::ToDate(*d);
    }
    if (auto d = db::DayAt(row, 4)) {
      *r.round.mutable_period_end() = dates::ToDate(*d);
    }
    r.round.set_method(static_cast<v1::SurveyMethod>(row.Int(5)));
    r.round.set_scale_max(static_cast<int32_t>(row.Int(6)));
    if (!row.String(7).empty()) {
      for (absl::string_view d : absl::StrSplit(row.String(7), '\n')) {
        r.round.add_dimensions(std::string(d));
      }
    }
    r.round.set_state(static_cast<v1::SurveyRoundState>(row.Int(8)));
    r.create_time = db::TimeAt(row, 9);
    r.update_time = db::TimeAt(row, 10);
    r.version = row.Int(11);
    r.organization_count = static_cast<int32_t>(row.Int(12));
    out.push_back(std::move(r));
  }
  return out;
}

class MysqlSurveyRepository final : public SurveyRepository {
 public:
  absl::StatusOr<int64_t> InsertRound(db::Connection& conn,
                                      const v1::SurveyRound& r,
                                      absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO survey_rounds (title, industry, period_start, "
                "period_end, method, scale_max, dimensions, state, "
                "create_time, update_time, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                {r.title(), r.industry(),
                 db::SqlDayOrNull(dates::ToCivilDay(r.period_start())),
                 db::SqlDayOrNull(dates::ToCivilDay(r.period_end())),
                 int64_t{r.method()}, int64_t{r.scale_max()},
                 absl::StrJoin(r.dimensions(), "\n"),
                 int64_t{v1::SURVEY_ROUND_STATE_OPEN}, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<RoundRecord>> GetRound(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("r.id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list, QueryRounds(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<RoundRecord>> ListRounds(
      db::Connection& conn, const std::string& industry, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("r.id > ?", {after_id});
    if (!industry.empty()) where.And("r.industry = ?", {industry});
    return QueryRounds(conn, where, limit, /*for_update=*/false);
  }

  absl::Status SetRoundState(db::Connection& conn, int64_t id,
                             v1::SurveyRoundState state,
                             absl::Time now) override {
    return conn
        .Execute(
            "UPDATE survey_rounds SET state = ?, update_time = ?, "
            "version = version + 1 WHERE id = ?",
            {int64_t{state}, db::SqlTime(now), id})
        .status();
  }

  absl::Status InsertScore(db::Connection& conn, const ScoreRecord& s,
                           absl::Time now) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO survey_scores (round_id, organization_uscc, "
                "overall, create_time) VALUES (?, ?, ?, ?)",
                {s.round_id, s.organization_uscc, s.overall, db::SqlTime(now)})
            .status());
    if (s.dimensions.empty()) return absl::OkStatus();
    std::vector<SqlParam> params;
    for (const auto& [dimension, score] : s.dimensions) {
      params.insert(params.end(),
                    {s.round_id, s.organization_uscc, dimension, score});
    }
    return conn
        .Execute(absl::StrCat("INSERT INTO survey_dimension_scores (round_id, "
                              "organization_uscc, dimension, score) VALUES ",
                              db::PlaceholderRows(
                                  static_cast<int>(s.dimensions.size()), 4)),
                 params)
        .status();
  }

  absl::StatusOr<std::vector<ScoreRecord>> ListScores(
      db::Connection& conn, int64_t round_id, const std::string& after_uscc,
      int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT organization_uscc, overall, create_time FROM "
                   "survey_scores WHERE round_id = ? AND organization_uscc > ? "
                   "ORDER BY organization_uscc LIMIT ?",
                   {round_id, after_uscc, int64_t{limit}}));
    std::vector<ScoreRecord> out;
    if (rows.empty()) return out;
    for (const Row& row : rows) {
      ScoreRecord s;
      s.round_id = round_id;
      s.organization_uscc = row.String(0);
      s.overall = row.Double(1);
      s.create_time = db::TimeAt(row, 2);
      out.push_back(std::move(s));
    }
    QPP_ASSIGN_OR_RETURN(
        Rows dims,
        conn.Query("SELECT organization_uscc, dimension, score FROM "
                   "survey_dimension_scores WHERE round_id = ? AND "
                   "organization_uscc > ? AND organization_uscc <= ? "
                   "ORDER BY organization_uscc, dimension",
                   {round_id, after_uscc, out.back().organization_uscc}));
    size_t i = 0;
    for (const Row& row : dims) {
      while (i < out.size() && out[i].organization_uscc < row.String(0)) ++i;
      if (i == out.size()) break;
      out[i].dimensions.emplace_back(row.String(1), row.Double(2));
    }
    return out;
  }

  absl::StatusOr<int32_t> CountCompletedRounds(db::Connection& conn,
                                               absl::CivilDay first,
                                               absl::CivilDay last) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(*) FROM survey_rounds WHERE state = ? AND "
                   "period_end BETWEEN ? AND ?",
                   {int64_t{v1::SURVEY_ROUND_STATE_COMPLETED},
                    db::SqlDay(first), db::SqlDay(last)}));
    return static_cast<int32_t>(rows[0].Int(0));
  }
};

}  // namespace

std::unique_ptr<SurveyRepository> NewMysqlSurveyRepository() {
  return std::make_unique<MysqlSurveyRepository>();
}

}  // namespace qpp::demobase
