// Cohorts on a real MariaDB: defaults, one per year, updates with etags,
// nothing written on bad input.

#include "services/cultivation/tests/integration_fixture.h"

namespace qpp::cultivation {
namespace {

using CohortIntegrationTest = CultivationIntegrationTest;

TEST_F(CohortIntegrationTest, CreateFillsDefaultsAndRefusesASecondCohort) {
  const v1::Cohort cohort = CreateCohort();
  EXPECT_EQ(cohort.name(), "cohorts/2026");
  EXPECT_EQ(cohort.capacity(), 30);
  EXPECT_EQ(cohort.library_cap(), 100);
  EXPECT_EQ(cohort.min_reviews(), 3);
  EXPECT_EQ(cohort.selection_state(), v1::SELECTION_STATE_OPEN);

  v1::CreateCohortRequest again;
  again.mutable_cohort()->set_year(2026);
  *again.mutable_cohort()->mutable_application_open_date() =
      dates::ToDate(absl::CivilDay(2026, 3, 1));
  *again.mutable_cohort()->mutable_application_close_date() =
      dates::ToDate(absl::CivilDay(2026, 3, 31));
  v1::Cohort out;
  const absl::Status s = cultivation_->cohorts().CreateCohort(again, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status::ReasonOf(s), "COHORT_EXISTS");
  EXPECT_EQ(Count("cohorts"), 1);
}

TEST_F(CohortIntegrationTest, BadInputWritesNothing) {
  v1::CreateCohortRequest req;
  req.mutable_cohort()->set_year(2026);
  req.mutable_cohort()->set_capacity(5000);
  v1::Cohort out;
  const absl::Status s = cultivation_->cohorts().CreateCohort(req, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 3u);
  EXPECT_EQ(Count("cohorts"), 0);
}

TEST_F(CohortIntegrationTest, UpdateChangesBoundsAndChecksTheEtag) {
  const v1::Cohort cohort = CreateCohort();
  v1::UpdateCohortRequest req;
  *req.mutable_cohort() = cohort;
  req.mutable_cohort()->set_capacity(25);
  req.mutable_cohort()->set_adjudication_spread(9.5);
  req.mutable_update_mask()->add_paths("capacity");
  req.mutable_update_mask()->add_paths("adjudication_spread");
  v1::Cohort out;
  ASSERT_TRUE(cultivation_->cohorts().UpdateCohort(req, &out).ok());
  EXPECT_EQ(out.capacity(), 25);
  EXPECT_DOUBLE_EQ(out.adjudication_spread(), 9.5);
  EXPECT_NE(out.etag(), cohort.etag());

  // The old etag no longer matches.
  const absl::Status stale = cultivation_->cohorts().UpdateCohort(req, &out);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);

  // A window closing before it opens is refused.
  v1::UpdateCohortRequest window;
  window.mutable_cohort()->set_name("cohorts/2026");
  *window.mutable_cohort()->mutable_application_close_date() =
      dates::ToDate(absl::CivilDay(2026, 2, 1));
  window.mutable_update_mask()->add_paths("application_close_date");
  const absl::Status bad = cultivation_->cohorts().UpdateCohort(window, &out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(CohortIntegrationTest, ListIsNewestFirstWithPages) {
  for (int year : {2024, 2025, 2026}) {
    v1::CreateCohortRequest req;
    req.mutable_cohort()->set_year(year);
    *req.mutable_cohort()->mutable_application_open_date() =
        dates::ToDate(absl::CivilDay(year, 3, 1));
    *req.mutable_cohort()->mutable_application_close_date() =
        dates::ToDate(absl::CivilDay(year, 4, 30));
    v1::Cohort out;
    ASSERT_TRUE(cultivation_->cohorts().CreateCohort(req, &out).ok());
  }
  v1::ListCohortsRequest req;
  req.set_page_size(2);
  v1::ListCohortsResponse page;
  ASSERT_TRUE(cultivation_->cohorts().ListCohorts(req, &page).ok());
  ASSERT_EQ(page.cohorts_size(), 2);
  EXPECT_EQ(page.cohorts(0).year(), 2026);
  EXPECT_EQ(page.cohorts(1).year(), 2025);
  req.set_page_token(page.next_page_token());
  v1::ListCohortsResponse last;
  ASSERT_TRUE(cultivation_->cohorts().ListCohorts(req, &last).ok());
  ASSERT_EQ(last.cohorts_size(), 1);
  EXPECT_EQ(last.cohorts(0).year(), 2024);
  EXPECT_TRUE(last.next_page_token().empty());
}

}  // namespace
}  // namespace qpp::cultivation
