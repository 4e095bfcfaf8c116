#pragma once

// The main() of every qpp service (the registry, training, demobase,
// cultivation): everything but the service's own wiring. In order:
//   flags (standard ones below, plus the service's own), JSON logs,
//   migrations (--migrate, --migrate_only), the personal-data keyring,
//   metrics (/metrics and qpp_build_info), the connection pool, the bounded
//   executor, the service's hook, the gRPC server (health, reflection, RED
//   metrics), the database readiness probe, the idempotency janitor, then
//   SIGTERM/SIGINT → drain in-flight calls, stop the executor, destroy the
//   service's parts, close the pool.
//
// A service's main.cc is then only its own parts:
//
//   int main(int argc, char** argv) {
//     return qpp::server::ServiceMain(argc, argv, kSpec, [](auto& env) {
//       ... construct use cases from env.pool, env.executor, env.cipher ...
//       qpp::server::ServiceParts parts;
//       parts.Serve(std::make_shared<MyServiceImpl>(...),
//       "qpp.my.v1.MyService"); return parts;
//     });
//   }
//
// Standard flags (each also QPP_<FLAG> in the environment): --listen_address,
// --metrics_address, --log_level, --drain_seconds, --tls_cert_file,
// --tls_key_file, --tls_client_ca_file, --migrate, --migrate_only,
// --data_keyring_file, --request_id_retention_days and the --db_* flags of
// common/config/db_flags.h.

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/client/channel.h"
#include "common/context/grpc_request_context.h"
#include "common/crypto/cipher.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/server/executor.h"
#include "common/server/process.h"
#include "grpcpp/impl/service_type.h"

namespace qpp::server {

struct ServiceEnv;

// What a service is, for the bootstrap.
struct ServiceSpec {
  // Short name: "registry" → binary qpp-registry, schema qpp_registry.
  std::string name;
  // One line for --help.
  std::string summary;
  // Defaults of --listen_address and --metrics_address (DESIGN.md §5:
  // 127.0.0.1:91NN and 127.0.0.1:92NN).
  std::string default_listen_address;
  std::string default_metrics_address;
  // The service's embedded migrations (qpp_embed_migrations).
  const std::vector<db::MigrationFile>* migrations = nullptr;
  // Whether the service stores personal data and so needs the keyring.
  bool needs_keyring = true;
  // A one-off command of the service's own (e.g. the registry's
  // re-encryption of personal data), chosen by its own flags: when
  // `command_requested` returns true, `run_command` runs instead of the
  // server, after migrations (like --migrate_only), with the pool, the
  // keyring and the clock but no listener and no metrics port (so it can run
  // next to a serving process). Its status is the process's.
  std::function<bool()> command_requested;
  std::function<absl::Status(ServiceEnv&)> run_command;
};

// What the bootstrap built, handed to the service's hook. Every member
// outlives the parts the hook returns.
struct ServiceEnv {
  const ServiceSpec& spec;
  db::ConnectionPool& pool;
  // Runs blocking work (MySQL, calls to other services) off gRPC's threads;
  // as many threads as the pool has connections.
  Executor& executor;
  prometheus::Registry& metrics;
  // Personal-data cipher from the keyring (empty keyring when the spec says
  // none is needed). The hook may move it into its parts.
  crypto::DataCipher cipher;
  // The clock use cases read (injected so tests can fix time).
  std::function<absl::Time()> clock;
  // Whose principal header to believe; the gRPC surface passes it to
  // RequestContextFromServer.
  PrincipalTrust principal_trust;
  // TLS of calls to other services: this service's own certificate, key
  // and CA, so that the callee can check who is calling.
  client::ChannelOptions call_defaults;

  // Channel settings for calling the service at `address` (mTLS when this
  // service has a certificate).
  client::ChannelOptions ChannelTo(std::string address) const {
    client::ChannelOptions options = call_defaults;
    options.address = std::move(address);
    return options;
  }
};

// The service's own objects, kept alive while the server runs and destroyed
// after it has drained, in reverse order of Keep/Serve.
class ServiceParts final {
 public:
  ServiceParts() = default;
  ServiceParts(ServiceParts&&) = default;
  ServiceParts& operator=(ServiceParts&&) = default;
  ~ServiceParts();

  // Keeps `object` alive; returns it for further wiring.
  template <typename T>
  T* Keep(std::shared_ptr<T> object) {
    T* raw = object.get();
    kept_.push_back(std::move(object));
    return raw;
  }

  // Serves `service` under its proto full name (e.g.
  // "qpp.registry.v1.RegistryService", the generated
  // Service::service_full_name()), and keeps it alive.
  template <typename T>
  T* Serve(std::shared_ptr<T> service, std::string full_name) {
    T* raw = Keep(std::move(service));
    services_.emplace_back(static_cast<grpc::Service*>(raw),
                           std::move(full_name));
    return raw;
  }

  // A check that must pass for health to report SERVING (besides the
  // database), e.g. a required dependency.
  void AddReadinessCheck(std::function<absl::Status()> check) {
    checks_.push_back(std::move(check));
  }

  const std::vector<std::pair<grpc::Service*, std::string>>& services() const {
    return services_;
  }
  const std::vector<std::function<absl::Status()>>& checks() const {
    return checks_;
  }

 private:
  std::vector<std::shared_ptr<void>> kept_;
  std::vector<std::pair<grpc::Service*, std::string>> services_;
  std::vector<std::function<absl::Status()>> checks_;
};

// Builds the service's parts from what the bootstrap built. An error stops
// the process before it serves.
using WireService = std::function<absl::StatusOr<ServiceParts>(ServiceEnv&)>;

// Runs the service until SIGTERM/SIGINT; returns main()'s exit status (0 on
// a clean shutdown, 1 when start-up failed, with the reason logged).
int ServiceMain(int argc, char** argv, const ServiceSpec& spec,
                const WireService& wire);

}  // namespace qpp::server
