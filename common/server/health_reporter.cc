#include "common/server/health_reporter.h"

#include "grpcpp/health_check_service_interface.h"
#include "spdlog/spdlog.h"

namespace qpp::server {

HealthReporter::HealthReporter(grpc::Server* server,
                               std::vector<std::string> service_names,
                               std::vector<Check> checks, absl::Duration period)
    : server_(server),
      names_(std::move(service_names)),
      checks_(std::move(checks)),
      period_(period) {}

HealthReporter::~HealthReporter() { Stop(); }

void HealthReporter::Start() {
  Set(false);
  for (grpc::Server* server : Servers()) {
    if (auto* health = server->GetHealthCheckService()) {
      health->SetServingStatus(kLivenessServiceName, true);
    }
  }
  thread_ = std::thread([this] { Loop(); });
}

std::vector<grpc::Server*> HealthReporter::Servers() const {
  std::vector<grpc::Server*> all = {server_};
  all.insert(all.end(), others_.begin(), others_.end());
  return all;
}

void HealthReporter::Set(bool serving) {
  for (grpc::Server* server : Servers()) {
    auto* health = server->GetHealthCheckService();
    if (health == nullptr) continue;
    // By name, "" included: the overload without a name would also set
    // kLivenessServiceName, which readiness must not touch.
    health->SetServingStatus("", serving);
    for (const auto& name : names_) health->SetServingStatus(name, serving);
  }
  if (serving_.exchange(serving) != serving) {
    spdlog::info("health: {}", serving ? "SERVING" : "NOT_SERVING");
  }
}

void HealthReporter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    lock.unlock();
    bool ok = true;
    for (auto& check : checks_) {
      const absl::Status s = check();
      if (!s.ok()) {
        if (serving_.load()) {
          spdlog::warn("readiness check failed: {}", std::string(s.message()));
        }
        ok = false;
        break;
      }
    }
    lock.lock();
    if (stopping_) break;
    Set(ok);
    cv_.wait_for(
        lock, absl::ToChronoNanoseconds(ok ? period_ : absl::Milliseconds(500)),
        [this] { return stopping_; });
  }
}

void HealthReporter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  Set(false);
  for (grpc::Server* server : Servers()) {
    if (auto* health = server->GetHealthCheckService()) health->Shutdown();
  }
}

void DrainAndStop(grpc::Server& server, HealthReporter& health,
                  absl::Duration drain) {
  health.Stop();
  spdlog::info("draining in-flight calls (up to {})",
               absl::FormatDuration(drain));
  server.Shutdown(std::chrono::system_clock::now() +
                  absl::ToChronoNanoseconds(drain));
  server.Wait();
  spdlog::info("server stopped");
}

}  // namespace qpp::server
