// Starts the real qpp-registry binary on a real MariaDB and checks what
// operators and other systems rely on: health, reflection, metrics that
// Prometheus accepts, a real call, and a clean stop on SIGTERM.

#include <signal.h>

#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/testing/process.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/migrations.h"

namespace qpp::registry {
namespace {

namespace health = ::grpc::health::v1;
namespace reflection = ::grpc::reflection::v1alpha;

class RegistryE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto created = testing::TestDatabase::Create("registry_e2e", Migrations());
    ASSERT_TRUE(created.ok()) << created.status();
    db_ = std::move(*created);
    QPP_SKIP_WITHOUT_DB(db_);
    testing::ServiceProcessOptions options;
    options.binary = "qpp-registry";
    options.db = db_->options().connection;
    options.health_service = "qpp.registry.v1.RegistryService";
    auto started = testing::ServiceProcess::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    registry_ = std::move(*started);
  }

  // Waits for SERVING, then opens channel_.
  bool WaitServing(absl::Duration timeout) {
    if (!registry_->WaitServing(timeout)) return false;
    channel_ = testing::FreshChannel(registry_->address());
    return true;
  }

  std::string Log() { return registry_->Log(); }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<testing::ServiceProcess> registry_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(RegistryE2eTest, ServesHealthReflectionMetricsAndStopsCleanly) {
  ASSERT_TRUE(WaitServing(absl::Seconds(15))) << Log();

  // Reflection lists the registry service.
  {
    auto stub = reflection::ServerReflection::NewStub(channel_);
    grpc::ClientContext ctx;
    auto stream = stub->ServerReflectionInfo(&ctx);
    reflection::ServerReflectionRequest req;
    req.set_list_services("*");
    ASSERT_TRUE(stream->Write(req));
    reflection::ServerReflectionResponse resp;
    ASSERT_TRUE(stream->Read(&resp));
    stream->WritesDone();
    bool found = false;
    for (const auto& s : resp.list_services_response().service()) {
      found |= s.name() == "qpp.registry.v1.RegistryService";
    }
    EXPECT_TRUE(found);
    (void)stream->Finish();
  }

  // A real call: an unknown organisation is NOT_FOUND.
  {
    auto stub = v1::RegistryService::NewStub(channel_);
    grpc::ClientContext ctx;
    v1::GetOrganizationRequest req;
    req.set_name("organizations/914403001922038216");
    v1::Organization org;
    EXPECT_EQ(stub->GetOrganization(&ctx, req, &org).error_code(),
              grpc::StatusCode::NOT_FOUND);
  }

  // /metrics has the RED series with the call above, and promtool accepts it.
  auto body = testing::HttpGet(registry_->metrics_port(), "/metrics");
  ASSERT_TRUE(body.ok()) << body.status();
  EXPECT_NE(body->find("grpc_server_handled_total{grpc_code=\"NOT_FOUND\","
                       "grpc_method=\"GetOrganization\""),
            std::string::npos);
  EXPECT_NE(body->find("qpp_db_pool_connections"), std::string::npos);
  EXPECT_NE(body->find("qpp_build_info"), std::string::npos);
  const std::string metrics_file =
      absl::StrCat(::testing::TempDir(), "/registry_metrics.txt");
  std::ofstream(metrics_file) << *body;
  if (system("command -v promtool >/dev/null 2>&1") == 0) {
    const int rc =
        system(absl::StrCat("promtool check metrics < ", metrics_file).c_str());
    EXPECT_EQ(rc, 0) << "promtool rejected /metrics";
  } else {
    ADD_FAILURE() << "promtool is not installed (Debian package prometheus)";
  }

  // SIGTERM: stops accepting, drains, exits 0.
  registry_->process().Signal(SIGTERM);
  EXPECT_EQ(registry_->process().Wait(25000), 0) << Log();
  EXPECT_NE(Log().find("server stopped"), std::string::npos);
}

// Raw bytes to `method` over a generic stub; the status code.
grpc::StatusCode CallRaw(std::shared_ptr<grpc::Channel> channel,
                         const std::string& method, const std::string& bytes) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request(&slice, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response,
                 [&](grpc::Status s) {
                   std::lock_guard<std::mutex> lock(mu);
                   status = std::move(s);
                   done = true;
                   cv.notify_all();
                 });
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return done; });
  return status.error_code();
}

TEST_F(RegistryE2eTest, UnknownMethodsAreUnimplementedAndGarbageIsInvalid) {
  ASSERT_TRUE(WaitServing(absl::Seconds(15))) << Log();
  EXPECT_EQ(
      CallRaw(channel_, "/qpp.registry.v1.RegistryService/NoSuchMethod", ""),
      grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_EQ(CallRaw(channel_, "/qpp.registry.v1.NoSuchService/GetThing", ""),
            grpc::StatusCode::UNIMPLEMENTED);
  // Field 1 (name) as a string holding invalid UTF-8: gRPC cannot parse it.
  EXPECT_EQ(
      CallRaw(channel_, "/qpp.registry.v1.RegistryService/GetOrganization",
              std::string("\x0a\x02\xff\xfe", 4)),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(RegistryE2eTest, RefusesToStartWithoutADataKey) {
  // A second instance without a keyring must not start serving.
  testing::ServiceProcessOptions options;
  options.binary = "qpp-registry";
  options.db = db_->options().connection;
  options.env = {{"QPP_DATA_KEYRING", ""}};
  auto child = testing::ServiceProcess::Start(std::move(options));
  ASSERT_TRUE(child.ok());
  EXPECT_EQ((*child)->process().Wait(15000), 1);
}

TEST_F(RegistryE2eTest, RefusesAPlaintextListenerBeyondLoopback) {
  // Anything that reaches a service's port could call it: without mTLS a
  // service listens on loopback only.
  testing::ServiceProcessOptions options;
  options.binary = "qpp-registry";
  options.db = db_->options().connection;
  options.args = {
      absl::StrCat("--listen_address=0.0.0.0:", testing::FreePort())};
  auto child = testing::ServiceProcess::Start(std::move(options));
  ASSERT_TRUE(child.ok());
  EXPECT_EQ((*child)->process().Wait(15000), 1);
  EXPECT_NE((*child)->Log().find("without mTLS"), std::string::npos)
      << (*child)->Log();
}

}  // namespace
}  // namespace qpp::registry
