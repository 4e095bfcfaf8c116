// End-to-end: the real qpp-gateway binary in front of an in-process fake
// registry: transcoding, credentials, authorisation, limits, deadlines,
// streams and the gateway's own services. The same gateway in front of the
// real registry is tested in tests/e2e.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "qpp/gateway/v1/progress_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/gateway/tests/e2e_fixture.h"
#include "services/gateway/tests/gateway_checks.h"

namespace qpp::gateway::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using registry::v1::Organization;

TEST_F(GatewayE2E, SameOperationOverGrpcAndHttpGivesTheSameResult) {
  Organization via_grpc;
  ASSERT_TRUE(GetOrganization("programme-office", &via_grpc).ok());
  HttpResponse r = Http("GET", "/v1/" + kOrg, "programme-office");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("\"displayName\""), std::string::npos);
  EXPECT_NE(r.body.find("\"employees\":\"0\""), std::string::npos) << r.body;
  Organization via_http;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.body, &via_http).ok());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(via_grpc, via_http))
      << via_grpc.DebugString() << via_http.DebugString();

  // Create over HTTP, read back over gRPC.
  HttpResponse created = Http(
      "POST", "/v1/organizations", "programme-office",
      R"({"uscc": "91440300MA5F00002Y", "displayName": "测试", "kind": "ORGANIZATION_KIND_ENTERPRISE", "districtCode": "440305"})");
  ASSERT_EQ(created.status, 200) << created.body;
  Organization back;
  ASSERT_TRUE(GetOrganization("programme-office", &back,
                              "organizations/91440300MA5F00002Y")
                  .ok());
  EXPECT_EQ(back.display_name(), "测试");
  // Same error both ways.
  Organization none;
  grpc::Status missing =
      GetOrganization("programme-office", &none, "organizations/NOPE");
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::NOT_FOUND);
  HttpResponse missing_http =
      Http("GET", "/v1/organizations/NOPE", "programme-office");
  EXPECT_EQ(missing_http.status, 404);
  EXPECT_NE(missing_http.body.find("\"code\":5"), std::string::npos);

  // Query parameters with enums by name.
  HttpResponse list = Http("GET",
                           "/v1/"
                           "organizations?districtCode=440305&adoptionStatus="
                           "ADOPTION_STATUS_INTRODUCING",
                           "programme-office");
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("91440300MA5F00001X"), std::string::npos);
}

TEST_F(GatewayE2E, PropagatesRequestIdAndPrincipalAndStripsCredentials) {
  HttpResponse r = Http("GET", "/v1/" + kOrg, "district-440305", "",
                        {{"X-Request-Id", "trace-abc-1"},
                         {"X-Qpp-Principal", "programme-office"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["x-request-id"], "trace-abc-1");
  EXPECT_EQ(fake_->service->last_request_id(), "trace-abc-1");
  EXPECT_EQ(fake_->service->last_principal(), "district-440305");
  EXPECT_EQ(fake_->service->last_api_key(), "");

  // gRPC: a forged principal is replaced; a bad request id is replaced.
  auto md = Key(kRegistryReader);
  md.emplace("x-qpp-principal", "programme-office");
  md.emplace("x-request-id", "bad id with spaces");
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  ASSERT_TRUE(
      GenericUnaryCall(gw_->channel,
                       "/qpp.registry.v1.RegistryService/GetOrganization",
                       req.SerializeAsString(), md, nullptr)
          .ok());
  EXPECT_EQ(fake_->service->last_principal(), kRegistryReader);
  EXPECT_EQ(fake_->service->last_request_id().size(), 36u);

  // Bearer form.
  HttpResponse bearer = Http("GET", "/v1/" + kOrg, "", "",
                             {{"Authorization", "Bearer " + gw_->keys["ops"]}});
  EXPECT_EQ(bearer.status, 403);
}

TEST_F(GatewayE2E, AuthorisationMatrix) {
  GatewayChecks{gw_}.AuthorisationMatrix();
}

TEST_F(GatewayE2E, RateLimitGives429ThenRecovers) {
  GatewayChecks{gw_}.RateLimit();
}

TEST_F(GatewayE2E, BadInputGets400ClassErrorsAndNeverACrash) {
  GatewayChecks{gw_}.BadInput();
}

TEST_F(GatewayE2E, DeadlineShorterThanTheWorkIsDeadlineExceeded) {
  auto md = Key("programme-office");
  md.emplace("x-fake-sleep-ms", "800");
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  auto start = Clock::now();
  grpc::Status s = GenericUnaryCall(
      gw_->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
      req.SerializeAsString(), md, nullptr, 200);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(700));

  // HTTP with grpc-timeout: 504.
  start = Clock::now();
  HttpResponse r = Http(
      "GET", "/v1/" + kOrg, "programme-office", "",
      {{"Grpc-Timeout", "200m"}, {"Grpc-Metadata-X-Fake-Sleep-Ms", "800"}});
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(700));

  // A client deadline above --max_deadline_ms=1500 is capped.
  md = Key("programme-office");
  md.emplace("x-fake-sleep-ms", "2500");
  start = Clock::now();
  s = GenericUnaryCall(gw_->channel,
                       "/qpp.registry.v1.RegistryService/GetOrganization",
                       req.SerializeAsString(), md, nullptr, 10000);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(Clock::now() - start, std::chrono::milliseconds(2200));
  // Without a deadline the default (1000 ms here) applies.
  md = Key("programme-office");
  md.emplace("x-fake-sleep-ms", "1300");
  HttpResponse d = Http("GET", "/v1/" + kOrg, "programme-office", "",
                        {{"Grpc-Metadata-X-Fake-Sleep-Ms", "1300"}});
  EXPECT_EQ(d.status, 504);
}

