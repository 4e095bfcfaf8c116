#pragma once

// Use cases of contacts as personal data, beyond the masked forms every
// response shows (contact_rules.h): the privileged reveal in clear, with
// its audit, and the keys that seal contacts at rest: usage per key id,
// re-encryption under the current key (rotation) and the check before a key
// leaves the keyring.
//
// Key rotation, step by step (docs/operations.md): add a key with a higher
// id to the keyring of every registry process and restart them (new writes
// seal with it, old rows still open); run `qpp-registry
// --reencrypt_contacts` (batches, resumable, safe while the service runs);
// `qpp-registry --check_key_retirement=<old id>` must then pass before the
// old key is removed from the keyring.

#include <cstdint>
#include <map>
#include <memory>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/context/request_context.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "services/registry/src/contact_repository.h"
#include "services/registry/src/use_case_context.h"

namespace qpp::registry {

// What a re-encryption run did.
struct ReencryptReport {
  // The key id every row is moved to: the keyring's active one.
  int key_id = 0;
  // Rows sealed again under `key_id`.
  int64_t reencrypted = 0;
  // Rows that changed while being re-encrypted: the service sealed them
  // itself, under its own active key; a re-run takes any left behind.
  int64_t skipped = 0;
  // Organisations per key id that seals their contacts, after the run.
  std::map<int, int64_t> rows_by_key;
};

class ContactPrivacy final {
 public:
  // The context must outlive this object.
  ContactPrivacy(const UseCaseContext& context,
                 std::unique_ptr<ContactRepository> repository);

  // The contacts of an organisation in clear, and an audit row of the use
  // (who, when, which contacts, why, request id; never the values) written
  // in the same transaction, before anything is answered. INVALID_ARGUMENT
  // for a bad name, reason or contact number; PERMISSION_DENIED
  // (PRINCIPAL_REQUIRED) when `call` names no principal; NOT_FOUND for an
  // unknown organisation or contact. Who may call it at all is the
  // gateway's policy (the programme office only).
  absl::Status RevealContacts(const RequestContext& call,
                              const v1::RevealContactsRequest& req,
                              v1::RevealContactsResponse* resp);

  // Organisations per key id that seals their contacts.
  absl::StatusOr<std::map<int, int64_t>> KeyUsage();

  // Seals every organisation's contacts that another key sealed again
  // under the active key, `batch_size` rows at a time, each row written
  // only if it did not change meanwhile (no lock held, versions and etags
  // kept). Calls `progress` after each batch. Resumable: a run after an
  // interruption takes what is left. FAILED_PRECONDITION if a row's key is
  // not in the keyring (the rows done so far stay done); UNAVAILABLE when
  // the database is unreachable.
  absl::StatusOr<ReencryptReport> ReencryptContacts(
      int batch_size, absl::FunctionRef<void(const ReencryptReport&)> progress);

  // OK if key `key_id` may leave the keyring: it is not the active key and
  // no organisation's contacts use it. FAILED_PRECONDITION otherwise, with
  // the rows per key id in the message.
  absl::Status CheckKeyRetirement(int key_id);

 private:
  const UseCaseContext context_;
  std::unique_ptr<ContactRepository> repository_;
};

}  // namespace qpp::registry
