#include "services/gateway/src/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "common/status/status.h"

namespace qpp::gateway {

RateLimiter::RateLimiter(std::function<absl::Time()> clock, size_t max_buckets)
    : clock_(std::move(clock)), max_buckets_(max_buckets) {}

size_t RateLimiter::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return buckets_.size();
}

void RateLimiter::DropFullBuckets(absl::Time now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    if (it->second.full_at <= now) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
}

absl::Status RateLimiter::Acquire(const std::string& key,
                                  const RateLimitConfig& limit) {
  if (limit.requests_per_second <= 0) return absl::OkStatus();
  const double burst = std::max(1.0, limit.burst);
  const absl::Time now = clock_();
  double wait_seconds = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (buckets_.size() >= max_buckets_ && buckets_.count(key) == 0) {
      // Each sweep frees the idle keys, so it runs rarely.
      DropFullBuckets(now);
    }
    auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst, now, now});
    Bucket& b = it->second;
    const double elapsed = std::max(0.0, absl::ToDoubleSeconds(now - b.last));
    b.tokens = std::min(burst, b.tokens + elapsed * limit.requests_per_second);
    b.last = now;
    if (b.tokens >= 1.0) {
      b.tokens -= 1.0;
      b.full_at =
          now + absl::Seconds((burst - b.tokens) / limit.requests_per_second);
      return absl::OkStatus();
    }
    b.full_at =
        now + absl::Seconds((burst - b.tokens) / limit.requests_per_second);
    wait_seconds = (1.0 - b.tokens) / limit.requests_per_second;
  }
  const int64_t delay_ms = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(wait_seconds * 1000)));
  return status::WithRetryDelay(
      status::WithReason(
          absl::StatusCode::kResourceExhausted, "RATE_LIMIT_EXCEEDED",
          absl::StrCat("rate limit of ", limit.requests_per_second,
                       " calls/s exceeded; retry in ", delay_ms, " ms")),
      delay_ms);
}

}  // namespace qpp::gateway
