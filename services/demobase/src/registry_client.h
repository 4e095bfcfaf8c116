#pragma once

// What demobase asks the registry (and nothing else: demobase calls only
// the registry, never the other way round): an organisation's standing and
// its Mayor's Quality Award records, to decide whether it may be designated
// a demonstration base. Use cases see only the RegistryClient interface,
// which their tests fake; the gRPC implementation goes through the shared
// client of common/client (deadline from the caller's remaining time, capped;
// request id and principal propagated; client metrics).

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/context/request_context.h"
#include "grpcpp/channel.h"
#include "prometheus/registry.h"

namespace qpp::demobase {

// The facts about an organisation that demobase keeps as evidence.
struct RegisteredOrganization {
  std::string uscc;
  std::string display_name;
  // False if the organisation is archived.
  bool active = true;
  // Flagged an exemplary public-service organisation (公共服务类典范组织).
  bool exemplary_public_service = false;
};

// One Mayor's Quality Award record.
struct AwardFact {
  int year = 0;
  // The registry's level name, e.g. "AWARD_LEVEL_GRAND_AWARD".
  std::string level;
};

class RegistryClient {
 public:
  virtual ~RegistryClient() = default;
  // The organisation with this USCC. NOT_FOUND if the registry has none;
  // UNAVAILABLE (reason REGISTRY_UNAVAILABLE, a message naming the registry
  // and saying nothing was written) when the registry cannot answer in
  // time; other failures of the registry as INTERNAL.
  virtual absl::StatusOr<RegisteredOrganization> GetOrganization(
      const RequestContext& context, absl::string_view uscc) = 0;
  // Every award record of the organisation, newest first; errors as
  // GetOrganization.
  virtual absl::StatusOr<std::vector<AwardFact>> ListAwards(
      const RequestContext& context, absl::string_view uscc) = 0;
};

// The registry over gRPC on `channel` (common/client/channel.h's
// MakeChannel); client RED metrics go to `metrics`, which must outlive it.
std::unique_ptr<RegistryClient> NewGrpcRegistryClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics);

}  // namespace qpp::demobase
