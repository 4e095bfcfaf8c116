#include "services/cultivation/src/application_rules.h"

#include "gtest/gtest.h"

namespace qpp::cultivation {
namespace {

ApplicationRecord InStatus(v1::ApplicationStatus status) {
  ApplicationRecord a;
  a.cohort_year = 2026;
  a.id = 7;
  a.status = status;
  return a;
}

TEST(ApplicationRulesTest, CheckApplicantNamesWhyAnOrganisationCannotApply) {
  RegisteredOrganization o;
  o.uscc = "91350100M000100Y43";
  o.enterprise = true;
  EXPECT_TRUE(CheckApplicant(o).ok());
  o.good_credit = false;
  EXPECT_EQ(status::ReasonOf(CheckApplicant(o)), "CREDIT_RESTRICTED");
  o.enterprise = false;
  EXPECT_EQ(status::ReasonOf(CheckApplicant(o)), "ORGANIZATION_NOT_ENTERPRISE");
  o.active = false;
  EXPECT_EQ(status::ReasonOf(CheckApplicant(o)), "ORGANIZATION_NOT_REGISTERED");
}

TEST(ApplicationRulesTest, TransitionsFollowTheFlow) {
  EXPECT_TRUE(CheckTransition(InStatus(v1::APPLICATION_STATUS_SUBMITTED),
                              v1::APPLICATION_STATUS_UNDER_REVIEW)
                  .ok());
  EXPECT_TRUE(CheckTransition(InStatus(v1::APPLICATION_STATUS_UNDER_REVIEW),
                              v1::APPLICATION_STATUS_SCORED)
                  .ok());
  EXPECT_TRUE(CheckTransition(InStatus(v1::APPLICATION_STATUS_SCORED),
                              v1::APPLICATION_STATUS_SELECTED)
                  .ok());
  EXPECT_TRUE(CheckTransition(InStatus(v1::APPLICATION_STATUS_SCORED),
                              v1::APPLICATION_STATUS_WITHDRAWN)
                  .ok());
  const absl::Status late =
      CheckTransition(InStatus(v1::APPLICATION_STATUS_SELECTED),
                      v1::APPLICATION_STATUS_WITHDRAWN);
  EXPECT_EQ(late.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(late), "INVALID_STATUS_CHANGE");
  EXPECT_FALSE(CheckTransition(InStatus(v1::APPLICATION_STATUS_SUBMITTED),
                               v1::APPLICATION_STATUS_SELECTED)
                   .ok());
}

TEST(ApplicationRulesTest, NamesRoundTrip) {
  EXPECT_EQ(ApplicationName(2026, 12), "cohorts/2026/applications/12");
  const auto key = ParseApplicationName("cohorts/2026/applications/12", "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->year, 2026);
  EXPECT_EQ(key->id, 12);
  EXPECT_FALSE(ParseApplicationName("cohorts/2026/applications/x", "n").ok());
}

TEST(ApplicationRulesTest, NewApplicationNeedsAValidOrganisation) {
  v1::Application a;
  a.set_organization("organizations/123");
  status::FieldErrors errors;
  ValidateNewApplication(a, errors);
  ASSERT_EQ(errors.violations().size(), 1u);
  EXPECT_EQ(errors.violations()[0].field, "application.organization");
}

TEST(ApplicationRulesTest, AdjudicationClearsTheFlagOfAFlaggedApplication) {
  ApplicationRecord a = InStatus(v1::APPLICATION_STATUS_SCORED);
  a.consensus_score = 75;
  a.score_spread = 25.2;
  EXPECT_EQ(status::ReasonOf(
                Adjudicate(a, v1::ADJUDICATION_DECISION_CONFIRM_CONSENSUS, 0)
                    .status()),
            "NOT_FLAGGED_FOR_ADJUDICATION");
  a.needs_adjudication = true;
  auto confirmed =
      Adjudicate(a, v1::ADJUDICATION_DECISION_CONFIRM_CONSENSUS, 0);
  ASSERT_TRUE(confirmed.ok());
  EXPECT_FALSE(confirmed->needs_adjudication);
  EXPECT_DOUBLE_EQ(confirmed->consensus_score, 75);
  auto set = Adjudicate(a, v1::ADJUDICATION_DECISION_SET_SCORE, 82.5);
  ASSERT_TRUE(set.ok());
  EXPECT_DOUBLE_EQ(set->consensus_score, 82.5);
  const std::string why = AdjudicationReason(
      a, *set, v1::ADJUDICATION_DECISION_SET_SCORE, "复核定分");
  EXPECT_NE(why.find("75.00 -> 82.50"), std::string::npos) << why;
  EXPECT_NE(why.find("复核定分"), std::string::npos);
  a.status = v1::APPLICATION_STATUS_SELECTED;
  EXPECT_EQ(
      status::ReasonOf(
          Adjudicate(a, v1::ADJUDICATION_DECISION_SET_SCORE, 80).status()),
      "INVALID_STATUS_CHANGE");
}

}  // namespace
}  // namespace qpp::cultivation
