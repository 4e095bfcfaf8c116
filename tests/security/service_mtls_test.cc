// Only the gateway and a service's declared callers can call it: the real
// qpp-registry binary with mTLS and an allow list, certificates from
// deploy/local/certs.sh (the script the local run uses). Plaintext, no
// client certificate, a certificate of the right CA but not on the list,
// and a look-alike certificate from another CA are all refused before any
// call runs; the gateway and training get answers; the plaintext health
// port answers health and nothing else.

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/testing/process.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/migrations.h"

namespace qpp {
namespace {

namespace v1 = ::qpp::registry::v1;
namespace health = ::grpc::health::v1;

constexpr char kUnknownOrganization[] = "organizations/914403001922038216";

// Runs deploy/local/certs.sh DIR NAMES; false if it failed.
bool MakeCertificates(const std::string& dir, const std::string& names) {
  const std::string script =
      std::string(QPP_SOURCE_DIR) + "/deploy/local/certs.sh";
  return std::system(
             absl::StrCat("bash ", script, " ", dir, " ", names).c_str()) == 0;
}

class ServiceMtlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(
        absl::StrCat(::testing::TempDir(), "/mtls-", testing::FreePort()));
    ASSERT_TRUE(
        MakeCertificates(*dir_ + "/ca", "registry gateway training intruder"));
    // Another CA that also issues a "qpp-gateway" certificate.
    ASSERT_TRUE(MakeCertificates(*dir_ + "/rogue", "gateway"));
  }

  void SetUp() override {
    auto created =
        testing::TestDatabase::Create("mtls", registry::Migrations());
    ASSERT_TRUE(created.ok()) << created.status();
    db_ = std::move(*created);
    QPP_SKIP_WITHOUT_DB(db_);
    const std::string ca = *dir_ + "/ca";
    testing::ServiceProcessOptions options;
    options.binary = "qpp-registry";
    options.db = db_->options().connection;
    options.health_service = v1::RegistryService::service_full_name();
    options.health_port = true;
    options.args = {"--tls_cert_file=" + ca + "/registry.crt",
                    "--tls_key_file=" + ca + "/registry.key",
                    "--tls_client_ca_file=" + ca + "/ca.crt",
                    "--allowed_callers=qpp-gateway,qpp-training"};
    auto started = testing::ServiceProcess::Start(std::move(options));
    ASSERT_TRUE(started.ok()) << started.status();
    registry_ = std::move(*started);
    ASSERT_TRUE(registry_->WaitServing(absl::Seconds(20))) << registry_->Log();
  }

  // GetOrganization of an unknown organisation over a channel with the
  // given client certificate ("" for none) from `ca_dir`; the status code.
  // A caller that gets through hears NOT_FOUND.
  grpc::StatusCode Call(const std::string& ca_dir, const std::string& name) {
    client::ChannelOptions options;
    options.address = registry_->address();
    options.tls_ca_file = *dir_ + "/ca/ca.crt";  // to trust the registry
    if (!name.empty()) {
      options.tls_cert_file = ca_dir + "/" + name + ".crt";
      options.tls_key_file = ca_dir + "/" + name + ".key";
    }
    auto channel = client::MakeChannel(options);
    EXPECT_TRUE(channel.ok()) << channel.status();
    if (!channel.ok()) return grpc::StatusCode::INTERNAL;
    return CallOn(*channel);
  }

  static grpc::StatusCode CallOn(std::shared_ptr<grpc::Channel> channel) {
    auto stub = v1::RegistryService::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(5));
    v1::GetOrganizationRequest request;
    request.set_name(kUnknownOrganization);
    v1::Organization organization;
    return stub->GetOrganization(&ctx, request, &organization).error_code();
  }

  static std::string* dir_;
  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<testing::ServiceProcess> registry_;
};

std::string* ServiceMtlsTest::dir_ = nullptr;

TEST_F(ServiceMtlsTest, DeclaredCallersGetThrough) {
  EXPECT_EQ(Call(*dir_ + "/ca", "gateway"), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Call(*dir_ + "/ca", "training"), grpc::StatusCode::NOT_FOUND);
}

TEST_F(ServiceMtlsTest, PlaintextIsRefused) {
  EXPECT_EQ(CallOn(testing::FreshChannel(registry_->address())),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServiceMtlsTest, TlsWithoutAClientCertificateIsRefused) {
  EXPECT_EQ(Call("", ""), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServiceMtlsTest, ACertificateNotOnTheAllowListIsRefused) {
  EXPECT_EQ(Call(*dir_ + "/ca", "intruder"), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(registry_->Log().find("qpp-intruder"), std::string::npos)
      << registry_->Log();
}

TEST_F(ServiceMtlsTest, ALookAlikeFromAnotherCaIsRefused) {
  EXPECT_EQ(Call(*dir_ + "/rogue", "gateway"), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ServiceMtlsTest, TheHealthPortAnswersHealthOnly) {
  auto channel = testing::FreshChannel(
      absl::StrCat("127.0.0.1:", registry_->health_port()));
  auto stub = health::Health::NewStub(channel);
  grpc::ClientContext ctx;
  health::HealthCheckRequest request;
  request.set_service(v1::RegistryService::service_full_name());
  health::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&ctx, request, &response).ok());
  EXPECT_EQ(response.status(), health::HealthCheckResponse::SERVING);
  EXPECT_EQ(CallOn(channel), grpc::StatusCode::UNIMPLEMENTED);
}

}  // namespace
}  // namespace qpp
