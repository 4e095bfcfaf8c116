#include "tests/e2e/cultivation_system.h"

#include <signal.h>
#include <unistd.h>

#include <fstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/cultivation/src/migrations.h"
#include "services/demobase/src/migrations.h"
#include "services/gateway/src/api_keys.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

namespace qpp::e2e {

namespace fs = std::filesystem;

constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";
constexpr char kTraining[] = "qpp.training.v1.TrainingService";
constexpr char kCultivation[] = "qpp.cultivation.v1.CultivationService";
constexpr char kFunding[] = "qpp.funding.v1.FundingService";
constexpr char kDemoBase[] = "qpp.demobase.v1.DemoBaseService";

bool WaitGatewayHealthy(int http_port, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  for (;;) {
    gateway::testing::HttpClient client(http_port);
    auto r = client.Send("GET", "/healthz");
    if (r.ok() && r->status == 200) return true;
    if (absl::Now() >= end) return false;
    absl::SleepFor(absl::Milliseconds(200));
  }
}

void CultivationSystemTest::StartSystem(
    const CultivationSystemOptions& options) {
  auto registry_db = testing::TestDatabase::Create(options.name + "_registry",
                                                   registry::Migrations());
  ASSERT_TRUE(registry_db.ok()) << registry_db.status();
  registry_db_ = std::move(*registry_db);
  QPP_SKIP_WITHOUT_DB(registry_db_);
  auto training_db = testing::TestDatabase::Create(options.name + "_training",
                                                   training::Migrations());
  ASSERT_TRUE(training_db.ok()) << training_db.status();
  training_db_ = std::move(*training_db);
  auto cultivation_db = testing::TestDatabase::Create(
      options.name, cultivation::SchemaMigrations());
  ASSERT_TRUE(cultivation_db.ok()) << cultivation_db.status();
  cultivation_db_ = std::move(*cultivation_db);

  registry_ = StartService("qpp-registry", registry_db_->options().connection,
                           kRegistry, {});
  ASSERT_NE(registry_, nullptr);
  const std::string registry_address =
      absl::StrCat("--registry_address=", registry_->address());
  training_ = StartService("qpp-training", training_db_->options().connection,
                           kTraining, {registry_address});
  ASSERT_NE(training_, nullptr);
  std::string demobase_address = "--demobase_address=";
  if (options.demobase) {
    auto demobase_db = testing::TestDatabase::Create(options.name + "_demobase",
                                                     demobase::Migrations());
    ASSERT_TRUE(demobase_db.ok()) << demobase_db.status();
    demobase_db_ = std::move(*demobase_db);
    std::vector<std::string> args = options.demobase_args;
    args.push_back(registry_address);
    demobase_ = StartService("qpp-demobase", demobase_db_->options().connection,
                             kDemoBase, std::move(args));
    ASSERT_NE(demobase_, nullptr);
    absl::StrAppend(&demobase_address, demobase_->address());
  }
  std::vector<std::string> cultivation_args = options.cultivation_args;
  cultivation_args.push_back(registry_address);
  cultivation_args.push_back(
      absl::StrCat("--training_address=", training_->address()));
  cultivation_args.push_back(demobase_address);
  cultivation_ =
      StartService("qpp-cultivation", cultivation_db_->options().connection,
                   kCultivation, std::move(cultivation_args));
  ASSERT_NE(cultivation_, nullptr);

  dir_ = fs::temp_directory_path() /
         absl::StrCat("qpp_", options.name, "_", getpid());
  fs::create_directories(dir_);
  std::ofstream keys(dir_ / "keys");
  for (const std::string& client : options.clients) {
    auto key = gateway::GenerateKey(client);
    ASSERT_TRUE(key.ok()) << key.status();
    keys_[client] = key->key;
    keys << key->entry << "\n";
  }
  keys.close();
  std::string backends = absl::StrCat(
      kRegistry, "=", registry_->address(), ",", kTraining, "=",
      training_->address(), ",", kCultivation, "=", cultivation_->address(),
      ",", kFunding, "=", cultivation_->address());
  if (demobase_ != nullptr) {
    absl::StrAppend(&backends, ",", kDemoBase, "=", demobase_->address());
  }
  http_port_ = testing::FreePort();
  grpc_port_ = testing::FreePort();
  auto gateway = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-gateway",
      {absl::StrCat("--listen_address=127.0.0.1:", grpc_port_),
       absl::StrCat("--http_address=127.0.0.1:", http_port_),
       "--metrics_address=", "--backends=" + backends,
       "--api_keys_file=" + (dir_ / "keys").string(),
       "--policy_file=" + std::string(QPP_SOURCE_DIR) +
           "/deploy/gateway/policy.json",
       "--audit_dir=" + (dir_ / "audit").string()},
      {}, (dir_ / "gateway.log").string());
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  gateway_ = std::move(*gateway);
  ASSERT_TRUE(WaitGatewayHealthy(http_port_, absl::Seconds(30)))
      << "the gateway did not become healthy";
}

void CultivationSystemTest::TearDown() {
  if (gateway_ != nullptr) {
    gateway_->Signal(SIGTERM);
    gateway_->Wait(10000);
  }
  if (!dir_.empty()) fs::remove_all(dir_);
}

std::unique_ptr<testing::ServiceProcess> CultivationSystemTest::StartService(
    const std::string& binary, const db::ConnectionOptions& db,
    const std::string& health, std::vector<std::string> args) {
  testing::ServiceProcessOptions o;
  o.binary = binary;
  o.db = db;
  o.health_service = health;
  o.args = std::move(args);
  auto started = testing::ServiceProcess::Start(std::move(o));
  EXPECT_TRUE(started.ok()) << started.status();
  if (!started.ok()) return nullptr;
  if (!(*started)->WaitServing(absl::Seconds(30))) {
    ADD_FAILURE() << binary << " did not serve:\n" << (*started)->Log();
    return nullptr;
  }
  return std::move(*started);
}

gateway::testing::HttpResponse CultivationSystemTest::Http(
    const std::string& client, const std::string& method,
    const std::string& path, const std::string& body) {
  gateway::testing::HttpClient http(http_port_);
  std::map<std::string, std::string> headers = {{"X-Api-Key", keys_[client]}};
  if (!body.empty()) headers["Content-Type"] = "application/json";
  auto r = http.Send(method, path, headers, body);
  EXPECT_TRUE(r.ok()) << method << " " << path << ": " << r.status();
  return r.ok() ? *r : gateway::testing::HttpResponse{};
}

std::shared_ptr<grpc::Channel> CultivationSystemTest::GatewayChannel() const {
  return testing::FreshChannel(absl::StrCat("127.0.0.1:", grpc_port_));
}

}  // namespace qpp::e2e
