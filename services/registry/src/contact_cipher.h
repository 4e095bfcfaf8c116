#pragma once

// Encryption of an organisation's contacts, which are personal data: they
// are stored sealed (AES-256-GCM, bound to the organisation's USCC so a blob
// cannot be moved to another row) and opened only to be masked or returned.

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/crypto/cipher.h"
#include "qpp/registry/v1/resources.pb.h"

namespace qpp::registry {

class ContactCipher final {
 public:
  explicit ContactCipher(crypto::DataCipher cipher)
      : cipher_(std::move(cipher)) {}

  // The sealed contacts of `org`, or an empty string when it has none.
  // Errors of the cipher (INTERNAL) otherwise.
  absl::StatusOr<std::string> Seal(const v1::Organization& org) const;

  // Replaces the contacts of `org` by those sealed in `blob` (none for an
  // empty blob). DATA_LOSS if the blob does not open for this USCC or is
  // unreadable; FAILED_PRECONDITION if its key is not in the keyring.
  absl::Status Open(const std::string& blob, v1::Organization& org) const;

  // `blob`, sealed for `uscc`, sealed again under the keyring's active key
  // (key rotation). Errors of Open and Seal.
  absl::StatusOr<std::string> Reseal(const std::string& blob,
                                     const std::string& uscc) const;

  // The key id that new seals use.
  int active_key_id() const { return cipher_.active_key_id(); }
  // Whether the keyring holds key `id`.
  bool HasKey(int id) const { return cipher_.HasKey(id); }

 private:
  crypto::DataCipher cipher_;
};

}  // namespace qpp::registry
