#include "services/cultivation/src/review_rules.h"

#include "gtest/gtest.h"

namespace qpp::cultivation {
namespace {

TEST(ReviewRulesTest, ConsensusIsTheMeanBelowFiveReviews) {
  const Consensus c = ComputeConsensus({80, 90, 70}, 15);
  EXPECT_EQ(c.count, 3);
  EXPECT_DOUBLE_EQ(c.score, 80);
  EXPECT_NEAR(c.spread, 8.1650, 1e-4);
  EXPECT_FALSE(c.needs_adjudication);
}

TEST(ReviewRulesTest, ConsensusIsTheTrimmedMeanFromFiveReviews) {
  // The outlier 20 and the top 95 are left out: (80 + 85 + 90) / 3.
  const Consensus c = ComputeConsensus({80, 85, 90, 95, 20}, 15);
  EXPECT_EQ(c.count, 5);
  EXPECT_DOUBLE_EQ(c.score, 85);
  // The spread uses every review.
  EXPECT_NEAR(c.spread, 27.4591, 1e-4);
  EXPECT_TRUE(c.needs_adjudication);
}

TEST(ReviewRulesTest, NoReviewsNoConsensus) {
  const Consensus c = ComputeConsensus({}, 15);
  EXPECT_EQ(c.count, 0);
  EXPECT_EQ(c.score, 0);
  EXPECT_FALSE(c.needs_adjudication);
}

TEST(ReviewRulesTest, ScoresNeedEveryCriterionOnce) {
  google::protobuf::RepeatedPtrField<v1::CriterionScore> scores;
  for (int k = 1; k <= 5; ++k) {
    v1::CriterionScore* s = scores.Add();
    s->set_criterion(static_cast<v1::Criterion>(k));
    s->set_score(60 + k);
  }
  status::FieldErrors errors;
  const std::vector<double> ordered = ValidateScores(scores, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_DOUBLE_EQ(ReviewTotal(ordered), 63);

  scores[4].set_criterion(v1::CRITERION_LEADERSHIP);
  scores[3].set_score(101);
  status::FieldErrors bad;
  ValidateScores(scores, bad);
  // Leadership twice, results missing, a score over 100.
  EXPECT_EQ(bad.violations().size(), 3u);
}

TEST(ReviewRulesTest, AnExpertNeverReviewsTheirEmployerOrADeclaredConflict) {
  ExpertRecord expert;
  expert.id = 4;
  expert.employer_uscc = "A";
  EXPECT_EQ(status::ReasonOf(CheckNoConflict(expert, {}, "A")),
            "EXPERT_CONFLICT");
  ConflictRecord declared;
  declared.organization_uscc = "B";
  declared.reason = "former employer";
  const absl::Status s = CheckNoConflict(expert, {declared}, "B");
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("former employer"), absl::string_view::npos);
  EXPECT_TRUE(CheckNoConflict(expert, {declared}, "C").ok());
}

TEST(ReviewRulesTest, ReviewNamesRoundTrip) {
  const std::string name = ReviewName(2026, 12, 3);
  EXPECT_EQ(name, "cohorts/2026/applications/12/reviews/3");
  const auto key = ParseReviewName(name, "name");
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(key->application_id, 12);
  EXPECT_EQ(key->id, 3);
  EXPECT_FALSE(ParseReviewName("cohorts/2026/applications/12", "n").ok());
}

}  // namespace
}  // namespace qpp::cultivation
