// qpp-demobase end to end: the real binaries of the registry, demobase and
// the gateway on MariaDB. Designations are checked with the registry over
// gRPC; events and registrations go through the gateway over gRPC and
// HTTP/JSON; once the registry stops, a designation is UNAVAILABLE and
// nothing is written.

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/demobase/src/migrations.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/tests/test_util.h"
#include "services/registry/src/migrations.h"
#include "tests/e2e/cultivation_system.h"

namespace qpp::e2e {
namespace {

namespace fs = std::filesystem;
namespace demobase_v1 = ::qpp::demobase::v1;
namespace registry_v1 = ::qpp::registry::v1;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000007%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

class DemoBaseE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry_db = testing::TestDatabase::Create("demobase_e2e_registry",
                                                     registry::Migrations());
    ASSERT_TRUE(registry_db.ok()) << registry_db.status();
    registry_db_ = std::move(*registry_db);
    QPP_SKIP_WITHOUT_DB(registry_db_);
    auto demobase_db =
        testing::TestDatabase::Create("demobase_e2e", demobase::Migrations());
    ASSERT_TRUE(demobase_db.ok()) << demobase_db.status();
    demobase_db_ = std::move(*demobase_db);

    testing::ServiceProcessOptions registry;
    registry.binary = "qpp-registry";
    registry.db = registry_db_->options().connection;
    registry.health_service = registry_v1::RegistryService::service_full_name();
    auto started = testing::ServiceProcess::Start(std::move(registry));
    ASSERT_TRUE(started.ok()) << started.status();
    registry_ = std::move(*started);
    ASSERT_TRUE(registry_->WaitServing(absl::Seconds(20))) << registry_->Log();

    testing::ServiceProcessOptions demobase;
    demobase.binary = "qpp-demobase";
    demobase.db = demobase_db_->options().connection;
    demobase.health_service = demobase_v1::DemoBaseService::service_full_name();
    demobase.args = {absl::StrCat("--registry_address=", registry_->address()),
                     "--max_bases_per_year=3"};
    auto demobase_started = testing::ServiceProcess::Start(std::move(demobase));
    ASSERT_TRUE(demobase_started.ok()) << demobase_started.status();
    demobase_ = std::move(*demobase_started);
    ASSERT_TRUE(demobase_->WaitServing(absl::Seconds(20))) << demobase_->Log();

    dir_ =
        fs::temp_directory_path() / absl::StrCat("qpp_demobase_e2e_", getpid());
    fs::create_directories(dir_);
    auto key = gateway::GenerateKey("programme-office");
    ASSERT_TRUE(key.ok());
    key_ = key->key;
    std::ofstream(dir_ / "keys") << key->entry << "\n";
    http_port_ = testing::FreePort();
    grpc_port_ = testing::FreePort();
    const int grpc_port = grpc_port_;
    auto gateway = testing::ChildProcess::Start(
        testing::BinDir() + "/qpp-gateway",
        {absl::StrCat("--listen_address=127.0.0.1:", grpc_port),
         absl::StrCat("--http_address=127.0.0.1:", http_port_),
         "--metrics_address=",
         absl::StrCat("--backends=qpp.registry.v1.RegistryService=",
                      registry_->address(), ",qpp.demobase.v1.DemoBaseService=",
                      demobase_->address()),
         "--api_keys_file=" + (dir_ / "keys").string(),
         "--policy_file=" + std::string(QPP_SOURCE_DIR) +
             "/deploy/gateway/policy.json",
         "--audit_dir=" + (dir_ / "audit").string()},
        {}, (dir_ / "gateway.log").string());
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    ASSERT_TRUE(WaitGatewayHealthy(http_port_, absl::Seconds(30)))
        << "the gateway did not become healthy";
    stub_ = demobase_v1::DemoBaseService::NewStub(
        testing::FreshChannel(absl::StrCat("127.0.0.1:", grpc_port)));
  }

