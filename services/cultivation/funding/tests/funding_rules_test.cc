// The eligibility test of each scheme kind on hand-made facts.

#include "services/cultivation/funding/src/funding_rules.h"

#include "gtest/gtest.h"

namespace qpp::funding {
namespace {

const absl::Time kRead = absl::FromUnixSeconds(1'790'000'000);
const absl::CivilDay kToday(2026, 11, 29);

RuleVersion Rule() {
  RuleVersion rule;
  rule.scheme = "acceptance-award";
  rule.version = 2;
  rule.effective_from = absl::CivilDay(2026, 1, 1);
  rule.amount_cap_fen = 50'000'000;
  rule.validity_months = 12;
  rule.min_score = 60;
  rule.min_count = 3;
  rule.basis = "深府办〔2026〕1号 第五条";
  return rule;
}

Facts GoodOrganization() {
  Facts facts;
  facts.organization.value =
      OrganizationFacts{true, true, false, "GOOD", false, "SMALL"};
  facts.organization.read_time = kRead;
  return facts;
}

Facts Accepted(double score, absl::CivilDay on) {
  Facts facts = GoodOrganization();
  EnrolmentFacts e;
  e.enrolled = true;
  e.term_start = absl::CivilDay(2024, 3, 1);
  e.term_end = absl::CivilDay(2026, 2, 28);
  e.outcome = "ACCEPTED";
  e.acceptance_score = score;
  e.accepted_on = on;
  facts.enrolment.value = e;
  facts.enrolment.read_time = kRead;
  return facts;
}

std::string FirstCode(const Evaluation& e) {
  return e.reasons.empty() ? "" : e.reasons.front().code();
}

TEST(FundingRulesTest, AcceptanceAwardNeedsScoreAndPeriod) {
  const RuleVersion rule = Rule();
  Evaluation e = Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule,
                          Accepted(72, absl::CivilDay(2026, 3, 31)), kToday);
  ASSERT_EQ(e.outcome, v1::OUTCOME_ELIGIBLE);
  EXPECT_EQ(FirstCode(e), "ACCEPTED_WITH_SCORE");
  EXPECT_EQ(e.reasons[0].rule(), "fundingSchemes/acceptance-award/rules/2");
  EXPECT_EQ(e.reasons[0].basis(), rule.basis);
  EXPECT_EQ(*e.valid_from, absl::CivilDay(2026, 3, 31));
  // 12 months from 31 March: through 30 March the next year.
  EXPECT_EQ(*e.valid_to, absl::CivilDay(2027, 3, 30));
  EXPECT_EQ(e.amount_cap_fen, 50'000'000);
  // Every fact used names its source and read time.
  ASSERT_FALSE(e.facts.empty());
  for (const v1::Fact& fact : e.facts) {
    EXPECT_FALSE(fact.source().empty()) << fact.name();
    EXPECT_EQ(fact.read_time().seconds(), absl::ToUnixSeconds(kRead));
  }

  e = Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule,
               Accepted(59.5, absl::CivilDay(2026, 3, 31)), kToday);
  EXPECT_EQ(e.outcome, v1::OUTCOME_INELIGIBLE);
  EXPECT_EQ(FirstCode(e), "SCORE_BELOW_MINIMUM");
  EXPECT_FALSE(e.valid_from.has_value());
  EXPECT_EQ(e.amount_cap_fen, 0);

  e = Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule,
               Accepted(72, absl::CivilDay(2025, 11, 1)), kToday);
  EXPECT_EQ(FirstCode(e), "AWARD_PERIOD_ENDED");

  Facts failed = Accepted(72, absl::CivilDay(2026, 3, 31));
  failed.enrolment.value->outcome = "FAILED";
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, failed,
                               kToday)),
            "NOT_ACCEPTED");
}

TEST(FundingRulesTest, OrganizationFactsDecideFirst) {
  const RuleVersion rule = Rule();
  Facts facts = Accepted(72, absl::CivilDay(2026, 3, 31));
  facts.organization.value->credit_restricted = true;
  facts.organization.value->credit_standing = "RESTRICTED";
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, facts,
                               kToday)),
            "CREDIT_RESTRICTED");
  facts.organization.value->archived = true;
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, facts,
                               kToday)),
            "ORGANIZATION_ARCHIVED");
  facts.organization.value->registered = false;
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, facts,
                               kToday)),
            "ORGANIZATION_NOT_REGISTERED");
  // An ineligible organisation is decided even if another fact is missing.
  facts.enrolment.value.reset();
  EXPECT_EQ(
      Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, facts, kToday).outcome,
      v1::OUTCOME_INELIGIBLE);
}

TEST(FundingRulesTest, MissingFactsArePendingNeverEligible) {
  const RuleVersion rule = Rule();
  Facts facts = Accepted(72, absl::CivilDay(2026, 3, 31));
  facts.enrolment.value.reset();
  facts.enrolment.unavailable_reason = "deadline exceeded";
  Evaluation e =
      Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, facts, kToday);
  EXPECT_EQ(e.outcome, v1::OUTCOME_PENDING);
  EXPECT_EQ(FirstCode(e), "FACT_UNAVAILABLE");
  EXPECT_NE(e.reasons[0].detail().find("deadline exceeded"), std::string::npos);

  Facts none;
  none.organization.unavailable_reason = "connection refused";
  for (v1::SchemeKind kind :
       {v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT,
        v1::SCHEME_KIND_ACCEPTANCE_AWARD, v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY,
        v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY,
        v1::SCHEME_KIND_TRAINING_SUBSIDY}) {
    EXPECT_EQ(Evaluate(kind, rule, none, kToday).outcome, v1::OUTCOME_PENDING)
        << kind;
  }
}

