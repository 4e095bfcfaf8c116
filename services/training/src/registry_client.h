#pragma once

// What training asks the registry (and nothing else: training calls only
// the registry, never the other way round): whether an organisation is
// registered, for a session's provider and a trainee's employer. Use cases
// see only the RegistryClient interface, which their tests fake; the gRPC
// implementation goes through the shared client of common/client (deadline
// from the caller's remaining time, request id and principal propagated,
// client metrics).

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/context/request_context.h"
#include "grpcpp/channel.h"
#include "prometheus/registry.h"

namespace qpp::training {

// The facts about an organisation that training keeps as evidence.
struct RegisteredOrganization {
  std::string uscc;
  std::string display_name;
  // The registry's district code, for statistics per district.
  std::string district_code;
  // False if the organisation is archived.
  bool active = true;
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
};

// The registry over gRPC on `channel` (common/client/channel.h's
// MakeChannel); client RED metrics go to `metrics`, which must outlive it.
std::unique_ptr<RegistryClient> NewGrpcRegistryClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics);

// OK if `uscc` is registered and active. FAILED_PRECONDITION
// (ORGANIZATION_NOT_REGISTERED, naming `field`) if the registry has none or
// it is archived; UNAVAILABLE (REGISTRY_UNAVAILABLE) as GetOrganization.
absl::StatusOr<RegisteredOrganization> RequireRegistered(
    RegistryClient& registry, const RequestContext& context,
    absl::string_view uscc, absl::string_view field);

}  // namespace qpp::training
