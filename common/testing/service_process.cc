#include "common/testing/service_process.h"

#include <chrono>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/crypto/cipher.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"

namespace qpp::testing {

namespace health = ::grpc::health::v1;

std::shared_ptr<grpc::Channel> FreshChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    ServiceProcessOptions options) {
  auto service = std::unique_ptr<ServiceProcess>(new ServiceProcess());
  service->port_ = FreePort();
  service->metrics_port_ = FreePort();
  const db::ConnectionOptions& c = options.db;
  std::vector<std::string> args = {
      absl::StrCat("--listen_address=127.0.0.1:", service->port_),
      absl::StrCat("--metrics_address=127.0.0.1:", service->metrics_port_),
      "--db_host=" + c.host,
      absl::StrCat("--db_port=", c.port),
      "--db_user=" + c.user,
      "--db_name=" + c.database};
  if (options.health_port) {
    service->health_port_ = FreePort();
    args.push_back(absl::StrCat("--health_listen_address=127.0.0.1:",
                                service->health_port_));
  }
  args.insert(args.end(), options.args.begin(), options.args.end());
  std::map<std::string, std::string> env = {
      {"QPP_DB_PASSWORD", c.password},
      {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}};
  for (const auto& [name, value] : options.env) env[name] = value;
  service->log_path_ = absl::StrCat(::testing::TempDir(), "/", options.binary,
                                    "-", service->port_, ".log");
  auto child = ChildProcess::Start(BinDir() + "/" + options.binary, args, env,
                                   service->log_path_);
  if (!child.ok()) return child.status();
  service->process_ = *std::move(child);
  service->options_ = std::move(options);
  return service;
}

bool ServiceProcess::WaitServing(absl::Duration timeout) {
  const std::string target =
      absl::StrCat("127.0.0.1:", health_port_ != 0 ? health_port_ : port_);
  const absl::Time until = absl::Now() + timeout;
  while (absl::Now() < until && process_->running()) {
    auto stub = health::Health::NewStub(FreshChannel(target));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(500));
    health::HealthCheckRequest req;
    req.set_service(options_.health_service);
    health::HealthCheckResponse resp;
    if (stub->Check(&ctx, req, &resp).ok() &&
        resp.status() == health::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string ServiceProcess::address() const {
  return absl::StrCat("127.0.0.1:", port_);
}

std::string ServiceProcess::Log() const {
  std::ifstream in(log_path_);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace qpp::testing
