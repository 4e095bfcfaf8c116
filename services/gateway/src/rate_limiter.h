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

// Token buckets keyed by principal. Thread-safe.
class RateLimiter final {
 public:
  // `clock` is injected so that tests control time.
  explicit RateLimiter(std::function<absl::Time()> clock = [] {
    return absl::Now();
  });

  // Takes one token from `key`'s bucket (created full). OK if there was
  // one; otherwise RESOURCE_EXHAUSTED with ErrorInfo reason
  // RATE_LIMIT_EXCEEDED and google.rpc.RetryInfo saying when the next token
  // arrives. A limit with rate <= 0 never limits.
  absl::Status Acquire(const std::string& key, const RateLimitConfig& limit);

 private:
  struct Bucket {
    double tokens;
    absl::Time last;
  };
  std::function<absl::Time()> clock_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace qpp::gateway
