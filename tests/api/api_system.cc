#include "tests/api/api_system.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/crypto/cipher.h"
#include "google/protobuf/util/json_util.h"
#include "services/cultivation/src/migrations.h"
#include "services/demobase/src/migrations.h"
#include "services/gateway/src/api_keys.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

namespace qpp::api_test {
namespace {

namespace fs = std::filesystem;
using qpp::gateway::testing::HttpClient;
using qpp::gateway::testing::HttpResponse;

// Single quotes for bash.
std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

absl::StatusOr<google::protobuf::Struct> ParseJson(const std::string& json) {
  google::protobuf::Struct out;
  auto s = google::protobuf::util::JsonStringToMessage(json, &out);
  if (!s.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a JSON object: ", s.message().as_string()));
  }
  return out;
}

std::string BufPath() {
  const std::string path =
      std::string(QPP_SOURCE_DIR) + "/node_modules/.bin/buf";
  return access(path.c_str(), X_OK) == 0 ? path : std::string();
}

ApiSystem* ApiSystem::Get(std::string* error) {
  static ApiSystem* system = nullptr;
  static std::string start_error;
  static bool tried = false;
  if (!tried) {
    tried = true;
    auto* s = new ApiSystem();
    absl::Status started = s->Start();
    if (started.ok()) {
      system = s;
      // Stops the processes and drops the schema when the binary exits.
      std::atexit([] { delete system; });
    } else {
      start_error = started.ToString();
      delete s;
    }
  }
  *error = start_error;
  return system;
}

absl::Status ApiSystem::Start() {
  auto db = testing::TestDatabase::Create("api", registry::Migrations());
  if (!db.ok()) return db.status();
  if (*db == nullptr) {
    return absl::FailedPreconditionError("no test database (QPP_TEST_DB_*)");
  }
  db_ = *std::move(db);
  auto training_db =
      testing::TestDatabase::Create("api_training", training::Migrations());
  if (!training_db.ok()) return training_db.status();
  training_db_ = *std::move(training_db);
  dir_ = (fs::temp_directory_path() / absl::StrCat("qpp_api_e2e_", getpid()))
             .string();
  fs::remove_all(dir_);
  fs::create_directories(dir_);

  // Keys for principals of the shipped policy.
  std::string keys_file;
  for (const char* principal :
       {"programme-office", "finance-funding", "procurement-platform"}) {
    auto key = gateway::GenerateKey(principal);
    if (!key.ok()) return key.status();
    keys_[principal] = key->key;
    absl::StrAppend(&keys_file, key->entry, "\n");
  }
  std::ofstream(dir_ + "/keys") << keys_file;

  const auto& c = db_->options().connection;
  registry_port_ = testing::FreePort();
  auto registry = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-registry",
      {absl::StrCat("--listen_address=127.0.0.1:", registry_port_),
       "--metrics_address=", "--db_host=" + c.host,
       absl::StrCat("--db_port=", c.port), "--db_user=" + c.user,
       "--db_name=" + c.database},
      {{"QPP_DB_PASSWORD", c.password},
       {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}},
      dir_ + "/registry.log");
  if (!registry.ok()) return registry.status();
  registry_ = *std::move(registry);
  const auto& t = training_db_->options().connection;
  const int training_port = testing::FreePort();
  auto training = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-training",
      {absl::StrCat("--listen_address=127.0.0.1:", training_port),
       "--metrics_address=", "--db_host=" + t.host,
       absl::StrCat("--db_port=", t.port), "--db_user=" + t.user,
       "--db_name=" + t.database,
       absl::StrCat("--registry_address=127.0.0.1:", registry_port_)},
      {{"QPP_DB_PASSWORD", t.password},
       {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}},
      dir_ + "/training.log");
  if (!training.ok()) return training.status();
  training_ = *std::move(training);

