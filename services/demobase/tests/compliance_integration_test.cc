// Compliance and statistics on a real MariaDB: events held against the
// minimum spread over the year, visitors, average feedback, the bases that
// fall behind, and the year's figures.

#include "services/demobase/tests/integration_fixture.h"

namespace qpp::demobase {
namespace {

TEST_F(DemoBaseIntegrationTest, ComplianceShowsWhoFallsBehindForTheYearToDate) {
  const v1::DemonstrationBase active = CreateBase(1);
  const v1::DemonstrationBase idle = CreateBase(11);
  std::vector<v1::OpenEvent> events;
  std::vector<v1::Registration> regs;
  for (int day = 1; day <= 3; ++day) {
    events.push_back(CreateEvent(active, day, 40));
    v1::Registration reg;
    ASSERT_TRUE(demobase_->registrations()
                    .CreateRegistration(GroupRequest(events.back(), 10), &reg)
                    .ok());
    regs.push_back(reg);
  }
  const v1::OpenEvent cancelled = CreateEvent(idle, 2, 40);
  v1::CancelOpenEventRequest cancel;
  cancel.set_name(cancelled.name());
  cancel.set_reason("改期");
  v1::OpenEvent out;
  ASSERT_TRUE(demobase_->events().CancelOpenEvent(cancel, &out).ok());
  CreateEvent(idle, 30, 40);  // still scheduled

  now_ = kNow + absl::Hours(24 * 4);  // 2026-03-06
  for (size_t i = 0; i < events.size(); ++i) {
    v1::MarkOpenEventHeldRequest held;
    held.set_name(events[i].name());
    held.set_attendance(10);
    ASSERT_TRUE(demobase_->events().MarkOpenEventHeld(held, &out).ok());
  }
  for (int i = 0; i < 2; ++i) {
    v1::RecordAttendanceRequest attend;
    attend.set_name(regs[i].name());
    attend.set_attended(true);
    attend.set_feedback_score(4 + i);
    v1::Registration reg;
    ASSERT_TRUE(demobase_->registrations().RecordAttendance(attend, &reg).ok());
  }

  v1::ListBaseComplianceRequest req;
  req.set_year(2026);
  v1::ListBaseComplianceResponse resp;
  ASSERT_TRUE(demobase_->compliance().ListBaseCompliance(req, &resp).ok());
  EXPECT_EQ(resp.as_of().month(), 3);
  EXPECT_EQ(resp.as_of().day(), 6);
  ASSERT_EQ(resp.bases_size(), 2);
  const v1::BaseCompliance& a = resp.bases(0);
  EXPECT_EQ(a.base(), active.name());
  EXPECT_EQ(a.events_held(), 3);
  EXPECT_EQ(a.minimum(), 6);
  EXPECT_EQ(a.expected_to_date(), 1);
  EXPECT_FALSE(a.behind());
  EXPECT_EQ(a.visitors(), 30);
  EXPECT_DOUBLE_EQ(a.average_feedback(), 4.5);
  EXPECT_EQ(a.feedback_count(), 2);
  const v1::BaseCompliance& b = resp.bases(1);
  EXPECT_EQ(b.events_held(), 0);
  EXPECT_EQ(b.events_scheduled(), 1);
  EXPECT_TRUE(b.behind());

  req.set_only_behind(true);
  v1::ListBaseComplianceResponse behind;
  ASSERT_TRUE(demobase_->compliance().ListBaseCompliance(req, &behind).ok());
  ASSERT_EQ(behind.bases_size(), 1);
  EXPECT_EQ(behind.bases(0).base(), idle.name());
  // At the end of February nobody was behind yet.
  *req.mutable_as_of() = dates::ToDate(absl::CivilDay(2026, 2, 28));
  behind.Clear();
  ASSERT_TRUE(demobase_->compliance().ListBaseCompliance(req, &behind).ok());
  EXPECT_EQ(behind.bases_size(), 0);
  req.set_year(2027);
  EXPECT_EQ(demobase_->compliance().ListBaseCompliance(req, &behind).code(),
            absl::StatusCode::kInvalidArgument);

  v1::GetDemoBaseStatisticsRequest stats_req;
  stats_req.set_year(2026);
  v1::DemoBaseStatistics stats;
  ASSERT_TRUE(
      demobase_->compliance().GetDemoBaseStatistics(stats_req, &stats).ok());
  EXPECT_EQ(stats.bases_designated(), 2);
  EXPECT_EQ(stats.min_bases_per_year(), 2);
  EXPECT_EQ(stats.max_bases_per_year(), 4);
  EXPECT_EQ(stats.events_held(), 3);
  EXPECT_EQ(stats.events_cancelled(), 1);
  EXPECT_EQ(stats.visitors(), 30);
  EXPECT_EQ(stats.bases_behind(), 1);
}

}  // namespace
}  // namespace qpp::demobase
