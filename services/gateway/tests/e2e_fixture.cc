#include "services/gateway/tests/e2e_fixture.h"

#include <signal.h>

#include <filesystem>

#include "common/testing/process.h"
#include "qpp/registry/v1/registry_service.pb.h"

namespace qpp::gateway::testing {

int GatewayE2E::backend_port_ = 0;
std::unique_ptr<FakeServer> GatewayE2E::fake_;
GatewayProcess* GatewayE2E::gw_ = nullptr;

void GatewayE2E::SetUpTestSuite() {
  backend_port_ = qpp::testing::FreePort();
  fake_ = testing::StartFakeRegistry(backend_port_);
  ASSERT_NE(fake_, nullptr);
  gw_ = StartGateway(backend_port_, "fake").release();
  ASSERT_NE(gw_, nullptr);
  ASSERT_TRUE(gw_->WaitServing(true, 10000))
      << ReadFile((gw_->dir / "gateway.log").string());
}

void GatewayE2E::TearDownTestSuite() {
  if (gw_ != nullptr) {
    gw_->process->Signal(SIGTERM);
    EXPECT_EQ(gw_->process->Wait(10000), 0) << "graceful exit";
    std::filesystem::remove_all(gw_->dir);
    delete gw_;
    gw_ = nullptr;
  }
  fake_.reset();
}

std::multimap<std::string, std::string> GatewayE2E::Key(
    const std::string& principal) {
  return {{"x-api-key", gw_->keys[principal]}};
}

HttpResponse GatewayE2E::Http(const std::string& method,
                              const std::string& path,
                              const std::string& principal,
                              const std::string& body,
                              std::map<std::string, std::string> headers) {
  if (!principal.empty()) headers["X-Api-Key"] = gw_->keys[principal];
  HttpClient client(gw_->http_port);
  auto r = client.Send(method, path, headers, body);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : HttpResponse{};
}

grpc::Status GatewayE2E::GetOrganization(const std::string& principal,
                                         registry::v1::Organization* out,
                                         const std::string& name) {
  registry::v1::GetOrganizationRequest req;
  req.set_name(name);
  std::string bytes;
  grpc::Status s = GenericUnaryCall(
      gw_->channel, "/qpp.registry.v1.RegistryService/GetOrganization",
      req.SerializeAsString(), Key(principal), &bytes);
  if (s.ok()) out->ParseFromString(bytes);
  return s;
}

nlohmann::json GatewayE2E::AuditRecord(const std::string& request_id) {
  nlohmann::json found;
  int count = 0;
  for (const std::string& line : gw_->AuditLines()) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
    if (!j.is_discarded() && j.value("request_id", "") == request_id) {
      found = std::move(j);
      ++count;
    }
  }
  EXPECT_EQ(count, 1) << request_id;
  return found.is_null() ? nlohmann::json::object() : found;
}

}  // namespace qpp::gateway::testing
