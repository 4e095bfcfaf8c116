#pragma once

// Storage of what concerns contacts beyond the organisation row: the audit
// of reveals in clear and the sealed blobs as key rotation reads and
// rewrites them. Same conventions as registry_repository.h: the caller
// passes the connection, SQL errors come back mapped, never as SQL text.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"

namespace qpp::registry {

// One use of RevealContacts, as the audit table keeps it (never the values).
struct ContactReveal {
  std::string uscc;
  int contact_number = 0;  // 1-based; 0: all
  int contacts_revealed = 0;
  std::string principal;
  std::string request_id;
  std::string reason;
  absl::Time time;
};

// An organisation's sealed contacts, as key rotation sees them.
struct SealedContacts {
  std::string uscc;
  std::string blob;
  int64_t version = 0;
};

class ContactRepository {
 public:
  virtual ~ContactRepository() = default;
  // Appends `reveal` to the audit table; returns its id.
  virtual absl::StatusOr<int64_t> InsertReveal(db::Connection& conn,
                                               const ContactReveal& reveal) = 0;
  // Number of organisations whose contacts each key id seals.
  virtual absl::StatusOr<std::map<int, int64_t>> CountByKeyId(
      db::Connection& conn) = 0;
  // Up to `limit` organisations after `after_uscc` (by USCC) whose contacts
  // are sealed under another key than `key_id`.
  virtual absl::StatusOr<std::vector<SealedContacts>> ListSealedNotUnder(
      db::Connection& conn, int key_id, const std::string& after_uscc,
      int limit) = 0;
  // Replaces the sealed contacts of `sealed.uscc` by `blob` if the row is
  // still at `sealed.version`, without changing the version (the content is
  // the same); false if it changed meanwhile.
  virtual absl::StatusOr<bool> ReplaceSealed(db::Connection& conn,
                                             const SealedContacts& sealed,
                                             const std::string& blob) = 0;
};

std::unique_ptr<ContactRepository> NewMysqlContactRepository();

}  // namespace qpp::registry
