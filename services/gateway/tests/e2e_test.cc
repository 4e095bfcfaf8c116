// End-to-end: the real qpp-gateway binary in front of a backend — an
// in-process fake registry (always), and the real qpp-registry binary on
// MariaDB when QPP_TEST_DB_* are set.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/crypto/cipher.h"
#include "common/testing/process.h"
#include "common/testing/test_db.h"
#include "common/validation/uscc.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "qpp/gateway/v1/gateway_config.pb.h"
#include "qpp/gateway/v1/progress_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/tests/fake_registry.h"
#include "services/gateway/tests/test_util.h"

namespace qpp::gateway {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using registry::v1::Organization;
using testing::GenericUnaryCall;
using testing::HttpClient;
using testing::HttpResponse;

constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";
const std::string kOrg = "organizations/91440300MA5F00001X";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A started gateway: its ports, keys, audit directory and process.
struct GatewayProcess {
  int grpc_port = 0;
  int http_port = 0;
  int metrics_port = 0;
  fs::path dir;
  std::map<std::string, std::string> keys;  // principal -> key
  std::unique_ptr<qpp::testing::ChildProcess> process;
  std::shared_ptr<grpc::Channel> channel;

  // Whether the gateway's health service answers SERVING.
  bool Serving() const {
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(500));
    grpc::health::v1::HealthCheckRequest req;
    grpc::health::v1::HealthCheckResponse resp;
    return stub->Check(&ctx, req, &resp).ok() &&
           resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
  }

  bool WaitServing(bool want, int timeout_ms) const {
    const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < end) {
      if (Serving() == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::vector<std::string> AuditLines() const {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir / "audit")) {
      for (absl::string_view line : absl::StrSplit(ReadFile(e.path().string()),
                                                   '\n', absl::SkipEmpty())) {
        out.emplace_back(line);
      }
    }
    return out;
  }
};

// Starts qpp-gateway routing the registry to `backend_port`, with a key for
// every principal of the shipped policy plus "limited" (programme office
// rights, 2 calls/s, burst 3).
std::unique_ptr<GatewayProcess> StartGateway(int backend_port,
                                             const std::string& name) {
  auto gw = std::make_unique<GatewayProcess>();
  gw->dir = fs::temp_directory_path() /
            absl::StrCat("qpp_gw_e2e_", name, "_", getpid());
  fs::remove_all(gw->dir);
  fs::create_directories(gw->dir);

  v1::GatewayPolicy policy;
  const std::string shipped =
      ReadFile(std::string(QPP_SOURCE_DIR) + "/deploy/gateway/policy.json");
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(shipped, &policy).ok());
  auto* limited = policy.add_principals();
  limited->set_id("limited");
  limited->add_roles("programme_office");
  limited->mutable_rate_limit()->set_requests_per_second(2);
  limited->mutable_rate_limit()->set_burst(3);
  std::string policy_json;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(policy, &policy_json).ok());
  std::ofstream(gw->dir / "policy.json") << policy_json;

  std::string keys_file;
  for (const char* p : {"programme-office", "district-440305",
                        "finance-funding", "public-portal", "ops", "limited"}) {
    auto k = GenerateKey(p);
    EXPECT_TRUE(k.ok());
    gw->keys[p] = k->key;
    absl::StrAppend(&keys_file, k->entry, "\n");
  }
  std::ofstream(gw->dir / "keys") << keys_file;

  gw->grpc_port = qpp::testing::FreePort();
  gw->http_port = qpp::testing::FreePort();
  gw->metrics_port = qpp::testing::FreePort();
  auto process = qpp::testing::ChildProcess::Start(
      qpp::testing::BinDir() + "/qpp-gateway",
      {absl::StrCat("--listen_address=127.0.0.1:", gw->grpc_port),
       absl::StrCat("--http_address=127.0.0.1:", gw->http_port),
       absl::StrCat("--metrics_address=127.0.0.1:", gw->metrics_port),
       absl::StrCat("--backends=", kRegistry, "=127.0.0.1:", backend_port),
       "--api_keys_file=" + (gw->dir / "keys").string(),
       "--policy_file=" + (gw->dir / "policy.json").string(),
       "--audit_dir=" + (gw->dir / "audit").string(), "--max_deadline_ms=1500",
       "--default_deadline_ms=1000", "--max_http_body_bytes=65536",
       "--http_threads=8"},
      {}, (gw->dir / "gateway.log").string());
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return nullptr;
  gw->process = *std::move(process);
  gw->channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", gw->grpc_port),
                                    grpc::InsecureChannelCredentials());
  return gw;
}

