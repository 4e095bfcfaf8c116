#pragma once

// API keys of calling systems. A key reads "<client_id>.<secret>", where the
// secret is 32 random bytes in unpadded base64url; the client id in front
// lets the gateway find the stored entry in O(1). The keys file stores only
// a per-key random salt and HMAC-SHA256(salt, key), one entry per line:
//
//   # comment
//   <client_id>:hmac-sha256:<salt hex>:<digest hex>
//
// Keys are 256-bit random values, so a fast salted hash is enough: a slow
// password KDF protects low-entropy secrets, which these are not, and would
// make every call pay for it.

#include <string>
#include <unordered_map>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::gateway {

// Whether `id` is a valid client id: 1..64 of [a-z0-9_-], starting with a
// letter or digit.
bool IsValidClientId(absl::string_view id);

// A new key for `client_id` and the line to put into the keys file.
struct GeneratedKey {
  std::string key;
  std::string entry;
};

// Generates a key from the operating system's CSPRNG. INVALID_ARGUMENT for
// a bad client id, INTERNAL if no randomness is available.
absl::StatusOr<GeneratedKey> GenerateKey(absl::string_view client_id);

// The keys-file line for an existing `key` with a fresh salt.
// INVALID_ARGUMENT if the key is not "<client_id>.<secret>".
absl::StatusOr<std::string> MakeKeyEntry(absl::string_view key);

// The verified set of keys. Thread-safe after construction (read-only).
class ApiKeyStore final {
 public:
  // Parses a keys file. INVALID_ARGUMENT naming the line for a malformed
  // entry or a duplicate client id.
  static absl::StatusOr<ApiKeyStore> Parse(absl::string_view content);

  // The client id of a valid key. UNAUTHENTICATED with ErrorInfo reason
  // INVALID_API_KEY for an unknown client or a wrong secret; the comparison
  // is constant-time.
  absl::StatusOr<std::string> Verify(absl::string_view key) const;

  // Whether the client id has an entry.
  bool Contains(absl::string_view client_id) const;

  size_t size() const { return entries_.size(); }

 private:
  struct Entry {
    std::string salt;
    std::string digest;
  };
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace qpp::gateway
