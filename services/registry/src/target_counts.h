#pragma once

// The use case of the plan's target counts (GetTargetCounts): how many
// organisations introduced or adopted the excellence model, benchmarks,
// awards and improved enterprises, for a year. Rules: target_count_rules.h.
//
// Statuses: INVALID_ARGUMENT ("year"); UNAVAILABLE when the database is
// unreachable.

#include <memory>

#include "absl/status/status.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/registry_repository.h"
#include "services/registry/src/target_count_rules.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

class TargetCounts final {
 public:
  // The context must outlive this object. `settings` shape the counts
  // (improvement window, benchmark industry level, fallback margin).
  TargetCounts(const UseCaseContext& context,
               std::unique_ptr<TargetCountRepository> repository,
               TargetCountSettings settings);

  // The counts of a year 2000..this year, as of its end or today.
  absl::Status GetTargetCounts(const v1::GetTargetCountsRequest& req,
                               v1::TargetCounts* resp);

 private:
  const UseCaseContext context_;
  std::unique_ptr<TargetCountRepository> repository_;
  const TargetCountSettings settings_;
};

}  // namespace qpp::registry
