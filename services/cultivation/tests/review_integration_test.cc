// Experts and reviews on a real MariaDB against the real registry:
// personal data masked and sealed, conflicts refused at assignment and at
// scoring, the consensus and the status flow.

#include "services/cultivation/tests/integration_fixture.h"

namespace qpp::cultivation {
namespace {

using ReviewIntegrationTest = CultivationIntegrationTest;

TEST_F(ReviewIntegrationTest, ExpertsAreMaskedAndSealed) {
  const v1::Expert expert = CreateExpert(1, 40);
  EXPECT_EQ(expert.masked_phone(), "139****5678");
  EXPECT_TRUE(expert.phone().empty());
  EXPECT_TRUE(expert.resident_id().empty());
  EXPECT_NE(expert.masked_resident_id().find('*'), std::string::npos);
  auto rows =
      db_->Query("SELECT resident_id_sealed, phone_sealed FROM experts");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].String(1).find("13912345678"), std::string::npos);

  // The same person twice: refused.
  v1::CreateExpertRequest again;
  *again.mutable_expert() = expert;
  const std::string first17 = absl::StrFormat("44030419700101%03d", 1);
  again.mutable_expert()->set_resident_id(
      first17 + validation::ResidentIdCheckCharacter(first17));
  v1::Expert out;
  EXPECT_EQ(status::ReasonOf(
                cultivation_->experts().CreateExpert(call_, again, &out)),
            "EXPERT_EXISTS");
  // An employer the registry does not know: refused, nothing written.
  again.mutable_expert()->set_employer(OrgName(99));
  again.mutable_expert()->set_resident_id(
      absl::StrFormat("44030419700101%03d", 2) +
      validation::ResidentIdCheckCharacter(
          absl::StrFormat("44030419700101%03d", 2)));
  EXPECT_EQ(status::ReasonOf(
                cultivation_->experts().CreateExpert(call_, again, &out)),
            "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(Count("experts"), 1);
}

TEST_F(ReviewIntegrationTest, DeclaredConflictAndEmployerAreRefused) {
  CreateCohort();
  v1::Application app;
  ASSERT_TRUE(Apply(10, &app).ok());
  const v1::Expert colleague = CreateExpert(1, 10);
  const v1::Expert declared = CreateExpert(2, 40);
  v1::DeclareConflictRequest declare;
  declare.set_name(declared.name());
  declare.set_organization(OrgName(10));
  declare.set_reason("曾任该企业顾问");
  v1::Expert with_conflict;
  ASSERT_TRUE(cultivation_->experts()
                  .DeclareConflict(call_, declare, &with_conflict)
                  .ok());
  ASSERT_EQ(with_conflict.conflicts_size(), 1);

  v1::Review review;
  absl::Status s = Assign(app.name(), colleague.name(), &review);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "EXPERT_CONFLICT");
  s = Assign(app.name(), declared.name(), &review);
  EXPECT_EQ(status::ReasonOf(s), "EXPERT_CONFLICT");
  EXPECT_NE(s.message().find("曾任该企业顾问"), absl::string_view::npos);
  EXPECT_EQ(Count("reviews"), 0);

  // Declared after the assignment: scoring is refused.
  const v1::Expert late = CreateExpert(3, 41);
  ASSERT_TRUE(Assign(app.name(), late.name(), &review).ok());
  declare.set_name(late.name());
  ASSERT_TRUE(cultivation_->experts()
                  .DeclareConflict(call_, declare, &with_conflict)
                  .ok());
  v1::Review scored;
  EXPECT_EQ(status::ReasonOf(Score(review.name(), 80, &scored)),
            "EXPERT_CONFLICT");
}

TEST_F(ReviewIntegrationTest, ScoresMakeTheConsensusAndTheStatus) {
  CreateCohort();
  v1::Application app;
  ASSERT_TRUE(Apply(11, &app).ok());
  std::vector<v1::Review> reviews(5);
  for (int i = 0; i < 5; ++i) {
    const v1::Expert expert = CreateExpert(10 + i, 40);
    ASSERT_TRUE(Assign(app.name(), expert.name(), &reviews[i]).ok());
  }
  v1::GetApplicationRequest get;
  get.set_name(app.name());
  v1::Application now;
  ASSERT_TRUE(cultivation_->applications().GetApplication(get, &now).ok());
  EXPECT_EQ(now.status(), v1::APPLICATION_STATUS_UNDER_REVIEW);

  const double totals[] = {80, 85, 90, 95, 20};
  v1::Review out;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(Score(reviews[i].name(), totals[i], &out).ok());
  }
  ASSERT_TRUE(cultivation_->applications().GetApplication(get, &now).ok());
  EXPECT_EQ(now.status(), v1::APPLICATION_STATUS_SCORED);
  EXPECT_EQ(now.review_count(), 3);
  EXPECT_DOUBLE_EQ(now.consensus_score(), 85);
  EXPECT_FALSE(now.needs_adjudication());

  for (int i = 3; i < 5; ++i) {
    ASSERT_TRUE(Score(reviews[i].name(), totals[i], &out).ok());
  }
  ASSERT_TRUE(cultivation_->applications().GetApplication(get, &now).ok());
  EXPECT_EQ(now.review_count(), 5);
  EXPECT_NEAR(now.consensus_score(), 85, 1e-9);
  EXPECT_TRUE(now.needs_adjudication());
  // Submitted, then once more: refused.
  EXPECT_EQ(status::ReasonOf(Score(reviews[0].name(), 50, &out)),
            "REVIEW_SUBMITTED");
  // Submitted → under review → scored, with who and why.
  ASSERT_EQ(now.history_size(), 3);
  EXPECT_EQ(now.history(2).to_status(), v1::APPLICATION_STATUS_SCORED);
}

