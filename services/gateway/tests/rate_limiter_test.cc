#include "services/gateway/src/rate_limiter.h"

#include "absl/strings/str_cat.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "google/rpc/error_details.pb.h"
#include "gtest/gtest.h"

namespace qpp::gateway {
namespace {

class RateLimiterTest : public ::testing::Test {
 protected:
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
  RateLimiter limiter_{[this] { return now_; }};
};

TEST_F(RateLimiterTest, BurstThenExhaustedWithRetryInfo) {
  const RateLimitConfig limit{2, 3};
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(limiter_.Acquire("a", limit).ok()) << i;
  }
  absl::Status s = limiter_.Acquire("a", limit);
  ASSERT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(status::ReasonOf(s), "RATE_LIMIT_EXCEEDED");
  grpc::Status g = status::ToGrpcStatus(s);
  EXPECT_NE(g.error_details().find("google.rpc.RetryInfo"), std::string::npos);
}

TEST_F(RateLimiterTest, RefillsAtTheRate) {
  const RateLimitConfig limit{2, 1};
  EXPECT_TRUE(limiter_.Acquire("a", limit).ok());
  EXPECT_FALSE(limiter_.Acquire("a", limit).ok());
  now_ += absl::Milliseconds(400);
  EXPECT_FALSE(limiter_.Acquire("a", limit).ok());
  now_ += absl::Milliseconds(150);
  EXPECT_TRUE(limiter_.Acquire("a", limit).ok());
  // A long pause refills only up to the burst.
  now_ += absl::Hours(1);
  EXPECT_TRUE(limiter_.Acquire("a", limit).ok());
  EXPECT_FALSE(limiter_.Acquire("a", limit).ok());
}

TEST_F(RateLimiterTest, BucketsArePerKeyAndZeroRateIsUnlimited) {
  const RateLimitConfig limit{1, 1};
  EXPECT_TRUE(limiter_.Acquire("a", limit).ok());
  EXPECT_FALSE(limiter_.Acquire("a", limit).ok());
  EXPECT_TRUE(limiter_.Acquire("b", limit).ok());
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(limiter_.Acquire("c", RateLimitConfig{0, 0}).ok());
  }
}

TEST(RateLimiterBound, RefilledBucketsAreDroppedPastTheBound) {
  absl::Time now = absl::FromUnixSeconds(1700000000);
  RateLimiter limiter([&now] { return now; }, /*max_buckets=*/4);
  const RateLimitConfig limit{1, 2};
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(limiter.Acquire(absl::StrCat("k", i), limit).ok());
  }
  // Still draining: nothing may be dropped, a spent bucket stays spent.
  ASSERT_TRUE(limiter.Acquire("k0", limit).ok());
  ASSERT_FALSE(limiter.Acquire("k0", limit).ok());
  ASSERT_TRUE(limiter.Acquire("k4", limit).ok());
  EXPECT_EQ(limiter.size(), 5u);
  EXPECT_FALSE(limiter.Acquire("k0", limit).ok());
  // Once refilled, the idle buckets go on the next new key.
  now += absl::Seconds(3);
  ASSERT_TRUE(limiter.Acquire("k5", limit).ok());
  EXPECT_EQ(limiter.size(), 1u);
}

}  // namespace
}  // namespace qpp::gateway