  // qpp-demobase on a schema of its own, calling the registry.
  auto demobase_db =
      testing::TestDatabase::Create("api_demobase", demobase::Migrations());
  if (!demobase_db.ok()) return demobase_db.status();
  demobase_db_ = *std::move(demobase_db);
  const auto& d = demobase_db_->options().connection;
  demobase_port_ = testing::FreePort();
  auto demobase = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-demobase",
      {absl::StrCat("--listen_address=127.0.0.1:", demobase_port_),
       "--metrics_address=", "--db_host=" + d.host,
       absl::StrCat("--db_port=", d.port), "--db_user=" + d.user,
       "--db_name=" + d.database,
       absl::StrCat("--registry_address=127.0.0.1:", registry_port_)},
      {{"QPP_DB_PASSWORD", d.password},
       {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}},
      dir_ + "/demobase.log");
  if (!demobase.ok()) return demobase.status();
  demobase_ = *std::move(demobase);

  // qpp-cultivation on a schema of its own, calling the registry and
  // training.
  auto cultivation_db = testing::TestDatabase::Create(
      "api_cultivation", cultivation::SchemaMigrations());
  if (!cultivation_db.ok()) return cultivation_db.status();
  cultivation_db_ = *std::move(cultivation_db);
  const auto& k = cultivation_db_->options().connection;
  const int cultivation_port = testing::FreePort();
  auto cultivation = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-cultivation",
      {absl::StrCat("--listen_address=127.0.0.1:", cultivation_port),
       "--metrics_address=", "--db_host=" + k.host,
       absl::StrCat("--db_port=", k.port), "--db_user=" + k.user,
       "--db_name=" + k.database,
       absl::StrCat("--registry_address=127.0.0.1:", registry_port_),
       absl::StrCat("--training_address=127.0.0.1:", training_port),
       absl::StrCat("--demobase_address=127.0.0.1:", demobase_port_)},
      {{"QPP_DB_PASSWORD", k.password},
       {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}},
      dir_ + "/cultivation.log");
  if (!cultivation.ok()) return cultivation.status();
  cultivation_ = *std::move(cultivation);

  grpc_port_ = testing::FreePort();
  http_port_ = testing::FreePort();
  auto gateway = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-gateway",
      {absl::StrCat("--listen_address=127.0.0.1:", grpc_port_),
       absl::StrCat("--http_address=127.0.0.1:", http_port_),
       "--metrics_address=",
       absl::StrCat(
           "--backends=qpp.registry.v1.RegistryService=127.0.0.1:",
           registry_port_,
           ",qpp.training.v1.TrainingService=127.0.0.1:", training_port,
           ",qpp.demobase.v1.DemoBaseService=127.0.0.1:", demobase_port_,
           ",qpp.cultivation.v1.CultivationService=127.0.0.1:",
           cultivation_port,
           ",qpp.funding.v1.FundingService=127.0.0.1:", cultivation_port),
       "--api_keys_file=" + dir_ + "/keys",
       "--policy_file=" + std::string(QPP_SOURCE_DIR) +
           "/deploy/gateway/policy.json",
       "--audit_dir=" + dir_ + "/audit"},
      {}, dir_ + "/gateway.log");
  if (!gateway.ok()) return gateway.status();
  gateway_ = *std::move(gateway);

  // Ready once the gateway reports the registry healthy and demobase and
  // cultivation answer through it.
  const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool healthy = false;
  while (std::chrono::steady_clock::now() < end) {
    HttpClient client(http_port_);
    if (!healthy) {
      auto r = client.Send("GET", "/healthz");
      healthy = r.ok() && r->status == 200;
    }
    if (healthy) {
      auto r = client.Send("GET", "/v1/demonstrationBases",
                           {{"X-Api-Key", office_key()}});
      auto c = client.Send("GET", "/v1/cohorts", {{"X-Api-Key", office_key()}});
      if (r.ok() && r->status == 200 && c.ok() && c->status == 200) {
        return absl::OkStatus();
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return absl::UnavailableError(
      absl::StrCat("the gateway did not become healthy\n", Logs()));
}

ApiSystem::~ApiSystem() {
  for (auto* p : {gateway_.get(), cultivation_.get(), demobase_.get(),
                  training_.get(), registry_.get()}) {
    if (p == nullptr) continue;
    p->Signal(SIGTERM);
    p->Wait(10000);
  }
  if (!dir_.empty()) fs::remove_all(dir_);
}

HttpResponse ApiSystem::Http(const std::string& method, const std::string& path,
                             const std::string& body, const std::string* key) {
  std::map<std::string, std::string> headers;
  const std::string& k = key != nullptr ? *key : office_key();
  if (!k.empty()) headers["X-Api-Key"] = k;
  if (!body.empty()) headers["Content-Type"] = "application/json";
  HttpClient client(http_port_);
  auto r = client.Send(method, path, headers, body);
  return r.ok() ? *r : HttpResponse{};
}

ShellResult ApiSystem::Shell(const std::string& script) const {
  static int serial = 0;
  const std::string work = absl::StrCat(dir_, "/shell", ++serial);
  fs::create_directories(work);
  std::string bin_path = std::string(QPP_SOURCE_DIR) + "/node_modules/.bin";
  std::ofstream(work + "/script.sh")
      << "set -euo pipefail\n"
      << "export GW=" << Quote(absl::StrCat("http://127.0.0.1:", http_port_))
      << "\nexport GW_GRPC=" << Quote(absl::StrCat("127.0.0.1:", grpc_port_))
      << "\nexport KEY=" << Quote(office_key())
      << "\nexport FUNDING_KEY=" << Quote(funding_key())
      << "\nexport EVALUATION_KEY=" << Quote(evaluation_key())
      << "\nexport PATH=" << Quote(bin_path) << ":\"$PATH\"\n"
      << "cd " << Quote(work) << "\n"
      << script;
  const std::string command =
      absl::StrCat("bash ", Quote(work + "/script.sh"), " > ",
                   Quote(work + "/out"), " 2>&1 < /dev/null");
  const int raw = std::system(command.c_str());
  ShellResult result;
  result.exit_code = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  result.output = ReadFile(work + "/out");
  return result;
}

std::string ApiSystem::Logs() const {
  return absl::StrCat("--- gateway.log\n", ReadFile(dir_ + "/gateway.log"),
                      "--- registry.log\n", ReadFile(dir_ + "/registry.log"),
                      "--- training.log\n", ReadFile(dir_ + "/training.log"),
                      "--- demobase.log\n", ReadFile(dir_ + "/demobase.log"),
                      "--- cultivation.log\n",
                      ReadFile(dir_ + "/cultivation.log"));
}

}  // namespace qpp::api_test
