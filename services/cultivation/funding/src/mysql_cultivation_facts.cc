#include "services/cultivation/funding/src/mysql_cultivation_facts.h"

#include "common/db/sql_values.h"
#include "common/status/status.h"

namespace qpp::funding {
namespace {

// Values of qpp.cultivation.v1 stored in enrollments and milestones.
constexpr int64_t kTrackExcellenceLaunch = 1;
constexpr int64_t kMilestoneAcceptance = 5;

const char* OutcomeText(int64_t outcome) {
  switch (outcome) {
    case 2:
      return "ACCEPTED";
    case 3:
      return "FAILED";
    case 4:
      return "WITHDRAWN";
    case 5:
      return "EXPIRED";
    default:
      return "";  // 1: active
  }
}

class MysqlCultivationFacts final : public CultivationFacts {
 public:
  explicit MysqlCultivationFacts(db::ConnectionPool& pool) : pool_(pool) {}

  absl::StatusOr<EnrolmentFacts> Enrolment(const std::string& uscc,
                                           absl::CivilDay today) override {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
    QPP_ASSIGN_OR_RETURN(
        db::Rows rows,
        conn->Query(
            "SELECT e.term_start_date, e.term_end_date, e.outcome, "
            "e.acceptance_score, m.completion_date FROM enrollments e LEFT "
            "JOIN enrollment_milestones m ON m.enrollment_id = e.id AND "
            "m.kind = ? WHERE e.organization_uscc = ? AND e.track = ? ORDER "
            "BY e.id DESC LIMIT 1",
            {kMilestoneAcceptance, uscc, kTrackExcellenceLaunch}));
    EnrolmentFacts facts;
    if (rows.empty()) return facts;
    const db::Row& r = rows[0];
    facts.enrolled = true;
    facts.term_start = db::DayAt(r, 0).value_or(absl::CivilDay());
    facts.term_end = db::DayAt(r, 1).value_or(absl::CivilDay());
    facts.outcome = OutcomeText(r.Int(2));
    facts.active = facts.outcome.empty() && today >= facts.term_start &&
                   today <= facts.term_end;
    facts.acceptance_score = r.IsNull(3) ? 0 : r.Double(3);
    facts.accepted_on = db::DayAt(r, 4).value_or(facts.term_end);
    return facts;
  }

  absl::StatusOr<GrowthPlanFacts> GrowthPlan(const std::string& uscc) override {
    QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
    // One participant per organisation (unique key): its latest review's
    // result and day, and the priority flag that review set or cleared.
    QPP_ASSIGN_OR_RETURN(
        db::Rows rows,
        conn->Query("SELECT review_passed, priority, review_date FROM "
                    "growth_plan_participants WHERE organization_uscc = ?",
                    {uscc}));
    GrowthPlanFacts facts;
    if (rows.empty()) return facts;
    const db::Row& r = rows[0];
    facts.participant = true;
    facts.review_passed = r.Bool(0);
    facts.priority = r.Bool(1);
    facts.reviewed_on = db::DayAt(r, 2).value_or(absl::CivilDay());
    return facts;
  }

 private:
  db::ConnectionPool& pool_;
};

}  // namespace

std::shared_ptr<CultivationFacts> NewMysqlCultivationFacts(
    db::ConnectionPool& pool) {
  return std::make_shared<MysqlCultivationFacts>(pool);
}

}  // namespace qpp::funding
