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

}  // namespace
}  // namespace qpp::cultivation