// Checks that hold whatever backend serves the registry: `gw` routes the
// registry to a running backend.
struct GatewayChecks {
  GatewayProcess* gw;

  std::multimap<std::string, std::string> Key(const std::string& principal) {
    return {{"x-api-key", gw->keys[principal]}};
  }

  HttpResponse Http(const std::string& method, const std::string& path,
                    const std::string& principal, const std::string& body = "",
                    std::map<std::string, std::string> headers = {}) {
    if (!principal.empty()) headers["X-Api-Key"] = gw->keys[principal];
    HttpClient client(gw->http_port);
    auto r = client.Send(method, path, headers, body);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  // Every default role against a representative method of each kind.
  void AuthorisationMatrix() {
    const std::string get = "/qpp.registry.v1.RegistryService/GetOrganization";
    const std::string create =
        "/qpp.registry.v1.RegistryService/CreateOrganization";
    const std::string awards =
        "/qpp.registry.v1.RegistryService/ListAwardRecords";
    const std::string progress =
        "/qpp.gateway.v1.ProgressService/GetProgrammeProgress";
    const std::string eligibility =
        "/qpp.cultivation.v1.CultivationService/GetEligibility";
    const std::string verify =
        "/qpp.training.v1.TrainingService/VerifyCertificate";
    const std::string health = "/grpc.health.v1.Health/Check";
    // Allowed calls reach routing: a backend answers (OK, NOT_FOUND,
    // INVALID_ARGUMENT …) or, with none configured, UNIMPLEMENTED. Denied ones
    // end in PERMISSION_DENIED.
    const std::map<std::string, std::set<std::string>> allowed = {
        {"programme-office",
         {get, create, awards, progress, eligibility, verify}},
        {"district-440305", {get, awards, progress, eligibility}},
        {"finance-funding", {get, eligibility}},
        {"public-portal", {verify}},
        {"ops", {}},
    };
    registry::v1::GetOrganizationRequest get_req;
    get_req.set_name("organizations/NOPE");
    v1::GetProgrammeProgressRequest progress_req;
    progress_req.set_year(2014);
    for (const auto& [principal, methods] : allowed) {
      for (const std::string& m :
           {get, create, awards, progress, eligibility, verify}) {
        const std::string payload = m == progress
                                        ? progress_req.SerializeAsString()
                                        : get_req.SerializeAsString();
        grpc::Status s =
            GenericUnaryCall(gw->channel, m, payload, Key(principal), nullptr);
        if (methods.count(m) > 0) {
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
    EXPECT_EQ(GenericUnaryCall(gw->channel, get, get_req.SerializeAsString(),
                               {}, nullptr)
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
    // Over HTTP: district offices read but do not write; the public and ops
    // read nothing.
    EXPECT_EQ(Http("GET", "/v1/organizations", "district-440305").status, 200);
    EXPECT_EQ(Http("POST", "/v1/organizations", "district-440305", "{}").status,
              403);
    EXPECT_EQ(Http("GET", "/v1/" + kOrg, "public-portal").status, 403);
    EXPECT_EQ(Http("GET", "/v1/progress/2014", "ops").status, 403);
    EXPECT_EQ(Http("GET", "/v1/organizations", "finance-funding").status, 200);
    EXPECT_EQ(Http("GET", "/v1/" + kOrg + "/awards", "finance-funding").status,
              403);
    // An unknown method of a known service: denied for a narrow role,
    // forwarded (and refused by the backend) for a role allowed the whole
    // service.
    EXPECT_EQ(
        GenericUnaryCall(gw->channel, "/qpp.registry.v1.RegistryService/Nope",
                         "", Key("finance-funding"), nullptr)
            .error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
    const grpc::Status nope =
        GenericUnaryCall(gw->channel, "/qpp.registry.v1.RegistryService/Nope",
                         "", Key("programme-office"), nullptr);
    EXPECT_FALSE(nope.ok());
    EXPECT_NE(nope.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }

  // The "limited" principal (2 calls/s, burst 3) gets 429 with retry
  // information, then is served again.
  void RateLimit() {
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
                         "/qpp.registry.v1.RegistryService/ListOrganizations",
                         "", Key("limited"), nullptr)
            .error_code(),
        grpc::StatusCode::RESOURCE_EXHAUSTED);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
    EXPECT_EQ(Http("GET", "/v1/organizations?pageSize=1", "limited").status,
              200);
  }

  // Malformed JSON, unknown fields, wrong types, oversized bodies, bad paths.
  void BadInput() {
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
        {"POST", "/v1/organizations", "{\"displayName\": \"" + big + "\"}",
         413},
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
        {"POST", "/v1/organizations:import", "[]", 501},
    };
    for (const Case& c : cases) {
      HttpResponse r = Http(c.method, c.path, "programme-office", c.body);
      EXPECT_EQ(r.status, c.status)
          << c.method << " " << c.path << " " << r.body;
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
};

class GatewayE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    backend_port_ = qpp::testing::FreePort();
    fake_ = testing::StartFakeRegistry(backend_port_);
    ASSERT_NE(fake_, nullptr);
    gw_ = StartGateway(backend_port_, "fake").release();
    ASSERT_NE(gw_, nullptr);
    ASSERT_TRUE(gw_->WaitServing(true, 10000))
        << ReadFile((gw_->dir / "gateway.log").string());
  }
  static void TearDownTestSuite() {
    if (gw_ != nullptr) {
      gw_->process->Signal(SIGTERM);
      EXPECT_EQ(gw_->process->Wait(10000), 0) << "graceful exit";
      fs::remove_all(gw_->dir);
      delete gw_;
      gw_ = nullptr;
    }
    fake_.reset();
  }

  std::multimap<std::string, std::string> Key(const std::string& principal) {
    return {{"x-api-key", gw_->keys[principal]}};
  }

  HttpResponse Http(const std::string& method, const std::string& path,
                    const std::string& principal, const std::string& body = "",
                    std::map<std::string, std::string> headers = {}) {
    if (!principal.empty()) headers["X-Api-Key"] = gw_->keys[principal];
    HttpClient client(gw_->http_port);
    auto r = client.Send(method, path, headers, body);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  grpc::Status GetOrganization(const std::string& principal, Organization* out,
                               const std::string& name = kOrg) {
    registry::v1::GetOrganizationRequest req;
    req.set_name(name);
    std::string bytes;
    grpc::Status s = GenericUnaryCall(
        gw_->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
        req.SerializeAsString(), Key(principal), &bytes);
    if (s.ok()) out->ParseFromString(bytes);
    return s;
  }

  static int backend_port_;
  static std::unique_ptr<testing::FakeServer> fake_;
  static GatewayProcess* gw_;
};

int GatewayE2E::backend_port_ = 0;
std::unique_ptr<testing::FakeServer> GatewayE2E::fake_;
GatewayProcess* GatewayE2E::gw_ = nullptr;

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
  auto md = Key("finance-funding");
  md.emplace("x-qpp-principal", "programme-office");
  md.emplace("x-request-id", "bad id with spaces");
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  ASSERT_TRUE(
      GenericUnaryCall(gw_->channel,
                       "/qpp.registry.v1.RegistryService/GetOrganization",
                       req.SerializeAsString(), md, nullptr)
          .ok());
  EXPECT_EQ(fake_->service->last_principal(), "finance-funding");
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

TEST_F(GatewayE2E, ClientStreamingIsForwarded) {
  auto stub = registry::v1::RegistryService::NewStub(gw_->channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-api-key", gw_->keys["programme-office"]);
  registry::v1::ImportOrganizationsResponse resp;
  auto writer = stub->ImportOrganizations(&ctx, &resp);
  for (int i = 0; i < 3; ++i) {
    registry::v1::ImportOrganizationsRequest chunk;
    for (int j = 0; j < 10; ++j) *chunk.add_organizations() = Organization();
    ASSERT_TRUE(writer->Write(chunk));
  }
  writer->WritesDone();
  grpc::Status s = writer->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp.received_count(), 30);
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
  EXPECT_EQ(resp.targets(1).current(), 4);
  EXPECT_EQ(resp.targets(1).goal(), 10);
  EXPECT_EQ(resp.targets(1).percent_complete(), 40);
  EXPECT_EQ(resp.targets(3).current(), 420);
  EXPECT_FALSE(resp.targets(4).available());
  EXPECT_EQ(resp.targets(4).unavailable_reason(),
            "source service is not configured");
  EXPECT_EQ(resp.phase_target().goal(), 30);
  EXPECT_EQ(resp.phase_target().current(), 29);
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

TEST_F(GatewayE2E, AuditLogHasOneLinePerCallWithThePrincipal) {
  const std::string run = absl::StrCat("audit-", getpid());
  Http("GET", "/v1/" + kOrg, "finance-funding", "",
       {{"X-Request-Id", run + "-http-ok"}});
  Http("GET", "/v1/" + kOrg, "public-portal", "",
       {{"X-Request-Id", run + "-http-denied"}});
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
       {Want{"-http-ok", "finance-funding", "OK", true},
        Want{"-http-denied", "public-portal", "PERMISSION_DENIED", false},
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

// mTLS: the certificate's subject is the principal.
TEST_F(GatewayE2E, MutualTlsMapsTheCertificateSubjectToAPrincipal) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "needs the openssl command to make test certificates";
  }
  const fs::path dir = gw_->dir / "tls";
  fs::create_directories(dir);
  const std::string d = dir.string();
  const std::string script = absl::StrCat(
      "set -e; cd ", d,
      "; openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "
      "/CN=qpp-test-ca"
      " -keyout ca.key -out ca.pem"
      "; openssl req -newkey rsa:2048 -nodes -subj /CN=localhost"
      " -addext subjectAltName=DNS:localhost -keyout server.key -out server.csr"
      "; openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key"
      " -CAcreateserial -days 1 -copy_extensions copy -out server.pem"
      "; openssl req -newkey rsa:2048 -nodes -subj /CN=funding.czj.sz.gov.cn"
      " -keyout client.key -out client.csr"
      "; openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key"
      " -CAcreateserial -days 1 -out client.pem) > ",
      d, "/openssl.log 2>&1");
  ASSERT_EQ(std::system(("(" + script).c_str()), 0)
      << ReadFile(d + "/openssl.log");

  const int tls_port = qpp::testing::FreePort();
  const int plain_port = qpp::testing::FreePort();
  auto process = qpp::testing::ChildProcess::Start(
      qpp::testing::BinDir() + "/qpp-gateway",
      {absl::StrCat("--listen_address=127.0.0.1:", plain_port),
       absl::StrCat("--tls_listen_address=127.0.0.1:", tls_port),
       "--tls_cert_file=" + d + "/server.pem",
       "--tls_key_file=" + d + "/server.key",
       "--tls_client_ca_file=" + d + "/ca.pem", "--http_address=",
       absl::StrCat("--metrics_address=127.0.0.1:", qpp::testing::FreePort()),
       absl::StrCat("--backends=", kRegistry, "=127.0.0.1:", backend_port_),
       "--api_keys_file=" + (gw_->dir / "keys").string(),
       "--policy_file=" + (gw_->dir / "policy.json").string(),
       "--audit_dir=" + (gw_->dir / "audit-tls").string()},
      {}, d + "/gateway.log");
  ASSERT_TRUE(process.ok());

  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(d + "/ca.pem");
  ssl.pem_private_key = ReadFile(d + "/client.key");
  ssl.pem_cert_chain = ReadFile(d + "/client.pem");
  grpc::ChannelArguments args;
  args.SetSslTargetNameOverride("localhost");
  auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", tls_port),
                                           grpc::SslCredentials(ssl), args);
  registry::v1::GetOrganizationRequest req;
  req.set_name(kOrg);
  grpc::Status s;
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  do {
    s = GenericUnaryCall(channel,
                         "/qpp.registry.v1.RegistryService/GetOrganization",
                         req.SerializeAsString(), {}, nullptr, 1000);
    if (s.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (Clock::now() < deadline);
  EXPECT_TRUE(s.ok()) << s.error_message() << ReadFile(d + "/gateway.log");
  EXPECT_EQ(fake_->service->last_principal(), "cert:funding.czj.sz.gov.cn");
  // The funding system's certificate does not allow writes.
  EXPECT_EQ(GenericUnaryCall(
                channel, "/qpp.registry.v1.RegistryService/CreateOrganization",
                "", {}, nullptr)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // Without a client certificate the handshake fails.
  grpc::SslCredentialsOptions no_cert;
  no_cert.pem_root_certs = ssl.pem_root_certs;
  auto anonymous =
      grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", tls_port),
                                grpc::SslCredentials(no_cert), args);
  EXPECT_FALSE(
      GenericUnaryCall(anonymous,
                       "/qpp.registry.v1.RegistryService/GetOrganization",
                       req.SerializeAsString(), {}, nullptr, 1000)
          .ok());
  (*process)->Signal(SIGTERM);
  EXPECT_EQ((*process)->Wait(10000), 0);
}

// SIGHUP re-reads the keys file: a revoked key stops working at once, the
// others go on; a broken file is refused and changes nothing.
TEST_F(GatewayE2E, SighupRevokesARemovedKey) {
  const std::string path = (gw_->dir / "keys").string();
  const std::string original = ReadFile(path);
  std::string without;
  for (absl::string_view line : absl::StrSplit(original, '\n')) {
    if (!absl::StartsWith(line, "public-portal:")) {
      absl::StrAppend(&without, line, "\n");
    }
  }
  auto public_status = [&] {
    return Http("GET", "/v1/organizations", "public-portal").status;
  };
  ASSERT_EQ(public_status(), 403);  // known, not allowed
  std::ofstream(path) << "this is not a keys file\n";
  gw_->process->Signal(SIGHUP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_EQ(public_status(), 403) << "a broken file must change nothing";
  EXPECT_TRUE(gw_->process->running());

  std::ofstream(path) << without;
  gw_->process->Signal(SIGHUP);
  const auto deadline = Clock::now() + std::chrono::seconds(3);
  while (public_status() != 401 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(public_status(), 401);
  EXPECT_EQ(Http("GET", "/v1/" + kOrg, "programme-office").status, 200);

  std::ofstream(path) << original;
  gw_->process->Signal(SIGHUP);
  const auto back = Clock::now() + std::chrono::seconds(3);
  while (public_status() != 403 && Clock::now() < back) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(public_status(), 403);
}

// Last: it stops and restarts the backend.
TEST_F(GatewayE2E, ZBackendDownGives503QuicklyAndRecovers) {
  fake_->server->Shutdown(std::chrono::system_clock::now());
  fake_.reset();
  Organization o;
  auto start = Clock::now();
  grpc::Status s = GetOrganization("programme-office", &o);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  // The message names no internal address.
  EXPECT_EQ(s.error_message().find("127.0.0.1"), std::string::npos);
  start = Clock::now();
  HttpResponse r = Http("GET", "/v1/" + kOrg, "programme-office");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  EXPECT_TRUE(gw_->WaitServing(false, 5000)) << "health follows the backend";
  EXPECT_EQ(Http("GET", "/healthz", "").status, 503);

  fake_ = testing::StartFakeRegistry(backend_port_);
  ASSERT_NE(fake_, nullptr);
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  bool recovered = false;
  while (Clock::now() < deadline && !recovered) {
    recovered = GetOrganization("programme-office", &o).ok();
    if (!recovered) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(recovered);
  EXPECT_EQ(Http("GET", "/v1/" + kOrg, "programme-office").status, 200);
  EXPECT_TRUE(gw_->WaitServing(true, 5000));
}

// --- Against the real registry on MariaDB -----------------------------------

// A valid USCC with the given 8-digit serial (GB 32100-2015 check character).
std::string MakeUscc(int serial) {
  std::string first17 =
      absl::StrCat("91440300", absl::StrFormat("%08d", serial), "5");
  auto check = validation::UsccCheckCharacter(first17);
  return first17 + std::string(1, check.value_or('0'));
}

class RealRegistryE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const char* host = std::getenv("QPP_TEST_DB_HOST");
    if (host == nullptr || *host == '\0') return;
    const char* port = std::getenv("QPP_TEST_DB_PORT");
    const char* user = std::getenv("QPP_TEST_DB_USER");
    const char* password = std::getenv("QPP_TEST_DB_PASSWORD");
    registry_args_ = {"--metrics_address=", std::string("--db_host=") + host,
                      std::string("--db_port=") + (port ? port : "3306"),
                      std::string("--db_user=") + (user ? user : "qpp"),
                      absl::StrCat("--db_name=qpp_test_gw_", getpid())};
    registry_env_ = {
        {"QPP_DB_PASSWORD", password ? password : ""},
        {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}};
    registry_port_ = qpp::testing::FreePort();
    StartRegistry();
    gw_ = StartGateway(registry_port_, "real").release();
  }

  static void StartRegistry() {
    std::vector<std::string> args = registry_args_;
    args.push_back(absl::StrCat("--listen_address=127.0.0.1:", registry_port_));
    auto child = qpp::testing::ChildProcess::Start(
        qpp::testing::BinDir() + "/qpp-registry", args, registry_env_,
        (fs::temp_directory_path() /
         absl::StrCat("qpp_gw_e2e_registry_", getpid(), ".log"))
            .string());
    ASSERT_TRUE(child.ok()) << child.status();
    registry_ = child->release();
  }

  static void TearDownTestSuite() {
    if (gw_ != nullptr) {
      gw_->process->Signal(SIGTERM);
      gw_->process->Wait(10000);
      fs::remove_all(gw_->dir);
      delete gw_;
      gw_ = nullptr;
    }
    if (registry_ != nullptr) {
      registry_->Signal(SIGTERM);
      registry_->Wait(10000);
      delete registry_;
      registry_ = nullptr;
    }
  }

  void SetUp() override {
    if (gw_ == nullptr) {
      if (qpp::testing::TestDatabaseRequired()) {
        FAIL() << "QPP_TEST_REQUIRE_DB=1 but QPP_TEST_DB_HOST is unset";
      }
      GTEST_SKIP() << "set QPP_TEST_DB_* to run against the real registry";
    }
    ASSERT_TRUE(gw_->WaitServing(true, 30000))
        << ReadFile((gw_->dir / "gateway.log").string());
  }

  std::multimap<std::string, std::string> Key(const std::string& principal) {
    return {{"x-api-key", gw_->keys[principal]}};
  }

  HttpResponse Http(const std::string& method, const std::string& path,
                    const std::string& principal,
                    const std::string& body = "") {
    HttpClient client(gw_->http_port);
    auto r =
        client.Send(method, path, {{"X-Api-Key", gw_->keys[principal]}}, body);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : HttpResponse{};
  }

  static std::vector<std::string> registry_args_;
  static std::map<std::string, std::string> registry_env_;
  static int registry_port_;
  static qpp::testing::ChildProcess* registry_;
  static GatewayProcess* gw_;
};

std::vector<std::string> RealRegistryE2E::registry_args_;
std::map<std::string, std::string> RealRegistryE2E::registry_env_;
int RealRegistryE2E::registry_port_ = 0;
qpp::testing::ChildProcess* RealRegistryE2E::registry_ = nullptr;
GatewayProcess* RealRegistryE2E::gw_ = nullptr;

TEST_F(RealRegistryE2E, CreateOverHttpReadOverGrpcAndHttpAndDirectlyAgree) {
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
                  req.SerializeAsString(), Key("finance-funding"), &via_gateway)
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
  // Authorisation still applies.
  EXPECT_EQ(Http("POST", "/v1/organizations", "district-440305", "{}").status,
            403);

  // Programme progress reads the registry's real counts.
  HttpResponse progress = Http("GET", "/v1/progress/2026", "programme-office");
  ASSERT_EQ(progress.status, 200) << progress.body;
  v1::ProgrammeProgress p;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(progress.body, &p).ok());
  ASSERT_EQ(p.targets_size(), 5);
  EXPECT_TRUE(p.targets(3).available()) << p.targets(3).unavailable_reason();

  // The audit log names the principal and the resource.
  int lines = 0;
  for (const std::string& line : gw_->AuditLines()) {
    if (line.find(name) != std::string::npos &&
        line.find("\"principal\":\"finance-funding\"") != std::string::npos) {
      ++lines;
    }
  }
  EXPECT_EQ(lines, 1);
}

TEST_F(RealRegistryE2E, AuthorisationMatrix) {
  GatewayChecks{gw_}.AuthorisationMatrix();
}

TEST_F(RealRegistryE2E, RateLimitGives429ThenRecovers) {
  GatewayChecks{gw_}.RateLimit();
}

TEST_F(RealRegistryE2E, BadInputGets400ClassErrorsAndNeverACrash) {
  GatewayChecks{gw_}.BadInput();
}

TEST_F(RealRegistryE2E, DeadlineShorterThanTheWorkIsDeadlineExceeded) {
  GatewayChecks checks{gw_};
  HttpResponse r =
      checks.Http("GET", "/v1/organizations?pageSize=1000", "programme-office",
                  "", {{"Grpc-Timeout", "1u"}});
  EXPECT_EQ(r.status, 504) << r.body;
  EXPECT_NE(r.body.find("\"code\":4"), std::string::npos) << r.body;
}

TEST_F(RealRegistryE2E, RegistryKilledGives503WithinASecondAndRecovers) {
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

}  // namespace
}  // namespace qpp::gateway
