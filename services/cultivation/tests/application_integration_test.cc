// Applications on a real MariaDB against the real registry and training:
// who may apply, the self-assessment and certificate flag, one live
// application per organisation under concurrency, the window, withdrawal
// with its history, and UNAVAILABLE with nothing written when a dependency
// is stopped.

#include <thread>

#include "services/cultivation/tests/integration_fixture.h"

namespace qpp::cultivation {
namespace {

using ApplicationIntegrationTest = CultivationIntegrationTest;

TEST_F(ApplicationIntegrationTest, SubmitsWithTheLatestSelfAssessment) {
  CreateCohort();
  v1::Application with;
  ASSERT_TRUE(Apply(2, &with).ok());
  EXPECT_EQ(with.status(), v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(with.organization(), OrgName(2));
  EXPECT_FALSE(with.organization_display_name().empty());
  EXPECT_FALSE(with.self_assessment().empty());
  EXPECT_GT(with.self_assessment_total(), 0);
  EXPECT_EQ(with.assessor_certificate(), "ZJPS-2025-9999");
  // Training knows no such certificate: flagged.
  EXPECT_TRUE(with.assessor_not_certified());
  ASSERT_EQ(with.history_size(), 1);
  EXPECT_EQ(with.history(0).to_status(), v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(with.history(0).changed_by(), "programme-office");

  v1::Application without;
  ASSERT_TRUE(Apply(1, &without).ok());
  EXPECT_TRUE(without.self_assessment().empty());
  EXPECT_TRUE(without.assessor_not_certified());
}

TEST_F(ApplicationIntegrationTest, RefusesWhoMayNotApply) {
  CreateCohort();
  v1::Application out;
  EXPECT_EQ(status::ReasonOf(Apply(46, &out)), "ORGANIZATION_NOT_ENTERPRISE");
  EXPECT_EQ(status::ReasonOf(Apply(47, &out)), "CREDIT_RESTRICTED");
  EXPECT_EQ(status::ReasonOf(Apply(48, &out)), "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(status::ReasonOf(Apply(99, &out)), "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(Count("applications"), 0);
  EXPECT_EQ(Count("application_transitions"), 0);
}

TEST_F(ApplicationIntegrationTest, OnlyInsideTheWindow) {
  CreateCohort();
  now_ = absl::FromCivil(absl::CivilSecond(2026, 5, 1, 0, 30, 0),
                         dates::ChinaTime());
  v1::Application out;
  const absl::Status s = Apply(1, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(s), "APPLICATION_WINDOW_CLOSED");
  EXPECT_EQ(Count("applications"), 0);
}

TEST_F(ApplicationIntegrationTest, BadInputWritesNothing) {
  CreateCohort();
  v1::CreateApplicationRequest req;
  req.set_parent("cohorts/2026");
  req.mutable_application()->set_organization("organizations/123");
  v1::Application out;
  const absl::Status s =
      cultivation_->applications().CreateApplication(call_, req, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(status::FieldViolationsOf(s).size(), 1u);
  EXPECT_EQ(status::FieldViolationsOf(s)[0].field, "application.organization");
  req.set_parent("cohorts/1999");
  EXPECT_EQ(
      cultivation_->applications().CreateApplication(call_, req, &out).code(),
      absl::StatusCode::kInvalidArgument);
  v1::Application none;
  req.set_parent("cohorts/2027");
  req.mutable_application()->set_organization(OrgName(1));
  EXPECT_EQ(
      cultivation_->applications().CreateApplication(call_, req, &none).code(),
      absl::StatusCode::kNotFound);
  EXPECT_EQ(Count("applications"), 0);
}

TEST_F(ApplicationIntegrationTest, OneLiveApplicationUnderConcurrency) {
  CreateCohort();
  std::atomic<int> created{0}, exists{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      v1::Application out;
      const absl::Status s = Apply(3, &out);
      if (s.ok()) ++created;
      if (status::ReasonOf(s) == "APPLICATION_EXISTS") ++exists;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(exists.load(), 7);
  EXPECT_EQ(Count("applications"), 1);
}

TEST_F(ApplicationIntegrationTest, RetryWithTheSameRequestIdReplays) {
  CreateCohort();
  v1::Application first, second;
  ASSERT_TRUE(Apply(5, &first, "req-5").ok());
  ASSERT_TRUE(Apply(5, &second, "req-5").ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Count("applications"), 1);
}

TEST_F(ApplicationIntegrationTest, WithdrawRecordsWhoWhenWhyAndFreesTheKey) {
  CreateCohort();
  v1::Application app;
  ASSERT_TRUE(Apply(7, &app).ok());
  v1::WithdrawApplicationRequest req;
  req.set_name(app.name());
  req.set_reason("企业决定明年再申报");
  req.set_etag(app.etag());
  v1::Application out;
  ASSERT_TRUE(
      cultivation_->applications().WithdrawApplication(call_, req, &out).ok());
  EXPECT_EQ(out.status(), v1::APPLICATION_STATUS_WITHDRAWN);
  ASSERT_EQ(out.history_size(), 2);
  EXPECT_EQ(out.history(1).from_status(), v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_EQ(out.history(1).reason(), "企业决定明年再申报");
  // Withdrawn twice: refused.
  req.clear_etag();
  EXPECT_EQ(status::ReasonOf(cultivation_->applications().WithdrawApplication(
                call_, req, &out)),
            "INVALID_STATUS_CHANGE");
  // The organisation may apply again.
  v1::Application again;
  EXPECT_TRUE(Apply(7, &again).ok());

  v1::ListApplicationsRequest list;
  list.set_parent("cohorts/2026");
  list.set_status(v1::APPLICATION_STATUS_WITHDRAWN);
  v1::ListApplicationsResponse page;
  ASSERT_TRUE(cultivation_->applications().ListApplications(list, &page).ok());
  ASSERT_EQ(page.applications_size(), 1);
  EXPECT_EQ(page.applications(0).name(), app.name());
}

TEST_F(ApplicationIntegrationTest,
       DependencyStoppedIsUnavailableNothingWritten) {
  CreateCohort();
  Stop(*Deps().training);
  v1::Application out;
  // Organisation 4 has a self-assessment: training must be asked.
  absl::Status s = Apply(4, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(s), "TRAINING_UNAVAILABLE");
  Stop(*Deps().registry);
  s = Apply(5, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(s), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("applications"), 0);
  EXPECT_EQ(Count("application_transitions"), 0);
}

}  // namespace
}  // namespace qpp::cultivation
