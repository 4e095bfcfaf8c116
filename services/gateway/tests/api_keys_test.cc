#include "services/gateway/src/api_keys.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qpp::gateway {
namespace {

TEST(ApiKeys, GeneratedKeyVerifiesAndNamesItsClient) {
  auto key = GenerateKey("finance-funding");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->key.rfind("finance-funding.", 0), 0u);
  EXPECT_GE(key->key.size(), std::string("finance-funding.").size() + 43);
  // The stored line holds neither the key nor its secret.
  const std::string secret = key->key.substr(key->key.find('.') + 1);
  EXPECT_EQ(key->entry.find(secret), std::string::npos);
  auto store = ApiKeyStore::Parse("# comment\n\n" + key->entry + "\n");
  ASSERT_TRUE(store.ok()) << store.status();
  auto client = store->Verify(key->key);
  ASSERT_TRUE(client.ok()) << client.status();
  EXPECT_EQ(*client, "finance-funding");
}

TEST(ApiKeys, WrongSecretUnknownClientAndGarbageAreUnauthenticated) {
  auto a = GenerateKey("alpha");
  auto b = GenerateKey("beta");
  ASSERT_TRUE(a.ok() && b.ok());
  auto store = ApiKeyStore::Parse(a->entry + "\n");
  ASSERT_TRUE(store.ok());
  const std::string wrong = "alpha." + b->key.substr(b->key.find('.') + 1);
  for (const std::string& k :
       {wrong, b->key, std::string("alpha"), std::string("alpha."),
        std::string(""), std::string(".x"), std::string(1000, 'a')}) {
    auto r = store->Verify(k);
    ASSERT_FALSE(r.ok()) << k;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kUnauthenticated);
  }
}

TEST(ApiKeys, SameKeyHashesDifferentlyWithEachSalt) {
  auto e1 = MakeKeyEntry("dev.secret-one");
  auto e2 = MakeKeyEntry("dev.secret-one");
  ASSERT_TRUE(e1.ok() && e2.ok());
  EXPECT_NE(*e1, *e2);
  auto store = ApiKeyStore::Parse(*e2);
  ASSERT_TRUE(store.ok());
  EXPECT_TRUE(store->Verify("dev.secret-one").ok());
  EXPECT_FALSE(store->Verify("dev.secret-two").ok());
}

TEST(ApiKeys, MalformedFilesAreRejectedWithTheLine) {
  auto good = MakeKeyEntry("dev.x");
  ASSERT_TRUE(good.ok());
  for (const std::string& bad :
       {std::string("dev:hmac-sha256:zz:00"), std::string("dev:md5:00:00"),
        std::string("Dev:hmac-sha256:0011223344556677:") + std::string(64, '0'),
        std::string("dev"), *good + "\n" + *good}) {
    auto s = ApiKeyStore::Parse(bad);
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(s.status().message().find("line"), absl::string_view::npos);
  }
}

TEST(ApiKeys, ClientIdRules) {
  EXPECT_TRUE(IsValidClientId("district-440305"));
  EXPECT_FALSE(IsValidClientId(""));
  EXPECT_FALSE(IsValidClientId("-x"));
  EXPECT_FALSE(IsValidClientId("UPPER"));
  EXPECT_FALSE(IsValidClientId("a.b"));
  EXPECT_FALSE(GenerateKey("bad id").ok());
}

}  // namespace
}  // namespace qpp::gateway
