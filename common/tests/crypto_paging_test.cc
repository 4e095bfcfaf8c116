#include "common/crypto/cipher.h"
#include "common/paging/page_token.h"
#include "gtest/gtest.h"

namespace qpp {
namespace {

TEST(DataCipherTest, RoundTripsAndBindsContext) {
  auto cipher =
      crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring());
  ASSERT_TRUE(cipher.ok());
  auto sealed = cipher->Encrypt("13812345678", "organizations/X");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->find("13812345678"), std::string::npos);
  EXPECT_EQ(*cipher->Decrypt(*sealed, "organizations/X"), "13812345678");
  EXPECT_EQ(cipher->Decrypt(*sealed, "organizations/Y").status().code(),
            absl::StatusCode::kDataLoss);
  std::string tampered = *sealed;
  tampered[20] ^= 1;
  EXPECT_FALSE(cipher->Decrypt(tampered, "organizations/X").ok());
}

TEST(DataCipherTest, SameTextEncryptsDifferently) {
  auto cipher =
      crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring());
  EXPECT_NE(*cipher->Encrypt("a", ""), *cipher->Encrypt("a", ""));
}

TEST(DataCipherTest, OldKeysStillDecryptAfterRotation) {
  const std::string k1 = crypto::DataCipher::GenerateKeyring();
  std::string k2 = crypto::DataCipher::GenerateKeyring();
  k2[0] = '2';
  auto old_cipher = crypto::DataCipher::FromKeyring(k1);
  auto rotated = crypto::DataCipher::FromKeyring(k1 + "," + k2);
  ASSERT_TRUE(rotated.ok());
  auto sealed = old_cipher->Encrypt("secret", "ctx");
  EXPECT_EQ(*rotated->Decrypt(*sealed, "ctx"), "secret");
  // New values use key 2, which the old keyring cannot open.
  auto fresh = rotated->Encrypt("secret", "ctx");
  EXPECT_EQ(old_cipher->Decrypt(*fresh, "ctx").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DataCipherTest, KeyedHashIsStableAcrossRotationAndPerPurpose) {
  const std::string first = crypto::DataCipher::GenerateKeyring();
  auto old_cipher = crypto::DataCipher::FromKeyring(first);
  ASSERT_TRUE(old_cipher.ok());
  std::string second = crypto::DataCipher::GenerateKeyring();
  second[0] = '2';
  auto rotated = crypto::DataCipher::FromKeyring(first + "," + second);
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  auto a = old_cipher->KeyedHash("440304199001011234", "resident_id");
  auto b = rotated->KeyedHash("440304199001011234", "resident_id");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, *b);
  EXPECT_EQ(a->size(), 64u);
  EXPECT_EQ(a->find("440304"), std::string::npos);
  EXPECT_NE(*a, *old_cipher->KeyedHash("440304199001011234", "phone"));
  EXPECT_NE(*a, *old_cipher->KeyedHash("440304199001011235", "resident_id"));
  auto other = crypto::DataCipher::FromKeyring(second);
  EXPECT_NE(*a, *other->KeyedHash("440304199001011234", "resident_id"));
  EXPECT_EQ(crypto::DataCipher().KeyedHash("x", "p").status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DataCipherTest, RejectsMalformedKeyrings) {
  EXPECT_FALSE(crypto::DataCipher::FromKeyring("").ok());
  EXPECT_FALSE(crypto::DataCipher::FromKeyring("1:c2hvcnQ=").ok());
  EXPECT_FALSE(
      crypto::DataCipher::FromKeyring("0:" + std::string(44, 'A')).ok());
}

TEST(PageTokenTest, RoundTripsAndRejectsOtherFilters) {
  const uint64_t fp = paging::Fingerprint("district=440305");
  const std::string token = paging::EncodePageToken("91440300708461136T", fp);
  EXPECT_EQ(*paging::DecodePageToken(token, fp), "91440300708461136T");
  EXPECT_EQ(paging::DecodePageToken(token, paging::Fingerprint("other"))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(paging::DecodePageToken("garbage!", fp).ok());
  EXPECT_EQ(*paging::DecodePageToken("", fp), "");
}

TEST(PageTokenTest, PageSizeDefaultsAndCaps) {
  EXPECT_EQ(*paging::EffectivePageSize(0), paging::kDefaultPageSize);
  EXPECT_EQ(*paging::EffectivePageSize(5000), paging::kMaxPageSize);
  EXPECT_FALSE(paging::EffectivePageSize(-1).ok());
}

}  // namespace
}  // namespace qpp
