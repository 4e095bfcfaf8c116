#include "services/cultivation/src/selection_rules.h"

#include "gtest/gtest.h"

namespace qpp::cultivation {
namespace {

ApplicationRecord Scored(int64_t id, double consensus, double spread,
                         int submitted_second, const std::string& uscc) {
  ApplicationRecord a;
  a.id = id;
  a.status = v1::APPLICATION_STATUS_SCORED;
  a.consensus_score = consensus;
  a.score_spread = spread;
  a.create_time = absl::FromUnixSeconds(submitted_second);
  a.organization_uscc = uscc;
  a.review_count = 3;
  return a;
}

TEST(SelectionRulesTest, TiesAreBrokenBySpreadThenSubmissionThenUscc) {
  std::vector<ApplicationRecord> apps = {
      Scored(1, 80, 5, 10, "B"), Scored(2, 80, 2, 20, "C"),
      Scored(3, 80, 5, 5, "D"),  Scored(4, 80, 5, 5, "A"),
      Scored(5, 90, 9, 99, "E"),
  };
  SelectionBounds bounds{3, 100, 0, 3};
  const auto decisions = Select(apps, {}, bounds);
  ASSERT_EQ(decisions.size(), 5u);
  // 90 first; then the 80s: lower spread (2), then the earlier submissions
  // (second 5, "A" before "D"), then second 10.
  EXPECT_EQ(decisions[0].application_id, 5);
  EXPECT_EQ(decisions[1].application_id, 2);
  EXPECT_EQ(decisions[2].application_id, 4);
  EXPECT_EQ(decisions[3].application_id, 3);
  EXPECT_EQ(decisions[4].application_id, 1);
  EXPECT_EQ(decisions[2].outcome, v1::APPLICATION_STATUS_SELECTED);
  EXPECT_EQ(decisions[3].outcome, v1::APPLICATION_STATUS_WAITLISTED);
  EXPECT_NE(decisions[3].reason.find("USCC"), std::string::npos);
  EXPECT_NE(decisions[3].reason.find("capacity of 3"), std::string::npos);
  EXPECT_NE(decisions[1].reason.find("lower spread"), std::string::npos);
}

TEST(SelectionRulesTest, TheLibraryCapLimitsTheRoom) {
  std::vector<ApplicationRecord> apps = {Scored(1, 90, 0, 1, "A"),
                                         Scored(2, 80, 0, 2, "B"),
                                         Scored(3, 70, 0, 3, "C")};
  SelectionBounds bounds{30, 100, 99, 3};
  const auto decisions = Select(apps, {}, bounds);
  EXPECT_EQ(decisions[0].outcome, v1::APPLICATION_STATUS_SELECTED);
  EXPECT_EQ(decisions[1].outcome, v1::APPLICATION_STATUS_WAITLISTED);
  EXPECT_NE(decisions[1].reason.find("library cap"), std::string::npos);
}

TEST(SelectionRulesTest, UnscoredAndEnrolledAreRejectedWithdrawnLeftOut) {
  std::vector<ApplicationRecord> apps = {Scored(1, 90, 0, 1, "A"),
                                         Scored(2, 80, 0, 2, "B"),
                                         Scored(3, 70, 0, 3, "C")};
  apps[1].status = v1::APPLICATION_STATUS_UNDER_REVIEW;
  apps[1].review_count = 1;
  apps[2].status = v1::APPLICATION_STATUS_WITHDRAWN;
  SelectionBounds bounds{30, 100, 1, 3};
  const auto decisions = Select(apps, {"A"}, bounds);
  ASSERT_EQ(decisions.size(), 2u);
  EXPECT_EQ(decisions[0].outcome, v1::APPLICATION_STATUS_REJECTED);
  EXPECT_NE(decisions[0].reason.find("already actively enrolled"),
            std::string::npos);
  EXPECT_NE(decisions[1].reason.find("1 of 3 reviews"), std::string::npos);
}

TEST(SelectionRulesTest, TheTermIsTwoYears) {
  EXPECT_EQ(TermEnd(absl::CivilDay(2026, 3, 2)), absl::CivilDay(2028, 3, 1));
  EXPECT_EQ(TermEnd(absl::CivilDay(2024, 2, 29)), absl::CivilDay(2026, 2, 28));
}

}  // namespace
}  // namespace qpp::cultivation

namespace qpp::cultivation {
namespace {

TEST(EnrollmentRulesTest, MilestonesComeInOrderAcceptanceLast) {
  std::vector<MilestoneRecord> done;
  EXPECT_TRUE(
      CheckNextMilestone(done, v1::MILESTONE_KIND_INITIAL_DIAGNOSIS).ok());
  EXPECT_EQ(
      status::ReasonOf(CheckNextMilestone(done, v1::MILESTONE_KIND_ACCEPTANCE)),
      "MILESTONE_OUT_OF_ORDER");
  for (int k = 1; k <= 4; ++k) {
    MilestoneRecord m;
    m.kind = static_cast<v1::MilestoneKind>(k);
    done.push_back(m);
  }
  EXPECT_TRUE(CheckNextMilestone(done, v1::MILESTONE_KIND_ACCEPTANCE).ok());
  EXPECT_FALSE(CheckNextMilestone(done, v1::MILESTONE_KIND_SOLUTION).ok());
}

TEST(EnrollmentRulesTest, KeyStaffTrainingNeedsEnoughAttendance) {
  const absl::CivilDay first(2026, 3, 2), last(2026, 4, 15);
  EXPECT_TRUE(CheckStaffTrained(3, 3, first, last).ok());
  const absl::Status few = CheckStaffTrained(2, 3, first, last);
  EXPECT_EQ(status::ReasonOf(few), "TOO_FEW_STAFF_TRAINED");
  EXPECT_NE(few.message().find("at least 3"), absl::string_view::npos);
}

TEST(EnrollmentRulesTest, CompletionDayWithinTheTermAndNotAhead) {
  EnrollmentRecord e;
  e.term_start = absl::CivilDay(2026, 3, 2);
  e.term_end = TermEnd(e.term_start);
  const absl::CivilDay today(2026, 6, 1);
  EXPECT_TRUE(CheckCompletionDay(e, absl::CivilDay(2026, 5, 1), today).ok());
  EXPECT_FALSE(CheckCompletionDay(e, absl::CivilDay(2026, 3, 1), today).ok());
  EXPECT_FALSE(CheckCompletionDay(e, absl::CivilDay(2026, 7, 1), today).ok());
}

TEST(SelectionRulesTest, OnlyActiveEnrolmentsPastTheirTermExpire) {
  EnrollmentRecord e;
  e.id = 3;
  e.outcome = v1::ENROLLMENT_OUTCOME_ACTIVE;
  e.term_start = absl::CivilDay(2026, 3, 2);
  e.term_end = absl::CivilDay(2028, 3, 1);
  EXPECT_FALSE(ExpireIfOverdue(e, absl::CivilDay(2028, 3, 1)).has_value());
  auto expired = ExpireIfOverdue(e, absl::CivilDay(2028, 3, 2));
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(expired->outcome, v1::ENROLLMENT_OUTCOME_EXPIRED);
  EXPECT_NE(expired->outcome_reason.find("2028-03-01"), std::string::npos);
  EXPECT_FALSE(ExpireIfOverdue(*expired, absl::CivilDay(2028, 3, 2)));
  e.outcome = v1::ENROLLMENT_OUTCOME_ACCEPTED;
  EXPECT_FALSE(ExpireIfOverdue(e, absl::CivilDay(2029, 1, 1)).has_value());
}

}  // namespace
}  // namespace qpp::cultivation
