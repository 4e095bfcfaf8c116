// Cross-service, end to end: the real gateway in front of the real registry
// on MariaDB. What a client sees through the gateway agrees with the
// registry's own answers; authorisation, limits and failures hold.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpcpp/create_channel.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/gateway/tests/gateway_checks.h"
#include "tests/e2e/gateway_registry_fixture.h"

namespace qpp::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using gateway::testing::GatewayChecks;
using gateway::testing::GenericUnaryCall;
using gateway::testing::HttpResponse;
using gateway::testing::kRegistryReader;
using registry::v1::Organization;

TEST_F(GatewayRegistryE2E, CreateOverHttpReadOverGrpcAndHttpAndDirectlyAgree) {
  const std::string uscc = MakeUscc(getpid() % 100000000);
  HttpResponse created = Http(
      "POST", "/v1/organizations", "programme-office",
      absl::StrCat(
          R"({"uscc": ")", uscc,
          R"(", "displayName": "深圳市网关测试有限公司", "kind": "ORGANIZATION_KIND_ENTERPRISE", "districtCode": "440305", "industryCode": "3921", "employees": 120})"));
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find("\"sizeClass\""), std::string::npos);

  const std::string name = "organizations/" + uscc;
  registry::v1::GetOrganizationRequest req;
  req.set_name(name);
  std::string via_gateway, direct;
  ASSERT_TRUE(GenericUnaryCall(
                  gw_->channel,
                  "/qpp.registry.v1.RegistryService/GetOrganization",
                  req.SerializeAsString(), Key(kRegistryReader), &via_gateway)
                  .ok());
  auto direct_channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", registry_port_),
                          grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      GenericUnaryCall(direct_channel,
                       "/qpp.registry.v1.RegistryService/GetOrganization",
                       req.SerializeAsString(), {}, &direct)
          .ok());
  Organization a, b, c;
  ASSERT_TRUE(a.ParseFromString(via_gateway));
  ASSERT_TRUE(b.ParseFromString(direct));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, b));
  HttpResponse got = Http("GET", "/v1/" + name, "district-440305");
  ASSERT_EQ(got.status, 200) << got.body;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(got.body, &c).ok());
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(a, c))
      << a.DebugString() << c.DebugString();
  EXPECT_EQ(a.display_name(), "深圳市网关测试有限公司");

  // The registry's own validation errors come back as 400 with details.
  HttpResponse bad =
      Http("POST", "/v1/organizations", "programme-office",
           R"({"uscc": "91440300MA5F00001A", "displayName": "x"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("google.rpc.BadRequest"), std::string::npos)
      << bad.body;
  // A second create: 409.
  HttpResponse again = Http(
      "POST", "/v1/organizations", "programme-office",
      absl::StrCat(
          R"({"uscc": ")", uscc,
          R"(", "displayName": "重复", "kind": "ORGANIZATION_KIND_ENTERPRISE", "districtCode": "440305", "industryCode": "3921"})"));
  EXPECT_EQ(again.status, 409) << again.body;
  // Authorisation still applies: archiving is the programme office's.
  EXPECT_EQ(Http("DELETE", "/v1/" + name, "district-440305").status, 403);

  // Programme progress reads the registry's real counts.
  HttpResponse progress = Http("GET", "/v1/progress/2026", "programme-office");
  ASSERT_EQ(progress.status, 200) << progress.body;
  gateway::v1::ProgrammeProgress p;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(progress.body, &p).ok());
  ASSERT_EQ(p.targets_size(), 5);
  EXPECT_TRUE(p.targets(3).available()) << p.targets(3).unavailable_reason();

  // The audit log names the principal and the resource.
  int lines = 0;
  for (const std::string& line : gw_->AuditLines()) {
    if (line.find(name) != std::string::npos &&
        line.find(absl::StrCat("\"principal\":\"", kRegistryReader, "\"")) !=
            std::string::npos) {
      ++lines;
    }
  }
  EXPECT_EQ(lines, 1);
}

TEST_F(GatewayRegistryE2E, AuthorisationMatrix) {
  GatewayChecks{gw_}.AuthorisationMatrix();
}

TEST_F(GatewayRegistryE2E, RateLimitGives429ThenRecovers) {
  GatewayChecks{gw_}.RateLimit();
}

TEST_F(GatewayRegistryE2E, BadInputGets400ClassErrorsAndNeverACrash) {
  GatewayChecks{gw_}.BadInput();
}

TEST_F(GatewayRegistryE2E, DeadlineShorterThanTheWorkIsDeadlineExceeded) {
  GatewayChecks checks{gw_};
  HttpResponse r =
      checks.Http("GET", "/v1/organizations?pageSize=1000", "programme-office",
                  "", {{"Grpc-Timeout", "1u"}});
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_NE(r.body.find("\"code\":4"), std::string::npos) << r.body;
}

