// qpp-cultivation: Excellence Launch cohorts, applications, reviews,
// selection and enrolments, and the enterprise growth plan; and funding
// eligibility for the finance committee (qpp.funding.v1.FundingService). The
// shared bootstrap (common/server/service_main.h) does the rest.

#include "absl/flags/flag.h"
#include "common/client/channel.h"
#include "common/server/service_main.h"
#include "common/status/status.h"
#include "services/cultivation/funding/src/funding_wiring.h"
#include "services/cultivation/funding/src/mysql_cultivation_facts.h"
#include "services/cultivation/src/cohort_rules.h"
#include "services/cultivation/src/cultivation.h"
#include "services/cultivation/src/cultivation_metrics.h"
#include "services/cultivation/src/cultivation_service.h"
#include "services/cultivation/src/migrations.h"

ABSL_FLAG(std::string, registry_address, "127.0.0.1:9101",
          "host:port of qpp-registry, asked about applicants and told of "
          "accepted enrolments.");
ABSL_FLAG(std::string, training_address, "127.0.0.1:9103",
          "host:port of qpp-training, asked about assessors' certificates "
          "and key-staff training.");
ABSL_FLAG(int, default_capacity, 30,
          "Enterprises a new cohort selects at most, unless it sets its own "
          "(\"每年30家\").");
ABSL_FLAG(int, default_library_cap, 100,
          "Active enrolments the key-enterprise library holds at most, "
          "unless a cohort sets its own (\"百家\").");

ABSL_FLAG(int, min_trained_staff, 3,
          "Staff of an enrolled enterprise who must have attended training "
          "within the term for its key-staff training milestone.");

ABSL_FLAG(int, enrollment_expiry_minutes, 60,
          "Minutes between passes that mark enrolments past their two-year "
          "term without an outcome EXPIRED (0: never).");

ABSL_FLAG(int, statistics_refresh_seconds, 60,
          "Seconds between refreshes of the cultivation gauges on /metrics "
          "(0: never).");

namespace qpp::cultivation {

absl::StatusOr<server::ServiceParts> Wire(server::ServiceEnv& env) {
  ProgrammeOptions options;
  options.default_capacity = absl::GetFlag(FLAGS_default_capacity);
  options.default_library_cap = absl::GetFlag(FLAGS_default_library_cap);
  options.min_trained_staff = absl::GetFlag(FLAGS_min_trained_staff);
  QPP_RETURN_IF_ERROR(ValidateOptions(options));
  QPP_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> registry_channel,
                       client::MakeChannel(env.ChannelTo(
                           absl::GetFlag(FLAGS_registry_address))));
  QPP_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> training_channel,
                       client::MakeChannel(env.ChannelTo(
                           absl::GetFlag(FLAGS_training_address))));
  // Funding eligibility reads the same services, and demobase.
  funding::FundingChannels funding_channels;
  funding_channels.registry = registry_channel;
  funding_channels.training = training_channel;
  QPP_ASSIGN_OR_RETURN(funding_channels.demobase,
                       funding::DemoBaseChannel(env));
  CultivationClients clients;
  clients.registry =
      NewGrpcRegistryClient(std::move(registry_channel), env.metrics);
  clients.training =
      NewGrpcTrainingClient(std::move(training_channel), env.metrics);
  server::ServiceParts parts;
  Cultivation* core = parts.Keep(std::make_shared<Cultivation>(
      env.pool, NewMysqlCultivationRepositories(), std::move(clients),
      std::move(env.cipher), env.clock, options));
  auto gauges =
      std::make_shared<StatisticsGauges>(env.metrics, core->statistics());
  if (const int seconds = absl::GetFlag(FLAGS_statistics_refresh_seconds);
      seconds > 0) {
    gauges->Start(absl::Seconds(seconds));
  }
  parts.Keep(std::move(gauges));
  const int expiry_minutes = absl::GetFlag(FLAGS_enrollment_expiry_minutes);
  if (expiry_minutes < 0) {
    return absl::InvalidArgumentError(
        "--enrollment_expiry_minutes must be >= 0");
  }
  if (expiry_minutes > 0) {
    auto expiry =
        std::make_shared<EnrollmentExpiryJob>(env.metrics, core->enrollments());
    expiry->Start(absl::Minutes(expiry_minutes));
    parts.Keep(std::move(expiry));
  }
  parts.Serve(std::make_shared<CultivationServiceImpl>(*core, env.executor,
                                                       env.principal_trust),
              v1::CultivationService::service_full_name());
  QPP_RETURN_IF_ERROR(
      funding::WireFunding(env, std::move(funding_channels),
                           funding::NewMysqlCultivationFacts(env.pool), parts));
  return parts;
}

}  // namespace qpp::cultivation

int main(int argc, char** argv) {
  const qpp::server::ServiceSpec spec{
      .name = "cultivation",
      .summary = "Excellence Launch cohorts, enrolments and the growth plan.",
      .default_listen_address = "127.0.0.1:9102",
      .default_metrics_address = "127.0.0.1:9202",
      .migrations = &qpp::cultivation::SchemaMigrations(),
  };
  return qpp::server::ServiceMain(argc, argv, spec, qpp::cultivation::Wire);
}
