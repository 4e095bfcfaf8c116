#pragma once

// What cultivation asks training (cultivation calls training, never the
// other way round): whether a self-assessment's assessor holds a valid
// excellence self-assessor certificate. Use cases see only the
// TrainingClient interface; the gRPC implementation goes through the
// shared client of common/client.

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/context/request_context.h"
#include "grpcpp/channel.h"
#include "prometheus/registry.h"

namespace qpp::cultivation {

class TrainingClient {
 public:
  virtual ~TrainingClient() = default;
  // True iff training holds a certificate numbered `number` of type
  // excellence self-assessor that is valid today. UNAVAILABLE (reason
  // TRAINING_UNAVAILABLE, saying nothing was written) when training cannot
  // answer in time; other failures as INTERNAL.
  virtual absl::StatusOr<bool> IsCertifiedSelfAssessor(
      const RequestContext& context, absl::string_view number) = 0;
  // Distinct staff of the organisation `uscc` (as training records their
  // employer) who attended a session held within `first`..`last`. Errors
  // as IsCertifiedSelfAssessor.
  virtual absl::StatusOr<int> CountAttendedStaff(const RequestContext& context,
                                                 absl::string_view uscc,
                                                 absl::CivilDay first,
                                                 absl::CivilDay last) = 0;
};

// Training over gRPC on `channel`; client metrics go to `metrics`, which
// must outlive it.
std::unique_ptr<TrainingClient> NewGrpcTrainingClient(
    std::shared_ptr<grpc::Channel> channel, prometheus::Registry& metrics);

}  // namespace qpp::cultivation
