// qpp-demobase: demonstration bases, their open events and visitors. The
// shared bootstrap (common/server/service_main.h) does the rest.

#include "absl/flags/flag.h"
#include "common/client/channel.h"
#include "common/server/service_main.h"
#include "common/status/status.h"
#include "services/demobase/src/base_rules.h"
#include "services/demobase/src/demobase.h"
#include "services/demobase/src/demobase_metrics.h"
#include "services/demobase/src/demobase_service.h"
#include "services/demobase/src/migrations.h"
#include "services/demobase/src/registry_client.h"

ABSL_FLAG(std::string, registry_address, "127.0.0.1:9101",
          "host:port of qpp-registry, asked whether an organisation holds a "
          "Mayor's Quality Award or is an exemplary public-service "
          "organisation.");
ABSL_FLAG(int, min_bases_per_year, 2,
          "Designations a year should have at least (reported).");
ABSL_FLAG(int, max_bases_per_year, 4,
          "Designations a year may have at most (enforced).");
ABSL_FLAG(int, min_events_per_year, 6,
          "Open events a base holds a year at least (\"不少于6批次\").");

ABSL_FLAG(int, statistics_refresh_seconds, 60,
          "Seconds between refreshes of the demobase gauges on /metrics "
          "(0: never).");

namespace qpp::demobase {

absl::StatusOr<server::ServiceParts> Wire(server::ServiceEnv& env) {
  ProgrammeOptions options;
  options.min_bases_per_year = absl::GetFlag(FLAGS_min_bases_per_year);
  options.max_bases_per_year = absl::GetFlag(FLAGS_max_bases_per_year);
  options.min_events_per_year = absl::GetFlag(FLAGS_min_events_per_year);
  QPP_RETURN_IF_ERROR(ValidateOptions(options));
  QPP_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                       client::MakeChannel(env.ChannelTo(
                           absl::GetFlag(FLAGS_registry_address))));
  server::ServiceParts parts;
  DemoBase* core = parts.Keep(std::make_shared<DemoBase>(
      env.pool, NewMysqlDemoBaseRepositories(),
      NewGrpcRegistryClient(std::move(channel), env.metrics),
      std::move(env.cipher), env.clock, options));
  auto gauges = std::make_shared<StatisticsGauges>(
      env.metrics, core->compliance(), env.clock);
  if (const int seconds = absl::GetFlag(FLAGS_statistics_refresh_seconds);
      seconds > 0) {
    gauges->Start(absl::Seconds(seconds));
  }
  parts.Keep(std::move(gauges));
  parts.Serve(std::make_shared<DemoBaseServiceImpl>(*core, env.executor,
                                                    env.principal_trust),
              v1::DemoBaseService::service_full_name());
  return parts;
}

}  // namespace qpp::demobase

int main(int argc, char** argv) {
  const qpp::server::ServiceSpec spec{
      .name = "demobase",
      .summary = "demonstration bases, their open events and visitors.",
      .default_listen_address = "127.0.0.1:9104",
      .default_metrics_address = "127.0.0.1:9204",
      .migrations = &qpp::demobase::Migrations(),
  };
  return qpp::server::ServiceMain(argc, argv, spec, qpp::demobase::Wire);
}
