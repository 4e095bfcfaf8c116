#include "services/cultivation/src/growth_plan_rules.h"

#include "gtest/gtest.h"

namespace qpp::cultivation {
namespace {

std::vector<CoachingRecord> Coached(int count) {
  std::vector<CoachingRecord> out;
  for (int k = 1; k <= count; ++k) {
    CoachingRecord c;
    c.module = static_cast<v1::OperatingModule>(k);
    out.push_back(c);
  }
  return out;
}

TEST(GrowthPlanRulesTest, OnlySmesTakePart) {
  RegisteredOrganization o;
  o.uscc = "91350100M000100Y43";
  o.enterprise = true;
  for (const char* sme :
       {"SIZE_CLASS_MEDIUM", "SIZE_CLASS_SMALL", "SIZE_CLASS_MICRO"}) {
    o.size_class = sme;
    EXPECT_TRUE(CheckGrowthPlanApplicant(o).ok()) << sme;
  }
  o.size_class = "SIZE_CLASS_LARGE";
  absl::Status s = CheckGrowthPlanApplicant(o);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "NOT_SME");
  o.size_class = "SIZE_CLASS_UNSPECIFIED";
  EXPECT_EQ(status::ReasonOf(CheckGrowthPlanApplicant(o)), "NOT_SME");
  o.enterprise = false;
  EXPECT_EQ(status::ReasonOf(CheckGrowthPlanApplicant(o)),
            "ORGANIZATION_NOT_ENTERPRISE");
  o.active = false;
  EXPECT_EQ(status::ReasonOf(CheckGrowthPlanApplicant(o)),
            "ORGANIZATION_NOT_REGISTERED");
}

TEST(GrowthPlanRulesTest, NewParticipantNeedsOrganisationAndCategories) {
  v1::GrowthPlanParticipant in;
  status::FieldErrors errors;
  NewParticipant(in, errors);
  EXPECT_EQ(errors.violations().size(), 2u);

  in.set_organization("organizations/91350100M000100Y43");
  in.add_categories(v1::GROWTH_CATEGORY_INNOVATIVE);
  in.add_categories(v1::GROWTH_CATEGORY_LISTING_CULTIVATION);
  status::FieldErrors ok;
  const ParticipantRecord r = NewParticipant(in, ok);
  EXPECT_TRUE(ok.empty());
  EXPECT_EQ(r.organization_uscc, "91350100M000100Y43");
  EXPECT_EQ(r.categories, (1u << 3) | (1u << 1));

  in.add_categories(v1::GROWTH_CATEGORY_INNOVATIVE);
  status::FieldErrors twice;
  NewParticipant(in, twice);
  EXPECT_FALSE(twice.empty());
  in.mutable_categories()->Set(2, 42);
  status::FieldErrors unknown;
  NewParticipant(in, unknown);
  EXPECT_FALSE(unknown.empty());
}

TEST(GrowthPlanRulesTest, CoachingInModuleOrderThenReview) {
  EXPECT_TRUE(
      CheckNextCoaching(Coached(0), v1::OPERATING_MODULE_GOVERNANCE_STRUCTURE)
          .ok());
  EXPECT_EQ(status::ReasonOf(
                CheckNextCoaching(Coached(0), v1::OPERATING_MODULE_STRATEGY)),
            "MILESTONE_OUT_OF_ORDER");
  EXPECT_TRUE(
      CheckNextCoaching(Coached(3), v1::OPERATING_MODULE_HUMAN_RESOURCES).ok());
  EXPECT_EQ(status::ReasonOf(CheckNextCoaching(
                Coached(4), v1::OPERATING_MODULE_HUMAN_RESOURCES)),
            "MILESTONE_OUT_OF_ORDER");
  EXPECT_EQ(status::ReasonOf(CheckCoachingComplete(Coached(3))),
            "COACHING_INCOMPLETE");
  EXPECT_TRUE(CheckCoachingComplete(Coached(4)).ok());
}

TEST(GrowthPlanRulesTest, PassedReviewSetsPriorityFailedClearsIt) {
  ParticipantRecord p;
  ComplianceReviewRecord pass;
  pass.passed = true;
  pass.review_day = absl::CivilDay(2026, 8, 1);
  const ParticipantRecord passed = ApplyReview(p, pass);
  EXPECT_TRUE(passed.review_passed);
  EXPECT_TRUE(passed.priority);
  EXPECT_EQ(passed.review_day, absl::CivilDay(2026, 8, 1));
  ComplianceReviewRecord fail;
  fail.review_day = absl::CivilDay(2026, 9, 1);
  const ParticipantRecord failed = ApplyReview(passed, fail);
  EXPECT_FALSE(failed.review_passed);
  EXPECT_FALSE(failed.priority);
}

TEST(GrowthPlanRulesTest, CoachingDayWithinApplicationAndToday) {
  const absl::CivilDay applied(2026, 3, 2), today(2026, 6, 1);
  EXPECT_TRUE(CheckCoachingDay("d", applied, applied, today).ok());
  EXPECT_EQ(
      CheckCoachingDay("d", absl::CivilDay(2026, 3, 1), applied, today).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      CheckCoachingDay("d", absl::CivilDay(2026, 6, 2), applied, today).code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(GrowthPlanRulesTest, UpdateOnlyCategoriesAndStatement) {
  google::protobuf::FieldMask mask;
  EXPECT_FALSE(ParticipantUpdatePaths(mask).ok());
  mask.add_paths("priority");
  EXPECT_FALSE(ParticipantUpdatePaths(mask).ok());
  mask.set_paths(0, "statement");
  ASSERT_TRUE(ParticipantUpdatePaths(mask).ok());
}

}  // namespace
}  // namespace qpp::cultivation
