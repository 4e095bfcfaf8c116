// Corrections and withdrawals of self-assessments on a real MariaDB: the
// history stays, who and when are recorded, and the improvement count uses
// current versions only.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/tests/registry_test_fixture.h"

namespace qpp::registry {
namespace {

constexpr char kPrincipal[] = "programme-office";

class AssessmentHistoryTest : public RegistryIntegrationTest {
 protected:
  void SetUp() override {
    RegistryIntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(Create(NewOrg(1), &org_).ok());
    grpc::ClientContext ctx;
    v1::GetScoreSheetRequest req;
    req.set_name("scoreSheets/current");
    ASSERT_TRUE(stub_->GetScoreSheet(&ctx, req, &sheet_).ok());
  }

  // A sheet dated `month` of 2026 with every item at `percent`.
  v1::SelfAssessment Sheet(int month, int percent) {
    v1::SelfAssessment a;
    *a.mutable_assessment_date() =
        dates::ToDate(absl::CivilDay(2026, month, 1));
    a.set_assessor_certificate("ZJPS-2026-0001");
    for (const auto& i : sheet_.items()) {
      auto* item = a.add_items();
      item->set_item_code(i.item_code());
      item->set_percent(percent);
    }
    return a;
  }

  v1::SelfAssessment Assess(int month, int percent) {
    grpc::ClientContext ctx;
    v1::CreateSelfAssessmentRequest req;
    req.set_parent(org_.name());
    *req.mutable_self_assessment() = Sheet(month, percent);
    v1::SelfAssessment out;
    EXPECT_TRUE(stub_->CreateSelfAssessment(&ctx, req, &out).ok());
    return out;
  }

  grpc::Status Correct(const std::string& name, int month, int percent,
                       const std::string& reason, v1::SelfAssessment* out,
                       const std::string& principal = kPrincipal,
                       const std::string& request_id = "") {
    grpc::ClientContext ctx;
    if (!principal.empty()) ctx.AddMetadata("x-qpp-principal", principal);
    v1::CorrectSelfAssessmentRequest req;
    req.set_name(name);
    *req.mutable_self_assessment() = Sheet(month, percent);
    req.set_reason(reason);
    req.set_request_id(request_id);
    return stub_->CorrectSelfAssessment(&ctx, req, out);
  }

  grpc::Status Withdraw(const std::string& name, const std::string& reason,
                        v1::SelfAssessment* out,
                        const std::string& principal = kPrincipal) {
    grpc::ClientContext ctx;
    if (!principal.empty()) ctx.AddMetadata("x-qpp-principal", principal);
    v1::WithdrawSelfAssessmentRequest req;
    req.set_name(name);
    req.set_reason(reason);
    return stub_->WithdrawSelfAssessment(&ctx, req, out);
  }

  int64_t Improved() {
    grpc::ClientContext ctx;
    v1::GetTargetCountsRequest req;
    req.set_year(2026);
    v1::TargetCounts counts;
    EXPECT_TRUE(stub_->GetTargetCounts(&ctx, req, &counts).ok());
    return counts.improved_enterprises();
  }

  std::vector<v1::SelfAssessment> List(bool history) {
    grpc::ClientContext ctx;
    v1::ListSelfAssessmentsRequest req;
    req.set_parent(org_.name());
    req.set_show_history(history);
    v1::ListSelfAssessmentsResponse resp;
    EXPECT_TRUE(stub_->ListSelfAssessments(&ctx, req, &resp).ok());
    return {resp.self_assessments().begin(), resp.self_assessments().end()};
  }

  v1::SelfAssessment GetOne(const std::string& name) {
    grpc::ClientContext ctx;
    v1::GetSelfAssessmentRequest req;
    req.set_name(name);
    v1::SelfAssessment out;
    EXPECT_TRUE(stub_->GetSelfAssessment(&ctx, req, &out).ok());
    return out;
  }

