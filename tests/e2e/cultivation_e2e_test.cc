// qpp-cultivation end to end: the real binaries of the registry, training,
// cultivation and the gateway on MariaDB. A cohort, an application checked
// with the registry and training over gRPC, an expert, a review and the
// selection go through the gateway over gRPC and HTTP/JSON; once the
// registry stops, an application is UNAVAILABLE and nothing is written.

#include <signal.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "qpp/cultivation/v1/cultivation_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tests/e2e/cultivation_system.h"

namespace qpp::e2e {
namespace {

namespace cultivation_v1 = ::qpp::cultivation::v1;
namespace registry_v1 = ::qpp::registry::v1;

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000008%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

constexpr char kOffice[] = "programme-office";

class CultivationE2eTest : public CultivationSystemTest {
 protected:
  void SetUp() override {
    StartSystem({.name = "cultivation_e2e"});
    if (HasFatalFailure() || IsSkipped()) return;
    stub_ = cultivation_v1::CultivationService::NewStub(GatewayChannel());
  }

  void Register(int n, registry_v1::OrganizationKind kind) {
    auto stub = registry_v1::RegistryService::NewStub(
        testing::FreshChannel(registry_->address()));
    registry_v1::CreateOrganizationRequest req;
    registry_v1::Organization& o = *req.mutable_organization();
    o.set_uscc(Uscc(n));
    o.set_display_name(absl::StrCat("深圳市启航制造", n, "有限公司"));
    o.set_kind(kind);
    o.set_district_code("440305");
    o.set_industry_code("39");
    o.set_employees(300);
    o.set_annual_revenue_yuan(80'000'000);
    o.set_total_assets_yuan(50'000'000);
    grpc::ClientContext ctx;
    registry_v1::Organization out;
    const grpc::Status s = stub->CreateOrganization(&ctx, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  absl::Status Apply(int n, cultivation_v1::Application* out) {
    cultivation_v1::CreateApplicationRequest req;
    req.set_parent("cohorts/2099");
    req.mutable_application()->set_organization("organizations/" + Uscc(n));
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-api-key", keys_[kOffice]);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    return status::FromGrpcStatus(stub_->CreateApplication(&ctx, req, out));
  }

  int64_t Count(const std::string& table) {
    auto rows = cultivation_db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  std::unique_ptr<cultivation_v1::CultivationService::Stub> stub_;
};

TEST_F(CultivationE2eTest, ThroughTheGatewayOverGrpcAndHttp) {
  Register(1, registry_v1::ORGANIZATION_KIND_ENTERPRISE);
  Register(2, registry_v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION);
  Register(3, registry_v1::ORGANIZATION_KIND_ENTERPRISE);

  // HTTP/JSON: a cohort whose window holds today, with a single review
  // needed.
  const absl::CivilDay today = dates::Today(absl::Now());
  const absl::CivilDay open = today - 1, close = today + 30;
  auto cohort =
      Http(kOffice, "POST", "/v1/cohorts",
           absl::StrFormat(
               R"({"year":2099,"capacity":5,"minReviews":1,)"
               R"("applicationOpenDate":{"year":%d,"month":%d,"day":%d},)"
               R"("applicationCloseDate":{"year":%d,"month":%d,"day":%d}})",
               open.year(), open.month(), open.day(), close.year(),
               close.month(), close.day()));
  ASSERT_EQ(cohort.status, 200) << cohort.body << cultivation_->Log();
  EXPECT_EQ(nlohmann::json::parse(cohort.body)["libraryCap"], 100);

  // gRPC: an enterprise applies; a public institution is refused.
  cultivation_v1::Application app;
  const absl::Status applied = Apply(1, &app);
  ASSERT_TRUE(applied.ok()) << applied << cultivation_->Log();
  EXPECT_EQ(app.status(), cultivation_v1::APPLICATION_STATUS_SUBMITTED);
  EXPECT_TRUE(app.assessor_not_certified());
  cultivation_v1::Application refused;
  EXPECT_EQ(status::ReasonOf(Apply(2, &refused)),
            "ORGANIZATION_NOT_ENTERPRISE");

  // HTTP/JSON: an expert (masked), a review, the selection.
  const std::string first17 =
      "440304197001010"
      "12";
  auto expert =
      Http(kOffice, "POST", "/v1/experts",
           absl::StrCat(
               R"({"displayName":"李专家","field":"质量管理",)",
               R"("employer":"organizations/)", Uscc(2), R"(",)",
               R"("phone":"13922223333","residentId":")", first17,
               std::string(1, validation::ResidentIdCheckCharacter(first17)),
               R"("})"));
  ASSERT_EQ(expert.status, 200) << expert.body;
  const auto expert_json = nlohmann::json::parse(expert.body);
  EXPECT_EQ(expert_json["maskedPhone"], "139****3333");
  EXPECT_EQ(expert.body.find("13922223333"), std::string::npos);
  auto review =
      Http(kOffice, "POST", absl::StrCat("/v1/", app.name(), "/reviews"),
           absl::StrCat(R"({"expert":")",
                        expert_json["name"].get<std::string>(), R"("})"));
  ASSERT_EQ(review.status, 200) << review.body;
  const std::string review_name = nlohmann::json::parse(review.body)["name"];
  auto scored =
      Http(kOffice, "POST", absl::StrCat("/v1/", review_name, ":submit"),
           R"({"scores":[{"criterion":"CRITERION_LEADERSHIP","score":80},)"
           R"({"criterion":"CRITERION_STRATEGY","score":82},)"
           R"({"criterion":"CRITERION_CUSTOMERS","score":84},)"
           R"({"criterion":"CRITERION_PROCESSES","score":86},)"
           R"({"criterion":"CRITERION_RESULTS","score":88}]})");
  ASSERT_EQ(scored.status, 200) << scored.body;
  EXPECT_EQ(nlohmann::json::parse(scored.body)["total"], 84);
  auto selection = Http(kOffice, "POST", "/v1/cohorts/2099:runSelection", "{}");
  ASSERT_EQ(selection.status, 200) << selection.body;
  const auto selection_json = nlohmann::json::parse(selection.body);
  EXPECT_EQ(selection_json["selectedCount"], 1);
  auto enrolments = Http(kOffice, "GET", "/v1/enrollments");
  ASSERT_EQ(enrolments.status, 200) << enrolments.body;
  EXPECT_EQ(nlohmann::json::parse(enrolments.body)["enrollments"].size(), 1u);
  auto stats = Http(kOffice, "GET", "/v1/cultivationStatistics/2099");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(nlohmann::json::parse(stats.body)["activeEnrollments"], 1);
  // HTTP/JSON: the growth plan. Organisation 3 (medium-sized) applies, is
  // coached over the four modules, passes the compliance review and holds
  // the priority flag; the public institution is refused.
  auto joined = Http(
      kOffice, "POST", "/v1/growthPlanParticipants",
      absl::StrCat(R"({"participant":{"organization":"organizations/)", Uscc(3),
                   R"(","categories":["GROWTH_CATEGORY_INNOVATIVE"]},)",
                   R"("requestId":"6f1c2f8e-5d4a-4b7e-9c1d-2a3b4c5d6e7f"})"));
  ASSERT_EQ(joined.status, 200) << joined.body << cultivation_->Log();
  const auto joined_json = nlohmann::json::parse(joined.body);
  EXPECT_EQ(joined_json["sizeClass"], "SIZE_CLASS_MEDIUM");
  const std::string participant = joined_json["name"];
  const std::string day =
      absl::StrFormat(R"({"year":%d,"month":%d,"day":%d})", today.year(),
                      today.month(), today.day());
  for (const char* module :
       {"OPERATING_MODULE_GOVERNANCE_STRUCTURE", "OPERATING_MODULE_STRATEGY",
        "OPERATING_MODULE_PROCESSES", "OPERATING_MODULE_HUMAN_RESOURCES"}) {
    auto coached =
        Http(kOffice, "POST",
             absl::StrCat("/v1/", participant, ":completeCoachingMilestone"),
             absl::StrCat(R"({"module":")", module, R"(","completionDate":)",
                          day, R"(,"reportReference":"CZ-)", module, R"("})"));
    ASSERT_EQ(coached.status, 200) << coached.body;
  }
  auto reviewed =
      Http(kOffice, "POST",
           absl::StrCat("/v1/", participant, ":recordComplianceReview"),
           absl::StrCat(R"({"passed":true,"findings":"四个模块均达标",)",
                        R"("reason":"达标","reviewDate":)", day, "}"));
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_EQ(nlohmann::json::parse(reviewed.body)["priority"], true);
  auto priority =
      Http(kOffice, "GET", "/v1/growthPlanParticipants?priorityOnly=true");
  ASSERT_EQ(priority.status, 200) << priority.body;
  EXPECT_EQ(nlohmann::json::parse(priority.body)["participants"].size(), 1u);
  auto not_sme = Http(
      kOffice, "POST", "/v1/growthPlanParticipants",
      absl::StrCat(R"({"participant":{"organization":"organizations/)", Uscc(2),
                   R"(","categories":["GROWTH_CATEGORY_GROWTH"]}})"));
  EXPECT_EQ(not_sme.status, 400) << not_sme.body;
  EXPECT_NE(not_sme.body.find("ORGANIZATION_NOT_ENTERPRISE"),
            std::string::npos);
  // The programme progress carries cultivation's figures.
  auto progress = Http(kOffice, "GET", "/v1/progress/2099");
  ASSERT_EQ(progress.status, 200) << progress.body;
  const auto figures =
      nlohmann::json::parse(progress.body)["supportingFigures"];
  ASSERT_EQ(figures.size(), 6u) << progress.body;
  EXPECT_EQ(figures[3]["id"], "active_enrollments");
  EXPECT_EQ(figures[3]["available"], true) << progress.body;
  EXPECT_EQ(figures[3]["current"], "1");  // int64 as a JSON string
  EXPECT_EQ(figures[3]["goal"], "100");
  EXPECT_EQ(figures[5]["id"], "growth_plan_review_passed");
  EXPECT_EQ(figures[5]["current"], "1");
  auto bad = Http(kOffice, "POST", "/v1/cohorts", R"({"year":1999})");
  EXPECT_EQ(bad.status, 400) << bad.body;

  // The registry stops: UNAVAILABLE, nothing written.
  registry_->process().Signal(SIGKILL);
  registry_->process().Wait(10000);
  auto cohort2 =
      Http(kOffice, "POST", "/v1/cohorts",
           absl::StrFormat(
               R"({"year":2098,)"
               R"("applicationOpenDate":{"year":%d,"month":%d,"day":%d},)"
               R"("applicationCloseDate":{"year":%d,"month":%d,"day":%d}})",
               open.year(), open.month(), open.day(), close.year(),
               close.month(), close.day()));
  ASSERT_EQ(cohort2.status, 200) << cohort2.body;
  auto down = Http(
      kOffice, "POST", "/v1/cohorts/2098/applications",
      absl::StrCat(R"({"organization":"organizations/)", Uscc(3), R"("})"));
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.body.find("REGISTRY_UNAVAILABLE"), std::string::npos);
  EXPECT_EQ(Count("applications"), 1);
  auto join_down = Http(
      kOffice, "POST", "/v1/growthPlanParticipants",
      absl::StrCat(R"({"participant":{"organization":"organizations/)", Uscc(1),
                   R"(","categories":["GROWTH_CATEGORY_GROWTH"]}})"));
  EXPECT_EQ(join_down.status, 503) << join_down.body;
  EXPECT_EQ(Count("growth_plan_participants"), 1);
}

}  // namespace
}  // namespace qpp::e2e
