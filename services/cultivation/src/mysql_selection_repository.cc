#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/cultivation/src/cultivation_repository.h"

namespace qpp::cultivation {

absl::Status RequestFundingReevaluation(db::Connection& conn,
                                        const std::string& uscc,
                                        const std::string& reason,
                                        const std::string& at) {
  return conn
      .Execute(
          "INSERT INTO reevaluation_requests (uscc, reason, create_time) "
          "VALUES (?, ?, ?)",
          {uscc, reason.substr(0, 200), at})
      .status();
}

namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

class MysqlSelectionRepository final : public SelectionRepository {
 public:
  absl::Status InsertSelection(db::Connection& conn,
                               const SelectionRecord& s) override {
    return conn
        .Execute(
            "INSERT INTO selections (cohort_year, capacity, library_cap, "
            "library_active_before, selected_count, waitlisted_count, "
            "rejected_count, run_by, run_time) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            {int64_t{s.cohort_year}, int64_t{s.capacity},
             int64_t{s.library_cap}, int64_t{s.library_active_before},
             int64_t{s.selected_count}, int64_t{s.waitlisted_count},
             int64_t{s.rejected_count}, s.run_by, db::SqlTime(s.run_time)})
        .status();
  }

  absl::StatusOr<std::optional<SelectionRecord>> GetSelection(
      db::Connection& conn, int32_t year) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT cohort_year, capacity, library_cap, "
                   "library_active_before, selected_count, waitlisted_count, "
                   "rejected_count, run_by, run_time FROM selections "
                   "WHERE cohort_year = ?",
                   {int64_t{year}}));
    if (rows.empty()) return std::nullopt;
    const Row& r = rows[0];
    SelectionRecord s;
    s.cohort_year = static_cast<int32_t>(r.Int(0));
    s.capacity = static_cast<int32_t>(r.Int(1));
    s.library_cap = static_cast<int32_t>(r.Int(2));
    s.library_active_before = static_cast<int32_t>(r.Int(3));
    s.selected_count = static_cast<int32_t>(r.Int(4));
    s.waitlisted_count = static_cast<int32_t>(r.Int(5));
    s.rejected_count = static_cast<int32_t>(r.Int(6));
    s.run_by = r.String(7);
    s.run_time = db::TimeAt(r, 8);
    return s;
  }

  absl::Status DeleteSelection(db::Connection& conn, int32_t year) override {
    return conn
        .Execute("DELETE FROM selections WHERE cohort_year = ?",
                 {int64_t{year}})
        .status();
  }
};

SqlParam LiveKey(const EnrollmentRecord& e) {
  if (e.outcome != v1::ENROLLMENT_OUTCOME_ACTIVE) return nullptr;
  return e.organization_uscc;
}

