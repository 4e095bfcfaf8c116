#pragma once

// The certificates public verification has read, kept for at most a
// configured time so that repeated verifications of the same certificate
// cost no read. The staleness is bounded by that time: a revocation or
// reinstatement reaches public verification at most `ttl` later
// on other replicas (this replica forgets a certificate it revokes or
// reinstates at once). Unknown numbers are never kept, so a wrong number
// always reaches the database, and expiry is judged at every answer from
// the expiry date. Thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {

class CertificateCache final {
 public:
  // `ttl` <= 0 disables the cache. Past `max_entries` it starts afresh.
  explicit CertificateCache(absl::Duration ttl, size_t max_entries = 100000);

  // The certificate `number` if it was put less than ttl before `now`.
  std::optional<CertificateRecord> Get(const std::string& number,
                                       absl::Time now);
  // Keeps `record`, read at `now`.
  void Put(const CertificateRecord& record, absl::Time now);
  // Forgets certificate `number`.
  void Erase(const std::string& number);

 private:
  struct Entry {
    CertificateRecord record;
    absl::Time read;
  };
  const absl::Duration ttl_;
  const size_t max_entries_;
  absl::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
};

}  // namespace qpp::training
