#include "services/cultivation/funding/src/funding_wiring.h"

#include "absl/flags/flag.h"
#include "common/client/channel.h"
#include "services/cultivation/funding/src/funding.h"
#include "services/cultivation/funding/src/funding_service.h"
#include "services/cultivation/funding/src/reevaluation.h"

ABSL_FLAG(std::string, demobase_address, "127.0.0.1:9104",
          "host:port of qpp-demobase, read for the demonstration-base "
          "subsidy and the quality record; empty for none.");
ABSL_FLAG(int, reevaluation_poll_seconds, 2,
          "How often funding follows the registry's change feed and its "
          "outbox of re-evaluations; 0 turns re-evaluation off.");
ABSL_FLAG(int, reevaluation_sweep_minutes, 60,
          "How often funding re-reads the decisions whose facts have no "
          "change feed (training's certificates, demobase's events).");

namespace qpp::funding {

absl::StatusOr<std::shared_ptr<grpc::Channel>> DemoBaseChannel(
    const server::ServiceEnv& env) {
  const std::string address = absl::GetFlag(FLAGS_demobase_address);
  if (address.empty()) return std::shared_ptr<grpc::Channel>();
  return client::MakeChannel(env.ChannelTo(address));
}

absl::Status WireFunding(server::ServiceEnv& env, FundingChannels channels,
                         std::shared_ptr<CultivationFacts> cultivation,
                         server::ServiceParts& parts) {
  const int poll = absl::GetFlag(FLAGS_reevaluation_poll_seconds);
  const int sweep = absl::GetFlag(FLAGS_reevaluation_sweep_minutes);
  if (poll < 0 || sweep < 1) {
    return absl::InvalidArgumentError(
        "--reevaluation_poll_seconds must be >= 0 and "
        "--reevaluation_sweep_minutes >= 1");
  }
  std::shared_ptr<OrganizationFeed> feed;
  if (channels.registry != nullptr) {
    feed = NewGrpcOrganizationFeed(channels.registry, env.metrics);
  }
  FactSource* facts = parts.Keep(std::shared_ptr<FactSource>(
      NewGrpcFactSource(channels.registry, channels.training, channels.demobase,
                        std::move(cultivation), env.metrics)));
  FundingRepository* repository = parts.Keep(
      std::shared_ptr<FundingRepository>(NewMysqlFundingRepository()));
  parts.Keep(feed);
  Funding* funding = parts.Keep(std::make_shared<Funding>(
      env.pool, NewMysqlFundingRepository(), *facts, env.clock));
  parts.Serve(std::make_shared<FundingServiceImpl>(*funding, env.executor,
                                                   env.principal_trust),
              v1::FundingService::service_full_name());
  if (poll > 0) {
    ReevaluationOptions options;
    options.poll_period = absl::Seconds(poll);
    options.sweep_period = absl::Minutes(sweep);
    Reevaluator* reevaluator = parts.Keep(std::make_shared<Reevaluator>(
        env.pool, *repository, *funding, feed.get(), options, env.clock));
    reevaluator->Start();
  }
  return absl::OkStatus();
}

}  // namespace qpp::funding
