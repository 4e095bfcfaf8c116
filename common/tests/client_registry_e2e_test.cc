// The shared client against the real qpp-registry binary on a real MariaDB:
// a Create and a Get through a ServiceClient, the registry's NOT_FOUND kept
// with its ErrorInfo reason, and UNAVAILABLE naming the registry (not its
// address) once the binary has stopped. The client is wrapped the way every
// calling service wraps it: a small interface of the caller's own over the
// callee's generated stub.

#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/client/channel.h"
#include "common/client/service_client.h"
#include "common/crypto/cipher.h"
#include "common/status/status.h"
#include "common/testing/process.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "common/tests/client_test_util.h"
#include "common/validation/uscc.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/migrations.h"

namespace qpp::client {
namespace {

namespace health = ::grpc::health::v1;
namespace v1 = ::qpp::registry::v1;

// What a calling service (e.g. training) declares: only the calls it needs,
// in its own terms, so that its domain tests can fake them.
class RegistryClient {
 public:
  virtual ~RegistryClient() = default;
  // The organisation with this USCC. NOT_FOUND (reason NOT_FOUND) if the
  // registry has none; UNAVAILABLE, DEADLINE_EXCEEDED when the registry
  // cannot answer.
  virtual absl::StatusOr<v1::Organization> GetOrganization(
      const RequestContext& context, absl::string_view uscc) = 0;
  // Registers an organisation; the registry's validation errors as it
  // reports them (INVALID_ARGUMENT with field violations, ALREADY_EXISTS).
  virtual absl::StatusOr<v1::Organization> CreateOrganization(
      const RequestContext& context, const v1::Organization& organization) = 0;
};

// Its implementation over the generated stub and the shared client.
class GrpcRegistryClient final : public RegistryClient {
 public:
  GrpcRegistryClient(std::shared_ptr<grpc::Channel> channel,
                     prometheus::Registry& metrics)
      : client_(std::move(channel), DescriptorOf<v1::RegistryService>(),
                Options(), metrics),
        stub_(v1::RegistryService::NewStub(client_.channel())) {}

  absl::StatusOr<v1::Organization> GetOrganization(
      const RequestContext& context, absl::string_view uscc) override {
    v1::GetOrganizationRequest request;
    request.set_name(absl::StrCat("organizations/", uscc));
    v1::Organization organization;
    QPP_RETURN_IF_ERROR(client_.Call(
        context, "GetOrganization", stub_.get(),
        &v1::RegistryService::Stub::GetOrganization, request, &organization));
    return organization;
  }

  absl::StatusOr<v1::Organization> CreateOrganization(
      const RequestContext& context,
      const v1::Organization& organization) override {
    v1::CreateOrganizationRequest request;
    *request.mutable_organization() = organization;
    v1::Organization created;
    QPP_RETURN_IF_ERROR(client_.Call(
        context, "CreateOrganization", stub_.get(),
        &v1::RegistryService::Stub::CreateOrganization, request, &created));
    return created;
  }

 private:
  static ClientOptions Options() {
    ClientOptions options;
    options.display_name = "registry";
    return options;
  }

  ServiceClient client_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

class ClientRegistryE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = qpp::testing::TestDatabase::Create("client_e2e",
                                                      registry::Migrations());
    ASSERT_TRUE(created.ok()) << created.status();
    db_ = std::move(*created);
    QPP_SKIP_WITHOUT_DB(db_);
    qpp::testing::ServiceProcessOptions options;
    options.binary = "qpp-registry";
    options.db = db_->options().connection;
    options.health_service = v1::RegistryService::service_full_name();
    auto started = qpp::testing::ServiceProcess::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    registry_ = std::move(*started);
    ASSERT_TRUE(registry_->WaitServing(absl::Seconds(15))) << registry_->Log();
  }

  std::string address() const { return registry_->address(); }

  std::unique_ptr<qpp::testing::TestDatabase> db_;
  std::unique_ptr<qpp::testing::ServiceProcess> registry_;
};

TEST_F(ClientRegistryE2eTest, CreatesGetsAndReportsTheRegistryByName) {
  auto channel = MakeChannel([&] {
    ChannelOptions options;
    options.address = address();
    return options;
  }());
  ASSERT_TRUE(channel.ok()) << channel.status();
  prometheus::Registry metrics;
  GrpcRegistryClient registry(*channel, metrics);
  RequestContext context;
  context.set_timeout(absl::Seconds(10)).set_request_id("client-e2e-1");
  context.mutable_principal().name = "programme-office";

  v1::Organization organization;
  organization.set_uscc(Uscc(1));
  organization.set_display_name("深圳市客户端测试科技有限公司");
  organization.set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
  organization.set_district_code("440305");
  organization.set_industry_code("65");
  organization.set_employees(150);
  organization.set_annual_revenue_yuan(20'000'000);
  organization.set_total_assets_yuan(10'000'000);
  auto created = registry.CreateOrganization(context, organization);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->name(), "organizations/" + Uscc(1));

  auto got = registry.GetOrganization(context, Uscc(1));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->display_name(), "深圳市客户端测试科技有限公司");
  EXPECT_EQ(got->etag(), created->etag());

  // The registry's NOT_FOUND arrives as NOT_FOUND with its reason and its
  // own message.
  auto missing = registry.GetOrganization(context, Uscc(2));
  ASSERT_EQ(missing.status().code(), absl::StatusCode::kNotFound)
      << missing.status();
  EXPECT_EQ(status::ReasonOf(missing.status()), "NOT_FOUND");
  EXPECT_NE(missing.status().message().find(Uscc(2)), std::string::npos)
      << missing.status();

  // Both ends counted the calls.
  const std::string service = v1::RegistryService::service_full_name();
  EXPECT_EQ(testing::SeriesValue(metrics, "grpc_client_handled_total",
                                 {{"grpc_service", service},
                                  {"grpc_method", "GetOrganization"},
                                  {"grpc_code", "NOT_FOUND"}}),
            1);
  EXPECT_EQ(testing::SeriesValue(metrics, "grpc_client_handled_total",
                                 {{"grpc_service", service},
                                  {"grpc_method", "GetOrganization"},
                                  {"grpc_code", "OK"}}),
            1);
  auto body = qpp::testing::HttpGet(registry_->metrics_port(), "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_NE(body->find("grpc_server_handled_total{grpc_code=\"OK\","
                       "grpc_method=\"CreateOrganization\""),
            std::string::npos);
  // (The registry does not yet log or act on x-request-id and
  // x-qpp-principal, so their arrival is shown by the fake callee of
  // client_test.cc.)

  // Stopped, the registry is reported by its name, not by its address.
  registry_->process().Signal(SIGTERM);
  ASSERT_EQ(registry_->process().Wait(25000), 0) << registry_->Log();
  auto gone = registry.GetOrganization(context, Uscc(1));
  EXPECT_EQ(gone.status().code(), absl::StatusCode::kUnavailable)
      << gone.status();
  EXPECT_EQ(gone.status().message(),
            "registry is unavailable; try again later");
  EXPECT_EQ(testing::SeriesValue(metrics, "grpc_client_handled_total",
                                 {{"grpc_service", service},
                                  {"grpc_method", "GetOrganization"},
                                  {"grpc_code", "UNAVAILABLE"}}),
            1);
}

}  // namespace
}  // namespace qpp::client
