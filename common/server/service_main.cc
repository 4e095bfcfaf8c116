#include "common/server/service_main.h"

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/config/config.h"
#include "common/config/db_flags.h"
#include "common/db/idempotency.h"
#include "common/server/server.h"
#include "common/status/status.h"
#include "prometheus/registry.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen_address, "",
          "gRPC address (host:port); each service has its own default.");
ABSL_FLAG(std::string, metrics_address, "",
          "Prometheus /metrics address (host:port); each service has its own "
          "default; empty disables it.");
ABSL_FLAG(bool, migrate, true, "Apply database migrations at start-up.");
ABSL_FLAG(bool, migrate_only, false, "Apply migrations and exit.");
ABSL_FLAG(std::string, data_keyring_file, "",
          "File with the keyring for personal data (else QPP_DATA_KEYRING): "
          "'id:base64-32-bytes[,...]', the highest id encrypts.");
ABSL_FLAG(int, request_id_retention_days, 7,
          "How long a request_id replays its first answer.");
ABSL_FLAG(int, drain_seconds, 20, "Grace period for in-flight calls.");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate for TLS.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key for TLS.");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA; when set, client certificates are required (mTLS).");
ABSL_FLAG(std::vector<std::string>, allowed_callers, {},
          "With mTLS: the certificate names (common name or DNS name) allowed "
          "to call this service, comma-separated, e.g. "
          "qpp-gateway,qpp-training; empty: any certificate the CA signed.");
ABSL_FLAG(std::vector<std::string>, principal_callers, {"qpp-gateway"},
          "With mTLS: the callers whose x-qpp-principal header is trusted "
          "(the gateway, which authenticated the end client).");
ABSL_FLAG(std::string, health_listen_address, "",
          "A plaintext listener serving only grpc.health.v1, for probes that "
          "cannot present a client certificate; empty: none.");
ABSL_FLAG(bool, allow_insecure, false,
          "Allow a plaintext (non-mTLS) listener on an address other than "
          "loopback. Off: such a service refuses to start, since anything "
          "that reaches its port could call it.");

namespace qpp::server {
namespace {

bool IsLoopback(absl::string_view address) {
  const size_t colon = address.rfind(':');
  const absl::string_view host =
      colon == absl::string_view::npos ? address : address.substr(0, colon);
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]" ||
         absl::StartsWith(host, "127.");
}

// Callers reach a service's port only through mTLS, except on loopback
// (development, tests) or when explicitly allowed.
absl::Status CheckExposure(const ServerOptions& options) {
  if (!options.tls_client_ca_file.empty() ||
      IsLoopback(options.listen_address) ||
      absl::GetFlag(FLAGS_allow_insecure)) {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "refusing to serve ", options.listen_address,
      " without mTLS: set --tls_cert_file, --tls_key_file and "
      "--tls_client_ca_file (or --allow_insecure for a closed network)"));
}

absl::StatusOr<crypto::DataCipher> LoadCipher(const ServiceSpec& spec) {
  QPP_ASSIGN_OR_RETURN(
      std::string keyring,
      config::ReadSecret("QPP_DATA_KEYRING",
                         absl::GetFlag(FLAGS_data_keyring_file)));
  if (keyring.empty()) {
    if (!spec.needs_keyring) return crypto::DataCipher();
    return absl::FailedPreconditionError(
        "no data keyring: set QPP_DATA_KEYRING or --data_keyring_file");
  }
  return crypto::DataCipher::FromKeyring(keyring);
}

// Runs the service's one-off command with a pool of its own and metrics
// that nobody scrapes.
absl::Status RunCommand(const ServiceSpec& spec,
                        const db::PoolOptions& db_options,
                        crypto::DataCipher cipher) {
  if (!spec.run_command) {
    return absl::InternalError("the service names a command it cannot run");
  }
  prometheus::Registry metrics;
  db::ConnectionPool pool(db_options, &metrics);
  Executor executor(1, 16, &metrics);
  ServiceEnv env{spec,
                 pool,
                 executor,
                 metrics,
                 std::move(cipher),
                 [] { return absl::Now(); },
                 PrincipalTrust{},
                 client::ChannelOptions{}};
  absl::Status status = spec.run_command(env);
  executor.Shutdown();
  return status;
}

