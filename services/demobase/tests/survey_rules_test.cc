// The rules of satisfaction surveys, in memory.

#include "services/demobase/src/survey_rules.h"

#include "absl/strings/str_format.h"
#include "common/validation/uscc.h"
#include "gtest/gtest.h"

namespace qpp::demobase {
namespace {

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

RoundRecord ARound(int id, int scale, const std::string& industry = "旅游") {
  RoundRecord r;
  r.id = id;
  r.round.set_industry(industry);
  r.round.set_scale_max(scale);
  r.round.add_dimensions("服务态度");
  r.round.add_dimensions("响应速度");
  return r;
}

ScoreRecord AScore(int org, double overall) {
  ScoreRecord s;
  s.organization_uscc = Uscc(org);
  s.overall = overall;
  return s;
}

TEST(SurveyRulesTest, ScoresOutsideTheScaleOrUnknownDimensionsAreRefused) {
  const RoundRecord round = ARound(1, 100);
  v1::SurveyScore score;
  score.set_organization("organizations/" + Uscc(1));
  score.set_overall(86.5);
  auto* d = score.add_dimension_scores();
  d->set_dimension("服务态度");
  d->set_score(90);
  ASSERT_TRUE(ToScoreRecord(round, 0, score).ok());
  score.set_overall(100.5);
  d->set_dimension("价格");
  d->set_score(-1);
  const auto bad = ToScoreRecord(round, 3, score);
  const auto violations = status::FieldViolationsOf(bad.status());
  ASSERT_EQ(violations.size(), 3u);
  EXPECT_EQ(violations[0].field, "scores[3].overall");
  EXPECT_NE(violations[0].description.find("0..100"), std::string::npos);
  EXPECT_EQ(violations[1].field, "scores[3].dimension_scores[0].dimension");
  EXPECT_EQ(violations[2].field, "scores[3].dimension_scores[0].score");
}

TEST(SurveyRulesTest, RoundsCompareInPercentOfTheirScales) {
  const RoundRecord before = ARound(1, 5);
  const RoundRecord after = ARound(2, 100);
  const auto c =
      CompareRounds(after, {AScore(1, 90), AScore(2, 70), AScore(4, 80)},
                    before, {AScore(1, 4), AScore(2, 4), AScore(3, 3)});
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->organizations_size(), 4);
  EXPECT_EQ(c->organizations(0).trend(), v1::TREND_IMPROVED);
  EXPECT_DOUBLE_EQ(c->organizations(0).change(), 10);
  EXPECT_EQ(c->organizations(1).trend(), v1::TREND_FELL);
  EXPECT_EQ(c->organizations(2).trend(), v1::TREND_DROPPED);
  EXPECT_EQ(c->organizations(3).trend(), v1::TREND_NEW);
  EXPECT_EQ(c->improved_count(), 1);
  EXPECT_EQ(c->fell_count(), 1);
  EXPECT_DOUBLE_EQ(c->baseline_average_percent(), 73.33);
  EXPECT_DOUBLE_EQ(c->current_average_percent(), 80);
  const auto other = CompareRounds(ARound(3, 100, "物流"), {}, before, {});
  EXPECT_EQ(status::ReasonOf(other.status()), "ROUNDS_NOT_COMPARABLE");
}

TEST(SurveyRulesTest, ARoundNeedsItsFields) {
  v1::SurveyRound r;
  r.set_scale_max(0);
  r.add_dimensions("服务态度");
  r.add_dimensions("服务态度");
  status::FieldErrors errors;
  ValidateRound(r, errors);
  // title, industry, both days, method, scale, the repeated dimension
  EXPECT_EQ(errors.violations().size(), 7u);
}

}  // namespace
}  // namespace qpp::demobase
