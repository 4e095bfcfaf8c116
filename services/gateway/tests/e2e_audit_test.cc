// End-to-end, in front of the fake registry: the audit line of each call,
// and what of the caller's metadata reaches the backend.
#include <unistd.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/gateway/tests/e2e_fixture.h"

namespace qpp::gateway::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using registry::v1::Organization;

TEST_F(GatewayE2E, AuditLogHasOneLinePerCallWithThePrincipal) {
  const std::string run = absl::StrCat("audit-", getpid());
  Http("GET", "/v1/" + kOrg, kRegistryReader, "",
       {{"X-Request-Id", run + "-http-ok"}});
  Http("GET", "/v1/" + kOrg, "public-portal", "",
       {{"X-Request-Id", run + "-http-denied"}});
  Http("GET", "/v1/" + kOrg, "finance-funding", "",
       {{"X-Request-Id", run + "-http-funding-denied"}});
  Http("GET", "/v1/" + kOrg, "", "", {{"X-Request-Id", run + "-http-anon"}});
  auto md = Key("programme-office");
  md.emplace("x-request-id", run + "-grpc-ok");
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  GenericUnaryCall(gw_->channel,
                   "/qpp.registry.v1.RegistryService/GetOrganization",
                   req.SerializeAsString(), md, nullptr);
  const std::vector<std::string> lines = gw_->AuditLines();
  struct Want {
    std::string suffix, principal, code;
    bool resource;
  };
  for (const Want& w :
       {Want{"-http-ok", kRegistryReader, "OK", true},
        Want{"-http-denied", "public-portal", "PERMISSION_DENIED", false},
        Want{"-http-funding-denied", "finance-funding", "PERMISSION_DENIED",
             false},
        Want{"-http-anon", "", "UNAUTHENTICATED", false},
        Want{"-grpc-ok", "programme-office", "OK", true}}) {
    int found = 0;
    for (const std::string& line : lines) {
      if (line.find("\"request_id\":\"" + run + w.suffix + "\"") ==
          std::string::npos) {
        continue;
      }
      ++found;
      EXPECT_NE(line.find("\"principal\":\"" + w.principal + "\""),
                std::string::npos)
          << line;
      EXPECT_NE(line.find("\"code\":\"" + w.code + "\""), std::string::npos)
          << line;
      if (w.resource) {
        EXPECT_NE(line.find(kOrg), std::string::npos) << line;
      }
      EXPECT_NE(line.find("\"latency_ms\":"), std::string::npos);
      EXPECT_NE(line.find("\"client_address\":\""), std::string::npos);
      // Never a body.
      EXPECT_EQ(line.find("displayName"), std::string::npos);
    }
    EXPECT_EQ(found, 1) << w.suffix;
  }
}

// The principal and request id headers are the gateway's in every form: a
// binary ("-bin") variant sent by a client never reaches a backend, over
// gRPC or HTTP; other metadata does.
TEST_F(GatewayE2E, BinaryVariantsOfOwnedHeadersNeverReachTheBackend) {
  auto md = Key(kRegistryReader);
  md.emplace("x-qpp-principal-bin", "programme-office");
  md.emplace("x-request-id-bin", "forged");
  md.emplace("x-api-key-bin", "programme-office.forged");
  md.emplace("authorization-bin", "Bearer forged");
  md.emplace("x-trace-bin", std::string("\x01\x02", 2));
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  ASSERT_TRUE(
      GenericUnaryCall(gw_->channel,
                       "/qpp.registry.v1.RegistryService/GetOrganization",
                       req.SerializeAsString(), md, nullptr)
          .ok());
  std::set<std::string> keys = fake_->service->last_metadata_keys();
  for (const char* reserved : {"x-qpp-principal-bin", "x-request-id-bin",
                               "x-api-key-bin", "authorization-bin"}) {
    EXPECT_EQ(keys.count(reserved), 0u) << reserved;
  }
  EXPECT_EQ(keys.count("x-trace-bin"), 1u);
  EXPECT_EQ(fake_->service->last_principal(), kRegistryReader);

  HttpResponse r = Http("GET", "/v1/" + kOrg, "district-440305", "",
                        {{"Grpc-Metadata-X-Qpp-Principal-Bin", "b3BzCg=="},
                         {"Grpc-Metadata-X-Qpp-Principal", "ops"},
                         {"Grpc-Metadata-X-Trace", "t-1"}});
  ASSERT_EQ(r.status, 200) << r.body;
  keys = fake_->service->last_metadata_keys();
  EXPECT_EQ(keys.count("x-qpp-principal-bin"), 0u);
  EXPECT_EQ(keys.count("x-trace"), 1u);
  EXPECT_EQ(fake_->service->last_principal(), "district-440305");
}

