#include "common/context/request_context.h"

#include "common/context/metadata.h"
#include "gtest/gtest.h"

namespace qpp {
namespace {

TEST(RequestContextTest, HasNoDeadlineUntilOneIsSet) {
  RequestContext context;
  EXPECT_FALSE(context.has_deadline());
  EXPECT_FALSE(context.Expired());
  EXPECT_EQ(context.Remaining(), absl::InfiniteDuration());
  EXPECT_EQ(context.request_id(), "");
  EXPECT_TRUE(context.principal().empty());
}

TEST(RequestContextTest, RemainingAndExpiredFollowTheDeadline) {
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  RequestContext context;
  context.set_deadline(now + absl::Seconds(2));
  EXPECT_TRUE(context.has_deadline());
  EXPECT_EQ(context.Remaining(now), absl::Seconds(2));
  EXPECT_FALSE(context.Expired(now));
  EXPECT_TRUE(context.Expired(now + absl::Seconds(2)));
  EXPECT_EQ(context.Remaining(now + absl::Seconds(3)), -absl::Seconds(1));
}

TEST(RequestContextTest, SettersChain) {
  Principal principal;
  principal.name = "programme-office";
  principal.role = "admin";
  const RequestContext context =
      RequestContext().set_request_id("r-1").set_principal(principal);
  EXPECT_EQ(context.request_id(), "r-1");
  EXPECT_EQ(context.principal().name, "programme-office");
  EXPECT_EQ(context.principal().role, "admin");
  EXPECT_EQ(context.principal().district_code, "");
}

TEST(RequestIdTest, AcceptsOnlyShortSafeIds) {
  EXPECT_TRUE(IsValidRequestId("3f2a9c1e-7b4d-4e8a-9c3b-1a2b3c4d5e6f"));
  EXPECT_TRUE(IsValidRequestId("batch.2026:import_7"));
  EXPECT_TRUE(IsValidRequestId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidRequestId(""));
  EXPECT_FALSE(IsValidRequestId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidRequestId("two words"));
  EXPECT_FALSE(IsValidRequestId("id\nforged log line"));
  EXPECT_FALSE(IsValidRequestId("编号"));
}

}  // namespace
}  // namespace qpp
