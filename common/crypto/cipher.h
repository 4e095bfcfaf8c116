#pragma once

// Encryption of personal data at rest (phones, ID numbers, contact names):
// AES-256-GCM with a random 96-bit nonce per value, authenticated together
// with a caller-chosen context (e.g. the record's key), so a ciphertext
// copied to another record does not decrypt. Keys carry a one-byte id so
// they can be rotated: new values use the active key, old ones still decrypt.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::crypto {

// AES-256-GCM for personal data, with key ids so that keys can rotate.
// A default-constructed cipher has no key: Encrypt answers
// FAILED_PRECONDITION and Decrypt cannot find a key.
class DataCipher final {
 public:
  DataCipher() = default;

  // Parses "id:base64key[,id:base64key...]" (ids 1..255, keys 32 bytes). The
  // highest id is the active key. INVALID_ARGUMENT if malformed.
  static absl::StatusOr<DataCipher> FromKeyring(absl::string_view keyring);

  // A fresh random key in keyring form ("1:<base64>"), for development.
  static std::string GenerateKeyring();

  // The id of the key that encrypts (the highest), 0 without a keyring.
  uint8_t active_key_id() const { return active_; }
  // Whether the keyring holds a key of id `id`.
  bool HasKey(int id) const {
    return id >= 1 && id <= 255 && keys_.count(static_cast<uint8_t>(id)) > 0;
  }
  // The key id that sealed `ciphertext` (an output of Encrypt), 0 if it is
  // too short to say.
  static uint8_t KeyIdOf(absl::string_view ciphertext) {
    return ciphertext.size() < 2 ? 0 : static_cast<uint8_t>(ciphertext[1]);
  }

  // version(1) | key id(1) | nonce(12) | ciphertext | tag(16).
  absl::StatusOr<std::string> Encrypt(absl::string_view plaintext,
                                      absl::string_view context) const;
  // DATA_LOSS if the value was tampered with or the context differs;
  // FAILED_PRECONDITION if its key is not in the keyring.
  absl::StatusOr<std::string> Decrypt(absl::string_view ciphertext,
                                      absl::string_view context) const;

  // A keyed hash to find a personal value by equality without storing it
  // in clear (e.g. an ID number's lookup column): HMAC-SHA256 of `value`,
  // as 64 lower-case hex digits, under a key derived from the keyring's
  // lowest-id key and `purpose` (so the hashes of different columns do not
  // match). Rotation adds keys and keeps old ones, so the lowest-id key,
  // and with it every stored hash, stays valid. FAILED_PRECONDITION
  // without a key.
  absl::StatusOr<std::string> KeyedHash(absl::string_view value,
                                        absl::string_view purpose) const;

 private:
  std::map<uint8_t, std::string> keys_;
  uint8_t active_ = 0;
};

}  // namespace qpp::crypto
