// qpp-registry: the registry of organisations and their quality record.
// The shared bootstrap (common/server/service_main.h) does the rest.

#include <cstdio>
#include <map>
#include <string>

#include "absl/flags/flag.h"
#include "common/server/service_main.h"
#include "common/status/status.h"
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

ABSL_FLAG(bool, reencrypt_contacts, false,
          "Re-encrypt every organisation's contacts under the keyring's "
          "active key (key rotation), in batches, then exit. Resumable and "
          "safe while the service runs; no server is started.");
ABSL_FLAG(int, reencrypt_batch_size, 200,
          "Rows per batch of --reencrypt_contacts.");
ABSL_FLAG(int, check_key_retirement, 0,
          "Print how many organisations each key id seals and exit non-zero "
          "unless this key id may leave the keyring (not the active key, used "
          "by no row); no server is started.");

namespace qpp::registry {

absl::StatusOr<RegistryOptions> OptionsFromFlags() {
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
  return options;
}

absl::StatusOr<server::ServiceParts> Wire(server::ServiceEnv& env) {
  QPP_ASSIGN_OR_RETURN(RegistryOptions options, OptionsFromFlags());
  server::ServiceParts parts;
  Registry* core = parts.Keep(
      std::make_shared<Registry>(env.pool, NewMysqlRegistryRepositories(),
                                 std::move(env.cipher), options, env.clock));
  parts.Serve(std::make_shared<RegistryServiceImpl>(*core, env.executor,
                                                    env.principal_trust),
              v1::RegistryService::service_full_name());
  return parts;
}

// The operators' commands on contacts' keys (contact_privacy.h); they print
// to standard output.
absl::Status RunKeyCommand(server::ServiceEnv& env) {
  QPP_ASSIGN_OR_RETURN(RegistryOptions options, OptionsFromFlags());
  Registry registry(env.pool, NewMysqlRegistryRepositories(),
                    std::move(env.cipher), options, env.clock);
  ContactPrivacy& keys = registry.contact_privacy();
  auto print_usage = [](const std::map<int, int64_t>& usage) {
    for (const auto& [key, rows] : usage) {
      std::printf("key %d: %lld organisations\n", key,
                  static_cast<long long>(rows));
    }
  };
  if (absl::GetFlag(FLAGS_reencrypt_contacts)) {
    QPP_ASSIGN_OR_RETURN(
        ReencryptReport report,
        keys.ReencryptContacts(
            absl::GetFlag(FLAGS_reencrypt_batch_size),
            [](const ReencryptReport& r) {
              std::printf(
                  "re-encrypted %lld, skipped %lld (changed meanwhile)\n",
                  static_cast<long long>(r.reencrypted),
                  static_cast<long long>(r.skipped));
              std::fflush(stdout);
            }));
    std::printf("done: %lld re-encrypted under key %d, %lld skipped\n",
                static_cast<long long>(report.reencrypted), report.key_id,
                static_cast<long long>(report.skipped));
    print_usage(report.rows_by_key);
  }
  if (const int key = absl::GetFlag(FLAGS_check_key_retirement); key != 0) {
    QPP_ASSIGN_OR_RETURN(auto usage, keys.KeyUsage());
    print_usage(usage);
    QPP_RETURN_IF_ERROR(keys.CheckKeyRetirement(key));
    std::printf("key %d is used by no organisation: it may leave the keyring\n",
                key);
  }
  return absl::OkStatus();
}

}  // namespace qpp::registry

int main(int argc, char** argv) {
  const qpp::server::ServiceSpec spec{
      .name = "registry",
      .summary = "organisations and their quality record.",
      .default_listen_address = "127.0.0.1:9101",
      .default_metrics_address = "127.0.0.1:9201",
      .migrations = &qpp::registry::Migrations(),
      .command_requested =
          [] {
            return absl::GetFlag(FLAGS_reencrypt_contacts) ||
                   absl::GetFlag(FLAGS_check_key_retirement) != 0;
          },
      .run_command = qpp::registry::RunKeyCommand,
  };
  return qpp::server::ServiceMain(argc, argv, spec, qpp::registry::Wire);
}
