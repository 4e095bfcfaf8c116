#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Projects matching `where` (on columns of p), ordered by id, with their
// sector's display name; locked until the transaction ends if
// `for_update`.
absl::StatusOr<std::vector<ProjectRecord>> QueryProjects(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(
          absl::StrCat(
              "SELECT p.id, p.title, p.scope, COALESCE(p.sector, ''), "
              "COALESCE(s.display_name, ''), p.district, p.lead_department, "
              "p.evaluation_system, p.start_date, p.end_date, p.status, "
              "p.status_reason, p.create_time, p.update_time, p.version "
              "FROM demonstration_projects p LEFT JOIN project_sectors s "
              "ON s.code = p.sector",
              where.Sql(), " ORDER BY p.id LIMIT ?",
              for_update ? " FOR UPDATE" : ""),
          params));
  std::vector<ProjectRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    ProjectRecord p;
    p.id = r.Int(0);
    p.title = r.String(1);
    p.scope = static_cast<v1::ProjectScope>(r.Int(2));
    p.sector = r.String(3);
    p.sector_display_name = r.String(4);
    p.district = r.String(5);
    p.lead_department = r.String(6);
    p.evaluation_system = r.String(7);
    p.start_date = db::DayAt(r, 8).value_or(absl::CivilDay());
    p.end_date = db::DayAt(r, 9).value_or(absl::CivilDay());
    p.status = static_cast<v1::ProjectStatus>(r.Int(10));
    p.status_reason = r.String(11);
    p.create_time = db::TimeAt(r, 12);
    p.update_time = db::TimeAt(r, 13);
    p.version = r.Int(14);
    out.push_back(std::move(p));
  }
  return out;
}

SqlParam SectorParam(const std::string& sector) {
  return sector.empty() ? SqlParam(nullptr) : SqlParam(sector);
}

