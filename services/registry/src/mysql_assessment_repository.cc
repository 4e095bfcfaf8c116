#include <map>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/resource/names.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Assessments matching `where` (SQL with placeholders for `params`), newest
// first, with their items.
absl::StatusOr<std::vector<v1::SelfAssessment>> QueryAssessments(
    db::Connection& conn, const std::string& where,
    std::vector<SqlParam> params, int limit) {
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT id, uscc, sheet_version, "
                              "assessment_date, assessor_certificate, "
                              "create_time, state, supersedes_id, "
                              "superseded_by_id, state_reason, "
                              "state_changed_by, state_change_time "
                              "FROM self_assessments WHERE ",
                              where,
                              " ORDER BY assessment_date DESC, id DESC "
                              "LIMIT ?"),
                 params));
  std::vector<v1::SelfAssessment> out;
  if (rows.empty()) return out;
  std::map<int64_t, size_t> index;
  std::vector<SqlParam> ids;
  for (const Row& r : rows) {
    v1::SelfAssessment a;
    a.set_name(absl::StrCat(resource::OrganizationName(r.String(1)),
                            "/assessments/", r.Int(0)));
    a.set_sheet_version(r.String(2));
    if (auto day = db::DayAt(r, 3)) {
      *a.mutable_assessment_date() = dates::ToDate(*day);
    }
    a.set_assessor_certificate(r.String(4));
    *a.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 5));
    a.set_state(static_cast<v1::SelfAssessmentState>(r.Int(6)));
    const std::string org = resource::OrganizationName(r.String(1));
    if (!r.IsNull(7)) {
      a.set_supersedes(absl::StrCat(org, "/assessments/", r.Int(7)));
    }
    if (!r.IsNull(8)) {
      a.set_superseded_by(absl::StrCat(org, "/assessments/", r.Int(8)));
    }
    a.set_state_reason(r.String(9));
    a.set_state_changed_by(r.String(10));
    if (!r.IsNull(11)) {
      *a.mutable_state_change_time() = dates::ToTimestamp(db::TimeAt(r, 11));
    }
    index[r.Int(0)] = out.size();
    ids.push_back(r.Int(0));
    out.push_back(std::move(a));
  }
  QPP_ASSIGN_OR_RETURN(
      Rows items,
      conn.Query(absl::StrCat("SELECT assessment_id, item_code, percent FROM "
                              "self_assessment_items WHERE assessment_id IN ",
                              db::Placeholders(static_cast<int>(ids.size())),
                              " ORDER BY assessment_id, item_code"),
                 ids));
  for (const Row& r : items) {
    auto* item = out[index[r.Int(0)]].add_items();
    item->set_item_code(r.String(1));
    item->set_percent(static_cast<int32_t>(r.Int(2)));
  }
  return out;
}

class MysqlAssessmentRepository final : public AssessmentRepository {
 public:
  absl::StatusOr<int64_t> InsertAssessment(db::Connection& conn,
                                           const std::string& uscc,
                                           const v1::SelfAssessment& a,
                                           absl::Time now) override {
    const int64_t total_centi =
        static_cast<int64_t>(a.total_points() * 100.0 + 0.5);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO self_assessments (uscc, sheet_version, "
                     "assessment_date, assessor_certificate, total_centi, "
                     "create_time) VALUES (?, ?, ?, ?, ?, ?)",
                     {uscc, a.sheet_version(),
                      db::SqlDayOrNull(dates::ToCivilDay(a.assessment_date())),
                      a.assessor_certificate(), total_centi, db::SqlTime(now)})
            .status());
    QPP_ASSIGN_OR_RETURN(int64_t id, conn.LastInsertId());
    std::vector<SqlParam> p;
    p.reserve(a.items_size() * 3);
    for (const auto& item : a.items()) {
      p.push_back(id);
      p.push_back(item.item_code());
      p.push_back(int64_t{item.percent()});
    }
    QPP_RETURN_IF_ERROR(
        conn.Execute(absl::StrCat("INSERT INTO self_assessment_items "
                                  "(assessment_id, item_code, percent) "
                                  "VALUES ",
                                  db::PlaceholderRows(a.items_size(), 3)),
                     p)
            .status());
    return id;
  }

  absl::StatusOr<std::optional<v1::SelfAssessment>> GetAssessment(
      db::Connection& conn, const std::string& uscc, int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        auto list,
        QueryAssessments(conn, "uscc = ? AND id = ?", {uscc, id}, 1));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<v1::SelfAssessment>> ListAssessments(
      db::Connection& conn, const std::string& uscc, int64_t after_id,
      int limit, bool include_history) override {
    const std::string scope =
        include_history ? "uscc = ?"
                        : absl::StrCat("uscc = ? AND state = ",
                                       v1::SELF_ASSESSMENT_STATE_CURRENT);
    if (after_id == 0) {
      return QueryAssessments(conn, scope, {uscc}, limit);
    }
    // Keyset on (assessment_date DESC, id DESC) from the last row seen.
    return QueryAssessments(
        conn,
        absl::StrCat(scope,
                     " AND (assessment_date, id) < (SELECT assessment_date, "
                     "id FROM self_assessments WHERE id = ?)"),
        {uscc, after_id}, limit);
  }

  absl::StatusOr<std::optional<v1::SelfAssessmentState>> LockAssessment(
      db::Connection& conn, const std::string& uscc, int64_t id) override {
    QPP_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT state FROM self_assessments WHERE "
                                    "uscc = ? AND id = ? FOR UPDATE",
                                    {uscc, id}));
    if (rows.empty()) return std::nullopt;
    return static_cast<v1::SelfAssessmentState>(rows[0].Int(0));
  }

  absl::Status SupersedeAssessment(db::Connection& conn, int64_t old_id,
                                   int64_t new_id,
                                   const AssessmentChange& c) override {
    QPP_RETURN_IF_ERROR(
        conn.Execute("UPDATE self_assessments SET state = ?, "
                     "superseded_by_id = ?, state_reason = ?, "
                     "state_changed_by = ?, state_change_time = ? "
                     "WHERE id = ?",
                     {int64_t{v1::SELF_ASSESSMENT_STATE_SUPERSEDED}, new_id,
                      c.reason, c.principal, db::SqlTime(c.time), old_id})
            .status());
    return conn
        .Execute("UPDATE self_assessments SET supersedes_id = ? WHERE id = ?",
                 {old_id, new_id})
        .status();
  }

  absl::Status WithdrawAssessment(db::Connection& conn, int64_t id,
                                  const AssessmentChange& c) override {
    return conn
        .Execute(
            "UPDATE self_assessments SET state = ?, state_reason = ?, "
            "state_changed_by = ?, state_change_time = ? WHERE id = ?",
            {int64_t{v1::SELF_ASSESSMENT_STATE_WITHDRAWN}, c.reason,
             c.principal, db::SqlTime(c.time), id})
        .status();
  }
};

}  // namespace

std::unique_ptr<AssessmentRepository> NewMysqlAssessmentRepository() {
  return std::make_unique<MysqlAssessmentRepository>();
}

}  // namespace qpp::registry