// The role and district that reach a backend are the policy's, whatever a
// client sends in their headers (plain or binary, over gRPC or HTTP): a
// district office cannot claim another district, nor a city-wide caller
// any district.
TEST_F(GatewayE2E, RoleAndDistrictComeFromThePolicyOnly) {
  using Values = std::vector<std::string>;
  auto md = Key("district-440305");
  md.emplace("x-qpp-district", "440304");
  md.emplace("x-qpp-district-bin", "440304");
  md.emplace("x-qpp-role", "programme_office");
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  const std::string method = "/qpp.registry.v1.RegistryService/GetOrganization";
  ASSERT_TRUE(GenericUnaryCall(gw_->channel, method, req.SerializeAsString(),
                               md, nullptr)
                  .ok());
  EXPECT_EQ(fake_->service->last_values("x-qpp-district"), Values{"440305"});
  EXPECT_EQ(fake_->service->last_values("x-qpp-role"),
            Values{"district_office"});
  EXPECT_TRUE(fake_->service->last_values("x-qpp-district-bin").empty());

  auto city = Key("programme-office");
  city.emplace("x-qpp-district", "440304");
  ASSERT_TRUE(GenericUnaryCall(gw_->channel, method, req.SerializeAsString(),
                               city, nullptr)
                  .ok());
  EXPECT_TRUE(fake_->service->last_values("x-qpp-district").empty());
  EXPECT_EQ(fake_->service->last_values("x-qpp-role"),
            Values{"programme_office"});

  HttpResponse r = Http("GET", "/v1/" + kOrg, "district-440305", "",
                        {{"Grpc-Metadata-X-Qpp-District", "440304"},
                         {"Grpc-Metadata-X-Qpp-Role", "programme_office"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(fake_->service->last_values("x-qpp-district"), Values{"440305"});
  EXPECT_EQ(fake_->service->last_values("x-qpp-role"),
            Values{"district_office"});
}

// Whatever bytes a client sends, its audit line is valid JSON.
TEST_F(GatewayE2E, AuditLineOfInvalidUtf8IsValidJson) {
  const std::string request_id = absl::StrCat("utf8-", getpid());
  auto md = Key("programme-office");
  md.emplace("x-request-id", request_id);
  // GetOrganizationRequest{name: "organizations/\xff\xfe…"} by hand: protobuf
  // would refuse to serialize it.
  const std::string name = "organizations/\xff\xfe\xc3";
  const std::string bytes =
      std::string("\x0a", 1) + static_cast<char>(name.size()) + name;
  GenericUnaryCall(gw_->channel,
                   "/qpp.registry.v1.RegistryService/GetOrganization", bytes,
                   md, nullptr);
  const nlohmann::json line = AuditRecord(request_id);
  ASSERT_EQ(line["resources"].size(), 1u) << line;
  EXPECT_EQ(line["resources"][0].get<std::string>().rfind("organizations/", 0),
            0u);
  EXPECT_NE(line["resources"][0].get<std::string>().find("\xEF\xBF\xBD"),
            std::string::npos);
}

// A create over either protocol names what it creates, before the server
// has given it a name.
TEST_F(GatewayE2E, AuditLineOfACreateNamesTheNewResource) {
  const std::string run = absl::StrCat("create-", getpid());
  registry::v1::CreateOrganizationRequest req;
  req.mutable_organization()->set_uscc("91440300MA5F00003Z");
  auto md = Key("programme-office");
  md.emplace("x-request-id", run + "-grpc");
  ASSERT_TRUE(
      GenericUnaryCall(gw_->channel,
                       "/qpp.registry.v1.RegistryService/CreateOrganization",
                       req.SerializeAsString(), md, nullptr)
          .ok());
  ASSERT_EQ(Http("POST", "/v1/organizations", "programme-office",
                 R"({"uscc": "91440300MA5F00004Z"})",
                 {{"X-Request-Id", run + "-http"}})
                .status,
            200);
  EXPECT_EQ(AuditRecord(run + "-grpc")["resources"],
            nlohmann::json::array({"organizations/91440300MA5F00003Z"}));
  EXPECT_EQ(AuditRecord(run + "-http")["resources"],
            nlohmann::json::array({"organizations/91440300MA5F00004Z"}));
}

}  // namespace
}  // namespace qpp::gateway::testing
