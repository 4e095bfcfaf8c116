#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/db/sql_values.h"
#include "services/cultivation/src/cultivation_repository.h"

namespace qpp::cultivation {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

ExpertRecord ToExpertRecord(const Row& r) {
  ExpertRecord e;
  e.id = r.Int(0);
  e.display_name = r.String(1);
  e.field = r.String(2);
  e.employer_uscc = r.String(3);
  e.resident_id_hash = r.String(4);
  e.resident_id_sealed = r.String(5);
  e.phone_sealed = r.String(6);
  e.create_time = db::TimeAt(r, 7);
  e.update_time = db::TimeAt(r, 8);
  e.version = r.Int(9);
  return e;
}

constexpr char kExpertColumns[] =
    "SELECT id, display_name, field, employer_uscc, resident_id_hash, "
    "resident_id_sealed, phone_sealed, create_time, update_time, version "
    "FROM experts";

class MysqlExpertRepository final : public ExpertRepository {
 public:
  absl::StatusOr<int64_t> InsertExpert(db::Connection& conn,
                                       const ExpertRecord& e,
                                       absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO experts (display_name, field, "
                "employer_uscc, resident_id_hash, resident_id_sealed, "
                "phone_sealed, create_time, update_time, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                {e.display_name, e.field, e.employer_uscc, e.resident_id_hash,
                 e.resident_id_sealed, e.phone_sealed, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<ExpertRecord>> GetExpert(
      db::Connection& conn, int64_t id, bool for_update) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query(absl::StrCat(kExpertColumns, " WHERE id = ?",
                                           for_update ? " FOR UPDATE" : ""),
                              {id}));
    if (rows.empty()) return std::nullopt;
    return ToExpertRecord(rows[0]);
  }

  absl::StatusOr<std::vector<ExpertRecord>> ListExperts(db::Connection& conn,
                                                        int64_t after_id,
                                                        int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows, conn.Query(absl::StrCat(kExpertColumns,
                                           " WHERE id > ? ORDER BY id LIMIT ?"),
                              {after_id, int64_t{limit}}));
    std::vector<ExpertRecord> out;
    for (const Row& r : rows) out.push_back(ToExpertRecord(r));
    return out;
  }

  absl::Status InsertConflict(db::Connection& conn,
                              const ConflictRecord& c) override {
    return conn
        .Execute(
            "INSERT IGNORE INTO expert_conflicts (expert_id, "
            "organization_uscc, reason, declared_by, declare_time) "
            "VALUES (?, ?, ?, ?, ?)",
            {c.expert_id, c.organization_uscc, c.reason, c.declared_by,
             db::SqlTime(c.declare_time)})
        .status();
  }

  absl::StatusOr<std::map<int64_t, std::vector<ConflictRecord>>> ListConflicts(
      db::Connection& conn, const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<ConflictRecord>> out;
    if (ids.empty()) return out;
    std::vector<SqlParam> params(ids.begin(), ids.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT expert_id, organization_uscc, reason, "
                                "declared_by, declare_time "
                                "FROM expert_conflicts WHERE expert_id IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY expert_id, id"),
                   params));
    for (const Row& r : rows) {
      ConflictRecord c;
      c.expert_id = r.Int(0);
      c.organization_uscc = r.String(1);
      c.reason = r.String(2);
      c.declared_by = r.String(3);
      c.declare_time = db::TimeAt(r, 4);
      out[c.expert_id].push_back(std::move(c));
    }
    return out;
  }

  absl::Status Touch(db::Connection& conn, int64_t id,
                     absl::Time now) override {
    return conn
        .Execute(
            "UPDATE experts SET update_time = ?, version = version + 1 "
            "WHERE id = ?",
            {db::SqlTime(now), id})
        .status();
  }
};

constexpr char kReviewColumns[] =
    "SELECT id, application_id, cohort_year, expert_id, state, scores, "
    "total, comment, create_time, submit_time FROM reviews";

std::string JoinScores(const std::vector<double>& scores) {
  return absl::StrJoin(scores, ",", [](std::string* out, double v) {
    absl::StrAppend(out, absl::StrFormat("%.4f", v));
  });
}

ReviewRecord ToReviewRecord(const Row& r) {
  ReviewRecord v;
  v.id = r.Int(0);
  v.application_id = r.Int(1);
  v.cohort_year = static_cast<int32_t>(r.Int(2));
  v.expert_id = r.Int(3);
  v.state = static_cast<v1::ReviewState>(r.Int(4));
  for (absl::string_view part :
       absl::StrSplit(r.String(5), ',', absl::SkipEmpty())) {
    double score = 0;
    if (absl::SimpleAtod(part, &score)) v.scores.push_back(score);
  }
  v.total = r.Double(6);
  v.comment = r.String(7);
  v.create_time = db::TimeAt(r, 8);
  if (!r.IsNull(9)) v.submit_time = db::TimeAt(r, 9);
  return v;
}

class MysqlReviewRepository final : public ReviewRepository {
 public:
  absl::StatusOr<int64_t> InsertReview(db::Connection& conn,
                                       const ReviewRecord& v) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO reviews (application_id, cohort_year, "
                     "expert_id, state, comment, create_time) "
                     "VALUES (?, ?, ?, ?, '', ?)",
                     {v.application_id, int64_t{v.cohort_year}, v.expert_id,
                      int64_t{v.state}, db::SqlTime(v.create_time)})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<ReviewRecord>> GetReview(
      db::Connection& conn, int64_t application_id, int64_t id,
      bool for_update) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            absl::StrCat(kReviewColumns, " WHERE id = ? AND application_id = ?",
                         for_update ? " FOR UPDATE" : ""),
            {id, application_id}));
    if (rows.empty()) return std::nullopt;
    return ToReviewRecord(rows[0]);
  }

  absl::StatusOr<std::vector<ReviewRecord>> ListReviews(db::Connection& conn,
                                                        int64_t application_id,
                                                        int64_t after_id,
                                                        int limit) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat(kReviewColumns,
                                " WHERE application_id = ? AND id > ? "
                                "ORDER BY id LIMIT ?"),
                   {application_id, after_id, int64_t{limit}}));
    std::vector<ReviewRecord> out;
    for (const Row& r : rows) out.push_back(ToReviewRecord(r));
    return out;
  }

  absl::Status UpdateReview(db::Connection& conn,
                            const ReviewRecord& v) override {
    return conn
        .Execute(
            "UPDATE reviews SET state = ?, scores = ?, total = ?, "
            "comment = ?, submit_time = ? WHERE id = ?",
            {int64_t{v.state}, JoinScores(v.scores), v.total, v.comment,
             v.submit_time.has_value() ? SqlParam(db::SqlTime(*v.submit_time))
                                       : SqlParam(nullptr),
             v.id})
        .status();
  }

  absl::StatusOr<std::vector<double>> SubmittedTotals(
      db::Connection& conn, int64_t application_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT total FROM reviews "
                   "WHERE application_id = ? AND state = ?",
                   {application_id, int64_t{v1::REVIEW_STATE_SUBMITTED}}));
    std::vector<double> out;
    for (const Row& r : rows) out.push_back(r.Double(0));
    return out;
  }
};

}  // namespace

std::unique_ptr<ExpertRepository> NewMysqlExpertRepository() {
  return std::make_unique<MysqlExpertRepository>();
}

std::unique_ptr<ReviewRepository> NewMysqlReviewRepository() {
  return std::make_unique<MysqlReviewRepository>();
}

}  // namespace qpp::cultivation
