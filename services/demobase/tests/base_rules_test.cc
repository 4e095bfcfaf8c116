// The rules of demonstration bases, in memory.

#include "services/demobase/src/base_rules.h"

#include "gtest/gtest.h"

namespace qpp::demobase {
namespace {

constexpr char kUscc[] = "91440300000000001H";

RegisteredOrganization Org(bool exemplary, bool active = true) {
  return {kUscc, "深圳市示范医院", active, exemplary};
}

TEST(BaseRulesTest, AnAwardOfTheYearOrEarlierQualifiesWithTheNewestAsEvidence) {
  const auto q = Qualify(Org(false),
                         {{2019, "AWARD_LEVEL_NOMINATION"},
                          {2021, "AWARD_LEVEL_GRAND_AWARD"},
                          {2030, "AWARD_LEVEL_GRAND_AWARD"}},
                         2024);
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ(q->qualification, v1::QUALIFICATION_MAYOR_QUALITY_AWARD);
  EXPECT_EQ(q->evidence, "2021 AWARD_LEVEL_GRAND_AWARD");
}

TEST(BaseRulesTest, TheExemplaryFlagQualifiesWithoutAnAward) {
  const auto q = Qualify(Org(true), {}, 2024);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->qualification, v1::QUALIFICATION_EXEMPLARY_PUBLIC_SERVICE);
}

TEST(BaseRulesTest, NeitherWinnerNorExemplaryIsRefusedWithAClearReason) {
  // An award only after the designation year does not count.
  const auto q = Qualify(Org(false), {{2025, "AWARD_LEVEL_GRAND_AWARD"}}, 2024);
  EXPECT_EQ(q.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(q.status()), "ORGANIZATION_NOT_ELIGIBLE");
  EXPECT_NE(q.status().message().find("exemplary public-service"),
            std::string::npos);
  const auto archived = Qualify(Org(true, false), {}, 2024);
  EXPECT_EQ(status::ReasonOf(archived.status()), "ORGANIZATION_NOT_REGISTERED");
}

TEST(BaseRulesTest, TheYearlyMaximumIsEnforced) {
  EXPECT_TRUE(CheckDesignationRoom(3, 4, 2024).ok());
  const absl::Status full = CheckDesignationRoom(4, 4, 2024);
  EXPECT_EQ(full.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(full), "DESIGNATION_LIMIT_REACHED");
}

TEST(BaseRulesTest, StatusChangesFollowTheirOrderAndWithdrawalIsFinal) {
  BaseRecord base;
  base.id = 7;
  base.status = v1::BASE_STATUS_ACTIVE;
  EXPECT_TRUE(CheckStatusChange(base, v1::BASE_STATUS_SUSPENDED).ok());
  EXPECT_TRUE(CheckStatusChange(base, v1::BASE_STATUS_WITHDRAWN).ok());
  EXPECT_FALSE(CheckStatusChange(base, v1::BASE_STATUS_ACTIVE).ok());
  base.status = v1::BASE_STATUS_SUSPENDED;
  EXPECT_TRUE(CheckStatusChange(base, v1::BASE_STATUS_ACTIVE).ok());
  base.status = v1::BASE_STATUS_WITHDRAWN;
  const absl::Status s = CheckStatusChange(base, v1::BASE_STATUS_ACTIVE);
  EXPECT_EQ(status::ReasonOf(s), "INVALID_STATUS_CHANGE");
}

TEST(BaseRulesTest, ANewBaseNeedsEveryField) {
  v1::DemonstrationBase base;
  base.set_organization("organizations/123");
  base.set_year(1999);
  status::FieldErrors errors;
  ValidateNewBase(base, errors);
  EXPECT_EQ(errors.violations().size(), 4u);
}

TEST(BaseRulesTest, NamesRoundTripAndRejectOtherShapes) {
  EXPECT_EQ(*ParseBaseName(BaseName(42), "name"), 42);
  EXPECT_FALSE(ParseBaseName("demonstrationBases/0", "name").ok());
  EXPECT_FALSE(ParseBaseName("demonstrationBases/x", "name").ok());
  EXPECT_FALSE(ParseBaseName("bases/1", "name").ok());
}

TEST(BaseRulesTest, OptionsMustBeOrdered) {
  EXPECT_TRUE(ValidateOptions({}).ok());
  EXPECT_FALSE(ValidateOptions({3, 2, 6}).ok());
  EXPECT_FALSE(ValidateOptions({0, 2, 6}).ok());
}

}  // namespace
}  // namespace qpp::demobase
