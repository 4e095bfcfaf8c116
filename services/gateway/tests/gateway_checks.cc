#include "services/gateway/tests/gateway_checks.h"

#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"

namespace qpp::gateway::testing {
namespace {

// An organisation name the checks read (it need not exist).
const std::string kOrg = "organizations/91440300MA5F00001X";

}  // namespace

std::multimap<std::string, std::string> GatewayChecks::Key(
    const std::string& principal) {
  return {{"x-api-key", gw->keys[principal]}};
}

HttpResponse GatewayChecks::Http(const std::string& method,
                                 const std::string& path,
                                 const std::string& principal,
                                 const std::string& body,
                                 std::map<std::string, std::string> headers) {
  if (!principal.empty()) headers["X-Api-Key"] = gw->keys[principal];
  HttpClient client(gw->http_port);
  auto r = client.Send(method, path, headers, body);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : HttpResponse{};
}

void GatewayChecks::AuthorisationMatrix() {
  const std::string get = "/qpp.registry.v1.RegistryService/GetOrganization";
  const std::string create =
      "/qpp.registry.v1.RegistryService/CreateOrganization";
  const std::string awards =
      "/qpp.registry.v1.RegistryService/ListAwardRecords";
  const std::string progress =
      "/qpp.gateway.v1.ProgressService/GetProgrammeProgress";
  const std::string cohort = "/qpp.cultivation.v1.CultivationService/GetCohort";
  const std::string eligibility =
      "/qpp.funding.v1.FundingService/GetEligibilityDecision";
  const std::string disbursement =
      "/qpp.funding.v1.FundingService/CreateDisbursement";
  const std::string quality_record =
      "/qpp.funding.v1.FundingService/GetQualityRecord";
  const std::string verify =
      "/qpp.training.v1.TrainingService/VerifyCertificate";
  const std::string health = "/grpc.health.v1.Health/Check";
  // Allowed calls reach routing: a backend answers (OK, NOT_FOUND,
  // INVALID_ARGUMENT …) or, with none configured, UNIMPLEMENTED. Denied ones
  // end in PERMISSION_DENIED.
  const std::vector<std::string> methods = {
      get,    create,      awards,       progress,       cohort,
      verify, eligibility, disbursement, quality_record,
  };
  const std::map<std::string, std::set<std::string>> allowed = {
      {"programme-office", {methods.begin(), methods.end()}},
      {"district-440305", {get, create, awards, progress, cohort}},
      // The funding system: its funding methods and no registry read.
      {"finance-funding", {eligibility, disbursement}},
      {"procurement-platform", {quality_record}},
      {kRegistryReader, {get}},
      {"public-portal", {verify}},
      {"ops", {}},
  };
  registry::v1::GetOrganizationRequest get_req;
  get_req.set_name("organizations/NOPE");
  v1::GetProgrammeProgressRequest progress_req;
  progress_req.set_year(2014);
  for (const auto& [principal, may_call] : allowed) {
    for (const std::string& m : methods) {
      const std::string payload = m == progress
                                      ? progress_req.SerializeAsString()
                                      : get_req.SerializeAsString();
      grpc::Status s =
          GenericUnaryCall(gw->channel, m, payload, Key(principal), nullptr);
      if (may_call.count(m) > 0) {
        EXPECT_NE(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << principal << " " << m << ": " << s.error_message();
        EXPECT_NE(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
      } else {
        EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
            << principal << " " << m;
      }
    }
  }
  // Health is the gateway's own and open to probes.
  EXPECT_TRUE(GenericUnaryCall(gw->channel, health, "", {}, nullptr).ok());

  // No key, bad key: 401 / UNAUTHENTICATED.
  EXPECT_EQ(GenericUnaryCall(gw->channel, get, get_req.SerializeAsString(), {},
                             nullptr)
                .error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(
      GenericUnaryCall(gw->channel, get, get_req.SerializeAsString(),
                       {{"x-api-key", "programme-office.forged"}}, nullptr)
          .error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(Http("GET", "/v1/" + kOrg, "").status, 401);
  EXPECT_EQ(
      Http("GET", "/v1/" + kOrg, "", "", {{"X-Api-Key", "ops.nope"}}).status,
      401);
  // Over HTTP: district offices read and register (the registry confines
  // them to their district) but do not archive; the public and ops read
  // nothing.
  EXPECT_EQ(Http("GET", "/v1/organizations", "district-440305").status, 200);
  EXPECT_EQ(Http("DELETE", "/v1/" + kOrg, "district-440305").status, 403);
  EXPECT_EQ(Http("GET", "/v1/" + kOrg, "public-portal").status, 403);
  EXPECT_EQ(Http("GET", "/v1/progress/2014", "ops").status, 403);
  EXPECT_EQ(Http("GET", "/v1/organizations", kRegistryReader).status, 200);
  EXPECT_EQ(Http("GET", "/v1/" + kOrg + "/awards", kRegistryReader).status,
            403);
  EXPECT_EQ(Http("DELETE", "/v1/" + kOrg, kRegistryReader).status, 403);
  // The funding system reads no organisation.
  EXPECT_EQ(Http("GET", "/v1/organizations", "finance-funding").status, 403);
  EXPECT_EQ(Http("GET", "/v1/" + kOrg, "finance-funding").status, 403);
  // An unknown method of a known service: denied for a narrow role,
  // forwarded (and refused by the backend) for a role allowed the whole
  // service.
  for (const char* narrow : {kRegistryReader, "finance-funding"}) {
    EXPECT_EQ(
        GenericUnaryCall(gw->channel, "/qpp.registry.v1.RegistryService/Nope",
                         "", Key(narrow), nullptr)
            .error_code(),
        grpc::StatusCode::PERMISSION_DENIED)
        << narrow;
  }
  const grpc::Status nope =
      GenericUnaryCall(gw->channel, "/qpp.registry.v1.RegistryService/Nope", "",
                       Key("programme-office"), nullptr);
  EXPECT_FALSE(nope.ok());
  EXPECT_NE(nope.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

void GatewayChecks::RateLimit() {
  int limited = 0;
  HttpResponse last;
  for (int i = 0; i < 8; ++i) {
    HttpResponse r = Http("GET", "/v1/organizations?pageSize=1", "limited");
    if (r.status == 429) {
      ++limited;
      last = r;
    } else {
      EXPECT_EQ(r.status, 200);
    }
  }
  EXPECT_GE(limited, 4);
  EXPECT_EQ(last.headers["retry-after"], "1");
  EXPECT_NE(last.body.find("google.rpc.RetryInfo"), std::string::npos)
      << last.body;
  EXPECT_NE(last.body.find("\"code\":8"), std::string::npos);
  // gRPC sees RESOURCE_EXHAUSTED too.
  EXPECT_EQ(
      GenericUnaryCall(gw->channel,
                       "/qpp.registry.v1.RegistryService/ListOrganizations", "",
                       Key("limited"), nullptr)
          .error_code(),
      grpc::StatusCode::RESOURCE_EXHAUSTED);
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));
  EXPECT_EQ(Http("GET", "/v1/organizations?pageSize=1", "limited").status, 200);
}

void GatewayChecks::BadInput() {
  struct Case {
    std::string method, path, body;
    int status;
  };
  const std::string big(100000, 'x');
  const Case cases[] = {
      {"POST", "/v1/organizations", "{not json", 400},
      {"POST", "/v1/organizations", R"({"uscc": "X", "bogus": true})", 400},
      {"POST", "/v1/organizations", R"({"employees": "many"})", 400},
      {"POST", "/v1/organizations", R"({"kind": 3.5})", 400},
      {"POST", "/v1/organizations", "[]", 400},
      {"POST", "/v1/organizations", "{\"displayName\": \"" + big + "\"}", 413},
      {"GET", "/v1/organizations?pageSize=lots", "", 400},
      {"GET", "/v1/organizations?nosuch=1", "", 400},
      {"GET", "/v1/organizations?adoptionStatus=SOMETIMES", "", 400},
      {"GET", "/v1/nothing/here", "", 404},
      {"GET", "/", "", 404},
      {"GET", "/v1/organizations/a/b/c", "", 404},
      {"GET", "/v1/organizations/a%2Fb", "", 404},
      {"PUT", "/v1/organizations", "{}", 405},
      {"GET", "/v1/progress/notayear", "", 400},
      {"GET", "/v1/progress/1900", "", 400},
      // The import stream has no HTTP binding: not a route at all.
      {"POST", "/v1/organizations:import", "[]", 404},
  };
  for (const Case& c : cases) {
    HttpResponse r = Http(c.method, c.path, "programme-office", c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << r.body;
    EXPECT_NE(r.body.find("\"code\":"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find("\"message\":"), std::string::npos) << r.body;
  }
  // Garbage bytes over gRPC reach the backend, which rejects them; the
  // gateway stays up.
  grpc::Status s = GenericUnaryCall(
      gw->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
      "\xff\xff\xff\xff", Key("programme-office"), nullptr);
  EXPECT_FALSE(s.ok());
  EXPECT_TRUE(gw->process->running());
  EXPECT_TRUE(gw->Serving());
}

}  // namespace qpp::gateway::testing
