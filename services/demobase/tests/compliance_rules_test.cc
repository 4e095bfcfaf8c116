// The rules of compliance, in memory.

#include "services/demobase/src/compliance_rules.h"

#include "common/dates/dates.h"
#include "gtest/gtest.h"

namespace qpp::demobase {
namespace {

TEST(ComplianceRulesTest, TheMinimumIsSpreadEvenlyOverTheYear) {
  EXPECT_EQ(ExpectedToDate(6, absl::CivilDay(2026, 1, 1)), 0);
  EXPECT_EQ(ExpectedToDate(6, absl::CivilDay(2026, 3, 1)), 0);  // 60/365
  EXPECT_EQ(ExpectedToDate(6, absl::CivilDay(2026, 3, 2)), 1);  // 61/365
  EXPECT_EQ(ExpectedToDate(6, absl::CivilDay(2026, 7, 2)), 3);
  EXPECT_EQ(ExpectedToDate(6, absl::CivilDay(2026, 12, 31)), 6);
  EXPECT_EQ(ExpectedToDate(6, absl::CivilDay(2028, 12, 31)), 6);  // leap year
}

TEST(ComplianceRulesTest, TheReportDayIsClampedIntoTheYear) {
  const absl::Time now = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 1, 0, 0),
                                         dates::ChinaTime());
  EXPECT_EQ(*ReportDay(2026, {}, now), absl::CivilDay(2026, 3, 2));
  EXPECT_EQ(*ReportDay(2025, {}, now), absl::CivilDay(2025, 12, 31));
  EXPECT_EQ(*ReportDay(2027, {}, now), absl::CivilDay(2027, 1, 1));
  EXPECT_EQ(*ReportDay(2026, dates::ToDate(absl::CivilDay(2026, 6, 30)), now),
            absl::CivilDay(2026, 6, 30));
  EXPECT_FALSE(
      ReportDay(2026, dates::ToDate(absl::CivilDay(2027, 1, 1)), now).ok());
}

TEST(ComplianceRulesTest, ABaseBelowTheExpectedIsBehindUnlessWithdrawn) {
  BaseYearFigures f;
  f.base.id = 1;
  f.base.status = v1::BASE_STATUS_ACTIVE;
  f.events_held = 2;
  f.feedback_sum = 9;
  f.feedback_count = 2;
  v1::BaseCompliance c = ToCompliance(f, 6, absl::CivilDay(2026, 7, 2));
  EXPECT_EQ(c.expected_to_date(), 3);
  EXPECT_TRUE(c.behind());
  EXPECT_DOUBLE_EQ(c.average_feedback(), 4.5);
  f.base.status = v1::BASE_STATUS_WITHDRAWN;
  EXPECT_FALSE(ToCompliance(f, 6, absl::CivilDay(2026, 7, 2)).behind());
}

}  // namespace
}  // namespace qpp::demobase