TEST_F(GatewayE2E, ACallTheBackendDroppedIsUnavailableNotCancelled) {
  // The caller did not cancel: CANCELLED would tell it not to retry.
  auto md = Key("programme-office");
  md.emplace("x-fake-status", "cancelled");
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  grpc::Status s = GenericUnaryCall(
      gw_->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
      req.SerializeAsString(), md, nullptr, 2000);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(s.error_message(),
            "qpp.registry.v1.RegistryService dropped the call; retry later");
  HttpResponse r = Http("GET", "/v1/" + kOrg, "programme-office", "",
                        {{"Grpc-Metadata-X-Fake-Status", "cancelled"}});
  EXPECT_EQ(r.status, 503) << r.body;
}

TEST_F(GatewayE2E, OnSigtermNewCallsAreRefusedRetryablyThenItExits) {
  // The gateway's default --lame_duck_ms.
  constexpr int64_t kLameDuckMs = 1000;
  std::unique_ptr<GatewayProcess> gw = StartGateway(backend_port_, "drain");
  ASSERT_NE(gw, nullptr);
  ASSERT_TRUE(gw->WaitServing(true, 10000));
  // A call admitted before the signal finishes during the drain.
  std::multimap<std::string, std::string> md = {
      {"x-api-key", gw->keys.at("programme-office")},
      {"x-fake-sleep-ms", "400"}};
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  grpc::Status slow;
  std::thread in_flight([&] {
    slow = GenericUnaryCall(gw->channel,
                            "/qpp.registry.v1.RegistryService/GetOrganization",
                            req.SerializeAsString(), md, nullptr, 5000);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  gw->process->Signal(SIGTERM);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));

  std::multimap<std::string, std::string> fresh = {
      {"x-api-key", gw->keys.at("programme-office")}};
  grpc::Status refused = GenericUnaryCall(
      gw->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
      req.SerializeAsString(), fresh, nullptr, 2000);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(refused.error_message(), "the gateway is shutting down; retry");
  EXPECT_NE(refused.error_details().find("GATEWAY_DRAINING"),
            std::string::npos);
  // It asks the caller to come back after the listeners have closed (the
  // rest of the lame duck plus a margin), not at once.
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(refused.error_details()));
  bool has_retry_info = false;
  for (const auto& any : details.details()) {
    google::rpc::RetryInfo retry;
    if (!any.UnpackTo(&retry)) continue;
    has_retry_info = true;
    const int64_t delay_ms = retry.retry_delay().seconds() * 1000 +
                             retry.retry_delay().nanos() / 1000000;
    EXPECT_GT(delay_ms, 500);
    EXPECT_LE(delay_ms, 500 + kLameDuckMs);
  }
  EXPECT_TRUE(has_retry_info);
  EXPECT_FALSE(gw->Serving());

  in_flight.join();
  EXPECT_TRUE(slow.ok()) << slow.error_message();
  EXPECT_EQ(gw->process->Wait(15000), 0);
}

