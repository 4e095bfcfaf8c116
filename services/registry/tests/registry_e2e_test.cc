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
#include "common/crypto/cipher.h"
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

TEST_F(RegistryE2eTest, KeyCommandsRunBesideTheServiceAndGuardRetirement) {
  ASSERT_TRUE(WaitServing(absl::Seconds(15))) << Log();
  registry_->process().Signal(SIGTERM);
  ASSERT_EQ(registry_->process().Wait(30000), 0) << Log();
  const std::string key1 = crypto::DataCipher::GenerateKeyring();  // "1:…"
  const std::string key2 =
      "2" + crypto::DataCipher::GenerateKeyring().substr(1);
  auto run = [&](const std::string& keyring, std::vector<std::string> args) {
    testing::ServiceProcessOptions options;
    options.binary = "qpp-registry";
    options.db = db_->options().connection;
    options.health_service = "qpp.registry.v1.RegistryService";
    options.env = {{"QPP_DATA_KEYRING", keyring}};
    options.args = std::move(args);
    auto started = testing::ServiceProcess::Start(std::move(options));
    EXPECT_TRUE(started.ok()) << started.status();
    return started.ok() ? std::move(*started) : nullptr;
  };

  // An organisation with a contact, sealed under key 1.
  auto service = run(key1, {});
  ASSERT_NE(service, nullptr);
  ASSERT_TRUE(service->WaitServing(absl::Seconds(15))) << service->Log();
  auto stub =
      v1::RegistryService::NewStub(testing::FreshChannel(service->address()));
  {
    grpc::ClientContext ctx;
    v1::CreateOrganizationRequest req;
    v1::Organization* org = req.mutable_organization();
    org->set_uscc("914403001922038216");
    org->set_display_name("深圳市密钥轮换测试有限公司");
    org->set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
    org->set_district_code("440305");
    org->set_industry_code("3921");
    org->add_contacts()->set_display_name("欧阳娜娜");
    org->mutable_contacts(0)->set_phone("13812345678");
    v1::Organization out;
    ASSERT_TRUE(stub->CreateOrganization(&ctx, req, &out).ok());
  }
  service->process().Signal(SIGTERM);
  ASSERT_EQ(service->process().Wait(30000), 0) << service->Log();

  // The service runs with keys 1 and 2; the commands run beside it.
  const std::string both = key1 + "," + key2;
  service = run(both, {});
  ASSERT_NE(service, nullptr);
  ASSERT_TRUE(service->WaitServing(absl::Seconds(15))) << service->Log();
  auto retire1 = run(both, {"--check_key_retirement=1"});
  EXPECT_EQ(retire1->process().Wait(30000), 1) << retire1->Log();
  EXPECT_NE(retire1->Log().find("still seals the contacts of 1"),
            std::string::npos)
      << retire1->Log();
  auto reencrypt = run(both, {"--reencrypt_contacts"});
  EXPECT_EQ(reencrypt->process().Wait(30000), 0) << reencrypt->Log();
  retire1 = run(both, {"--check_key_retirement=1"});
  EXPECT_EQ(retire1->process().Wait(30000), 0) << retire1->Log();
  auto retire2 = run(both, {"--check_key_retirement=2"});
  EXPECT_EQ(retire2->process().Wait(30000), 1) << retire2->Log();

  // The serving process still reads the re-encrypted contacts.
  EXPECT_TRUE(service->process().running());
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-qpp-principal", "programme-office");
  v1::RevealContactsRequest req;
  req.set_name("organizations/914403001922038216");
  req.set_reason("key rotation check");
  v1::RevealContactsResponse resp;
  stub =
      v1::RegistryService::NewStub(testing::FreshChannel(service->address()));
  ASSERT_TRUE(stub->RevealContacts(&ctx, req, &resp).ok());
  ASSERT_EQ(resp.contacts_size(), 1);
  EXPECT_EQ(resp.contacts(0).phone(), "13812345678");
}

}  // namespace
}  // namespace qpp::registry
