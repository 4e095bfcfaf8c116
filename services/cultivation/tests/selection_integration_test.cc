// A whole cohort cycle on a real MariaDB against the real registry and
// training: 40 applications, a declared conflict refused, three reviews
// each, a selection of 30 with ties broken as documented, enrolments for
// the selected; the selection run twice concurrently giving one result;
// reopening; an enrolled enterprise refused.

#include <thread>

#include "services/cultivation/tests/integration_fixture.h"

namespace qpp::cultivation {
namespace {

class SelectionIntegrationTest : public CultivationIntegrationTest {
 protected:
  // Applications of organisations 1..n, a second apart; each reviewed by
  // three experts (of organisation 45) scoring `score(i)` alike, so that
  // the spread is 0.
  std::vector<v1::Application> ReviewedCohort(int n, double (*score)(int)) {
    CreateCohort();
    std::vector<v1::Expert> experts;
    for (int e = 0; e < 3; ++e) experts.push_back(CreateExpert(100 + e, 45));
    std::vector<v1::Application> apps(n);
    for (int i = 0; i < n; ++i) {
      now_ += absl::Seconds(1);
      const absl::Status s = Apply(i + 1, &apps[i]);
      EXPECT_TRUE(s.ok()) << s;
      for (const v1::Expert& expert : experts) {
        v1::Review review, scored;
        EXPECT_TRUE(Assign(apps[i].name(), expert.name(), &review).ok());
        EXPECT_TRUE(Score(review.name(), score(i + 1), &scored).ok());
      }
    }
    return apps;
  }