TEST_F(GatewayE2E, ClientStreamingIsForwarded) {
  auto stub = registry::v1::RegistryService::NewStub(gw_->channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-api-key", gw_->keys["programme-office"]);
  const std::string request_id = absl::StrCat("import-", getpid());
  ctx.AddMetadata("x-request-id", request_id);
  registry::v1::ImportOrganizationsResponse resp;
  auto writer = stub->ImportOrganizations(&ctx, &resp);
  for (int i = 0; i < 3; ++i) {
    registry::v1::ImportOrganizationsRequest chunk;
    for (int j = 0; j < 10; ++j) {
      chunk.add_organizations()->set_uscc(
          absl::StrCat("9144030000000", 10000 + i * 10 + j));
    }
    ASSERT_TRUE(writer->Write(chunk));
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.received_count(), 30);

  // The audit line names the first rows of the stream and counts them all.
  const nlohmann::json line = AuditRecord(request_id);
  ASSERT_EQ(line["resources"].size(), 8u) << line;
  EXPECT_EQ(line["resources"][0], "organizations/914403000000010000");
  EXPECT_EQ(line["resource_count"], 30);
}

TEST_F(GatewayE2E, ProgrammeProgressComposesRegistryFigures) {
  auto stub = v1::ProgressService::NewStub(gw_->channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-api-key", gw_->keys["district-440305"]);
  v1::GetProgrammeProgressRequest req;
  req.set_year(2013);
  v1::ProgrammeProgress resp;
  ASSERT_TRUE(stub->GetProgrammeProgress(&ctx, req, &resp).ok());
  EXPECT_EQ(resp.plan_year(), 1);
  ASSERT_EQ(resp.targets_size(), 5);
  EXPECT_EQ(resp.targets(0).kind(), v1::TARGET_KIND_QUALITATIVE);
  EXPECT_TRUE(resp.targets(1).available());
  EXPECT_EQ(resp.targets(1).current(), 3);  // industries, not organisations
  EXPECT_EQ(resp.targets(1).goal(), 10);
  EXPECT_EQ(resp.targets(1).percent_complete(), 30);
  EXPECT_EQ(resp.targets(3).current(), 380);  // enterprises only
  EXPECT_FALSE(resp.targets(4).available());
  EXPECT_EQ(resp.targets(4).unavailable_reason(),
            "source service is not configured");
  EXPECT_EQ(resp.phase_target().goal(), 30);
  EXPECT_EQ(resp.phase_target().current(), 21);  // key enterprises only
  // Demobase's and cultivation's supporting figures, additive: not
  // configured here.
  ASSERT_EQ(resp.supporting_figures_size(), 6);
  EXPECT_EQ(resp.supporting_figures(3).id(), "active_enrollments");
  EXPECT_EQ(resp.supporting_figures(3).source_service(),
            "qpp.cultivation.v1.CultivationService");
  EXPECT_EQ(resp.supporting_figures(5).id(), "growth_plan_review_passed");
  EXPECT_FALSE(resp.supporting_figures(5).available());
  EXPECT_EQ(resp.supporting_figures(0).id(), "demonstration_bases");
  EXPECT_EQ(resp.supporting_figures(0).source_service(),
            "qpp.demobase.v1.DemoBaseService");
  EXPECT_FALSE(resp.supporting_figures(0).available());
  EXPECT_EQ(resp.supporting_figures(2).unavailable_reason(),
            "source service is not configured");
  HttpResponse r = Http("GET", "/v1/progress/2013", "district-440305");
  ASSERT_EQ(r.status, 200) << r.body;
  v1::ProgrammeProgress via_http;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.body, &via_http).ok());
  EXPECT_TRUE(
      google::protobuf::util::MessageDifferencer::Equals(resp, via_http));
}

TEST_F(GatewayE2E, HealthzAnswersWithoutCredentials) {
  HttpResponse r = Http("GET", "/healthz", "");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"status":"SERVING"})");
}

TEST_F(GatewayE2E, ServesTheOpenApiDocument) {
  HttpResponse r = Http("GET", "/openapi.json", "");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("\"openapi\": \"3.0.3\""), std::string::npos);
  EXPECT_NE(r.body.find("/v1/progress/{year}"), std::string::npos);
  EXPECT_NE(r.body.find("/v1/organizations/{organization}"), std::string::npos);
}

}  // namespace
}  // namespace qpp::gateway::testing
