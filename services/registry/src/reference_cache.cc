#include "services/registry/src/reference_cache.h"

#include "common/status/status.h"

namespace qpp::registry {

ReferenceCache::ReferenceCache(db::ConnectionPool& pool,
                               std::unique_ptr<ReferenceRepository> repository,
                               absl::Duration ttl, dates::Clock clock)
    : pool_(pool),
      repository_(std::move(repository)),
      ttl_(ttl),
      clock_(std::move(clock)) {}

absl::StatusOr<std::shared_ptr<const ReferenceData>> ReferenceCache::Get() {
  const absl::Time now = clock_();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (snapshot_ != nullptr && now - loaded_ < ttl_) return snapshot_;
  }
  // Loaded outside the lock: concurrent loads are harmless, the last wins.
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, pool_.Acquire());
  QPP_ASSIGN_OR_RETURN(ReferenceData loaded,
                       repository_->LoadReferenceData(*conn));
  auto fresh = std::make_shared<const ReferenceData>(std::move(loaded));
  std::lock_guard<std::mutex> lock(mu_);
  snapshot_ = fresh;
  loaded_ = now;
  return fresh;
}

}  // namespace qpp::registry
