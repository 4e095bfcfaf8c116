#include "tests/fault/fault_system.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/crypto/cipher.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "services/gateway/src/api_keys.h"

namespace qpp::fault {
namespace {

namespace fs = std::filesystem;
namespace health = ::grpc::health::v1;

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return std::string(absl::StripAsciiWhitespace(line));
}

// The programme office's rights, and the funding system's calls that the
// load makes, with rate limits far above the load, so that the tests
// measure faults, not the limiter.
constexpr char kPolicy[] = R"json({
  "defaultRateLimit": {"requestsPerSecond": 10, "burst": 20},
  "roles": [{
    "name": "programme_office",
    "description": "Programme office (fault tests).",
    "allow": ["qpp.registry.v1.RegistryService/*",
              "qpp.training.v1.TrainingService/*",
              "qpp.demobase.v1.DemoBaseService/*",
              "qpp.cultivation.v1.CultivationService/*",
              "qpp.funding.v1.FundingService/*", "grpc.health.v1.Health/*"],
    "rateLimit": {"requestsPerSecond": 100000, "burst": 100000}
  }, {
    "name": "funding_system",
    "description": "The funding system (fault tests).",
    "allow": ["qpp.funding.v1.FundingService/CheckEligibility",
              "qpp.funding.v1.FundingService/ListDecisionChanges"],
    "rateLimit": {"requestsPerSecond": 100000, "burst": 100000}
  }],
  "principals": [{"id": "programme-office", "roles": ["programme_office"]},
                 {"id": "finance-funding", "roles": ["funding_system"]}]
})json";

FaultSystem* shared_system = nullptr;
bool shared_system_tried = false;

}  // namespace

absl::StatusOr<std::unique_ptr<FaultSystem>> FaultSystem::Start(
    const std::string& dir) {
  std::unique_ptr<FaultSystem> system(new FaultSystem());
  system->dir_ = dir;
  std::error_code ec;
  fs::remove_all(dir, ec);
  fs::create_directories(fs::path(dir) / "gateway" / "audit");
  system->db_port_ = testing::FreePort();
  system->registry_port_ = testing::FreePort();
  system->training_port_ = testing::FreePort();
  system->demobase_port_ = testing::FreePort();
  system->cultivation_port_ = testing::FreePort();
  system->gateway_port_ = testing::FreePort();
  system->gateway_http_port_ = testing::FreePort();
  system->keyring_ = crypto::DataCipher::GenerateKeyring();

  if (absl::Status s = system->StartDatabase(); !s.ok()) return s;
  system->db_password_ = ReadFirstLine(dir + "/db/secrets/db_password");

  auto key = gateway::GenerateKey("programme-office");
  if (!key.ok()) return key.status();
  system->api_key_ = key->key;
  auto funding_key = gateway::GenerateKey("finance-funding");
  if (!funding_key.ok()) return funding_key.status();
  system->funding_api_key_ = funding_key->key;
  std::ofstream(fs::path(dir) / "gateway" / "keys")
      << key->entry << "\n"
      << funding_key->entry << "\n";
  std::ofstream(fs::path(dir) / "gateway" / "policy.json") << kPolicy;

  if (absl::Status s = system->StartRegistry(); !s.ok()) return s;
  if (absl::Status s = system->StartTraining(); !s.ok()) return s;
  if (absl::Status s = system->StartDemobase(); !s.ok()) return s;
  if (absl::Status s = system->StartCultivation(); !s.ok()) return s;
  if (absl::Status s = system->StartGateway(); !s.ok()) return s;
  return system;
}

FaultSystem::~FaultSystem() {
  gateway_.reset();
  cultivation_.reset();
  demobase_.reset();
  training_.reset();
  registry_.reset();
  SignalDatabase(SIGCONT);
  (void)StopDatabase();
}

