#pragma once

// The registry's reference data, read from the database and kept for a
// while: every rule that validates or classifies reads it, and it changes
// only with a migration or a data revision.

#include <memory>
#include <mutex>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "services/registry/src/reference_data.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {

// Thread-safe.
class ReferenceCache final {
 public:
  // `pool` must outlive the cache; `ttl` is how long a snapshot is served.
  ReferenceCache(db::ConnectionPool& pool,
                 std::unique_ptr<ReferenceRepository> repository,
                 absl::Duration ttl, dates::Clock clock);

  // The current snapshot, loaded again once older than the ttl. Errors of
  // the pool or the repository (e.g. UNAVAILABLE) when it must be loaded
  // and cannot.
  absl::StatusOr<std::shared_ptr<const ReferenceData>> Get();

 private:
  db::ConnectionPool& pool_;
  std::unique_ptr<ReferenceRepository> repository_;
  absl::Duration ttl_;
  dates::Clock clock_;
  std::mutex mu_;
  std::shared_ptr<const ReferenceData> snapshot_;
  absl::Time loaded_ = absl::InfinitePast();
};

}  // namespace qpp::registry
