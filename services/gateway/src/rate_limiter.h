#pragma once

// Per-principal token buckets.

#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/gateway/src/policy.h"

namespace qpp::gateway {

// Token buckets keyed by principal (or, for anonymous callers, by client
// address). Thread-safe. Memory is bounded: past `max_buckets` keys, the
// buckets that have refilled completely (and so are no different from new
// ones) are dropped.
class RateLimiter final {
 public:
  // `clock` is injected so that tests control time.
  explicit RateLimiter(
      std::function<absl::Time()> clock = [] { return absl::Now(); },
      size_t max_buckets = 100000);

  // Takes one token from `key`'s bucket (created full). OK if there was
  // one; otherwise RESOURCE_EXHAUSTED with ErrorInfo reason
  // RATE_LIMIT_EXCEEDED and google.rpc.RetryInfo saying when the next token
  // arrives. A limit with rate <= 0 never limits.
  absl::Status Acquire(const std::string& key, const RateLimitConfig& limit);

  // Buckets currently held (for tests).
  size_t size();

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
    // When the bucket is full again if nothing is taken.
    absl::Time full_at;
  };
  // Drops the buckets full again at `now`; called with mu_ held.
  void DropFullBuckets(absl::Time now);

  std::function<absl::Time()> clock_;
  size_t max_buckets_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace qpp::gateway
