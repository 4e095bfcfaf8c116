#pragma once

// Bootstrap shared by every service binary: one gRPC server with the
// standard health service, reflection, RED metrics, message size limits and
// keepalive; readiness checks that drive health; graceful shutdown on
// SIGTERM/SIGINT.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/metrics/metrics.h"
#include "common/server/health_reporter.h"
#include "common/server/tls.h"
#include "grpcpp/server.h"
#include "grpcpp/server_builder.h"

namespace qpp::server {

// Blocks SIGTERM and SIGINT in the calling thread and every thread started
// after it, so that WaitForTerminationSignal receives them. Call first thing
// in main, before gRPC or any pool starts a thread.
void BlockTerminationSignals();

// Process-wide settings every service binary applies first thing in main,
// before any thread starts: blocks the termination signals (see above) and
// turns off Abseil's mutex deadlock detection, which Debian's build leaves
// on and which gRPC pays for on every lock it takes.
void PrepareProcess();

// Waits for SIGTERM or SIGINT; returns its number.
int WaitForTerminationSignal();

// Server settings, from flags in each main.
struct ServerOptions {
  // host:port to listen on; port 0 picks a free one (see Server::port()).
  std::string listen_address = "127.0.0.1:0";
  // TLS: PEM files. When cert and key are set the listener uses TLS; with a
  // CA as well, client certificates signed by it are required (mTLS).
  std::string tls_cert_file;
  std::string tls_key_file;
  std::string tls_client_ca_file;
  // With the CA: the certificate names allowed to call (see tls.h); empty:
  // any certificate the CA signed.
  std::vector<std::string> allowed_peers;
  // A second, plaintext listener that serves only grpc.health.v1 (same
  // status), for probes that cannot present a client certificate, such as
  // Kubernetes' gRPC probes. Empty: none.
  std::string health_listen_address;
  // Largest request or response message.
  int max_message_bytes = 16 * 1024 * 1024;
  // How long in-flight calls may finish after shutdown begins.
  absl::Duration drain_timeout = absl::Seconds(20);
  // Period of readiness checks while serving (faster while not serving).
  absl::Duration readiness_period = absl::Seconds(5);
};

// A gRPC server that is ready only while its readiness checks pass.
class Server final {
 public:
  Server(ServerOptions options, prometheus::Registry& registry);
  ~Server();

  // Registers a service (not owned; must outlive the server) and its
  // methods' metrics. Health is reported for its full name and for "".
  // `full_name` is the service's proto name, e.g. "qpp.registry.v1.
  // RegistryService" (the generated Service::service_full_name()).
  void AddService(grpc::Service* service, absl::string_view full_name);

  // A check that must pass for the server to report SERVING, e.g. a database
  // ping. Checks run on a background thread.
  void AddReadinessCheck(std::function<absl::Status()> check);

  // Builds and starts the server. Health starts NOT_SERVING and turns
  // SERVING after the first passing readiness round.
  absl::Status Start();

  // The bound port (after Start).
  int port() const { return port_; }

  // Whether the last readiness round passed.
  bool serving() const { return health_ != nullptr && health_->serving(); }

  // Reports NOT_SERVING, stops taking calls, lets in-flight calls finish
  // within the drain timeout, then cancels the rest. Idempotent.
  void Shutdown();

 private:
  ServerOptions options_;
  metrics::GrpcServerMetrics grpc_metrics_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::function<absl::Status()>> checks_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<grpc::Server> health_server_;
  int port_ = 0;
  std::unique_ptr<HealthReporter> health_;
  bool stopped_ = false;
};

// An interceptor that turns gRPC's status for an unparsable request to one of
// `service_names` (UNIMPLEMENTED, empty message) into INVALID_ARGUMENT.
// Server::Start installs it; tests that build their own server add it too.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
ParseErrorInterceptorFor(const std::vector<std::string>& service_names);

// Message size limits and keepalive that every qpp gRPC server uses.
void ApplyServerDefaults(grpc::ServerBuilder& builder, int max_message_bytes);

// Builds grpc::ServerCredentials from the TLS options (insecure when no
// certificate is configured); see tls.h.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFor(
    const ServerOptions& options);

}  // namespace qpp::server
