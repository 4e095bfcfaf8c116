// qpp-registry: the registry of organisations and their quality record.
// The shared bootstrap (common/server/service_main.h) does the rest.

#include <string>

#include "absl/flags/flag.h"
#include "common/server/service_main.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry.h"
#include "services/registry/src/registry_service.h"

ABSL_FLAG(int, improvement_margin_points, 50,
          "Rise of a self-assessment total (of 1000) that counts as improved, "
          "used only when the improvement_margins table has none in force.");
ABSL_FLAG(int, plan_baseline_year, 2013,
          "First year of the plan's improvement window: self-assessments "
          "from 1 January of that year on are compared.");
ABSL_FLAG(std::string, benchmark_industry_level, "section",
          "Granularity of the industries counted for the \"10+\" target: "
          "section (GB/T 4754 letter) or division (two digits).");

namespace qpp::registry {

absl::StatusOr<server::ServiceParts> Wire(server::ServiceEnv& env) {
  RegistryOptions options;
  TargetCountSettings& counts = options.target_counts;
  counts.fallback_margin_points =
      absl::GetFlag(FLAGS_improvement_margin_points);
  counts.improvement_window_start_year =
      absl::GetFlag(FLAGS_plan_baseline_year);
  const std::string level = absl::GetFlag(FLAGS_benchmark_industry_level);
  if (level == "section") {
    counts.benchmark_industry_level = v1::INDUSTRY_LEVEL_SECTION;
  } else if (level == "division") {
    counts.benchmark_industry_level = v1::INDUSTRY_LEVEL_DIVISION;
  } else {
    return absl::InvalidArgumentError(
        "--benchmark_industry_level must be section or division");
  }
  server::ServiceParts parts;
  Registry* core = parts.Keep(
      std::make_shared<Registry>(env.pool, NewMysqlRegistryRepositories(),
                                 std::move(env.cipher), options, env.clock));
  parts.Serve(std::make_shared<RegistryServiceImpl>(*core, env.executor,
                                                    env.principal_trust),
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