class MysqlProjectRepository final : public ProjectRepository {
 public:
  absl::StatusOr<std::optional<std::string>> GetSectorName(
      db::Connection& conn, const std::string& code) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT display_name FROM project_sectors WHERE code = ?",
                   {code}));
    if (rows.empty()) return std::nullopt;
    return rows[0].String(0);
  }

  absl::StatusOr<int64_t> InsertProject(db::Connection& conn,
                                        const ProjectRecord& p,
                                        absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute(
                "INSERT INTO demonstration_projects (title, scope, sector, "
                "district, lead_department, evaluation_system, start_date, "
                "end_date, status, status_reason, create_time, update_time, "
                "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                {p.title, int64_t{p.scope}, SectorParam(p.sector), p.district,
                 p.lead_department, p.evaluation_system,
                 db::SqlDay(p.start_date), db::SqlDay(p.end_date),
                 int64_t{p.status}, p.status_reason, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<ProjectRecord>> GetProject(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("p.id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list, QueryProjects(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<ProjectRecord>> ListProjects(
      db::Connection& conn, const ProjectFilter& filter, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("p.id > ?", {after_id});
    if (filter.scope != v1::PROJECT_SCOPE_UNSPECIFIED) {
      where.And("p.scope = ?", {int64_t{filter.scope}});
    }
    if (!filter.sector.empty()) where.And("p.sector = ?", {filter.sector});
    if (!filter.district.empty()) {
      where.And("p.district = ?", {filter.district});
    }
    if (filter.status != v1::PROJECT_STATUS_UNSPECIFIED) {
      where.And("p.status = ?", {int64_t{filter.status}});
    }
    return QueryProjects(conn, where, limit, /*for_update=*/false);
  }

  absl::StatusOr<bool> UpdateProject(db::Connection& conn,
                                     const ProjectRecord& p,
                                     int64_t expected_version,
                                     absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE demonstration_projects SET title = ?, sector = ?, "
            "lead_department = ?, evaluation_system = ?, start_date = ?, "
            "end_date = ?, status = ?, status_reason = ?, update_time = ?, "
            "version = version + 1 WHERE id = ? AND version = ?",
            {p.title, SectorParam(p.sector), p.lead_department,
             p.evaluation_system, db::SqlDay(p.start_date),
             db::SqlDay(p.end_date), int64_t{p.status}, p.status_reason,
             db::SqlTime(now), p.id, expected_version}));
    return n == 1;
  }

  absl::Status InsertStatusChange(db::Connection& conn,
                                  const ProjectStatusChangeRecord& c) override {
    return conn
        .Execute(
            "INSERT INTO project_status_changes (project_id, status, reason, "
            "changed_by, change_time) VALUES (?, ?, ?, ?, ?)",
            {c.project_id, int64_t{c.status}, c.reason, c.changed_by,
             db::SqlTime(c.change_time)})
        .status();
  }

  absl::Status InsertParticipant(db::Connection& conn,
                                 const ParticipantRecord& p) override {
    return conn
        .Execute(
            "INSERT INTO project_participants (project_id, organization_uscc, "
            "organization_display_name, role, add_time) "
            "VALUES (?, ?, ?, ?, ?)",
            {p.project_id, p.organization_uscc, p.organization_display_name,
             p.role, db::SqlTime(p.add_time)})
        .status();
  }

  absl::StatusOr<bool> DeleteParticipant(db::Connection& conn,
                                         int64_t project_id,
                                         const std::string& uscc) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n, conn.Execute("DELETE FROM project_participants WHERE "
                                 "project_id = ? AND organization_uscc = ?",
                                 {project_id, uscc}));
    return n == 1;
  }

  absl::StatusOr<int64_t> InsertMilestone(db::Connection& conn,
                                          const MilestoneRecord& m,
                                          absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO project_milestones (project_id, title, "
                     "due_date, state, create_time, update_time) "
                     "VALUES (?, ?, ?, ?, ?, ?)",
                     {m.project_id, m.title, db::SqlDay(m.due_date),
                      int64_t{v1::MILESTONE_STATE_PENDING}, ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<MilestoneRecord>> GetMilestone(
      db::Connection& conn, int64_t project_id, int64_t id) override {
    QPP_ASSIGN_OR_RETURN(auto map, Milestones(conn, "id = ? AND project_id = ?",
                                              {id, project_id}));
    if (map.empty()) return std::nullopt;
    return map.begin()->second.front();
  }

  absl::Status CompleteMilestone(db::Connection& conn, int64_t id,
                                 absl::CivilDay day,
                                 const std::string& evidence,
                                 absl::Time now) override {
    return conn
        .Execute(
            "UPDATE project_milestones SET state = ?, completed_date = ?, "
            "evidence = ?, update_time = ? WHERE id = ?",
            {int64_t{v1::MILESTONE_STATE_COMPLETED}, db::SqlDay(day), evidence,
             db::SqlTime(now), id})
        .status();
  }

  absl::StatusOr<int64_t> CountPendingMilestones(db::Connection& conn,
                                                 int64_t project_id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(*) FROM project_milestones WHERE "
                   "project_id = ? AND state = ?",
                   {project_id, int64_t{v1::MILESTONE_STATE_PENDING}}));
    return rows[0].Int(0);
  }

  absl::StatusOr<std::map<int64_t, std::vector<ProjectStatusChangeRecord>>>
  ListHistories(db::Connection& conn,
                const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<ProjectStatusChangeRecord>> out;
    if (ids.empty()) return out;
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT project_id, status, reason, "
                                "changed_by, change_time FROM "
                                "project_status_changes WHERE project_id IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY project_id, id"),
                   std::vector<SqlParam>(ids.begin(), ids.end())));
    for (const Row& r : rows) {
      ProjectStatusChangeRecord c;
      c.project_id = r.Int(0);
      c.status = static_cast<v1::ProjectStatus>(r.Int(1));
      c.reason = r.String(2);
      c.changed_by = r.String(3);
      c.change_time = db::TimeAt(r, 4);
      out[c.project_id].push_back(std::move(c));
    }
    return out;
  }

  absl::StatusOr<std::map<int64_t, std::vector<ParticipantRecord>>>
  ListParticipants(db::Connection& conn,
                   const std::vector<int64_t>& ids) override {
    std::map<int64_t, std::vector<ParticipantRecord>> out;
    if (ids.empty()) return out;
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT project_id, organization_uscc, "
                                "organization_display_name, role, add_time "
                                "FROM project_participants WHERE project_id "
                                "IN ",
                                db::Placeholders(static_cast<int>(ids.size())),
                                " ORDER BY project_id, organization_uscc"),
                   std::vector<SqlParam>(ids.begin(), ids.end())));
    for (const Row& r : rows) {
      ParticipantRecord p;
      p.project_id = r.Int(0);
      p.organization_uscc = r.String(1);
      p.organization_display_name = r.String(2);
      p.role = r.String(3);
      p.add_time = db::TimeAt(r, 4);
      out[p.project_id].push_back(std::move(p));
    }
    return out;
  }

  absl::StatusOr<std::map<int64_t, std::vector<MilestoneRecord>>>
  ListMilestones(db::Connection& conn,
                 const std::vector<int64_t>& ids) override {
    if (ids.empty()) return std::map<int64_t, std::vector<MilestoneRecord>>{};
    return Milestones(
        conn,
        absl::StrCat("project_id IN ",
                     db::Placeholders(static_cast<int>(ids.size()))),
        std::vector<SqlParam>(ids.begin(), ids.end()));
  }

  absl::StatusOr<std::vector<ProjectStatusFigure>> CountByStatus(
      db::Connection& conn, absl::CivilDay first,
      absl::CivilDay last) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT scope, status, COUNT(*) FROM demonstration_projects "
                   "WHERE start_date <= ? AND end_date >= ? "
                   "GROUP BY scope, status ORDER BY scope, status",
                   {db::SqlDay(last), db::SqlDay(first)}));
    std::vector<ProjectStatusFigure> out;
    for (const Row& r : rows) {
      out.push_back({static_cast<v1::ProjectScope>(r.Int(0)),
                     static_cast<v1::ProjectStatus>(r.Int(1)),
                     static_cast<int32_t>(r.Int(2))});
    }
    return out;
  }

 private:
  // Milestones matching `where`, by project, due date and id.
  absl::StatusOr<std::map<int64_t, std::vector<MilestoneRecord>>> Milestones(
      db::Connection& conn, const std::string& where,
      const std::vector<SqlParam>& params) {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(absl::StrCat("SELECT id, project_id, title, due_date, "
                                "state, completed_date, evidence, "
                                "create_time, update_time FROM "
                                "project_milestones WHERE ",
                                where, " ORDER BY project_id, due_date, id"),
                   params));
    std::map<int64_t, std::vector<MilestoneRecord>> out;
    for (const Row& r : rows) {
      MilestoneRecord m;
      m.id = r.Int(0);
      m.project_id = r.Int(1);
      m.title = r.String(2);
      m.due_date = db::DayAt(r, 3).value_or(absl::CivilDay());
      m.state = static_cast<v1::MilestoneState>(r.Int(4));
      m.completed_date = db::DayAt(r, 5);
      m.evidence = r.String(6);
      m.create_time = db::TimeAt(r, 7);
      m.update_time = db::TimeAt(r, 8);
      out[m.project_id].push_back(std::move(m));
    }
    return out;
  }
};

}  // namespace

std::unique_ptr<ProjectRepository> NewMysqlProjectRepository() {
  return std::make_unique<MysqlProjectRepository>();
}

}  // namespace qpp::demobase