  absl::Status Run(v1::Selection* out, const std::string& request_id = "") {
    v1::RunSelectionRequest req;
    req.set_name("cohorts/2026");
    req.set_request_id(request_id);
    return cultivation_->selections().RunSelection(call_, req, out);
  }
};

// Organisations 2k and 2k+1 score alike (50 + k): pairs of ties, one of
// them (10 and 11) across the 30th place.
double PairedScore(int i) { return 50 + i / 2; }

TEST_F(SelectionIntegrationTest, WholeCohortCycle) {
  const std::vector<v1::Application> apps = ReviewedCohort(40, PairedScore);
  // A conflict declared with an applicant: that expert is refused.
  const v1::Expert conflicted = CreateExpert(120, 44);
  v1::DeclareConflictRequest declare;
  declare.set_name(conflicted.name());
  declare.set_organization(OrgName(40));
  declare.set_reason("亲属在该企业任职");
  v1::Expert out;
  ASSERT_TRUE(
      cultivation_->experts().DeclareConflict(call_, declare, &out).ok());
  v1::Review refused;
  EXPECT_EQ(
      status::ReasonOf(Assign(apps[39].name(), conflicted.name(), &refused)),
      "EXPERT_CONFLICT");

  v1::Selection selection;
  ASSERT_TRUE(Run(&selection).ok());
  EXPECT_EQ(selection.selected_count(), 30);
  EXPECT_EQ(selection.waitlisted_count(), 10);
  EXPECT_EQ(selection.rejected_count(), 0);
  ASSERT_EQ(selection.entries_size(), 40);
  // Best first: 40 alone on 70, then 38 and 39 tied on 69: 38 applied
  // earlier.
  EXPECT_EQ(selection.entries(0).organization(), OrgName(40));
  EXPECT_EQ(selection.entries(1).organization(), OrgName(38));
  EXPECT_EQ(selection.entries(2).organization(), OrgName(39));
  EXPECT_NE(selection.entries(1).reason().find("earlier submission"),
            std::string::npos);
  // The 30th and 31st are the tied pair 10 and 11 (55): 10 is in.
  EXPECT_EQ(selection.entries(29).organization(), OrgName(10));
  EXPECT_EQ(selection.entries(29).outcome(), v1::APPLICATION_STATUS_SELECTED);
  EXPECT_EQ(selection.entries(30).organization(), OrgName(11));
  EXPECT_EQ(selection.entries(30).outcome(), v1::APPLICATION_STATUS_WAITLISTED);
  for (const v1::SelectionEntry& e : selection.entries()) {
    EXPECT_FALSE(e.reason().empty()) << e.application();
  }
  EXPECT_EQ(Count("enrollments"), 30);

  // The selected enterprise's enrolment: two years, active.
  v1::ListEnrollmentsRequest list;
  list.set_organization(OrgName(39));
  v1::ListEnrollmentsResponse enrolled;
  ASSERT_TRUE(
      cultivation_->enrollments().ListEnrollments(list, &enrolled).ok());
  ASSERT_EQ(enrolled.enrollments_size(), 1);
  EXPECT_EQ(enrolled.enrollments(0).outcome(), v1::ENROLLMENT_OUTCOME_ACTIVE);
  EXPECT_EQ(enrolled.enrollments(0).term_end_date().year(), 2028);

  // After publication: no more reviews, the bounds frozen.
  v1::Review late;
  const v1::Expert another = CreateExpert(121, 44);
  EXPECT_EQ(status::ReasonOf(Assign(apps[0].name(), another.name(), &late)),
            "SELECTION_PUBLISHED");
}

TEST_F(SelectionIntegrationTest, RunTwiceConcurrentlyGivesOneResult) {
  ReviewedCohort(12, PairedScore);
  v1::UpdateCohortRequest update;
  update.mutable_cohort()->set_name("cohorts/2026");
  update.mutable_cohort()->set_capacity(5);
  update.mutable_update_mask()->add_paths("capacity");
  v1::Cohort cohort;
  ASSERT_TRUE(cultivation_->cohorts().UpdateCohort(update, &cohort).ok());

  std::vector<v1::Selection> results(4);
  std::vector<absl::Status> statuses(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { statuses[i] = Run(&results[i]); });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(statuses[i].ok()) << statuses[i];
    EXPECT_EQ(results[i].SerializeAsString(), results[0].SerializeAsString());
  }
  EXPECT_EQ(results[0].selected_count(), 5);
  EXPECT_EQ(Count("enrollments"), 5);
  EXPECT_EQ(Count("selections"), 1);
  // A retry later: the same list, nothing written again.
  v1::Selection again;
  ASSERT_TRUE(Run(&again).ok());
  EXPECT_EQ(again.SerializeAsString(), results[0].SerializeAsString());
  EXPECT_EQ(Count("enrollments"), 5);
}

TEST_F(SelectionIntegrationTest, ReopenWithdrawsTheEnrolmentsAndRunsAgain) {
  ReviewedCohort(4, PairedScore);
  v1::Selection first;
  ASSERT_TRUE(Run(&first).ok());
  EXPECT_EQ(first.selected_count(), 4);

  // An enrolled enterprise cannot apply to another cohort.
  v1::CreateCohortRequest next;
  next.mutable_cohort()->set_year(2027);
  *next.mutable_cohort()->mutable_application_open_date() =
      dates::ToDate(absl::CivilDay(2026, 3, 1));
  *next.mutable_cohort()->mutable_application_close_date() =
      dates::ToDate(absl::CivilDay(2026, 4, 30));
  v1::Cohort cohort2027;
  ASSERT_TRUE(cultivation_->cohorts().CreateCohort(next, &cohort2027).ok());
  v1::CreateApplicationRequest apply;
  apply.set_parent("cohorts/2027");
  apply.mutable_application()->set_organization(OrgName(1));
  v1::Application refused;
  EXPECT_EQ(status::ReasonOf(cultivation_->applications().CreateApplication(
                call_, apply, &refused)),
            "ALREADY_ENROLLED");

  v1::ReopenSelectionRequest reopen;
  reopen.set_name("cohorts/2026");
  reopen.set_reason("专家评分复核");
  v1::Cohort reopened;
  ASSERT_TRUE(cultivation_->selections()
                  .ReopenSelection(call_, reopen, &reopened)
                  .ok());
  EXPECT_EQ(reopened.selection_state(), v1::SELECTION_STATE_OPEN);
  auto active =
      db_->Query("SELECT COUNT(*) FROM enrollments WHERE outcome = 1");
  ASSERT_TRUE(active.ok());
  EXPECT_EQ((*active)[0].Int(0), 0);
  v1::GetSelectionRequest get;
  get.set_name("cohorts/2026/selection");
  v1::Selection none;
  EXPECT_EQ(cultivation_->selections().GetSelection(get, &none).code(),
            absl::StatusCode::kNotFound);
  // Reopened twice: refused.
  EXPECT_EQ(status::ReasonOf(cultivation_->selections().ReopenSelection(
                call_, reopen, &reopened)),
            "SELECTION_NOT_PUBLISHED");

  v1::Selection second;
  ASSERT_TRUE(Run(&second).ok());
  EXPECT_EQ(second.selected_count(), 4);
}

}  // namespace
}  // namespace qpp::cultivation