  v1::Organization org_;
  v1::ScoreSheet sheet_;
};

TEST_F(AssessmentHistoryTest, CorrectionSupersedesAndTheCountFollows) {
  const v1::SelfAssessment first = Assess(1, 40);
  const v1::SelfAssessment wrong = Assess(6, 50);
  EXPECT_EQ(wrong.state(), v1::SELF_ASSESSMENT_STATE_CURRENT);
  EXPECT_EQ(Improved(), 1);  // 400 -> 500, margin 50

  v1::SelfAssessment fixed;
  grpc::Status corrected =
      Correct(wrong.name(), 6, 40, "item 4.7.4 was mis-scored", &fixed,
              kPrincipal, "5b0e6f3a-2c1d-4e8f-9a7b-000000000001");
  ASSERT_TRUE(corrected.ok()) << corrected.error_message();
  EXPECT_NE(fixed.name(), wrong.name());
  EXPECT_EQ(fixed.state(), v1::SELF_ASSESSMENT_STATE_CURRENT);
  EXPECT_EQ(fixed.supersedes(), wrong.name());
  EXPECT_DOUBLE_EQ(fixed.total_points(), 400);
  EXPECT_EQ(Improved(), 0);  // 400 -> 400: no rise

  // A replay answers the same and writes nothing again.
  v1::SelfAssessment replay;
  ASSERT_TRUE(Correct(wrong.name(), 6, 40, "item 4.7.4 was mis-scored", &replay,
                      kPrincipal, "5b0e6f3a-2c1d-4e8f-9a7b-000000000001")
                  .ok());
  EXPECT_EQ(replay.name(), fixed.name());
  EXPECT_EQ(CountRows("self_assessments"), 3);

  // The history stays, with who, when and why.
  const v1::SelfAssessment old = GetOne(wrong.name());
  EXPECT_EQ(old.state(), v1::SELF_ASSESSMENT_STATE_SUPERSEDED);
  EXPECT_EQ(old.superseded_by(), fixed.name());
  EXPECT_EQ(old.state_reason(), "item 4.7.4 was mis-scored");
  EXPECT_EQ(old.state_changed_by(), kPrincipal);
  EXPECT_EQ(dates::FromTimestamp(old.state_change_time()), kNow);
  EXPECT_DOUBLE_EQ(old.total_points(), 500);
  EXPECT_EQ(List(false).size(), 2u);
  EXPECT_EQ(List(true).size(), 3u);

  // Only the current version changes.
  v1::SelfAssessment again;
  grpc::Status s = Correct(wrong.name(), 6, 60, "again", &again);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status::ReasonOf(status::FromGrpcStatus(s)),
            "ASSESSMENT_NOT_CURRENT");

  // Correcting the correction upwards brings the improvement back.
  v1::SelfAssessment up;
  ASSERT_TRUE(Correct(fixed.name(), 6, 55, "auditor's review", &up).ok());
  EXPECT_EQ(Improved(), 1);
  EXPECT_EQ(GetOne(first.name()).state(), v1::SELF_ASSESSMENT_STATE_CURRENT);
}

TEST_F(AssessmentHistoryTest, WithdrawalKeepsTheRowAndStopsCounting) {
  const v1::SelfAssessment first = Assess(1, 40);
  Assess(6, 50);
  ASSERT_EQ(Improved(), 1);

  v1::SelfAssessment out;
  EXPECT_EQ(Withdraw(first.name(), "", &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  grpc::Status anonymous = Withdraw(first.name(), "duplicate", &out, "");
  EXPECT_EQ(anonymous.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status::ReasonOf(status::FromGrpcStatus(anonymous)),
            "PRINCIPAL_REQUIRED");
  EXPECT_EQ(
      Withdraw(org_.name() + "/assessments/999999", "x", &out).error_code(),
      grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Improved(), 1);  // refused calls changed nothing

  ASSERT_TRUE(
      Withdraw(first.name(), "recorded for the wrong organisation", &out).ok());
  EXPECT_EQ(out.state(), v1::SELF_ASSESSMENT_STATE_WITHDRAWN);
  EXPECT_EQ(out.state_changed_by(), kPrincipal);
  EXPECT_DOUBLE_EQ(out.total_points(), 400);
  EXPECT_EQ(Improved(), 0);  // one current assessment left
  EXPECT_EQ(CountRows("self_assessments"), 2);
  EXPECT_EQ(List(false).size(), 1u);
  EXPECT_EQ(List(true).size(), 2u);
  EXPECT_EQ(Withdraw(first.name(), "again", &out).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  v1::SelfAssessment corrected;
  EXPECT_EQ(Correct(first.name(), 1, 40, "undo", &corrected).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(AssessmentHistoryTest, TheAssessorsCertificateNumberIsKeptAndChecked) {
  const v1::SelfAssessment a = Assess(1, 40);
  EXPECT_EQ(GetOne(a.name()).assessor_certificate(), "ZJPS-2026-0001");
  grpc::ClientContext ctx;
  v1::CreateSelfAssessmentRequest req;
  req.set_parent(org_.name());
  *req.mutable_self_assessment() = Sheet(2, 40);
  req.mutable_self_assessment()->set_assessor_certificate("no such!");
  v1::SelfAssessment out;
  grpc::Status s = stub_->CreateSelfAssessment(&ctx, req, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  // A correction is checked as a new assessment is.
  v1::CorrectSelfAssessmentRequest creq;
  grpc::ClientContext cctx;
  cctx.AddMetadata("x-qpp-principal", kPrincipal);
  creq.set_name(a.name());
  *creq.mutable_self_assessment() = Sheet(1, 40);
  creq.mutable_self_assessment()->clear_assessor_certificate();
  creq.set_reason("certificate was missing");
  s = stub_->CorrectSelfAssessment(&cctx, creq, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountRows("self_assessments"), 1);
}

}  // namespace
}  // namespace qpp::registry
