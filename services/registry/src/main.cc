// qpp-registry: the registry of organisations and their quality record.
// The shared bootstrap (common/server/service_main.h) does the rest.

#include "absl/flags/flag.h"
#include "common/server/service_main.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry.h"
#include "services/registry/src/registry_service.h"

ABSL_FLAG(int, improvement_margin_points, 50,
          "Rise of a self-assessment total (of 1000) that counts as improved.");

namespace qpp::registry {

absl::StatusOr<server::ServiceParts> Wire(server::ServiceEnv& env) {
  RegistryOptions options;
  options.improvement_margin_points =
      absl::GetFlag(FLAGS_improvement_margin_points);
  server::ServiceParts parts;
  Registry* core = parts.Keep(
      std::make_shared<Registry>(env.pool, NewMysqlRegistryRepositories(),
                                 std::move(env.cipher), options, env.clock));
  parts.Serve(std::make_shared<RegistryServiceImpl>(*core, env.executor),
              v1::RegistryService::service_full_name());
  return parts;
}

}  // namespace qpp::registry

int main(int argc, char** argv) {
  const qpp::server::ServiceSpec spec{
      .name = "registry",
      .summary = "organisations and their quality record.",
      .default_listen_address = "127.0.0.1:9101",
      .default_metrics_address = "127.0.0.1:9201",
      .migrations = &qpp::registry::Migrations(),
  };
  return qpp::server::ServiceMain(argc, argv, spec, qpp::registry::Wire);
}
