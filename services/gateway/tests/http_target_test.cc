// Request targets are checked before routing, so that the call that runs
// is the one the URL names.
#include "services/gateway/src/http_target.h"

#include <string>

#include "common/validation/text.h"
#include "gtest/gtest.h"

namespace qpp::gateway {
namespace {

TEST(HttpTarget, AcceptsOrdinaryAndEncodedPaths) {
  for (const char* ok :
       {"/", "/healthz", "/v1/organizations/91440300MA5F00001X",
        "/v1/organizations/a%20b", "/v1/organizations:batchCreate",
        "/v1/organizations/%E6%B5%8B%E8%AF%95", "/v1/organizations/a%2Fb",
        "/v1/organizations/%2541"}) {
    EXPECT_TRUE(CheckRequestPath(ok).ok()) << ok;
  }
}

TEST(HttpTarget, RefusesWhatCouldChangeTheCall) {
  for (const char* bad :
       {"", "v1/x", "/v1/organizations/X%00/awards/123", "/v1/x%0", "/v1/x%zz",
        "/v1/x%", "/v1/organizations/%FF", "/v1/organizations/%C0%AF",
        "/v1/organizations/%ED%A0%80", "/v1/organizations/..",
        "/v1/organizations/%2e%2E/x", "/v1/./x", "/v1/a b", "/v1/\x01",
        "/v1/\xe6\xb5\x8b"}) {
    const absl::Status s = CheckRequestPath(bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(HttpTarget, ChecksQueriesOnceDecoded) {
  EXPECT_TRUE(CheckQuery("").ok());
  EXPECT_TRUE(CheckQuery("pageSize=1&filter=a+b%3D%E6%B5%8B").ok());
  EXPECT_TRUE(CheckQuery("a&&b=").ok());
  EXPECT_FALSE(CheckQuery("name=x%00").ok());
  EXPECT_FALSE(CheckQuery("name=%FF").ok());
  EXPECT_FALSE(CheckQuery("name=%G1").ok());
}

TEST(HttpTarget, Utf8ValidatorRefusesOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(validation::IsValidUtf8(""));
  EXPECT_TRUE(validation::IsValidUtf8("ascii"));
  EXPECT_TRUE(validation::IsValidUtf8("\xe6\xb5\x8b\xe8\xaf\x95"));  // 测试
  EXPECT_TRUE(validation::IsValidUtf8("\xf0\x9f\x98\x80"));          // U+1F600
  EXPECT_FALSE(validation::IsValidUtf8("\xc0\x80"));          // overlong NUL
  EXPECT_FALSE(validation::IsValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(validation::IsValidUtf8("\xed\xa0\x80"));      // surrogate
  EXPECT_FALSE(validation::IsValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(validation::IsValidUtf8("\xe6\xb5"));          // truncated
  EXPECT_FALSE(validation::IsValidUtf8("\x80"));
  EXPECT_FALSE(validation::IsValidUtf8("\xff"));
}

}  // namespace
}  // namespace qpp::gateway
