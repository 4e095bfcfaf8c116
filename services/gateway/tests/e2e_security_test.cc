// End-to-end, in front of the fake registry: mutual TLS, key revocation by
// SIGHUP, and the backend going away (last: it restarts the backend).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/testing/process.h"
#include "grpcpp/create_channel.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/gateway/tests/e2e_fixture.h"

namespace qpp::gateway::testing {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using registry::v1::Organization;

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
      "; openssl req -newkey rsa:2048 -nodes -subj /CN=registry-reader.test"
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
  EXPECT_EQ(fake_->service->last_principal(), kRegistryReaderCertificate);
  // The reader's certificate does not allow writes.
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

}  // namespace
}  // namespace qpp::gateway::testing
