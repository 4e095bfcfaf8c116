// MakeChannel with TLS and mTLS against a fake callee that presents a
// certificate made by the openssl command for this test.

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/client/channel.h"
#include "common/client/service_client.h"
#include "common/tests/client_test_util.h"
#include "grpcpp/security/server_credentials.h"
#include "gtest/gtest.h"

namespace qpp::client {
namespace {

namespace health = ::grpc::health::v1;
using ::qpp::client::testing::FakeServer;
using ::qpp::client::testing::ReadTextFile;

class ClientTlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (std::system("command -v openssl >/dev/null 2>&1") != 0) return;
    dir_ = new std::string(
        absl::StrCat(::testing::TempDir(), "/client_tls_", getpid()));
    std::filesystem::create_directories(*dir_);
    std::string log;
    made_ = testing::MakeTestCertificates(*dir_, &log);
    if (!made_) ADD_FAILURE() << log;
  }
  static void TearDownTestSuite() {
    if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    if (dir_ == nullptr) {
      GTEST_SKIP() << "needs the openssl command to make test certificates";
    }
    ASSERT_TRUE(made_);
  }

  static std::string File(const std::string& name) {
    return *dir_ + "/" + name;
  }

  // Server credentials with the test's server certificate; client
  // certificates signed by the test CA are required when `mutual`.
  static std::shared_ptr<grpc::ServerCredentials> ServerCredentials(
      bool mutual) {
    grpc::SslServerCredentialsOptions ssl(
        mutual ? GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY
               : GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
    ssl.pem_key_cert_pairs.push_back(
        {ReadTextFile(File("server.key")), ReadTextFile(File("server.pem"))});
    if (mutual) ssl.pem_root_certs = ReadTextFile(File("ca.pem"));
    return grpc::SslServerCredentials(ssl);
  }

  // Options for the fake server at `address`, verified by the test CA
  // under the name `target_name`, with the client certificate if `mutual`.
  static ChannelOptions Tls(const std::string& address,
                            const std::string& target_name, bool mutual) {
    ChannelOptions options;
    options.address = address;
    options.tls_ca_file = File("ca.pem");
    options.tls_target_name_override = target_name;
    if (mutual) {
      options.tls_cert_file = File("client.pem");
      options.tls_key_file = File("client.key");
    }
    return options;
  }

  // One Check through a ServiceClient on a channel made with `options`.
  absl::Status CheckOver(const ChannelOptions& options) {
    auto channel = MakeChannel(options);
    if (!channel.ok()) return channel.status();
    ClientOptions client_options;
    client_options.display_name = "registry";
    ServiceClient client(*channel, DescriptorOf<health::Health>(),
                         client_options, registry_);
    auto stub = health::Health::NewStub(client.channel());
    health::HealthCheckRequest request;
    health::HealthCheckResponse response;
    return client.Call(RequestContext().set_timeout(absl::Seconds(5)), "Check",
                       stub.get(), &health::Health::Stub::Check, request,
                       &response);
  }

  static std::string* dir_;
  static bool made_;
  prometheus::Registry registry_;
};

std::string* ClientTlsTest::dir_ = nullptr;
bool ClientTlsTest::made_ = false;

TEST_F(ClientTlsTest, TlsChannelVerifiesTheServerByTheOverriddenName) {
  FakeServer server(ServerCredentials(/*mutual=*/false));
  ASSERT_NE(server.port(), 0);
  // The address is an IP; the certificate names "localhost".
  const absl::Status ok = CheckOver(Tls(server.address(), "localhost", false));
  EXPECT_TRUE(ok.ok()) << ok;
  // A name the certificate does not carry fails the handshake.
  const absl::Status wrong_name =
      CheckOver(Tls(server.address(), "registry.example", false));
  EXPECT_EQ(wrong_name.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(wrong_name.message(), "registry is unavailable; try again later");
  // Plaintext to a TLS server fails too.
  ChannelOptions plaintext;
  plaintext.address = server.address();
  EXPECT_EQ(CheckOver(plaintext).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(server.service().calls(), 1);
}

TEST_F(ClientTlsTest, MutualTlsSendsTheClientCertificate) {
  FakeServer server(ServerCredentials(/*mutual=*/true));
  ASSERT_NE(server.port(), 0);
  const absl::Status ok = CheckOver(Tls(server.address(), "localhost", true));
  EXPECT_TRUE(ok.ok()) << ok;
  EXPECT_EQ(server.service().calls(), 1);
  // Without a client certificate the server refuses the handshake.
  const absl::Status anonymous =
      CheckOver(Tls(server.address(), "localhost", false));
  EXPECT_EQ(anonymous.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(anonymous.message(), "registry is unavailable; try again later");
  EXPECT_EQ(server.service().calls(), 1);
}

// RequestContextFromServer under mTLS: the principal, role and district
// headers are believed from a trusted peer only; any other peer is the
// principal "service:<its name>", with no role and no district.
TEST_F(ClientTlsTest, DistrictIsBelievedOnlyFromATrustedPeer) {
  FakeServer server(ServerCredentials(/*mutual=*/true));
  ASSERT_NE(server.port(), 0);
  auto channel = MakeChannel(Tls(server.address(), "localhost", true));
  ASSERT_TRUE(channel.ok()) << channel.status();
  auto stub = health::Health::NewStub(*channel);
  auto check = [&] {
    grpc::ClientContext call;
    call.AddMetadata("x-qpp-principal", "district-440304");
    call.AddMetadata("x-qpp-role", "district_office");
    call.AddMetadata("x-qpp-district", "440304");
    health::HealthCheckRequest request;
    health::HealthCheckResponse response;
    EXPECT_TRUE(stub->Check(&call, request, &response).ok());
    return server.service().last();
  };
  PrincipalTrust trust;
  trust.require_peer = true;
  trust.trusted_peers = {"training.qpp"};  // the client certificate's name
  server.service().set_trust(trust);
  RequestContext seen = check();
  EXPECT_EQ(seen.principal().name, "district-440304");
  EXPECT_EQ(seen.principal().role, "district_office");
  EXPECT_EQ(seen.principal().district_code, "440304");

  trust.trusted_peers = {"qpp-gateway"};
  server.service().set_trust(trust);
  seen = check();
  EXPECT_EQ(seen.principal().name, "service:training.qpp");
  EXPECT_EQ(seen.principal().role, "");
  EXPECT_EQ(seen.principal().district_code, "");
}

}  // namespace
}  // namespace qpp::client