absl::Status Serve(const ServiceSpec& spec, const WireService& wire) {
  QPP_ASSIGN_OR_RETURN(db::PoolOptions db_options,
                       config::DbOptionsFromFlags("qpp_" + spec.name));
  if (absl::GetFlag(FLAGS_migrate) || absl::GetFlag(FLAGS_migrate_only)) {
    QPP_RETURN_IF_ERROR(db::Migrate(db_options.connection,
                                    db_options.connection.database,
                                    *spec.migrations));
    if (absl::GetFlag(FLAGS_migrate_only)) return absl::OkStatus();
  }
  QPP_ASSIGN_OR_RETURN(crypto::DataCipher cipher, LoadCipher(spec));
  if (spec.command_requested && spec.command_requested()) {
    return RunCommand(spec, db_options, std::move(cipher));
  }

  QPP_ASSIGN_OR_RETURN(
      ProcessMetrics metrics,
      StartProcessMetrics(spec.name, absl::GetFlag(FLAGS_metrics_address)));
  db::ConnectionPool pool(db_options, metrics.registry.get());
  // Sized with the pool: a thread never waits for a connection that another
  // executor thread holds.
  Executor executor(pool.size(), 4096, metrics.registry.get());

  ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen_address);
  server_options.drain_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_drain_seconds));
  server_options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  server_options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  server_options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  server_options.allowed_peers = absl::GetFlag(FLAGS_allowed_callers);
  server_options.health_listen_address =
      absl::GetFlag(FLAGS_health_listen_address);
  QPP_RETURN_IF_ERROR(CheckExposure(server_options));

  PrincipalTrust trust;
  trust.require_peer = !server_options.tls_client_ca_file.empty();
  trust.trusted_peers = absl::GetFlag(FLAGS_principal_callers);
  client::ChannelOptions call_defaults;
  if (!server_options.tls_client_ca_file.empty()) {
    call_defaults.tls_ca_file = server_options.tls_client_ca_file;
    call_defaults.tls_cert_file = server_options.tls_cert_file;
    call_defaults.tls_key_file = server_options.tls_key_file;
  }
  ServiceEnv env{spec,
                 pool,
                 executor,
                 *metrics.registry,
                 std::move(cipher),
                 [] { return absl::Now(); },
                 std::move(trust),
                 std::move(call_defaults)};
  QPP_ASSIGN_OR_RETURN(ServiceParts parts, wire(env));

  Server server(server_options, *metrics.registry);
  for (const auto& [service, name] : parts.services()) {
    server.AddService(service, name);
  }
  db::DatabaseProbe probe(db_options.connection);
  server.AddReadinessCheck([&probe] { return probe.Check(); });
  for (const auto& check : parts.checks()) server.AddReadinessCheck(check);
  db::IdempotencyJanitor janitor(
      pool, absl::Hours(24 * absl::GetFlag(FLAGS_request_id_retention_days)),
      absl::Hours(1));
  QPP_RETURN_IF_ERROR(server.Start());
  spdlog::info("qpp-{} {} serving on port {}", spec.name,
               std::string(Version()), server.port());

  const int signal = WaitForTerminationSignal();
  spdlog::info("signal {} received; shutting down", signal);
  // Order: no new calls and in-flight ones drained, then the queued work
  // finished, then the parts that work used are destroyed (with `parts`).
  server.Shutdown();
  executor.Shutdown();
  return absl::OkStatus();
}

}  // namespace

ServiceParts::~ServiceParts() {
  // Destroy in reverse order of construction: later parts use earlier ones.
  while (!kept_.empty()) kept_.pop_back();
}

int ServiceMain(int argc, char** argv, const ServiceSpec& spec,
                const WireService& wire) {
  // The service's own defaults, shown by --help as "currently: …"; the
  // environment and the command line still override them.
  absl::SetFlag(&FLAGS_listen_address, spec.default_listen_address);
  absl::SetFlag(&FLAGS_metrics_address, spec.default_metrics_address);
  return RunProcess(argc, argv, ProcessInfo{spec.name, spec.summary},
                    [&] { return Serve(spec, wire); });
}

}  // namespace qpp::server
