// qpp-cultivation end to end: the real binaries of the registry, training,
// cultivation and the gateway on MariaDB. A cohort, an application checked
// with the registry and training over gRPC, an expert, a review and the
// selection go through the gateway over gRPC and HTTP/JSON; once the
// registry stops, an application is UNAVAILABLE and nothing is written.

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "qpp/cultivation/v1/cultivation_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/cultivation/src/migrations.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/tests/test_util.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

namespace qpp::e2e {
namespace {

namespace fs = std::filesystem;
namespace cultivation_v1 = ::qpp::cultivation::v1;
namespace registry_v1 = ::qpp::registry::v1;

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000008%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

class CultivationE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry_db = testing::TestDatabase::Create("cultivation_e2e_registry",
                                                     registry::Migrations());
    ASSERT_TRUE(registry_db.ok()) << registry_db.status();
    registry_db_ = std::move(*registry_db);
    QPP_SKIP_WITHOUT_DB(registry_db_);
    auto training_db = testing::TestDatabase::Create("cultivation_e2e_training",
                                                     training::Migrations());
    ASSERT_TRUE(training_db.ok()) << training_db.status();
    training_db_ = std::move(*training_db);
    auto cultivation_db = testing::TestDatabase::Create(
        "cultivation_e2e", cultivation::SchemaMigrations());
    ASSERT_TRUE(cultivation_db.ok()) << cultivation_db.status();
    cultivation_db_ = std::move(*cultivation_db);

    registry_ = Start("qpp-registry", registry_db_->options().connection,
                      registry_v1::RegistryService::service_full_name(), {});
    ASSERT_NE(registry_, nullptr);
    training_ =
        Start("qpp-training", training_db_->options().connection,
              "qpp.training.v1.TrainingService",
              {absl::StrCat("--registry_address=", registry_->address())});
    ASSERT_NE(training_, nullptr);
    cultivation_ =
        Start("qpp-cultivation", cultivation_db_->options().connection,
              cultivation_v1::CultivationService::service_full_name(),
              {absl::StrCat("--registry_address=", registry_->address()),
               absl::StrCat("--training_address=", training_->address()),
               "--demobase_address="});
    ASSERT_NE(cultivation_, nullptr);

    dir_ = fs::temp_directory_path() /
           absl::StrCat("qpp_cultivation_e2e_", getpid());
    fs::create_directories(dir_);
    auto key = gateway::GenerateKey("programme-office");
    ASSERT_TRUE(key.ok());
    key_ = key->key;
    std::ofstream(dir_ / "keys") << key->entry << "\n";
    http_port_ = testing::FreePort();
    const int grpc_port = testing::FreePort();
    auto gateway = testing::ChildProcess::Start(
        testing::BinDir() + "/qpp-gateway",
        {absl::StrCat("--listen_address=127.0.0.1:", grpc_port),
         absl::StrCat("--http_address=127.0.0.1:", http_port_),
         "--metrics_address=",
         absl::StrCat("--backends=qpp.registry.v1.RegistryService=",
                      registry_->address(),
                      ",qpp.cultivation.v1.CultivationService=",
                      cultivation_->address()),
         "--api_keys_file=" + (dir_ / "keys").string(),
         "--policy_file=" + std::string(QPP_SOURCE_DIR) +
             "/deploy/gateway/policy.json",
         "--audit_dir=" + (dir_ / "audit").string()},
        {}, (dir_ / "gateway.log").string());
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    const auto end = absl::Now() + absl::Seconds(30);
    bool up = false;
    while (!up && absl::Now() < end) {
      gateway::testing::HttpClient client(http_port_);
      auto r = client.Send("GET", "/healthz");
      up = r.ok() && r->status == 200;
      if (!up) absl::SleepFor(absl::Milliseconds(200));
    }
    ASSERT_TRUE(up) << "the gateway did not become healthy";
    stub_ = cultivation_v1::CultivationService::NewStub(
        testing::FreshChannel(absl::StrCat("127.0.0.1:", grpc_port)));
  }