TEST(FundingRulesTest, ExcellenceLaunchSupportDuringTheTerm) {
  Facts facts = GoodOrganization();
  EnrolmentFacts e;
  e.enrolled = true;
  e.active = true;
  e.term_start = absl::CivilDay(2026, 3, 1);
  e.term_end = absl::CivilDay(2028, 2, 29);
  facts.enrolment.value = e;
  Evaluation ev = Evaluate(v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT, Rule(),
                           facts, kToday);
  ASSERT_EQ(ev.outcome, v1::OUTCOME_ELIGIBLE);
  EXPECT_EQ(*ev.valid_to, absl::CivilDay(2028, 2, 29));
  facts.enrolment.value->active = false;
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT,
                               Rule(), facts, kToday)),
            "ENROLMENT_NOT_ACTIVE");
  facts.enrolment.value->enrolled = false;
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT,
                               Rule(), facts, kToday)),
            "NOT_ENROLLED");
}

TEST(FundingRulesTest, GrowthPlanBaseAndTraining) {
  const RuleVersion rule = Rule();
  Facts facts = GoodOrganization();
  facts.growth_plan.value =
      GrowthPlanFacts{true, true, false, absl::CivilDay(2026, 6, 1)};
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY, rule,
                               facts, kToday)),
            "NO_PRIORITY_FLAG");
  facts.growth_plan.value->priority = true;
  EXPECT_EQ(Evaluate(v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY, rule, facts, kToday)
                .outcome,
            v1::OUTCOME_ELIGIBLE);

  facts.base.value = DemonstrationBaseFacts{true, 4, true};
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY, rule,
                               facts, kToday)),
            "BEHIND_EVENT_MINIMUM");
  facts.base.value->behind_minimum = false;
  Evaluation base =
      Evaluate(v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY, rule, facts, kToday);
  ASSERT_EQ(base.outcome, v1::OUTCOME_ELIGIBLE);
  EXPECT_EQ(*base.valid_to, absl::CivilDay(2026, 12, 31));

  facts.training.value = TrainingFacts{2};
  EXPECT_EQ(FirstCode(Evaluate(v1::SCHEME_KIND_TRAINING_SUBSIDY, rule, facts,
                               kToday)),
            "TOO_FEW_CERTIFIED_STAFF");
  facts.training.value->certified_staff = 3;
  EXPECT_EQ(
      Evaluate(v1::SCHEME_KIND_TRAINING_SUBSIDY, rule, facts, kToday).outcome,
      v1::OUTCOME_ELIGIBLE);
}

TEST(FundingRulesTest, RuleInForceAndValidation) {
  RuleVersion v1 = Rule();
  v1.version = 1;
  v1.effective_from = absl::CivilDay(2025, 1, 1);
  RuleVersion v2 = Rule();
  v2.effective_from = absl::CivilDay(2027, 1, 1);
  EXPECT_FALSE(RuleInForce({v1, v2}, absl::CivilDay(2024, 12, 31)).has_value());
  EXPECT_EQ(RuleInForce({v1, v2}, kToday)->version, 1);
  EXPECT_EQ(RuleInForce({v1, v2}, absl::CivilDay(2027, 1, 1))->version, 2);

  status::FieldErrors errors;
  ValidateRule(v1::SCHEME_KIND_ACCEPTANCE_AWARD, Rule(), "rule", errors);
  EXPECT_TRUE(errors.empty());
  RuleVersion bad = Rule();
  bad.amount_cap_fen = 0;
  bad.validity_months = 0;
  bad.min_score = -1;
  bad.basis = "";
  ValidateRule(v1::SCHEME_KIND_ACCEPTANCE_AWARD, bad, "rule", errors);
  EXPECT_EQ(errors.violations().size(), 3u);

  EXPECT_TRUE(IsSchemeCode("acceptance-award"));
  EXPECT_FALSE(IsSchemeCode("Acceptance"));
  EXPECT_FALSE(IsSchemeCode("ab"));
  EXPECT_FALSE(IsSchemeCode("award-"));
  EXPECT_FALSE(IsSchemeCode("award/../x"));
}

TEST(FundingRulesTest, FingerprintIgnoresReadTimesButNotReasons) {
  const RuleVersion rule = Rule();
  Facts a = Accepted(72, absl::CivilDay(2026, 3, 31));
  Facts b = a;
  b.organization.read_time += absl::Hours(1);
  b.enrolment.read_time += absl::Hours(1);
  const auto fa = Fingerprint(
      rule, Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD, rule, a, kToday));
  EXPECT_EQ(fa, Fingerprint(rule, Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD,
                                           rule, b, kToday)));
  b.enrolment.value->acceptance_score = 70;
  EXPECT_NE(fa, Fingerprint(rule, Evaluate(v1::SCHEME_KIND_ACCEPTANCE_AWARD,
                                           rule, b, kToday)));
}

TEST(FundingRulesTest, SelfAssessmentTrend) {
  EXPECT_EQ(TrendOf({}), v1::TREND_NONE);
  EXPECT_EQ(TrendOf({600}), v1::TREND_SINGLE);
  EXPECT_EQ(TrendOf({600, 611}), v1::TREND_RISING);
  EXPECT_EQ(TrendOf({600, 610}), v1::TREND_STEADY);
  EXPECT_EQ(TrendOf({700, 600, 589.5}), v1::TREND_FALLING);
}

}  // namespace
}  // namespace qpp::funding
