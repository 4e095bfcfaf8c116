#include "absl/strings/str_cat.h"
#include "common/db/sql_values.h"
#include "services/demobase/src/demobase_repository.h"

namespace qpp::demobase {
namespace {

using db::Row;
using db::Rows;

class MysqlReportRepository final : public ReportRepository {
 public:
  absl::StatusOr<std::vector<BaseYearFigures>> ListBaseYearFigures(
      db::Connection& conn, int32_t year, absl::Time year_start,
      absl::Time year_end, absl::Time as_of_end, int64_t after_id,
      int limit) override {
    const std::string from = db::SqlTime(year_start);
    const std::string to = db::SqlTime(year_end);
    const std::string held_to = db::SqlTime(std::min(as_of_end, year_end));
    const int64_t held = v1::EVENT_STATE_HELD;
    const int64_t scheduled = v1::EVENT_STATE_SCHEDULED;
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "SELECT b.id, b.organization_uscc, b.organization_display_name, "
            "b.status, "
            "(SELECT COUNT(*) FROM open_events e WHERE e.base_id = b.id AND "
            " e.state = ? AND e.start_time >= ? AND e.start_time < ?), "
            "(SELECT COALESCE(SUM(e.attendance), 0) FROM open_events e WHERE "
            " e.base_id = b.id AND e.state = ? AND e.start_time >= ? AND "
            " e.start_time < ?), "
            "(SELECT COUNT(*) FROM open_events e WHERE e.base_id = b.id AND "
            " e.state = ? AND e.start_time >= ? AND e.start_time < ?), "
            "(SELECT COALESCE(SUM(r.feedback_score), 0) FROM registrations r "
            " JOIN open_events e ON e.id = r.event_id WHERE r.base_id = b.id "
            " AND r.feedback_score > 0 AND e.start_time >= ? AND "
            " e.start_time < ?), "
            "(SELECT COUNT(*) FROM registrations r JOIN open_events e ON "
            " e.id = r.event_id WHERE r.base_id = b.id AND "
            " r.feedback_score > 0 AND e.start_time >= ? AND "
            " e.start_time < ?) "
            "FROM demonstration_bases b WHERE b.year = ? AND b.id > ? "
            "ORDER BY b.id LIMIT ?",
            {held, from, held_to, held, from, held_to, scheduled, from, to,
             from, held_to, from, held_to, int64_t{year}, after_id,
             int64_t{limit}}));
    std::vector<BaseYearFigures> out;
    out.reserve(rows.size());
    for (const Row& r : rows) {
      BaseYearFigures f;
      f.base.id = r.Int(0);
      f.base.organization_uscc = r.String(1);
      f.base.organization_display_name = r.String(2);
      f.base.status = static_cast<v1::BaseStatus>(r.Int(3));
      f.base.year = year;
      f.events_held = static_cast<int32_t>(r.Int(4));
      f.visitors = r.Int(5);
      f.events_scheduled = static_cast<int32_t>(r.Int(6));
      f.feedback_sum = r.Int(7);
      f.feedback_count = static_cast<int32_t>(r.Int(8));
      out.push_back(std::move(f));
    }
    return out;
  }

  absl::StatusOr<YearFigures> GetYearFigures(db::Connection& conn, int32_t year,
                                             absl::Time year_start,
                                             absl::Time year_end) override {
    const std::string from = db::SqlTime(year_start);
    const std::string to = db::SqlTime(year_end);
    QPP_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query(
            "SELECT (SELECT COUNT(*) FROM demonstration_bases WHERE year = ? "
            " AND status <> ?), "
            "COALESCE(SUM(state = ?), 0), COALESCE(SUM(state = ?), 0), "
            "COALESCE(SUM(CASE WHEN state = ? THEN attendance ELSE 0 END), 0) "
            "FROM open_events WHERE start_time >= ? AND start_time < ?",
            {int64_t{year}, int64_t{v1::BASE_STATUS_WITHDRAWN},
             int64_t{v1::EVENT_STATE_HELD}, int64_t{v1::EVENT_STATE_CANCELLED},
             int64_t{v1::EVENT_STATE_HELD}, from, to}));
    YearFigures f;
    f.bases_designated = static_cast<int32_t>(rows[0].Int(0));
    f.events_held = static_cast<int32_t>(rows[0].Int(1));
    f.events_cancelled = static_cast<int32_t>(rows[0].Int(2));
    f.visitors = rows[0].Int(3);
    return f;
  }
};

}  // namespace

std::unique_ptr<ReportRepository> NewMysqlReportRepository() {
  return std::make_unique<MysqlReportRepository>();
}

}  // namespace qpp::demobase
