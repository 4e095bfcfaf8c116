#include "services/cultivation/src/cohort_rules.h"

#include "gtest/gtest.h"

namespace qpp::cultivation {
namespace {

v1::Cohort ValidCohort() {
  v1::Cohort c;
  c.set_year(2026);
  c.mutable_application_open_date()->set_year(2026);
  c.mutable_application_open_date()->set_month(3);
  c.mutable_application_open_date()->set_day(1);
  c.mutable_application_close_date()->set_year(2026);
  c.mutable_application_close_date()->set_month(4);
  c.mutable_application_close_date()->set_day(30);
  return c;
}

TEST(CohortRulesTest, NewCohortTakesTheProgrammeDefaults) {
  status::FieldErrors errors;
  const CohortRecord r = NewCohort(ValidCohort(), ProgrammeOptions{}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(r.capacity, 30);
  EXPECT_EQ(r.library_cap, 100);
  EXPECT_EQ(r.min_reviews, 3);
  EXPECT_DOUBLE_EQ(r.adjudication_spread, 15.0);
  EXPECT_EQ(r.selection_state, v1::SELECTION_STATE_OPEN);
}

TEST(CohortRulesTest, NewCohortKeepsItsOwnBounds) {
  v1::Cohort in = ValidCohort();
  in.set_capacity(12);
  in.set_library_cap(40);
  in.set_min_reviews(5);
  in.set_adjudication_spread(8.5);
  status::FieldErrors errors;
  const CohortRecord r = NewCohort(in, ProgrammeOptions{}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(r.capacity, 12);
  EXPECT_EQ(r.library_cap, 40);
  EXPECT_EQ(r.min_reviews, 5);
  EXPECT_DOUBLE_EQ(r.adjudication_spread, 8.5);
}

TEST(CohortRulesTest, NewCohortRejectsAWindowClosingBeforeItOpens) {
  v1::Cohort in = ValidCohort();
  in.mutable_application_close_date()->set_month(2);
  status::FieldErrors errors;
  NewCohort(in, ProgrammeOptions{}, errors);
  ASSERT_EQ(errors.violations().size(), 1u);
  EXPECT_EQ(errors.violations()[0].field, "cohort.application_close_date");
}

TEST(CohortRulesTest, NewCohortRejectsBadYearAndBounds) {
  v1::Cohort in = ValidCohort();
  in.set_year(1999);
  in.set_capacity(-1);
  in.set_min_reviews(21);
  in.clear_application_open_date();
  status::FieldErrors errors;
  NewCohort(in, ProgrammeOptions{}, errors);
  EXPECT_EQ(errors.violations().size(), 4u);
}

TEST(CohortRulesTest, ApplicationWindowIsInclusive) {
  status::FieldErrors errors;
  const CohortRecord r = NewCohort(ValidCohort(), ProgrammeOptions{}, errors);
  EXPECT_TRUE(CheckApplicationWindow(r, absl::CivilDay(2026, 3, 1)).ok());
  EXPECT_TRUE(CheckApplicationWindow(r, absl::CivilDay(2026, 4, 30)).ok());
  const absl::Status late =
      CheckApplicationWindow(r, absl::CivilDay(2026, 5, 1));
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(late), "APPLICATION_WINDOW_CLOSED");
}

TEST(CohortRulesTest, UpdateRejectsUnknownFieldsAndPublishedSelection) {
  google::protobuf::FieldMask mask;
  mask.add_paths("year");
  EXPECT_EQ(CohortUpdatePaths(mask).status().code(),
            absl::StatusCode::kInvalidArgument);
  CohortRecord r;
  r.year = 2026;
  r.selection_state = v1::SELECTION_STATE_PUBLISHED;
  EXPECT_EQ(status::ReasonOf(CheckSelectionOpen(r, "x")),
            "SELECTION_PUBLISHED");
}

TEST(CohortRulesTest, CohortNamesRoundTrip) {
  EXPECT_EQ(CohortName(2026), "cohorts/2026");
  EXPECT_EQ(*ParseCohortName("cohorts/2026", "name"), 2026);
  EXPECT_FALSE(ParseCohortName("cohorts/26", "name").ok());
  EXPECT_FALSE(ParseCohortName("cohorts/02026", "name").ok());
}

}  // namespace
}  // namespace qpp::cultivation
