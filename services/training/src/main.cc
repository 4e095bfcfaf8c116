// qpp-training: courses, sessions and the people trained and certified.
// The shared bootstrap (common/server/service_main.h) does the rest.

#include "absl/flags/flag.h"
#include "common/client/channel.h"
#include "common/server/service_main.h"
#include "common/status/status.h"
#include "services/training/src/migrations.h"
#include "services/training/src/registry_client.h"
#include "services/training/src/training.h"
#include "services/training/src/training_metrics.h"
#include "services/training/src/training_service.h"

ABSL_FLAG(std::string, registry_address, "127.0.0.1:9101",
          "host:port of qpp-registry, asked whether providers and employers "
          "are registered.");

ABSL_FLAG(int, certificate_validity_years, 3,
          "Years a certificate is valid, for types not named in "
          "--certificate_validity.");
ABSL_FLAG(std::string, certificate_validity, "",
          "Years of validity per certificate type, e.g. "
          "\"QUALITY_ENGINEER=3,CHIEF_QUALITY_OFFICER=5\".");
ABSL_FLAG(std::string, certificate_issuer, "Quality Promotion Programme Office",
          "The issuing body recorded on certificates earned through training.");

ABSL_FLAG(int, certificate_cache_seconds, 2,
          "Seconds public verification may answer from a certificate it read "
          "before (0: read every time); a revocation on another replica "
          "reaches verification at most this late.");
ABSL_FLAG(int, statistics_refresh_seconds, 60,
          "Seconds between refreshes of the training gauges on /metrics "
          "(0: never).");

namespace qpp::training {

absl::StatusOr<server::ServiceParts> Wire(server::ServiceEnv& env) {
  QPP_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                       client::MakeChannel(env.ChannelTo(
                           absl::GetFlag(FLAGS_registry_address))));
  CertificateOptions certificates;
  QPP_ASSIGN_OR_RETURN(
      certificates.validity_years,
      ParseValidityYears(absl::GetFlag(FLAGS_certificate_validity),
                         absl::GetFlag(FLAGS_certificate_validity_years)));
  certificates.issuing_body = absl::GetFlag(FLAGS_certificate_issuer);
  certificates.verification_cache_ttl =
      absl::Seconds(absl::GetFlag(FLAGS_certificate_cache_seconds));
  server::ServiceParts parts;
  Training* core = parts.Keep(std::make_shared<Training>(
      env.pool, NewMysqlTrainingRepositories(),
      NewGrpcRegistryClient(std::move(channel), env.metrics),
      std::move(env.cipher), std::move(certificates), env.clock));
  auto gauges =
      std::make_shared<StatisticsGauges>(env.metrics, core->statistics());
  if (const int seconds = absl::GetFlag(FLAGS_statistics_refresh_seconds);
      seconds > 0) {
    gauges->Start(absl::Seconds(seconds));
  }
  parts.Keep(std::move(gauges));
  parts.Serve(std::make_shared<TrainingServiceImpl>(*core, env.executor,
                                                    env.principal_trust),
              v1::TrainingService::service_full_name());
  return parts;
}

}  // namespace qpp::training

int main(int argc, char** argv) {
  const qpp::server::ServiceSpec spec{
      .name = "training",
      .summary = "courses, sessions and the people trained and certified.",
      .default_listen_address = "127.0.0.1:9103",
      .default_metrics_address = "127.0.0.1:9203",
      .migrations = &qpp::training::Migrations(),
  };
  return qpp::server::ServiceMain(argc, argv, spec, qpp::training::Wire);
}
