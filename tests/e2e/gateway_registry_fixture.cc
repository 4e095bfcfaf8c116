#include "tests/e2e/gateway_registry_fixture.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crypto/cipher.h"
#include "common/testing/test_db.h"
#include "common/validation/uscc.h"

namespace qpp::e2e {

namespace fs = std::filesystem;
using gateway::testing::GatewayProcess;
using gateway::testing::HttpClient;
using gateway::testing::HttpResponse;
using gateway::testing::ReadFile;

std::string MakeUscc(int serial) {
  std::string first17 =
      absl::StrCat("91440300", absl::StrFormat("%08d", serial), "5");
  auto check = validation::UsccCheckCharacter(first17);
  return first17 + std::string(1, check.value_or('0'));
}

std::vector<std::string> GatewayRegistryE2E::registry_args_;
std::map<std::string, std::string> GatewayRegistryE2E::registry_env_;
int GatewayRegistryE2E::registry_port_ = 0;
qpp::testing::ChildProcess* GatewayRegistryE2E::registry_ = nullptr;
int GatewayRegistryE2E::training_port_ = 0;
qpp::testing::ChildProcess* GatewayRegistryE2E::training_ = nullptr;
GatewayProcess* GatewayRegistryE2E::gw_ = nullptr;

void GatewayRegistryE2E::SetUpTestSuite() {
  const char* host = std::getenv("QPP_TEST_DB_HOST");
  if (host == nullptr || *host == '\0') return;
  const char* port = std::getenv("QPP_TEST_DB_PORT");
  const char* user = std::getenv("QPP_TEST_DB_USER");
  const char* password = std::getenv("QPP_TEST_DB_PASSWORD");
  registry_args_ = {"--metrics_address=", std::string("--db_host=") + host,
                    std::string("--db_port=") + (port ? port : "3306"),
                    std::string("--db_user=") + (user ? user : "qpp"),
                    absl::StrCat("--db_name=qpp_test_gw_", getpid())};
  registry_env_ = {{"QPP_DB_PASSWORD", password ? password : ""},
                   {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}};
  registry_port_ = qpp::testing::FreePort();
  StartRegistry();
  // Training on a schema of its own, asking the registry above.
  training_port_ = qpp::testing::FreePort();
  std::vector<std::string> training_args = {
      "--metrics_address=",
      std::string("--db_host=") + host,
      std::string("--db_port=") + (port ? port : "3306"),
      std::string("--db_user=") + (user ? user : "qpp"),
      absl::StrCat("--db_name=qpp_test_gw_training_", getpid()),
      absl::StrCat("--listen_address=127.0.0.1:", training_port_),
      absl::StrCat("--registry_address=127.0.0.1:", registry_port_)};
  auto training = qpp::testing::ChildProcess::Start(
      qpp::testing::BinDir() + "/qpp-training", training_args, registry_env_,
      (fs::temp_directory_path() /
       absl::StrCat("qpp_gw_e2e_training_", getpid(), ".log"))
          .string());
  ASSERT_TRUE(training.ok()) << training.status();
  training_ = training->release();
  gw_ = gateway::testing::StartGateway(
            registry_port_, "real",
            {{"qpp.training.v1.TrainingService", training_port_}})
            .release();
}

void GatewayRegistryE2E::StartRegistry() {
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

void GatewayRegistryE2E::TearDownTestSuite() {
  if (gw_ != nullptr) {
    gw_->process->Signal(SIGTERM);
    gw_->process->Wait(10000);
    fs::remove_all(gw_->dir);
    delete gw_;
    gw_ = nullptr;
  }
  if (training_ != nullptr) {
    training_->Signal(SIGTERM);
    training_->Wait(10000);
    delete training_;
    training_ = nullptr;
  }
  if (registry_ != nullptr) {
    registry_->Signal(SIGTERM);
    registry_->Wait(10000);
    delete registry_;
    registry_ = nullptr;
  }
}

void GatewayRegistryE2E::SetUp() {
  if (gw_ == nullptr) {
    if (qpp::testing::TestDatabaseRequired()) {
      FAIL() << "QPP_TEST_REQUIRE_DB=1 but QPP_TEST_DB_HOST is unset";
    }
    GTEST_SKIP() << "set QPP_TEST_DB_* to run against the real registry";
  }
  ASSERT_TRUE(gw_->WaitServing(true, 30000))
      << ReadFile((gw_->dir / "gateway.log").string());
}

std::multimap<std::string, std::string> GatewayRegistryE2E::Key(
    const std::string& principal) {
  return {{"x-api-key", gw_->keys[principal]}};
}

HttpResponse GatewayRegistryE2E::Http(
    const std::string& method, const std::string& path,
    const std::string& principal, const std::string& body,
    std::map<std::string, std::string> headers) {
  headers["X-Api-Key"] = gw_->keys[principal];
  HttpClient client(gw_->http_port);
  auto r = client.Send(method, path, headers, body);
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : HttpResponse{};
}

}  // namespace qpp::e2e
