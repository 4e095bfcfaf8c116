// qpp-registry: the registry of organisations and their quality record.

#include <cstdlib>
#include <iostream>

#include "absl/flags/flag.h"
#include "absl/status/status.h"
#include "common/config/config.h"
#include "common/db/idempotency.h"
#include "common/db/migrations.h"
#include "common/metrics/metrics.h"
#include "common/server/executor.h"
#include "common/server/logging.h"
#include "common/server/server.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry.h"
#include "services/registry/src/registry_service.h"
#include "spdlog/spdlog.h"

ABSL_FLAG(std::string, listen_address, "127.0.0.1:9101",
          "gRPC address (host:port).");
ABSL_FLAG(std::string, metrics_address, "127.0.0.1:9201",
          "Prometheus /metrics address (host:port); empty disables it.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error.");
ABSL_FLAG(bool, migrate, true, "Apply database migrations at start-up.");
ABSL_FLAG(bool, migrate_only, false, "Apply migrations and exit.");
ABSL_FLAG(std::string, data_keyring_file, "",
          "File with the keyring for personal data (else QPP_DATA_KEYRING): "
          "'id:base64-32-bytes[,...]', the highest id encrypts.");
ABSL_FLAG(int, improvement_margin_points, 50,
          "Rise of a self-assessment total (of 1000) that counts as improved.");
ABSL_FLAG(int, request_id_retention_days, 7,
          "How long a request_id replays its first answer.");
ABSL_FLAG(int, drain_seconds, 20, "Grace period for in-flight calls.");
ABSL_FLAG(std::string, tls_cert_file, "", "PEM certificate for TLS.");
ABSL_FLAG(std::string, tls_key_file, "", "PEM private key for TLS.");
ABSL_FLAG(std::string, tls_client_ca_file, "",
          "PEM CA; when set, client certificates are required (mTLS).");

namespace qpp::registry {
namespace {

constexpr char kVersion[] = QPP_VERSION_STRING;

absl::Status Run() {
  QPP_ASSIGN_OR_RETURN(db::PoolOptions db_options,
                       config::DbOptionsFromFlags("qpp_registry"));
  if (absl::GetFlag(FLAGS_migrate) || absl::GetFlag(FLAGS_migrate_only)) {
    QPP_RETURN_IF_ERROR(db::Migrate(
        db_options.connection, db_options.connection.database, Migrations()));
    if (absl::GetFlag(FLAGS_migrate_only)) return absl::OkStatus();
  }
  QPP_ASSIGN_OR_RETURN(
      std::string keyring,
      config::ReadSecret("QPP_DATA_KEYRING",
                         absl::GetFlag(FLAGS_data_keyring_file)));
  if (keyring.empty()) {
    return absl::FailedPreconditionError(
        "no data keyring: set QPP_DATA_KEYRING or --data_keyring_file");
  }
  QPP_ASSIGN_OR_RETURN(crypto::DataCipher cipher,
                       crypto::DataCipher::FromKeyring(keyring));

  auto registry = std::make_shared<prometheus::Registry>();
  metrics::AddBuildInfo(*registry, "registry", kVersion);
  db::ConnectionPool pool(db_options, registry.get());
  server::Executor executor(pool.size(), 4096, registry.get());
  RegistryOptions options;
  options.improvement_margin_points =
      absl::GetFlag(FLAGS_improvement_margin_points);
  Registry core(pool, NewMysqlRegistryRepositories(), std::move(cipher),
                options, [] { return absl::Now(); });
  RegistryServiceImpl service(core, executor);

  std::unique_ptr<prometheus::Exposer> exposer;
  if (!absl::GetFlag(FLAGS_metrics_address).empty()) {
    QPP_ASSIGN_OR_RETURN(
        exposer,
        metrics::StartExposer(absl::GetFlag(FLAGS_metrics_address), registry));
  }
  server::ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen_address);
  server_options.drain_timeout =
      absl::Seconds(absl::GetFlag(FLAGS_drain_seconds));
  server_options.tls_cert_file = absl::GetFlag(FLAGS_tls_cert_file);
  server_options.tls_key_file = absl::GetFlag(FLAGS_tls_key_file);
  server_options.tls_client_ca_file = absl::GetFlag(FLAGS_tls_client_ca_file);
  server::Server server(server_options, *registry);
  server.AddService(&service, v1::RegistryService::service_full_name());
  db::DatabaseProbe probe(db_options.connection);
  server.AddReadinessCheck([&probe] { return probe.Check(); });
  db::IdempotencyJanitor janitor(
      pool, absl::Hours(24 * absl::GetFlag(FLAGS_request_id_retention_days)),
      absl::Hours(1));
  QPP_RETURN_IF_ERROR(server.Start());
  spdlog::info("qpp-registry {} serving on port {}", kVersion, server.port());

  const int signal = server::WaitForTerminationSignal();
  spdlog::info("signal {} received; shutting down", signal);
  server.Shutdown();
  executor.Shutdown();
  return absl::OkStatus();
}

}  // namespace
}  // namespace qpp::registry

int main(int argc, char** argv) {
  qpp::server::PrepareProcess();
  qpp::config::ParseFlags(argc, argv,
                          "qpp-registry: organisations and their quality "
                          "record.\nFlags may also be set as QPP_<FLAG> "
                          "environment variables.");
  qpp::server::InitLogging("registry", absl::GetFlag(FLAGS_log_level));
  absl::Status status = qpp::registry::Run();
  if (!status.ok()) {
    spdlog::critical("qpp-registry stopped: {}", status.ToString());
    return 1;
  }
  return 0;
}
