#include "common/crypto/cipher.h"

#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "openssl/evp.h"
#include "openssl/hmac.h"
#include "openssl/rand.h"

namespace qpp::crypto {
namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr size_t kHeaderBytes = 2 + kNonceBytes;

using CipherCtx =
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* U(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<DataCipher> DataCipher::FromKeyring(absl::string_view keyring) {
  DataCipher cipher;
  for (absl::string_view entry :
       absl::StrSplit(keyring, ',', absl::SkipWhitespace())) {
    std::pair<absl::string_view, absl::string_view> parts = absl::StrSplit(
        absl::StripAsciiWhitespace(entry), absl::MaxSplits(':', 1));
    int id = 0;
    std::string key;
    if (!absl::SimpleAtoi(parts.first, &id) || id < 1 || id > 255 ||
        !absl::Base64Unescape(parts.second, &key) || key.size() != kKeyBytes) {
      return absl::InvalidArgumentError(
          "data keyring must be 'id:base64-of-32-bytes[,...]' with ids 1..255");
    }
    cipher.keys_[static_cast<uint8_t>(id)] = key;
    if (id > cipher.active_) cipher.active_ = static_cast<uint8_t>(id);
  }
  if (cipher.keys_.empty()) {
    return absl::InvalidArgumentError("data keyring is empty");
  }
  return cipher;
}

std::string DataCipher::GenerateKeyring() {
  std::string key(kKeyBytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), kKeyBytes);
  return absl::StrCat("1:", absl::Base64Escape(key));
}

absl::StatusOr<std::string> DataCipher::Encrypt(
    absl::string_view plaintext, absl::string_view context) const {
  if (keys_.empty()) {
    return absl::FailedPreconditionError(
        "no data keyring is configured for personal data");
  }
  const std::string& key = keys_.at(active_);
  std::string out(kHeaderBytes + plaintext.size() + kTagBytes, '\0');
  out[0] = static_cast<char>(kFormatVersion);
  out[1] = static_cast<char>(active_);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + 2);
  if (RAND_bytes(nonce, kNonceBytes) != 1) {
    return absl::InternalError("no randomness for encryption");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  auto* body = reinterpret_cast<unsigned char*>(out.data() + kHeaderBytes);
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(key),
                         nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, U(context),
                        static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &len, U(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          body + plaintext.size()) != 1) {
    return absl::InternalError("encryption failed");
  }
  return out;
}

absl::StatusOr<std::string> DataCipher::Decrypt(
    absl::string_view ciphertext, absl::string_view context) const {
  if (ciphertext.size() < kHeaderBytes + kTagBytes ||
      static_cast<uint8_t>(ciphertext[0]) != kFormatVersion) {
    return absl::DataLossError("encrypted value is malformed");
  }
  auto it = keys_.find(static_cast<uint8_t>(ciphertext[1]));
  if (it == keys_.end()) {
    return absl::FailedPreconditionError(
        "encrypted value uses a key that is not in the keyring");
  }
  const size_t body_size = ciphertext.size() - kHeaderBytes - kTagBytes;
  std::string out(body_size, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int len = 0;
  std::string tag(ciphertext.substr(kHeaderBytes + body_size));
  auto* plain = reinterpret_cast<unsigned char*>(out.data());
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, U(it->second),
                         U(ciphertext.substr(2))) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, U(context),
                        static_cast<int>(context.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plain, &len,
                        U(ciphertext.substr(kHeaderBytes)),
                        static_cast<int>(body_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plain + len, &len) != 1) {
    return absl::DataLossError("encrypted value failed authentication");
  }
  return out;
}

absl::StatusOr<std::string> DataCipher::KeyedHash(
    absl::string_view value, absl::string_view purpose) const {
  if (keys_.empty()) {
    return absl::FailedPreconditionError(
        "no data key configured (QPP_DATA_KEYRING)");
  }
  const std::string& root = keys_.begin()->second;
  unsigned char derived[EVP_MAX_MD_SIZE];
  unsigned int derived_len = 0;
  const std::string label = absl::StrCat("qpp keyed hash v1:", purpose);
  if (HMAC(EVP_sha256(), root.data(), static_cast<int>(root.size()), U(label),
           label.size(), derived, &derived_len) == nullptr) {
    return absl::InternalError("HMAC failed");
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), derived, static_cast<int>(derived_len), U(value),
           value.size(), mac, &mac_len) == nullptr) {
    return absl::InternalError("HMAC failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(mac), mac_len));
}

}  // namespace qpp::crypto