absl::Status FaultSystem::RunScript(const std::string& command,
                                    const std::string& extra) {
  const std::string line = absl::StrCat(
      "bash '", QPP_SOURCE_DIR, "/deploy/local/mariadb.sh' ", command, " '",
      dir_, "/db' ", extra, " >>'", dir_, "/mariadb-script.log' 2>&1");
  const int rc = std::system(line.c_str());
  if (rc != 0) {
    return absl::InternalError(absl::StrCat(
        "mariadb.sh ", command, " failed; see ", dir_, "/mariadb-script.log"));
  }
  return absl::OkStatus();
}

absl::Status FaultSystem::StartDatabase() {
  return RunScript("start", absl::StrCat(db_port_));
}

absl::Status FaultSystem::StopDatabase() { return RunScript("stop", ""); }

int FaultSystem::DatabasePid() const {
  int pid = 0;
  if (!absl::SimpleAtoi(ReadFirstLine(dir_ + "/db/mariadb.pid"), &pid)) {
    return 0;
  }
  return pid;
}

void FaultSystem::SignalDatabase(int sig) {
  if (int pid = DatabasePid(); pid > 0) ::kill(pid, sig);
}

bool FaultSystem::WaitDatabaseGone(absl::Duration timeout) {
  const int pid = DatabasePid();
  if (pid <= 0) return true;
  const absl::Time end = absl::Now() + timeout;
  while (true) {
    // /proc/PID/stat: "PID (comm) STATE ..."; comm may hold spaces.
    const std::string stat =
        ReadFirstLine(absl::StrCat("/proc/", pid, "/stat"));
    const size_t paren = stat.rfind(')');
    if (stat.empty() || paren == std::string::npos ||
        paren + 2 >= stat.size() || stat[paren + 2] == 'Z' ||
        stat[paren + 2] == 'X') {
      return true;
    }
    if (absl::Now() >= end) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

absl::Status FaultSystem::StartService(
    const std::string& name, int port, const std::vector<std::string>& extra,
    std::unique_ptr<testing::ChildProcess>* slot) {
  slot->reset();  // reaps a killed one
  std::vector<std::string> args = {
      absl::StrCat("--listen_address=127.0.0.1:", port),
      "--metrics_address=",
      "--db_host=127.0.0.1",
      absl::StrCat("--db_port=", db_port_),
      "--db_user=qpp",
      "--db_name=qpp_fault_" + name,
      "--drain_seconds=10"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto child = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-" + name, args,
      {{"QPP_DB_PASSWORD", db_password_}, {"QPP_DATA_KEYRING", keyring_}},
      absl::StrCat(dir_, "/", name, ".log"));
  if (!child.ok()) return child.status();
  *slot = *std::move(child);
  auto up =
      WaitServing(absl::StrCat("127.0.0.1:", port), "", absl::Seconds(30));
  return up.ok() ? absl::OkStatus() : up.status();
}

absl::Status FaultSystem::RestartStopped() {
  const auto down = [](const std::unique_ptr<testing::ChildProcess>& p) {
    return p == nullptr || !p->running();
  };
  absl::Status status;
  if (!RunScript("status", "").ok()) {
    SignalDatabase(SIGCONT);
    if (WaitDatabaseGone(absl::Seconds(10))) status = StartDatabase();
  }
  if (status.ok() && down(registry_)) status = StartRegistry();
  if (status.ok() && down(training_)) status = StartTraining();
  if (status.ok() && down(demobase_)) status = StartDemobase();
  if (status.ok() && down(cultivation_)) status = StartCultivation();
  if (status.ok() && down(gateway_)) status = StartGateway();
  return status;
}

absl::Status FaultSystem::StartRegistry() {
  return StartService("registry", registry_port_, {}, &registry_);
}

absl::Status FaultSystem::StartTraining() {
  return StartService("training", training_port_,
                      {absl::StrCat("--registry_address=", registry_address())},
                      &training_);
}

absl::Status FaultSystem::StartDemobase() {
  return StartService("demobase", demobase_port_,
                      {"--max_bases_per_year=100",
                       absl::StrCat("--registry_address=", registry_address())},
                      &demobase_);
}

absl::Status FaultSystem::StartCultivation() {
  return StartService("cultivation", cultivation_port_,
                      {absl::StrCat("--registry_address=", registry_address()),
                       absl::StrCat("--training_address=", training_address()),
                       absl::StrCat("--demobase_address=", demobase_address())},
                      &cultivation_);
}

absl::Status FaultSystem::StartGateway() {
  gateway_.reset();
  const fs::path gw = fs::path(dir_) / "gateway";
  auto child = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-gateway",
      {absl::StrCat("--listen_address=127.0.0.1:", gateway_port_),
       absl::StrCat("--http_address=127.0.0.1:", gateway_http_port_),
       "--metrics_address=",
       absl::StrCat(
           "--backends=qpp.registry.v1.RegistryService=", registry_address(),
           ",qpp.training.v1.TrainingService=", training_address(),
           ",qpp.demobase.v1.DemoBaseService=", demobase_address(),
           ",qpp.cultivation.v1.CultivationService=", cultivation_address(),
           ",qpp.funding.v1.FundingService=", cultivation_address()),
       "--api_keys_file=" + (gw / "keys").string(),
       "--policy_file=" + (gw / "policy.json").string(),
       "--audit_dir=" + (gw / "audit").string(), "--max_deadline_ms=5000",
       "--default_deadline_ms=2000", "--drain_seconds=10"},
      {}, dir_ + "/gateway.log");
  if (!child.ok()) return child.status();
  gateway_ = *std::move(child);
  auto up = WaitServing(gateway_address(), "", absl::Seconds(30));
  return up.ok() ? absl::OkStatus() : up.status();
}

absl::StatusOr<absl::Duration> FaultSystem::WaitServing(
    const std::string& address, const std::string& service,
    absl::Duration timeout) {
  const absl::Time start = absl::Now();
  while (absl::Now() - start < timeout) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto stub = health::Health::NewStub(grpc::CreateCustomChannel(
        address, grpc::InsecureChannelCredentials(), args));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(500));
    health::HealthCheckRequest req;
    req.set_service(service);
    health::HealthCheckResponse resp;
    if (stub->Check(&ctx, req, &resp).ok() &&
        resp.status() == health::HealthCheckResponse::SERVING) {
      return absl::Now() - start;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return absl::DeadlineExceededError(absl::StrCat(
      address, " not SERVING after ", absl::FormatDuration(timeout)));
}

std::string FaultSystem::registry_address() const {
  return absl::StrCat("127.0.0.1:", registry_port_);
}

std::string FaultSystem::training_address() const {
  return absl::StrCat("127.0.0.1:", training_port_);
}

std::string FaultSystem::demobase_address() const {
  return absl::StrCat("127.0.0.1:", demobase_port_);
}

std::string FaultSystem::cultivation_address() const {
  return absl::StrCat("127.0.0.1:", cultivation_port_);
}

std::string FaultSystem::gateway_address() const {
  return absl::StrCat("127.0.0.1:", gateway_port_);
}

absl::StatusOr<std::unique_ptr<db::Connection>> FaultSystem::ConnectDatabase(
    const std::string& service) const {
  db::ConnectionOptions options;
  options.host = "127.0.0.1";
  options.port = db_port_;
  options.user = "qpp";
  options.password = db_password_;
  options.database = "qpp_fault_" + service;
  return db::Connect(options);
}

FaultSystem* SharedFaultSystem() {
  if (shared_system_tried) return shared_system;
  shared_system_tried = true;
  const std::string dir =
      (fs::temp_directory_path() / absl::StrCat("qpp_fault_", getpid()))
          .string();
  auto system = FaultSystem::Start(dir);
  if (!system.ok()) {
    std::cerr << "fault system did not start: " << system.status() << "\n";
    return nullptr;
  }
  shared_system = system->release();
  return shared_system;
}

void StopSharedFaultSystem() {
  delete shared_system;
  shared_system = nullptr;
}

}  // namespace qpp::fault
