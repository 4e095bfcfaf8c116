// Satisfaction surveys on a real MariaDB: a batch of scores with a result
// per row, nothing written for bad rows, two rounds compared, completion.

#include "services/demobase/tests/integration_fixture.h"

namespace qpp::demobase {
namespace {

v1::SurveyRound ARound(const std::string& title, int scale) {
  v1::SurveyRound r;
  r.set_title(title);
  r.set_industry("旅游");
  *r.mutable_period_start() = dates::ToDate(absl::CivilDay(2026, 1, 1));
  *r.mutable_period_end() = dates::ToDate(absl::CivilDay(2026, 6, 30));
  r.set_method(v1::SURVEY_METHOD_QUESTIONNAIRE);
  r.set_scale_max(scale);
  r.add_dimensions("服务态度");
  r.add_dimensions("环境卫生");
  return r;
}

v1::SurveyScore AScore(int org, double overall, double attitude) {
  v1::SurveyScore s;
  s.set_organization(OrgName(org));
  s.set_overall(overall);
  auto* d = s.add_dimension_scores();
  d->set_dimension("服务态度");
  d->set_score(attitude);
  return s;
}

class SurveyIntegrationTest : public DemoBaseIntegrationTest {
 protected:
  v1::SurveyRound Open(const std::string& title, int scale) {
    v1::CreateSurveyRoundRequest req;
    *req.mutable_survey_round() = ARound(title, scale);
    v1::SurveyRound out;
    const absl::Status s = demobase_->surveys().CreateSurveyRound(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  v1::BatchCreateSurveyScoresResponse Score(
      const v1::SurveyRound& round, std::vector<v1::SurveyScore> scores) {
    v1::BatchCreateSurveyScoresRequest req;
    req.set_parent(round.name());
    for (auto& s : scores) *req.add_scores() = std::move(s);
    v1::BatchCreateSurveyScoresResponse out;
    const absl::Status s =
        demobase_->surveys().BatchCreateSurveyScores(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }
};

TEST_F(SurveyIntegrationTest, ABatchAnswersEachRowAndWritesOnlyGoodOnes) {
  const v1::SurveyRound round = Open("2026年上半年旅游服务质量满意度调查", 100);
  v1::SurveyScore unknown_dimension = AScore(4, 80, 80);
  unknown_dimension.mutable_dimension_scores(0)->set_dimension("价格");
  const auto resp =
      Score(round, {AScore(1, 88.5, 90), AScore(2, 120, 80), AScore(1, 70, 70),
                    unknown_dimension, AScore(3, 75, 101)});
  ASSERT_EQ(resp.results_size(), 5);
  EXPECT_EQ(resp.created_count(), 1);
  EXPECT_EQ(resp.failed_count(), 4);
  EXPECT_EQ(resp.results(0).code(), 0);
  EXPECT_EQ(resp.results(0).name(),
            absl::StrCat(round.name(), "/scores/", Uscc(1)));
  EXPECT_EQ(resp.results(1).reason(), "INVALID_FIELD");
  EXPECT_NE(resp.results(1).message().find("outside the round's scale"),
            std::string::npos);
  EXPECT_EQ(resp.results(2).reason(), "SCORE_EXISTS");
  EXPECT_EQ(resp.results(3).reason(), "INVALID_FIELD");
  EXPECT_EQ(resp.results(4).reason(), "INVALID_FIELD");
  EXPECT_EQ(Count("survey_scores"), 1);
  EXPECT_EQ(Count("survey_dimension_scores"), 1);

  v1::ListSurveyScoresRequest list;
  list.set_parent(round.name());
  v1::ListSurveyScoresResponse scores;
  ASSERT_TRUE(demobase_->surveys().ListSurveyScores(list, &scores).ok());
  ASSERT_EQ(scores.scores_size(), 1);
  EXPECT_DOUBLE_EQ(scores.scores(0).overall(), 88.5);
  ASSERT_EQ(scores.scores(0).dimension_scores_size(), 1);
  EXPECT_DOUBLE_EQ(scores.scores(0).dimension_scores(0).score(), 90);

  // Bad rounds are refused whole.
  v1::CreateSurveyRoundRequest bad;
  *bad.mutable_survey_round() = ARound("", 0);
  v1::SurveyRound out;
  EXPECT_EQ(demobase_->surveys().CreateSurveyRound(bad, &out).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("survey_rounds"), 1);
}

TEST_F(SurveyIntegrationTest, TwoRoundsAreComparedPerOrganisationAndIndustry) {
  const v1::SurveyRound first = Open("2025年旅游服务质量满意度调查", 5);
  const v1::SurveyRound second = Open("2026年旅游服务质量满意度调查", 100);
  Score(first, {AScore(1, 4, 4), AScore(2, 4.5, 4), AScore(3, 3, 3)});
  Score(second, {AScore(1, 85, 90), AScore(2, 86, 80), AScore(4, 70, 70)});

  v1::CompleteSurveyRoundRequest complete;
  complete.set_name(first.name());
  v1::SurveyRound done;
  ASSERT_TRUE(demobase_->surveys().CompleteSurveyRound(complete, &done).ok());
  EXPECT_EQ(done.state(), v1::SURVEY_ROUND_STATE_COMPLETED);
  EXPECT_EQ(done.organization_count(), 3);
  v1::BatchCreateSurveyScoresRequest late;
  late.set_parent(first.name());
  *late.add_scores() = AScore(5, 4, 4);
  v1::BatchCreateSurveyScoresResponse late_resp;
  EXPECT_EQ(status::ReasonOf(
                demobase_->surveys().BatchCreateSurveyScores(late, &late_resp)),
            "ROUND_COMPLETED");

  v1::CompareSurveyRoundsRequest req;
  req.set_name(second.name());
  req.set_baseline(first.name());
  v1::CompareSurveyRoundsResponse cmp;
  ASSERT_TRUE(demobase_->surveys().CompareSurveyRounds(req, &cmp).ok());
  EXPECT_EQ(cmp.industry(), "旅游");
  ASSERT_EQ(cmp.organizations_size(), 4);
  EXPECT_EQ(cmp.organizations(0).organization(), OrgName(1));
  EXPECT_EQ(cmp.organizations(0).trend(), v1::TREND_IMPROVED);  // 80 → 85
  EXPECT_DOUBLE_EQ(cmp.organizations(0).change(), 5);
  EXPECT_EQ(cmp.organizations(1).trend(), v1::TREND_FELL);  // 90 → 86
  EXPECT_EQ(cmp.organizations(2).trend(), v1::TREND_DROPPED);
  EXPECT_EQ(cmp.organizations(3).trend(), v1::TREND_NEW);
  EXPECT_EQ(cmp.improved_count(), 1);
  EXPECT_EQ(cmp.fell_count(), 1);
  EXPECT_DOUBLE_EQ(cmp.baseline_average_percent(), 76.67);
  EXPECT_DOUBLE_EQ(cmp.current_average_percent(), 80.33);

  v1::GetDemoBaseStatisticsRequest stats_req;
  stats_req.set_year(2026);
  v1::DemoBaseStatistics stats;
  ASSERT_TRUE(
      demobase_->compliance().GetDemoBaseStatistics(stats_req, &stats).ok());
  EXPECT_EQ(stats.surveys_completed(), 1);
}

}  // namespace
}  // namespace qpp::demobase
