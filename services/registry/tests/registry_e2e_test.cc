// Starts the real qpp-registry binary on a real MariaDB and checks what
// operators and other systems rely on: health, reflection, metrics that
// Prometheus accepts, a real call, and a clean stop on SIGTERM.

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/crypto/cipher.h"
#include "common/testing/process.h"
#include "common/testing/test_db.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
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
    grpc_port_ = testing::FreePort();
    metrics_port_ = testing::FreePort();
    const auto& c = db_->options().connection;
    log_path_ = absl::StrCat(::testing::TempDir(), "/registry_e2e.log");
    auto child = testing::ChildProcess::Start(
        testing::BinDir() + "/qpp-registry",
        {absl::StrCat("--listen_address=127.0.0.1:", grpc_port_),
         absl::StrCat("--metrics_address=127.0.0.1:", metrics_port_),
         "--db_host=" + c.host, absl::StrCat("--db_port=", c.port),
         "--db_user=" + c.user, "--db_name=" + c.database},
        {{"QPP_DB_PASSWORD", c.password},
         {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}},
        log_path_);
    ASSERT_TRUE(child.ok()) << child.status();
    process_ = std::move(*child);
  }

  // A channel of its own (no shared subchannel), so a connection attempt
  // made while the server was still starting does not linger in backoff.
  std::shared_ptr<grpc::Channel> FreshChannel() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", grpc_port_),
                                     grpc::InsecureChannelCredentials(), args);
  }

  std::string Log() {
    std::ifstream in(log_path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  // Polls grpc.health.v1 until SERVING or the timeout, then opens channel_.
  bool WaitServing(int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      auto stub = health::Health::NewStub(FreshChannel());
      grpc::ClientContext ctx;
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::milliseconds(500));
      health::HealthCheckRequest req;
      req.set_service("qpp.registry.v1.RegistryService");
      health::HealthCheckResponse resp;
      if (stub->Check(&ctx, req, &resp).ok() &&
          resp.status() == health::HealthCheckResponse::SERVING) {
        channel_ = FreshChannel();
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<testing::ChildProcess> process_;
  std::shared_ptr<grpc::Channel> channel_;
  std::string log_path_;
  int grpc_port_ = 0;
  int metrics_port_ = 0;
};

TEST_F(RegistryE2eTest, ServesHealthReflectionMetricsAndStopsCleanly) {
  ASSERT_TRUE(WaitServing(15000)) << Log();

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
  auto body = testing::HttpGet(metrics_port_, "/metrics");
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
  process_->Signal(SIGTERM);
  EXPECT_EQ(process_->Wait(25000), 0) << Log();
  EXPECT_NE(Log().find("server stopped"), std::string::npos);
}

TEST_F(RegistryE2eTest, RefusesToStartWithoutADataKey) {
  // A second instance without a keyring must not start serving.
  const auto& c = db_->options().connection;
  auto child = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-registry",
      {absl::StrCat("--listen_address=127.0.0.1:", testing::FreePort()),
       "--metrics_address=", "--db_host=" + c.host,
       absl::StrCat("--db_port=", c.port), "--db_user=" + c.user,
       "--db_name=" + c.database},
      {{"QPP_DB_PASSWORD", c.password}, {"QPP_DATA_KEYRING", ""}},
      absl::StrCat(::testing::TempDir(), "/registry_nokey.log"));
  ASSERT_TRUE(child.ok());
  EXPECT_EQ((*child)->Wait(15000), 1);
}

}  // namespace
}  // namespace qpp::registry
