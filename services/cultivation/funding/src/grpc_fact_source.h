#pragma once

// The facts of funding eligibility, read over gRPC from their owners with
// deadlines: the organisation from the registry (GetOrganization), the
// certified staff from training (ListCertificates by employer, valid
// today), the demonstration base from demobase (ListBaseCompliance of the
// year), and the enrolment and growth plan from cultivation's own tables
// through `CultivationFacts`. A part that cannot be read is left
// unavailable with the reason; nothing is guessed.

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/channel.h"
#include "prometheus/registry.h"
#include "services/cultivation/funding/src/fact_source.h"

namespace qpp::funding {

// Cultivation's own facts about an organisation. Thread-safe.
class CultivationFacts {
 public:
  virtual ~CultivationFacts() = default;
  // The organisation's latest Excellence Launch enrolment as of `today`.
  virtual absl::StatusOr<EnrolmentFacts> Enrolment(const std::string& uscc,
                                                   absl::CivilDay today) = 0;
  // The organisation in the growth plan.
  virtual absl::StatusOr<GrowthPlanFacts> GrowthPlan(
      const std::string& uscc) = 0;
};

// Channels may be null: the facts of a service that is not configured are
// unavailable ("not configured"). `cultivation` may be null likewise.
std::unique_ptr<FactSource> NewGrpcFactSource(
    std::shared_ptr<grpc::Channel> registry,
    std::shared_ptr<grpc::Channel> training,
    std::shared_ptr<grpc::Channel> demobase,
    std::shared_ptr<CultivationFacts> cultivation,
    prometheus::Registry& metrics);

}  // namespace qpp::funding
