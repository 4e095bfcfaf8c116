#pragma once

// Funding eligibility as a part of the service that hosts it (the
// cultivation binary): its use cases, its gRPC service, the facts read from
// the registry, training and demobase over the given channels and from the
// host's own tables, and the re-evaluation thread. Its flags:
//   --demobase_address             where demobase listens ("" = none)
//   --reevaluation_poll_seconds    registry feed and outbox period (0 = off)
//   --reevaluation_sweep_minutes   sweep period of the facts without a feed

#include <memory>

#include "absl/status/status.h"
#include "common/server/service_main.h"
#include "grpcpp/channel.h"
#include "services/cultivation/funding/src/grpc_fact_source.h"

namespace qpp::funding {

// The channels to the services funding reads; null when not configured.
struct FundingChannels {
  std::shared_ptr<grpc::Channel> registry;
  std::shared_ptr<grpc::Channel> training;
  std::shared_ptr<grpc::Channel> demobase;
};

// A channel to demobase from --demobase_address (null when empty).
absl::StatusOr<std::shared_ptr<grpc::Channel>> DemoBaseChannel(
    const server::ServiceEnv& env);

// Adds funding to `parts`: serves qpp.funding.v1.FundingService and, unless
// disabled, starts re-evaluation. `cultivation` reads the host's own facts.
absl::Status WireFunding(server::ServiceEnv& env, FundingChannels channels,
                         std::shared_ptr<CultivationFacts> cultivation,
                         server::ServiceParts& parts);

}  // namespace qpp::funding
