#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "grpcpp/server.h"

namespace qpp::server {

// The grpc.health.v1 service name that reports liveness: SERVING from
// Start() to Stop() whatever the readiness checks say, so that it tells
// only whether the process answers (a Kubernetes liveness probe asks for
// it; readiness asks for "").
inline constexpr char kLivenessServiceName[] = "liveness";

// Drives a server's grpc.health.v1 status from readiness checks run on a
// thread of its own: NOT_SERVING until a round of checks passes, again
// whenever one fails (re-checked every 500 ms), and for good from Stop() on.
// Status is set for "" and for each name in `service_names`; the name
// kLivenessServiceName is SERVING from Start() until Stop().
class HealthReporter final {
 public:
  using Check = std::function<absl::Status()>;

  // `server` is not owned and must have the default health service enabled.
  HealthReporter(grpc::Server* server, std::vector<std::string> service_names,
                 std::vector<Check> checks, absl::Duration period);
  ~HealthReporter();  // Stop()

  // Reports the same status on `other` too (e.g. a plaintext listener that
  // serves only health, for probes that cannot speak TLS). Call before
  // Start; not owned.
  void AddServer(grpc::Server* other) { others_.push_back(other); }

  // Reports NOT_SERVING (readiness) and SERVING for kLivenessServiceName,
  // and starts checking.
  void Start();
  // Stops checking and reports NOT_SERVING for every name, liveness
  // included, ignoring later updates (the health service's Shutdown).
  // Idempotent.
  void Stop();
  bool serving() const { return serving_.load(); }

 private:
  void Loop();
  void Set(bool serving);

  // Every server whose health service reports this status.
  std::vector<grpc::Server*> Servers() const;

  grpc::Server* server_;
  std::vector<grpc::Server*> others_;
  std::vector<std::string> names_;
  std::vector<Check> checks_;
  absl::Duration period_;
  std::atomic<bool> serving_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

// Stops `server` gracefully: NOT_SERVING first (so balancers stop sending),
// then stops taking calls, lets in-flight ones finish within `drain`, and
// cancels the rest.
void DrainAndStop(grpc::Server& server, HealthReporter& health,
                  absl::Duration drain);

}  // namespace qpp::server