absl::StatusOr<std::vector<EnrollmentRecord>> QueryEnrollments(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat(
                     "SELECT id, organization_uscc, organization_display_name, "
                     "track, cohort_year, application_id, term_start_date, "
                     "term_end_date, outcome, outcome_reason, create_time, "
                     "update_time, version, acceptance_score FROM enrollments",
                     where.Sql(), " ORDER BY id LIMIT ?",
                     for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<EnrollmentRecord> out;
  for (const Row& r : rows) {
    EnrollmentRecord e;
    e.id = r.Int(0);
    e.organization_uscc = r.String(1);
    e.organization_display_name = r.String(2);
    e.track = static_cast<v1::Track>(r.Int(3));
    e.cohort_year = static_cast<int32_t>(r.Int(4));
    e.application_id = r.Int(5);
    e.term_start = db::DayAt(r, 6).value_or(absl::CivilDay());
    e.term_end = db::DayAt(r, 7).value_or(absl::CivilDay());
    e.outcome = static_cast<v1::EnrollmentOutcome>(r.Int(8));
    e.outcome_reason = r.String(9);
    e.create_time = db::TimeAt(r, 10);
    e.update_time = db::TimeAt(r, 11);
    e.version = r.Int(12);
    if (!r.IsNull(13)) e.acceptance_score = r.Double(13);
    out.push_back(std::move(e));
  }
  return out;
}

class MysqlEnrollmentRepository final : public EnrollmentRepository {
 public:
  absl::Status LockLibrary(db::Connection& conn) override {
    return conn.Query("SELECT id FROM library_lock WHERE id = 1 FOR UPDATE")
        .status();
  }

  absl::StatusOr<int64_t> InsertEnrollment(db::Connection& conn,
                                           const EnrollmentRecord& e,
                                           absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO enrollments (organization_uscc, live_uscc, "
                     "organization_display_name, track, cohort_year, "
                     "application_id, term_start_date, term_end_date, outcome, "
                     "outcome_reason, create_time, update_time, version) "
                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                     {e.organization_uscc, LiveKey(e),
                      e.organization_display_name, int64_t{e.track},
                      e.cohort_year == 0 ? SqlParam(nullptr)
                                         : SqlParam(int64_t{e.cohort_year}),
                      e.application_id == 0 ? SqlParam(nullptr)
                                            : SqlParam(e.application_id),
                      db::SqlDay(e.term_start), db::SqlDay(e.term_end),
                      int64_t{e.outcome}, e.outcome_reason, ts, ts})
            .status());
    QPP_ASSIGN_OR_RETURN(const int64_t id, conn.LastInsertId());
    QPP_RETURN_IF_ERROR(
        RequestFundingReevaluation(conn, e.organization_uscc, "enrolled", ts));
    return id;
  }

  absl::StatusOr<std::optional<EnrollmentRecord>> GetEnrollment(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list,
                         QueryEnrollments(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<EnrollmentRecord>> ListEnrollments(
      db::Connection& conn, const EnrollmentFilter& f, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (!f.organization_uscc.empty()) {
      where.And("organization_uscc = ?", {f.organization_uscc});
    }
    if (f.outcome != v1::ENROLLMENT_OUTCOME_UNSPECIFIED) {
      where.And("outcome = ?", {int64_t{f.outcome}});
    }
    if (f.track != v1::TRACK_UNSPECIFIED) {
      where.And("track = ?", {int64_t{f.track}});
    }
    if (f.cohort_year != 0) {
      where.And("cohort_year = ?", {int64_t{f.cohort_year}});
    }
    if (f.term_ended_before.has_value()) {
      where.And("term_end_date < ?", {db::SqlDay(*f.term_ended_before)});
    }
    return QueryEnrollments(conn, where, limit, false);
  }

  absl::StatusOr<bool> UpdateEnrollment(db::Connection& conn,
                                        const EnrollmentRecord& e,
                                        int64_t expected_version,
                                        absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute("UPDATE enrollments SET live_uscc = ?, outcome = ?, "
                     "outcome_reason = ?, acceptance_score = ?, "
                     "update_time = ?, version = version + 1 "
                     "WHERE id = ? AND version = ?",
                     {LiveKey(e), int64_t{e.outcome}, e.outcome_reason,
                      db::NullableParam(e.acceptance_score), db::SqlTime(now),
                      e.id, expected_version}));
    if (n != 1) return false;
    QPP_RETURN_IF_ERROR(RequestFundingReevaluation(
        conn, e.organization_uscc,
        absl::StrCat("enrolment ", e.id, " now ",
                     v1::EnrollmentOutcome_Name(e.outcome)),
        db::SqlTime(now)));
    return true;
  }

  absl::Status InsertMilestone(db::Connection& conn,
                               const MilestoneRecord& m) override {
    return conn
        .Execute(
            "INSERT INTO enrollment_milestones (enrollment_id, kind, "
            "completion_date, expert_id, report_reference, completed_by, "
            "complete_time) VALUES (?, ?, ?, ?, ?, ?, ?)",
            {m.enrollment_id, int64_t{m.kind}, db::SqlDay(m.completion_day),
             m.expert_id == 0 ? SqlParam(nullptr) : SqlParam(m.expert_id),
             m.report_reference, m.completed_by, db::SqlTime(m.complete_time)})
        .status();
  }

  absl::StatusOr<std::map<int64_t, std::vector<MilestoneRecord>>>
  ListMilestones(db::Connection& conn,
                 const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<MilestoneRecord>> out;
    if (ids.empty()) return out;
    std::vector<SqlParam> params(ids.begin(), ids.end());
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT enrollment_id, kind, completion_date, "
                                "expert_id, report_reference, completed_by, "
                                "complete_time FROM enrollment_milestones "
                                "WHERE enrollment_id IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY enrollment_id, kind"),
                   params));
    for (const Row& r : rows) {
      MilestoneRecord m;
      m.enrollment_id = r.Int(0);
      m.kind = static_cast<v1::MilestoneKind>(r.Int(1));
      m.completion_day = db::DayAt(r, 2).value_or(absl::CivilDay());
      m.expert_id = r.Int(3);
      m.report_reference = r.String(4);
      m.completed_by = r.String(5);
      m.complete_time = db::TimeAt(r, 6);
      out[m.enrollment_id].push_back(std::move(m));
    }
    return out;
  }

  absl::StatusOr<std::vector<std::string>> ActiveOrganizations(
      db::Connection& conn) override {
    QPP_ASSIGN_OR_RETURN(Rows rows,
                         conn.Query("SELECT live_uscc FROM enrollments "
                                    "WHERE live_uscc IS NOT NULL"));
    std::vector<std::string> out;
    for (const Row& r : rows) out.push_back(r.String(0));
    return out;
  }

  absl::StatusOr<std::map<v1::EnrollmentOutcome, int64_t>>
  CountAcceptancesInYear(db::Connection& conn, int32_t year) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT e.outcome, COUNT(*) FROM enrollments e "
                   "JOIN enrollment_milestones m ON m.enrollment_id = e.id "
                   "AND m.kind = ? WHERE m.completion_date BETWEEN ? AND ? "
                   "GROUP BY e.outcome",
                   {int64_t{v1::MILESTONE_KIND_ACCEPTANCE},
                    db::SqlDay(absl::CivilDay(year, 1, 1)),
                    db::SqlDay(absl::CivilDay(year, 12, 31))}));
    std::map<v1::EnrollmentOutcome, int64_t> out;
    for (const Row& r : rows) {
      out[static_cast<v1::EnrollmentOutcome>(r.Int(0))] = r.Int(1);
    }
    return out;
  }

  absl::StatusOr<std::map<v1::EnrollmentOutcome, int64_t>> CountByOutcome(
      db::Connection& conn, v1::Track track) override {
    db::WhereClause where;
    if (track != v1::TRACK_UNSPECIFIED) {
      where.And("track = ?", {int64_t{track}});
    }
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT outcome, COUNT(*) FROM enrollments",
                                where.Sql(), " GROUP BY outcome"),
                   where.params()));
    std::map<v1::EnrollmentOutcome, int64_t> out;
    for (const Row& r : rows) {
      out[static_cast<v1::EnrollmentOutcome>(r.Int(0))] = r.Int(1);
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<SelectionRepository> NewMysqlSelectionRepository() {
  return std::make_unique<MysqlSelectionRepository>();
}

std::unique_ptr<EnrollmentRepository> NewMysqlEnrollmentRepository() {
  return std::make_unique<MysqlEnrollmentRepository>();
}

}  // namespace qpp::cultivation