TEST_F(ReviewIntegrationTest, AdjudicationOfAFlaggedApplicationIsRecorded) {
  CreateCohort();
  v1::Application app, unflagged;
  ASSERT_TRUE(Apply(13, &app).ok());
  ASSERT_TRUE(Apply(14, &unflagged).ok());
  const double totals[] = {95, 40, 90};
  v1::Review review, out;
  for (int i = 0; i < 3; ++i) {
    const v1::Expert expert = CreateExpert(30 + i, 40);
    ASSERT_TRUE(Assign(app.name(), expert.name(), &review).ok());
    ASSERT_TRUE(Score(review.name(), totals[i], &out).ok());
  }
  v1::GetApplicationRequest get;
  get.set_name(app.name());
  v1::Application flagged;
  ASSERT_TRUE(cultivation_->applications().GetApplication(get, &flagged).ok());
  ASSERT_TRUE(flagged.needs_adjudication());

  v1::ResolveAdjudicationRequest req;
  req.set_name(app.name());
  req.set_decision(v1::ADJUDICATION_DECISION_SET_SCORE);
  req.set_adjudicated_score(120);
  req.set_reason("第二位专家评分偏离，复核后定分");
  v1::Application resolved;
  // Bad input: nothing written.
  EXPECT_EQ(cultivation_->applications()
                .ResolveAdjudication(call_, req, &resolved)
                .code(),
            absl::StatusCode::kInvalidArgument);
  req.set_adjudicated_score(88);
  req.set_etag("\"999\"");
  EXPECT_EQ(cultivation_->applications()
                .ResolveAdjudication(call_, req, &resolved)
                .code(),
            absl::StatusCode::kAborted);
  req.set_etag(flagged.etag());
  ASSERT_TRUE(cultivation_->applications()
                  .ResolveAdjudication(call_, req, &resolved)
                  .ok());
  EXPECT_FALSE(resolved.needs_adjudication());
  EXPECT_DOUBLE_EQ(resolved.consensus_score(), 88);
  EXPECT_EQ(resolved.status(), flagged.status());
  ASSERT_EQ(resolved.history_size(), flagged.history_size() + 1);
  const v1::StatusTransition& t = resolved.history(resolved.history_size() - 1);
  EXPECT_EQ(t.changed_by(), "programme-office");
  EXPECT_NE(t.reason().find("ADJUDICATION_DECISION_SET_SCORE"),
            std::string::npos);
  EXPECT_NE(t.reason().find("复核后定分"), std::string::npos);
  // Resolved already, or never flagged: refused.
  req.clear_etag();
  EXPECT_EQ(status::ReasonOf(cultivation_->applications().ResolveAdjudication(
                call_, req, &resolved)),
            "NOT_FLAGGED_FOR_ADJUDICATION");
  req.set_name(unflagged.name());
  req.set_decision(v1::ADJUDICATION_DECISION_CONFIRM_CONSENSUS);
  req.set_adjudicated_score(0);
  EXPECT_EQ(status::ReasonOf(cultivation_->applications().ResolveAdjudication(
                call_, req, &resolved)),
            "NOT_FLAGGED_FOR_ADJUDICATION");
}

TEST_F(ReviewIntegrationTest, BadScoresWriteNothing) {
  CreateCohort();
  v1::Application app;
  ASSERT_TRUE(Apply(12, &app).ok());
  const v1::Expert expert = CreateExpert(20, 40);
  v1::Review review;
  ASSERT_TRUE(Assign(app.name(), expert.name(), &review).ok());
  v1::SubmitReviewRequest req;
  req.set_name(review.name());
  v1::CriterionScore* s = req.add_scores();
  s->set_criterion(v1::CRITERION_LEADERSHIP);
  s->set_score(140);
  v1::Review out;
  const absl::Status bad =
      cultivation_->reviews().SubmitReview(call_, req, &out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_GE(status::FieldViolationsOf(bad).size(), 2u);
  v1::GetReviewRequest get;
  get.set_name(review.name());
  ASSERT_TRUE(cultivation_->reviews().GetReview(get, &out).ok());
  EXPECT_EQ(out.state(), v1::REVIEW_STATE_ASSIGNED);
}

}  // namespace
}  // namespace qpp::cultivation