TEST_F(GatewayRegistryE2E, RegistryKilledGives503WithinASecondAndRecovers) {
  registry_->Signal(SIGKILL);
  registry_->Wait(5000);
  delete registry_;
  registry_ = nullptr;
  auto start = Clock::now();
  HttpResponse r =
      Http("GET", "/v1/organizations?pageSize=1", "programme-office");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  start = Clock::now();
  grpc::Status s = GenericUnaryCall(
      gw_->channel, "/qpp.registry.v1.RegistryService/ListOrganizations", "",
      Key("programme-office"), nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));

  StartRegistry();
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  int status = 0;
  while (Clock::now() < deadline) {
    status =
        Http("GET", "/v1/organizations?pageSize=1", "programme-office").status;
    if (status == 200) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(gw_->WaitServing(true, 10000));
}

TEST_F(GatewayRegistryE2E, ProgressOfABackFilledYearCountsEnterprisesOnly) {
  // The programme's history loaded today: a key enterprise and a school
  // that both introduced the model in 2014 and adopted it that year.
  const int serial = 50000000 + getpid() % 10000000;
  for (int i = 0; i < 2; ++i) {
    const std::string uscc = MakeUscc(serial + i);
    const bool enterprise = i == 0;
    HttpResponse created =
        Http("POST", "/v1/organizations", "programme-office",
             absl::StrCat(
                 R"({"uscc": ")", uscc, R"(", "displayName": "深圳市回填测试)",
                 i, R"(号单位", "kind": ")",
                 enterprise ? "ORGANIZATION_KIND_ENTERPRISE"
                            : "ORGANIZATION_KIND_PUBLIC_INSTITUTION",
                 R"(", "districtCode": "440305", "industryCode": ")",
                 enterprise ? "3921" : "8321", R"(", "employees": 120, )",
                 R"("flags": {"keyEnterprise": )",
                 enterprise ? "true" : "false", "}}"));
    ASSERT_EQ(created.status, 200) << created.body;
    for (const char* step : {R"("ADOPTION_STATUS_INTRODUCING", )"
                             R"("effectiveDate": {"year": 2014, "month": 3, )"
                             R"("day": 1})",
                             R"("ADOPTION_STATUS_ADOPTED", )"
                             R"("effectiveDate": {"year": 2014, "month": 9, )"
                             R"("day": 1})"}) {
      HttpResponse stepped =
          Http("POST",
               absl::StrCat("/v1/organizations/", uscc, ":setAdoptionStatus"),
               "programme-office",
               absl::StrCat(R"({"adoptionStatus": )", step, "}"));
      ASSERT_EQ(stepped.status, 200) << stepped.body;
    }
  }
  HttpResponse progress = Http("GET", "/v1/progress/2014", "district-440305");
  ASSERT_EQ(progress.status, 200) << progress.body;
  std::cout << "GET /v1/progress/2014 -> " << progress.body << std::endl;
  gateway::v1::ProgrammeProgress p;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(progress.body, &p).ok());
  ASSERT_EQ(p.targets_size(), 5);
  EXPECT_EQ(p.plan_year(), 2);
  ASSERT_TRUE(p.targets(3).available()) << p.targets(3).unavailable_reason();
  EXPECT_EQ(p.targets(3).current(), 1);  // the enterprise, not the school
  ASSERT_TRUE(p.phase_target().available());
  EXPECT_EQ(p.phase_target().goal(), 60);
  EXPECT_EQ(p.phase_target().current(), 1);  // the key enterprise
}

TEST_F(GatewayRegistryE2E, ContactsInClearOnlyToTheProgrammeOfficeWithAReason) {
  const std::string uscc = MakeUscc(getpid() % 100000000 + 7);
  HttpResponse created = Http(
      "POST", "/v1/organizations", "programme-office",
      absl::StrCat(
          R"({"uscc": ")", uscc,
          R"(", "displayName": "深圳市联系人测试有限公司", "kind": "ORGANIZATION_KIND_ENTERPRISE", "districtCode": "440305", "industryCode": "3921", "contacts": [{"displayName": "欧阳娜娜", "phone": "13812345678"}]})"));
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(created.body.find("13812345678"), std::string::npos);
  const std::string path =
      absl::StrCat("/v1/organizations/", uscc, ":revealContacts");
  const std::string body = R"({"reason": "award follow-up, file 2026-17"})";
  // District offices and other systems are refused by the gateway.
  EXPECT_EQ(Http("POST", path, "district-440305", body).status, 403);
  EXPECT_EQ(Http("POST", path, "finance-funding", body).status, 403);
  EXPECT_EQ(Http("POST", path, kRegistryReader, body).status, 403);
  // A reason is required.
  EXPECT_EQ(Http("POST", path, "programme-office", "{}").status, 400);
  HttpResponse revealed = Http("POST", path, "programme-office", body);
  ASSERT_EQ(revealed.status, 200) << revealed.body;
  EXPECT_NE(revealed.body.find("13812345678"), std::string::npos);
  EXPECT_NE(revealed.body.find("auditId"), std::string::npos);
  // The gateway's audit line names the call and never the values.
  bool audited = false;
  for (const std::string& line : gw_->AuditLines()) {
    if (line.find("RevealContacts") == std::string::npos) continue;
    audited = true;
    EXPECT_EQ(line.find("13812345678"), std::string::npos) << line;
  }
  EXPECT_TRUE(audited);
}

}  // namespace
}  // namespace qpp::e2e