  void TearDown() override {
    if (gateway_ != nullptr) {
      gateway_->Signal(SIGTERM);
      gateway_->Wait(10000);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  // Registers organisation n in the registry, with an award if `winner`.
  void Register(int n, bool winner) {
    auto stub = registry_v1::RegistryService::NewStub(
        testing::FreshChannel(registry_->address()));
    registry_v1::CreateOrganizationRequest req;
    registry_v1::Organization& o = *req.mutable_organization();
    o.set_uscc(Uscc(n));
    o.set_display_name(absl::StrCat("深圳市示范医院", n));
    o.set_kind(registry_v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION);
    o.set_district_code("440305");
    o.set_industry_code("84");
    grpc::ClientContext ctx;
    registry_v1::Organization out;
    const grpc::Status s = stub->CreateOrganization(&ctx, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
    if (!winner) return;
    registry_v1::CreateAwardRecordRequest award;
    award.set_parent(out.name());
    award.mutable_award_record()->set_year(2020);
    award.mutable_award_record()->set_level(
        registry_v1::AWARD_LEVEL_GRAND_AWARD);
    award.mutable_award_record()->set_category("服务业");
    grpc::ClientContext actx;
    registry_v1::AwardRecord record;
    const grpc::Status a = stub->CreateAwardRecord(&actx, award, &record);
    ASSERT_TRUE(a.ok()) << a.error_message();
  }

  // Designates organisation n through the gateway over gRPC.
  absl::Status Designate(int n, demobase_v1::DemonstrationBase* out) {
    demobase_v1::CreateDemonstrationBaseRequest req;
    req.mutable_demonstration_base()->set_organization("organizations/" +
                                                       Uscc(n));
    req.mutable_demonstration_base()->set_year(2099);
    req.mutable_demonstration_base()->set_theme("卓越绩效医院管理");
    req.mutable_demonstration_base()->set_industry("医疗卫生");
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-api-key", key_);
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    return status::FromGrpcStatus(
        stub_->CreateDemonstrationBase(&ctx, req, out));
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
    auto rows = demobase_db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  std::unique_ptr<testing::TestDatabase> registry_db_;
  std::unique_ptr<testing::TestDatabase> demobase_db_;
  std::unique_ptr<testing::ServiceProcess> registry_;
  std::unique_ptr<testing::ServiceProcess> demobase_;
  std::unique_ptr<testing::ChildProcess> gateway_;
  std::unique_ptr<demobase_v1::DemoBaseService::Stub> stub_;
  fs::path dir_;
  std::string key_;
  int http_port_ = 0;
  int grpc_port_ = 0;
};

TEST_F(DemoBaseE2eTest, ThroughTheGatewayOverGrpcAndHttp) {
  Register(1, /*winner=*/true);
  Register(2, /*winner=*/false);

  // gRPC: a winner becomes a base; an organisation that is neither is
  // refused with its reason.
  demobase_v1::DemonstrationBase base;
  const absl::Status created = Designate(1, &base);
  ASSERT_TRUE(created.ok()) << created << demobase_->Log();
  EXPECT_EQ(base.qualification(),
            demobase_v1::QUALIFICATION_MAYOR_QUALITY_AWARD);
  EXPECT_EQ(base.organization_display_name(), "深圳市示范医院1");
  demobase_v1::DemonstrationBase refused;
  EXPECT_EQ(status::ReasonOf(Designate(2, &refused)),
            "ORGANIZATION_NOT_ELIGIBLE");

  // HTTP/JSON: an event, a group's registration, the calendar.
  auto event = Http("POST", absl::StrCat("/v1/", base.name(), "/events"),
                    R"({"kind":"EVENT_KIND_OPEN_VISIT","topic":"开放日",)"
                    R"("startTime":"2099-05-06T01:00:00Z",)"
                    R"("endTime":"2099-05-06T04:00:00Z",)"
                    R"("place":"南山区","capacity":20})");
  ASSERT_EQ(event.status, 200) << event.body;
  const auto event_json = nlohmann::json::parse(event.body);
  const std::string event_name = event_json["name"];
  auto reg = Http(
      "POST", absl::StrCat("/v1/", event_name, "/registrations"),
      absl::StrCat(R"({"visitorKind":"VISITOR_KIND_GROUP","organization":)",
                   R"("organizations/)", Uscc(2), R"(","contactName":"王五",)",
                   R"("contactPhone":"13800001111","headcount":15})"));
  ASSERT_EQ(reg.status, 200) << reg.body;
  const auto reg_json = nlohmann::json::parse(reg.body);
  EXPECT_EQ(reg_json["maskedContactPhone"], "138****1111");
  EXPECT_EQ(reg.body.find("13800001111"), std::string::npos);
  auto full = Http(
      "POST", absl::StrCat("/v1/", event_name, "/registrations"),
      absl::StrCat(R"({"visitorKind":"VISITOR_KIND_GROUP","organization":)",
                   R"("organizations/)", Uscc(2), R"(","contactName":"王五",)",
                   R"("contactPhone":"13800001111","headcount":6})"));
  EXPECT_EQ(full.status, 400) << full.body;
  EXPECT_NE(full.body.find("NOT_ENOUGH_SEATS"), std::string::npos);
  auto calendar = Http("GET",
                       "/v1/demonstrationBases/-/events?startDate.year=2099&"
                       "startDate.month=5&startDate.day=1&endDate.year=2099&"
                       "endDate.month=5&endDate.day=31");
  ASSERT_EQ(calendar.status, 200) << calendar.body;
  const auto calendar_json = nlohmann::json::parse(calendar.body);
  ASSERT_EQ(calendar_json["openEvents"].size(), 1u) << calendar.body;
  EXPECT_EQ(calendar_json["openEvents"][0]["confirmedHeadcount"], 15);
  auto stats = Http("GET", "/v1/demobaseStatistics/2099");
  ASSERT_EQ(stats.status, 200) << stats.body;
  EXPECT_EQ(nlohmann::json::parse(stats.body)["basesDesignated"], 1);
  // The programme progress carries demobase's figures beside the targets.
  auto progress = Http("GET", "/v1/progress/2099");
  ASSERT_EQ(progress.status, 200) << progress.body;
  const auto figures =
      nlohmann::json::parse(progress.body)["supportingFigures"];
  // Three of demobase's, then cultivation's three.
  ASSERT_EQ(figures.size(), 6u) << progress.body;
  EXPECT_EQ(figures[0]["id"], "demonstration_bases");
  EXPECT_EQ(figures[0]["available"], true) << progress.body;
  EXPECT_EQ(figures[0]["current"], "1");  // int64 as a JSON string
  EXPECT_EQ(figures[0]["goal"], "2");
  EXPECT_EQ(figures[0]["percentComplete"], 50);
  EXPECT_EQ(figures[1]["id"], "open_events_held");
  EXPECT_EQ(figures[1]["available"], true);
  EXPECT_EQ(figures[2]["id"], "visitors");

  // A survey round's scores imported from CSV with qppctl, through the
  // gateway, with a report of the rows refused.
  auto round =
      Http("POST", "/v1/surveyRounds",
           R"({"title":"2099年旅游服务质量满意度调查","industry":"旅游",)"
           R"("periodStart":{"year":2099,"month":1,"day":1},)"
           R"("periodEnd":{"year":2099,"month":6,"day":30},)"
           R"("method":"SURVEY_METHOD_QUESTIONNAIRE","scaleMax":100,)"
           R"("dimensions":["服务态度"]})");
  ASSERT_EQ(round.status, 200) << round.body;
  const std::string round_name = nlohmann::json::parse(round.body)["name"];
  const fs::path csv = dir_ / "scores.csv";
  std::ofstream(csv) << "uscc,overall,服务态度\n"
                     << Uscc(1) << ",88.5,90\n"
                     << Uscc(2) << ",120,80\n"
                     << Uscc(3) << ",高,80\n";
  auto import = testing::ChildProcess::Start(
      testing::BinDir() + "/qppctl",
      {absl::StrCat("--server=127.0.0.1:", grpc_port_), "import-scores",
       round_name, csv.string()},
      {{"QPP_API_KEY", key_}}, (dir_ / "qppctl.log").string());
  ASSERT_TRUE(import.ok()) << import.status();
  EXPECT_EQ((*import)->Wait(30000), 0)
      << ReadText((dir_ / "qppctl.log").string());
  const std::string report =
      ReadText((dir_ / "scores.csv.errors.csv").string());
  EXPECT_NE(report.find("3,"), std::string::npos) << report;
  EXPECT_NE(report.find("outside the round's scale"), std::string::npos)
      << report;
  EXPECT_NE(report.find("4,"), std::string::npos) << report;
  auto scores = Http("GET", absl::StrCat("/v1/", round_name, "/scores"));
  ASSERT_EQ(scores.status, 200) << scores.body;
  EXPECT_EQ(nlohmann::json::parse(scores.body)["scores"].size(), 1u);
  // The comparison is a GET with a custom verb, routed to its own method
  // and not to GetSurveyRound of the same collection.
  auto compared = Http("GET", absl::StrCat("/v1/", round_name,
                                           ":compare?baseline=", round_name));
  ASSERT_EQ(compared.status, 200) << compared.body;
  const auto compared_json = nlohmann::json::parse(compared.body);
  EXPECT_EQ(compared_json["baseline"], round_name) << compared.body;
  EXPECT_EQ(compared_json["organizations"].size(), 1u) << compared.body;

  // The registry stops: UNAVAILABLE, named, and nothing written.
  registry_->process().Signal(SIGTERM);
  ASSERT_EQ(registry_->process().Wait(25000), 0) << registry_->Log();
  const int64_t bases = Count("demonstration_bases");
  demobase_v1::DemonstrationBase none;
  const absl::Status down = Designate(3, &none);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  EXPECT_EQ(status::ReasonOf(down), "REGISTRY_UNAVAILABLE");
  EXPECT_NE(down.message().find("registry"), std::string::npos);
  EXPECT_EQ(Count("demonstration_bases"), bases);
  // Neither log holds the contact in clear.
  EXPECT_EQ(demobase_->Log().find("13800001111"), std::string::npos);
}

TEST_F(DemoBaseE2eTest, DemonstrationProjectsThroughTheGateway) {
  Register(5, /*winner=*/false);

  // HTTP/JSON: an industry project of the education sector, and a district
  // pilot; an unknown sector is refused with its field.
  auto created = Http(
      "POST", "/v1/demonstrationProjects",
      R"({"title":"卓越绩效引入办学水平评估","scope":"PROJECT_SCOPE_INDUSTRY",)"
      R"("sector":"education","leadDepartment":"市教育局",)"
      R"("evaluationSystem":"义务教育学校办学水平评估",)"
      R"("startDate":{"year":2099,"month":1,"day":1},)"
      R"("endDate":{"year":2099,"month":12,"day":31}})");
  ASSERT_EQ(created.status, 200) << created.body;
  const auto project = nlohmann::json::parse(created.body);
  const std::string name = project["name"];
  EXPECT_EQ(project["status"], "PROJECT_STATUS_PLANNED");
  EXPECT_EQ(project["sectorDisplayName"], "教育");
  auto pilot = Http("POST", "/v1/demonstrationProjects",
                    R"({"title":"质量强区","scope":"PROJECT_SCOPE_DISTRICT",)"
                    R"("district":"440305","leadDepartment":"南山区政府",)"
                    R"("evaluationSystem":"质量强区评价",)"
                    R"("startDate":{"year":2099,"month":1,"day":1},)"
                    R"("endDate":{"year":2099,"month":12,"day":31}})");
  ASSERT_EQ(pilot.status, 200) << pilot.body;
  auto unknown =
      Http("POST", "/v1/demonstrationProjects",
           R"({"title":"x","scope":"PROJECT_SCOPE_INDUSTRY","sector":"mining",)"
           R"("leadDepartment":"x","evaluationSystem":"x",)"
           R"("startDate":{"year":2099,"month":1,"day":1},)"
           R"("endDate":{"year":2099,"month":12,"day":31}})");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_NE(unknown.body.find("demonstration_project.sector"),
            std::string::npos)
      << unknown.body;

  // gRPC: a participant checked in the registry.
  demobase_v1::AddProjectParticipantRequest join;
  join.set_name(name);
  join.mutable_participant()->set_organization("organizations/" + Uscc(5));
  join.mutable_participant()->set_role("试点学校");
  demobase_v1::DemonstrationProject joined;
  {
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-api-key", key_);
    const grpc::Status s = stub_->AddProjectParticipant(&ctx, join, &joined);
    ASSERT_TRUE(s.ok()) << s.error_message() << demobase_->Log();
  }
  ASSERT_EQ(joined.participants_size(), 1);
  EXPECT_EQ(joined.participants(0).organization_display_name(),
            "深圳市示范医院5");

  // HTTP: a milestone, the project under way, the milestone reached.
  auto milestone = Http(
      "POST", absl::StrCat("/v1/", name, "/milestones"),
      R"({"title":"首轮评估","dueDate":{"year":2099,"month":6,"day":30}})");
  ASSERT_EQ(milestone.status, 200) << milestone.body;
  const std::string milestone_name =
      nlohmann::json::parse(milestone.body)["name"];
  auto started = Http("POST", absl::StrCat("/v1/", name, ":transition"),
                      R"({"status":"PROJECT_STATUS_IN_PROGRESS"})");
  ASSERT_EQ(started.status, 200) << started.body;
  auto early = Http("POST", absl::StrCat("/v1/", name, ":transition"),
                    R"({"status":"PROJECT_STATUS_COMPLETED"})");
  EXPECT_EQ(early.status, 400) << early.body;
  EXPECT_NE(early.body.find("MILESTONES_OPEN"), std::string::npos);
  auto reached = Http("POST", absl::StrCat("/v1/", milestone_name, ":complete"),
                      R"({"completedDate":{"year":2020,"month":1,"day":2},)"
                      R"("evidence":"评估报告"})");
  ASSERT_EQ(reached.status, 200) << reached.body;
  EXPECT_EQ(nlohmann::json::parse(reached.body)["state"],
            "MILESTONE_STATE_COMPLETED");
  auto got = Http("GET", absl::StrCat("/v1/", name));
  ASSERT_EQ(got.status, 200) << got.body;
  const auto got_json = nlohmann::json::parse(got.body);
  EXPECT_EQ(got_json["status"], "PROJECT_STATUS_IN_PROGRESS");
  EXPECT_EQ(got_json["history"].size(), 2u);
  EXPECT_EQ(got_json["history"][1]["changedBy"], "programme-office");
  auto pilots = Http("GET",
                     "/v1/demonstrationProjects?scope=PROJECT_SCOPE_DISTRICT&"
                     "district=440305");
  ASSERT_EQ(pilots.status, 200) << pilots.body;
  EXPECT_EQ(nlohmann::json::parse(pilots.body)["demonstrationProjects"].size(),
            1u);

  // The registry stops: adding a participant is UNAVAILABLE, nothing
  // written.
  registry_->process().Signal(SIGTERM);
  ASSERT_EQ(registry_->process().Wait(25000), 0) << registry_->Log();
  auto down = Http(
      "POST", absl::StrCat("/v1/", name, ":addParticipant"),
      absl::StrCat(R"({"participant":{"organization":)", R"("organizations/)",
                   Uscc(6), R"(","role":"试点学校"}})"));
  EXPECT_EQ(down.status, 503) << down.body;
  EXPECT_NE(down.body.find("REGISTRY_UNAVAILABLE"), std::string::npos);
  EXPECT_EQ(Count("project_participants"), 1);
}

}  // namespace
}  // namespace qpp::e2e
