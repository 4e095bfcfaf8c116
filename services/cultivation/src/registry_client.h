#pragma once

// What cultivation asks the registry (cultivation calls the registry,
// never the other way round): an organisation's standing and its latest
// self-assessment, for an application. Use cases see only the
// RegistryClient interface, which unit tests fake; the gRPC implementation
// goes through the shared client of common/client (deadline from the
// caller's remaining time, capped; request id and principal propagated;
// client metrics).

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/context/request_context.h"
#include "grpcpp/channel.h"
#include "prometheus/registry.h"

namespace qpp::cultivation {

// The facts about an organisation that cultivation checks and keeps.
struct RegisteredOrganization {
  std::string uscc;
  std::string display_name;
  // False if the organisation is archived.
  bool active = true;
  // Kind is ORGANIZATION_KIND_ENTERPRISE.
  bool enterprise = false;
  // Credit standing is not restricted.
  bool good_credit = true;
  // The registry's size class name, e.g. "SIZE_CLASS_SMALL".
  std::string size_class;
  // Adoption status ADOPTED or BENCHMARK.
  bool adopted = false;
};

// An organisation's latest self-assessment.
struct SelfAssessmentFact {
  // `organizations/{uscc}/assessments/{id}`.
  std::string name;
  double total_points = 0;
  std::string assessor_certificate;
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
  // The organisation's newest self-assessment, nullopt if it has none;
  // errors as GetOrganization.
  virtual absl::StatusOr<std::optional<SelfAssessmentFact>>
  LatestSelfAssessment(const RequestContext& context,
                       absl::string_view uscc) = 0;
  // Moves the organisation's adoption status to ADOPTED as of `day`, under
  // `request_id` (the registry's idempotency key, naming the enrolment),
  // with `evidence` (which enrolment passed, kept in the registry's
  // adoption history). An organisation already adopted (or a benchmark)
  // is left as it is and answers OK. Errors as GetOrganization.
  virtual absl::Status SetAdopted(const RequestContext& context,
                                  absl::string_view uscc, absl::CivilDay day,
                                  absl::string_view request_id,
                                  absl::string_view evidence) = 0;
};

// The registry over gRPC on `channel` (common/client/channel.h's
// MakeChannel); client RED metrics go to `metrics`, which must outlive it.
std::unique_ptr<RegistryClient> NewGrpcRegistryClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics);

}  // namespace qpp::cultivation