  void TearDown() override {
    if (gateway_ != nullptr) {
      gateway_->Signal(SIGTERM);
      gateway_->Wait(10000);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static std::unique_ptr<testing::ServiceProcess> Start(
      const std::string& binary, const db::ConnectionOptions& db,
      const std::string& health, std::vector<std::string> args) {
    testing::ServiceProcessOptions o;
    o.binary = binary;
    o.db = db;
    o.health_service = health;
    o.args = std::move(args);
    auto started = testing::ServiceProcess::Start(std::move(o));
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return nullptr;
    if (!(*started)->WaitServing(absl::Seconds(30))) {
      ADD_FAILURE() << (*started)->Log();
      return nullptr;
    }
    return std::move(*started);
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
    ctx.AddMetadata("x-api-key", key_);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    return status::FromGrpcStatus(stub_->CreateApplication(&ctx, req, out));
  }

  gateway::testing::HttpResponse Http(const std::string& method,
                                      const std::string& path,
                                      const std::string& body = "") {
    gateway::testing::HttpClient client(http_port_);
    std::map<std::string, std::string> headers = {{"X-Api-Key", key_}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    auto r = client.Send(method, path, headers, body);
    return r.ok() ? *r : gateway::testing::HttpResponse{};
  }

  int64_t Count(const std::string& table) {
    auto rows = cultivation_db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  std::unique_ptr<testing::TestDatabase> registry_db_;
  std::unique_ptr<testing::TestDatabase> training_db_;
  std::unique_ptr<testing::TestDatabase> cultivation_db_;
  std::unique_ptr<testing::ServiceProcess> registry_;
  std::unique_ptr<testing::ServiceProcess> training_;
  std::unique_ptr<testing::ServiceProcess> cultivation_;
  std::unique_ptr<testing::ChildProcess> gateway_;
  std::unique_ptr<cultivation_v1::CultivationService::Stub> stub_;
  fs::path dir_;
  std::string key_;
  int http_port_ = 0;
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
      Http("POST", "/v1/cohorts",
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
      Http("POST", "/v1/experts",
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
      Http("POST", absl::StrCat("/v1/", app.name(), "/reviews"),
           absl::StrCat(R"({"expert":")",
                        expert_json["name"].get<std::string>(), R"("})"));
  ASSERT_EQ(review.status, 200) << review.body;
  const std::string review_name = nlohmann::json::parse(review.body)["name"];
  auto scored =
      Http("POST", absl::StrCat("/v1/", review_name, ":submit"),
           R"({"scores":[{"criterion":"CRITERION_LEADERSHIP","score":80},)"
           R"({"criterion":"CRITERION_STRATEGY","score":82},)"
           R"({"criterion":"CRITERION_CUSTOMERS","score":84},)"
           R"({"criterion":"CRITERION_PROCESSES","score":86},)"
           R"({"criterion":"CRITERION_RESULTS","score":88}]})");
  ASSERT_EQ(scored.status, 200) << scored.body;
  EXPECT_EQ(nlohmann::json::parse(scored.body)["total"], 84);
  auto selection = Http("POST", "/v1/cohorts/2099:runSelection", "{}");
  ASSERT_EQ(selection.status, 200) << selection.body;
  const auto selection_json = nlohmann::json::parse(selection.body);
  EXPECT_EQ(selection_json["selectedCount"], 1);
  auto enrolments = Http("GET", "/v1/enrollments");
  ASSERT_EQ(enrolments.status, 200) << enrolments.body;
  EXPECT_EQ(nlohmann::json::parse(enrolments.body)["enrollments"].size(), 1u);
  auto stats = Http("GET", "/v1/cultivationStatistics/2099");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(nlohmann::json::parse(stats.body)["activeEnrollments"], 1);
  // HTTP/JSON: the growth plan. Organisation 3 (medium-sized) applies, is
  // coached over the four modules, passes the compliance review and holds
  // the priority flag; the public institution is refused.
  auto joined = Http(
      "POST", "/v1/growthPlanParticipants",
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
    auto coached = Http(
        "POST", absl::StrCat("/v1/", participant, ":completeCoachingMilestone"),
        absl::StrCat(R"({"module":")", module, R"(","completionDate":)", day,
                     R"(,"reportReference":"CZ-)", module, R"("})"));
    ASSERT_EQ(coached.status, 200) << coached.body;
  }
  auto reviewed =
      Http("POST", absl::StrCat("/v1/", participant, ":recordComplianceReview"),
           absl::StrCat(R"({"passed":true,"findings":"四个模块均达标",)",
                        R"("reason":"达标","reviewDate":)", day, "}"));
  ASSERT_EQ(reviewed.status, 200) << reviewed.body;
  EXPECT_EQ(nlohmann::json::parse(reviewed.body)["priority"], true);
  auto priority = Http("GET", "/v1/growthPlanParticipants?priorityOnly=true");
  ASSERT_EQ(priority.status, 200) << priority.body;
  EXPECT_EQ(nlohmann::json::parse(priority.body)["participants"].size(), 1u);
  auto not_sme = Http(
      "POST", "/v1/growthPlanParticipants",
      absl::StrCat(R"({"participant":{"organization":"organizations/)", Uscc(2),
                   R"(","categories":["GROWTH_CATEGORY_GROWTH"]}})"));
  EXPECT_EQ(not_sme.status, 400) << not_sme.body;
  EXPECT_NE(not_sme.body.find("ORGANIZATION_NOT_ENTERPRISE"),
            std::string::npos);
  // The programme progress carries cultivation's figures.
  auto progress = Http("GET", "/v1/progress/2099");
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
  auto bad = Http("POST", "/v1/cohorts", R"({"year":1999})");
  EXPECT_EQ(bad.status, 400) << bad.body;

  // The registry stops: UNAVAILABLE, nothing written.
  registry_->process().Signal(SIGKILL);
  registry_->process().Wait(10000);
  auto cohort2 =
      Http("POST", "/v1/cohorts",
           absl::StrFormat(
               R"({"year":2098,)"
               R"("applicationOpenDate":{"year":%d,"month":%d,"day":%d},)"
               R"("applicationCloseDate":{"year":%d,"month":%d,"day":%d}})",
               open.year(), open.month(), open.day(), close.year(),
               close.month(), close.day()));
  ASSERT_EQ(cohort2.status, 200) << cohort2.body;
  auto down = Http(
      "POST", "/v1/cohorts/2098/applications",
      absl::StrCat(R"({"organization":"organizations/)", Uscc(3), R"("})"));
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.body.find("REGISTRY_UNAVAILABLE"), std::string::npos);
  EXPECT_EQ(Count("applications"), 1);
  auto join_down = Http(
      "POST", "/v1/growthPlanParticipants",
      absl::StrCat(R"({"participant":{"organization":"organizations/)", Uscc(1),
                   R"(","categories":["GROWTH_CATEGORY_GROWTH"]}})"));
  EXPECT_EQ(join_down.status, 503) << join_down.body;
  EXPECT_EQ(Count("growth_plan_participants"), 1);
}

}  // namespace
}  // namespace qpp::e2e
