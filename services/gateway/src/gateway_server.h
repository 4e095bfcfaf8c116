#pragma once

// The gRPC listeners of the gateway: a plaintext one and, optionally, a TLS
// one that requires client certificates (mTLS). Both serve the generic
// proxy and the standard grpc.health.v1 service. Health is answered by the
// gateway itself, without credentials, so that probes need no key; it
// reports NOT_SERVING until a backend answers its health check, while no
// backend does, and during shutdown (common/server's HealthReporter).
// common/server's Server registers typed services on one listener; the
// gateway serves a generic service on two, hence these listeners of its own.

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/server/health_reporter.h"
#include "common/server/server.h"
#include "grpcpp/server.h"
#include "services/gateway/src/backends.h"
#include "services/gateway/src/grpc_proxy.h"

namespace qpp::gateway {

// Listener settings.
struct GatewayServerOptions {
  // Plaintext listener, host:port (port 0 picks one); empty: none.
  std::string listen_address = "127.0.0.1:9000";
  // TLS listener with client certificates; needs tls.tls_cert_file,
  // tls_key_file and tls_client_ca_file. Empty: none.
  std::string tls_listen_address;
  server::ServerOptions tls;
  int max_message_bytes = 4 * 1024 * 1024;
  absl::Duration drain_timeout = absl::Seconds(20);
  // How often backends' health is probed.
  absl::Duration probe_period = absl::Seconds(2);
};

// Owns the grpc::Server. The proxy and backends are not owned.
class GatewayServer final {
 public:
  GatewayServer(GatewayServerOptions options, GrpcProxy* proxy,
                BackendSet* backends);
  ~GatewayServer();

  // Starts listening and probing. UNAVAILABLE if an address cannot be
  // bound, FAILED_PRECONDITION if TLS files are missing.
  absl::Status Start();

  int port() const { return port_; }
  int tls_port() const { return tls_port_; }
  bool serving() const;

  // Reports NOT_SERVING from now on (the first step of a graceful stop;
  // calls are still taken).
  void BeginDrain();

  // NOT_SERVING, then drains in-flight calls up to the drain timeout.
  void Shutdown();

 private:
  GatewayServerOptions options_;
  GrpcProxy* proxy_;
  BackendSet* backends_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  int tls_port_ = 0;
  std::unique_ptr<server::HealthReporter> health_;
  bool stopped_ = false;
};

}  // namespace qpp::gateway
