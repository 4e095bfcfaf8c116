#include "services/registry/src/target_counts.h"

#include "common/status/status.h"
#include "services/registry/src/target_count_rules.h"

namespace qpp::registry {

TargetCounts::TargetCounts(const UseCaseContext& context,
                           std::unique_ptr<TargetCountRepository> repository,
                           TargetCountSettings settings)
    : context_(context),
      repository_(std::move(repository)),
      settings_(settings) {}

absl::Status TargetCounts::GetTargetCounts(
    const v1::GetTargetCountsRequest& req, v1::TargetCounts* resp) {
  QPP_ASSIGN_OR_RETURN(
      absl::CivilDay as_of,
      TargetCountsAsOf(req.year(), dates::Today(context_.clock())));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(
      TargetFigures figures,
      repository_->CountTargets(*conn, req.year(), as_of, settings_));
  *resp = ToTargetCounts(req.year(), as_of, settings_, figures);
  return absl::OkStatus();
}

}  // namespace qpp::registry
