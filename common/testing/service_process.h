#pragma once

// A qpp service binary (qpp-registry, qpp-training, …) started for an
// end-to-end test against a test database, with the standard flags, a fresh
// keyring and free ports; and the wait until it reports SERVING.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "common/testing/process.h"
#include "grpcpp/channel.h"

namespace qpp::testing {

struct ServiceProcessOptions {
  // The binary's name in BinDir(), e.g. "qpp-registry".
  std::string binary;
  // The service's schema on the test server (TestDatabase::options()).
  db::ConnectionOptions db;
  // Flags after the standard ones (--listen_address, --metrics_address,
  // --db_*), which they may override.
  std::vector<std::string> args;
  // Environment besides QPP_DB_PASSWORD and QPP_DATA_KEYRING (a fresh key
  // unless given here).
  std::map<std::string, std::string> env;
  // The service whose health to wait for (e.g.
  // "qpp.registry.v1.RegistryService"); "" for the server as a whole.
  std::string health_service;
  // A plaintext health-only listener (--health_listen_address) to wait on,
  // for a service that takes calls only over mTLS.
  bool health_port = false;
};

// The running binary; killed with SIGKILL on destruction if still running.
class ServiceProcess final {
 public:
  // Starts the binary (log in the test's temporary folder, named after it).
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      ServiceProcessOptions options);

  // Polls grpc.health.v1 on fresh channels until SERVING; false on timeout
  // or when the process exited.
  bool WaitServing(absl::Duration timeout);

  // "127.0.0.1:<port>" of the gRPC listener.
  std::string address() const;
  int port() const { return port_; }
  int metrics_port() const { return metrics_port_; }
  int health_port() const { return health_port_; }
  ChildProcess& process() { return *process_; }
  // What the binary has logged so far.
  std::string Log() const;

 private:
  ServiceProcessOptions options_;
  int port_ = 0;
  int metrics_port_ = 0;
  int health_port_ = 0;
  std::string log_path_;
  std::unique_ptr<ChildProcess> process_;
};

// A plaintext channel of its own (no shared subchannel), so that a
// connection attempt made while a server was starting does not linger in
// backoff.
std::shared_ptr<grpc::Channel> FreshChannel(const std::string& address);

}  // namespace qpp::testing
