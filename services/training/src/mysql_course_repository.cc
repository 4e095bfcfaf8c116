#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/db/sql_values.h"
#include "common/db/where_clause.h"
#include "services/training/src/course_rules.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {
namespace {

using db::Row;
using db::Rows;
using db::SqlParam;

// Courses matching `where`, ordered by id; locked until the transaction
// ends if `for_update`.
absl::StatusOr<std::vector<StoredCourse>> QueryCourses(
    db::Connection& conn, const db::WhereClause& where, int limit,
    bool for_update) {
  std::vector<SqlParam> params = where.params();
  params.push_back(int64_t{limit});
  QPP_ASSIGN_OR_RETURN(
      Rows rows,
      conn.Query(absl::StrCat("SELECT id, title, kind, hours, has_exam, "
                              "certificate_type, description, create_time, "
                              "update_time, version FROM courses",
                              where.Sql(), " ORDER BY id LIMIT ?",
                              for_update ? " FOR UPDATE" : ""),
                 params));
  std::vector<StoredCourse> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    StoredCourse stored;
    v1::Course& c = stored.course;
    c.set_name(CourseName(r.Int(0)));
    c.set_title(r.String(1));
    c.set_kind(static_cast<v1::CourseKind>(r.Int(2)));
    c.set_hours(static_cast<int32_t>(r.Int(3)));
    c.set_has_exam(r.Bool(4));
    c.set_certificate_type(static_cast<v1::CertificateType>(r.Int(5)));
    c.set_description(r.String(6));
    *c.mutable_create_time() = dates::ToTimestamp(db::TimeAt(r, 7));
    *c.mutable_update_time() = dates::ToTimestamp(db::TimeAt(r, 8));
    stored.version = r.Int(9);
    c.set_etag(absl::StrCat("\"", stored.version, "\""));
    out.push_back(std::move(stored));
  }
  return out;
}

class MysqlCourseRepository final : public CourseRepository {
 public:
  absl::StatusOr<int64_t> InsertCourse(db::Connection& conn,
                                       const v1::Course& c,
                                       absl::Time now) override {
    const std::string ts = db::SqlTime(now);
    QPP_RETURN_IF_ERROR(
        conn.Execute("INSERT INTO courses (title, kind, hours, has_exam, "
                     "certificate_type, description, create_time, update_time, "
                     "version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                     {c.title(), int64_t{c.kind()}, int64_t{c.hours()},
                      int64_t{c.has_exam() ? 1 : 0},
                      int64_t{c.certificate_type()}, c.description(), ts, ts})
            .status());
    return conn.LastInsertId();
  }

  absl::StatusOr<std::optional<StoredCourse>> GetCourse(
      db::Connection& conn, int64_t id, bool for_update) override {
    db::WhereClause where;
    where.And("id = ?", {id});
    QPP_ASSIGN_OR_RETURN(auto list, QueryCourses(conn, where, 1, for_update));
    if (list.empty()) return std::nullopt;
    return std::move(list[0]);
  }

  absl::StatusOr<std::vector<v1::Course>> ListCourses(
      db::Connection& conn, const CourseFilter& filter, int64_t after_id,
      int limit) override {
    db::WhereClause where;
    where.And("id > ?", {after_id});
    if (filter.kind != v1::COURSE_KIND_UNSPECIFIED) {
      where.And("kind = ?", {int64_t{filter.kind}});
    }
    QPP_ASSIGN_OR_RETURN(auto list, QueryCourses(conn, where, limit,
                                                 /*for_update=*/false));
    std::vector<v1::Course> out;
    out.reserve(list.size());
    for (auto& stored : list) out.push_back(std::move(stored.course));
    return out;
  }

  absl::StatusOr<bool> UpdateCourse(db::Connection& conn, int64_t id,
                                    const v1::Course& c,
                                    int64_t expected_version,
                                    absl::Time now) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n,
        conn.Execute(
            "UPDATE courses SET title = ?, kind = ?, hours = ?, has_exam = ?, "
            "certificate_type = ?, description = ?, update_time = ?, "
            "version = version + 1 WHERE id = ? AND version = ?",
            {c.title(), int64_t{c.kind()}, int64_t{c.hours()},
             int64_t{c.has_exam() ? 1 : 0}, int64_t{c.certificate_type()},
             c.description(), db::SqlTime(now), id, expected_version}));
    return n == 1;
  }

  absl::StatusOr<int64_t> CountSessions(db::Connection& conn,
                                        int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT COUNT(*) FROM sessions WHERE course_id = ?", {id}));
    return rows[0].Int(0);
  }

  absl::StatusOr<bool> DeleteCourse(db::Connection& conn, int64_t id) override {
    QPP_ASSIGN_OR_RETURN(
        uint64_t n, conn.Execute("DELETE FROM courses WHERE id = ?", {id}));
    return n == 1;
  }
};

}  // namespace

std::unique_ptr<CourseRepository> NewMysqlCourseRepository() {
  return std::make_unique<MysqlCourseRepository>();
}

}  // namespace qpp::training
