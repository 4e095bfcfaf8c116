// Demonstration bases on a real MariaDB: who qualifies, the yearly maximum
// under concurrent requests, status changes with history, and nothing
// written on bad input or while the registry is down.

#include <atomic>
#include <thread>
#include <vector>

#include "services/demobase/tests/integration_fixture.h"

namespace qpp::demobase {
namespace {

TEST_F(DemoBaseIntegrationTest,
       DesignatesAwardWinnersAndExemplaryOrganisations) {
  v1::DemonstrationBase winner, exemplary;
  ASSERT_TRUE(Designate(1, 2026, &winner).ok());
  EXPECT_EQ(winner.qualification(), v1::QUALIFICATION_MAYOR_QUALITY_AWARD);
  EXPECT_EQ(winner.qualification_evidence(), "2020 AWARD_LEVEL_GRAND_AWARD");
  EXPECT_EQ(winner.organization_display_name(), "示范单位1");
  EXPECT_EQ(winner.status(), v1::BASE_STATUS_ACTIVE);
  ASSERT_EQ(winner.history_size(), 1);
  EXPECT_EQ(winner.history(0).changed_by(), "programme-office");
  ASSERT_TRUE(Designate(11, 2026, &exemplary).ok());
  EXPECT_EQ(exemplary.qualification(),
            v1::QUALIFICATION_EXEMPLARY_PUBLIC_SERVICE);

  v1::GetDemonstrationBaseRequest get;
  get.set_name(winner.name());
  v1::DemonstrationBase got;
  ASSERT_TRUE(demobase_->bases().GetDemonstrationBase(get, &got).ok());
  EXPECT_EQ(got.DebugString(), winner.DebugString());
}

TEST_F(DemoBaseIntegrationTest,
       NeitherWinnerNorExemplaryIsRefusedAndNothingWritten) {
  v1::DemonstrationBase out;
  const absl::Status neither = Designate(21, 2026, &out);
  EXPECT_EQ(neither.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(neither), "ORGANIZATION_NOT_ELIGIBLE");
  EXPECT_NE(neither.message().find("Mayor's Quality Award"), std::string::npos);
  // An award of a later year does not make a winner of an earlier one.
  EXPECT_EQ(status::ReasonOf(Designate(1, 2019, &out)),
            "ORGANIZATION_NOT_ELIGIBLE");
  EXPECT_EQ(status::ReasonOf(Designate(22, 2026, &out)),
            "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(status::ReasonOf(Designate(99, 2026, &out)),
            "ORGANIZATION_NOT_REGISTERED");
  EXPECT_EQ(Count("demonstration_bases"), 0);
  EXPECT_EQ(Count("base_status_changes"), 0);
}

TEST_F(DemoBaseIntegrationTest, RegistryDownIsUnavailableAndNothingWritten) {
  registry_->SetDown(true);
  v1::DemonstrationBase out;
  const absl::Status down = Designate(1, 2026, &out);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(status::ReasonOf(down), "REGISTRY_UNAVAILABLE");
  EXPECT_EQ(Count("demonstration_bases"), 0);
  EXPECT_EQ(Count("idempotency_keys"), 0);
}

TEST_F(DemoBaseIntegrationTest, BadInputIsRefusedBeforeTheRegistryIsAsked) {
  v1::CreateDemonstrationBaseRequest req = DesignateRequest(1, 1999);
  req.mutable_demonstration_base()->set_theme("");
  req.mutable_demonstration_base()->set_organization("organizations/1234");
  v1::DemonstrationBase out;
  const absl::Status bad =
      demobase_->bases().CreateDemonstrationBase(call_, req, &out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(bad).size(), 3u);
  EXPECT_EQ(registry_->calls(), 0);
  EXPECT_EQ(Count("demonstration_bases"), 0);
}

TEST_F(DemoBaseIntegrationTest, TheYearlyMaximumHoldsUnderConcurrentRequests) {
  constexpr int kCallers = 12;  // organisations 1..12 all qualify
  std::vector<absl::Status> statuses(kCallers);
  std::vector<v1::DemonstrationBase> answers(kCallers);
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < kCallers; ++i) {
    threads.emplace_back([&, i] {
      v1::CreateDemonstrationBaseRequest req = DesignateRequest(i + 1, 2026);
      req.set_request_id(absl::StrCat("designate-", i));
      while (!go.load()) std::this_thread::yield();
      statuses[i] =
          demobase_->bases().CreateDemonstrationBase(call_, req, &answers[i]);
    });
  }
  go = true;
  for (auto& t : threads) t.join();
  int designated = 0;
  for (const absl::Status& s : statuses) {
    if (s.ok()) {
      ++designated;
    } else {
      EXPECT_EQ(status::ReasonOf(s), "DESIGNATION_LIMIT_REACHED") << s;
    }
  }
  EXPECT_EQ(designated, 4);
  EXPECT_EQ(Count("demonstration_bases"), 4);
  // Another year is not affected; a withdrawal makes room again.
  v1::DemonstrationBase out;
  ASSERT_TRUE(Designate(13, 2027, &out).ok());
  for (int i = 0; i < kCallers; ++i) {
    if (!statuses[i].ok()) continue;
    v1::WithdrawDemonstrationBaseRequest withdraw;
    withdraw.set_name(answers[i].name());
    withdraw.set_reason("整改未通过");
    ASSERT_TRUE(demobase_->bases()
                    .WithdrawDemonstrationBase(call_, withdraw, &out)
                    .ok());
    break;
  }
  EXPECT_TRUE(Designate(14, 2026, &out).ok());
  EXPECT_EQ(status::ReasonOf(Designate(15, 2026, &out)),
            "DESIGNATION_LIMIT_REACHED");
}

TEST_F(DemoBaseIntegrationTest, ASecondDesignationOfTheSameYearIsRefused) {
  v1::DemonstrationBase out;
  ASSERT_TRUE(Designate(1, 2026, &out).ok());
  const absl::Status again = Designate(1, 2026, &out);
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(status::ReasonOf(again), "BASE_EXISTS");
  // The same request id is answered once, with the first answer.
  v1::CreateDemonstrationBaseRequest req = DesignateRequest(2, 2026);
  req.set_request_id("designate-2");
  v1::DemonstrationBase first, second;
  ASSERT_TRUE(
      demobase_->bases().CreateDemonstrationBase(call_, req, &first).ok());
  ASSERT_TRUE(
      demobase_->bases().CreateDemonstrationBase(call_, req, &second).ok());
  EXPECT_EQ(first.name(), second.name());
  EXPECT_EQ(Count("demonstration_bases"), 2);
}

TEST_F(DemoBaseIntegrationTest, StatusChangesKeepTheirHistory) {
  const v1::DemonstrationBase base = CreateBase(1);
  v1::DemonstrationBase out;
  v1::SuspendDemonstrationBaseRequest suspend;
  suspend.set_name(base.name());
  suspend.set_reason("");
  EXPECT_EQ(
      demobase_->bases().SuspendDemonstrationBase(call_, suspend, &out).code(),
      absl::StatusCode::kInvalidArgument);
  suspend.set_reason("接待量不足，限期整改");
  suspend.set_etag("\"999\"");
  EXPECT_EQ(status::ReasonOf(demobase_->bases().SuspendDemonstrationBase(
                call_, suspend, &out)),
            "ETAG_MISMATCH");
  suspend.set_etag(base.etag());
  ASSERT_TRUE(
      demobase_->bases().SuspendDemonstrationBase(call_, suspend, &out).ok());
  EXPECT_EQ(out.status(), v1::BASE_STATUS_SUSPENDED);
  EXPECT_EQ(out.status_reason(), "接待量不足，限期整改");

  v1::ReinstateDemonstrationBaseRequest reinstate;
  reinstate.set_name(base.name());
  ASSERT_TRUE(demobase_->bases()
                  .ReinstateDemonstrationBase(call_, reinstate, &out)
                  .ok());
  EXPECT_EQ(out.status(), v1::BASE_STATUS_ACTIVE);
  EXPECT_EQ(out.status_reason(), "");

  v1::WithdrawDemonstrationBaseRequest withdraw;
  withdraw.set_name(base.name());
  withdraw.set_reason("主动申请退出");
  ASSERT_TRUE(
      demobase_->bases().WithdrawDemonstrationBase(call_, withdraw, &out).ok());
  ASSERT_EQ(out.history_size(), 4);
  EXPECT_EQ(out.history(1).status(), v1::BASE_STATUS_SUSPENDED);
  EXPECT_EQ(out.history(3).status(), v1::BASE_STATUS_WITHDRAWN);
  EXPECT_EQ(out.history(3).reason(), "主动申请退出");
  // Final.
  EXPECT_EQ(status::ReasonOf(demobase_->bases().ReinstateDemonstrationBase(
                call_, reinstate, &out)),
            "INVALID_STATUS_CHANGE");
}

TEST_F(DemoBaseIntegrationTest, UpdatesAndListsBases) {
  const v1::DemonstrationBase base = CreateBase(1);
  CreateBase(11);
  v1::DemonstrationBase other;
  ASSERT_TRUE(Designate(2, 2027, &other).ok());
  v1::UpdateDemonstrationBaseRequest update;
  update.mutable_demonstration_base()->set_name(base.name());
  update.mutable_demonstration_base()->set_theme("智慧医院质量管理");
  update.mutable_update_mask()->add_paths("theme");
  v1::DemonstrationBase out;
  ASSERT_TRUE(demobase_->bases().UpdateDemonstrationBase(update, &out).ok());
  EXPECT_EQ(out.theme(), "智慧医院质量管理");
  EXPECT_EQ(out.industry(), "医疗卫生");
  update.mutable_update_mask()->add_paths("year");
  EXPECT_EQ(demobase_->bases().UpdateDemonstrationBase(update, &out).code(),
            absl::StatusCode::kInvalidArgument);

  v1::ListDemonstrationBasesRequest list;
  list.set_year(2026);
  list.set_page_size(1);
  v1::ListDemonstrationBasesResponse page;
  ASSERT_TRUE(demobase_->bases().ListDemonstrationBases(list, &page).ok());
  ASSERT_EQ(page.demonstration_bases_size(), 1);
  EXPECT_EQ(page.demonstration_bases(0).name(), base.name());
  EXPECT_EQ(page.demonstration_bases(0).history_size(), 1);
  list.set_page_token(page.next_page_token());
  page.Clear();
  ASSERT_TRUE(demobase_->bases().ListDemonstrationBases(list, &page).ok());
  ASSERT_EQ(page.demonstration_bases_size(), 1);
  EXPECT_TRUE(page.next_page_token().empty());
}

}  // namespace
}  // namespace qpp::demobase
