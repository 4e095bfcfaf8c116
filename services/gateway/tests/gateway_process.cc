#include "services/gateway/tests/gateway_process.h"

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "qpp/gateway/v1/gateway_config.pb.h"
#include "services/gateway/src/api_keys.h"

namespace qpp::gateway::testing {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool GatewayProcess::Serving() const {
  auto stub = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() +
                   std::chrono::milliseconds(500));
  grpc::health::v1::HealthCheckRequest req;
  grpc::health::v1::HealthCheckResponse resp;
  return stub->Check(&ctx, req, &resp).ok() &&
         resp.status() == grpc::health::v1::HealthCheckResponse::SERVING;
}

bool GatewayProcess::WaitServing(bool want, int timeout_ms) const {
  const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (Clock::now() < end) {
    if (Serving() == want) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::vector<std::string> GatewayProcess::AuditLines() const {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir / "audit")) {
    for (absl::string_view line :
         absl::StrSplit(ReadFile(e.path().string()), '\n', absl::SkipEmpty())) {
      out.emplace_back(line);
    }
  }
  return out;
}

// Starts qpp-gateway routing the registry to `backend_port`, with keys for
// principals of the shipped policy plus "limited" (programme office rights,
// 2 calls/s, burst 3) and the test-only registry reader.
std::unique_ptr<GatewayProcess> StartGateway(
    int backend_port, const std::string& name,
    const std::map<std::string, int>& more_backends) {
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
  // A city-wide, read-only reader of organisations, which no shipped role
  // is: the tests' principal for plain registry reads (by key, and by the
  // client certificate of the mutual TLS test).
  auto* reader_role = policy.add_roles();
  reader_role->set_name("registry_reader");
  reader_role->set_description("Tests only: reads organisations.");
  for (const char* method : {"GetOrganization", "BatchGetOrganizations",
                             "ListOrganizations", "ListOrganizationChanges"}) {
    reader_role->add_allow(absl::StrCat(kRegistry, "/", method));
  }
  for (const char* id : {kRegistryReader, kRegistryReaderCertificate}) {
    auto* reader = policy.add_principals();
    reader->set_id(id);
    reader->add_roles("registry_reader");
  }
  std::string policy_json;
  EXPECT_TRUE(
      google::protobuf::util::MessageToJsonString(policy, &policy_json).ok());
  std::ofstream(gw->dir / "policy.json") << policy_json;

  std::string keys_file;
  for (const char* p :
       {"programme-office", "district-440304", "district-440305",
        "finance-funding", "procurement-platform", "public-portal", "ops",
        "limited", kRegistryReader}) {
    auto k = GenerateKey(p);
    EXPECT_TRUE(k.ok());
    gw->keys[p] = k->key;
    absl::StrAppend(&keys_file, k->entry, "\n");
  }
  std::ofstream(gw->dir / "keys") << keys_file;

  std::string backends = absl::StrCat(kRegistry, "=127.0.0.1:", backend_port);
  for (const auto& [service, port] : more_backends) {
    absl::StrAppend(&backends, ",", service, "=127.0.0.1:", port);
  }
  gw->grpc_port = qpp::testing::FreePort();
  gw->http_port = qpp::testing::FreePort();
  gw->metrics_port = qpp::testing::FreePort();
  auto process = qpp::testing::ChildProcess::Start(
      qpp::testing::BinDir() + "/qpp-gateway",
      {absl::StrCat("--listen_address=127.0.0.1:", gw->grpc_port),
       absl::StrCat("--http_address=127.0.0.1:", gw->http_port),
       absl::StrCat("--metrics_address=127.0.0.1:", gw->metrics_port),
       "--backends=" + backends,
       "--api_keys_file=" + (gw->dir / "keys").string(),
       "--policy_file=" + (gw->dir / "policy.json").string(),
       "--audit_dir=" + (gw->dir / "audit").string(), "--max_deadline_ms=1500",
       "--default_deadline_ms=1000", "--max_http_body_bytes=65536",
       "--http_threads=8",
       // Every principal's refused calls come from this one address; the
       // refusal budget and its audit bound have tests of their own
       // (refusal_budget_test.cc, edge_test.cc).
       "--refused_calls_burst=1000", "--refused_audit_lines_per_address=1000"},
      {}, (gw->dir / "gateway.log").string());
  EXPECT_TRUE(process.ok()) << process.status();
  if (!process.ok()) return nullptr;
  gw->process = *std::move(process);
  gw->channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", gw->grpc_port),
                                    grpc::InsecureChannelCredentials());
  return gw;
}

}  // namespace qpp::gateway::testing
