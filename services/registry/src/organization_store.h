#pragma once

// Organisations as the use cases read and write them inside their
// transactions: loaded with contacts opened, checked against an etag,
// written back under optimistic locking with contacts sealed. Shared by every
// use case that touches an organisation (awards, assessments, benchmarks and
// partnerships check that it exists and is active).

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/registry/src/contact_cipher.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {

class OrganizationStore final {
 public:
  // Neither argument is owned; both must outlive the store.
  OrganizationStore(OrganizationRepository& repository,
                    const ContactCipher& contacts)
      : repository_(repository), contacts_(contacts) {}

  // The organisation with its contacts opened (not masked), locked until the
  // transaction ends if `for_update`. NOT_FOUND if there is none; errors of
  // the repository or of ContactCipher::Open.
  absl::StatusOr<StoredOrganization> Load(db::Connection& conn,
                                          const std::string& uscc,
                                          bool for_update);

  // Load for a change: locked, and ABORTED (ETAG_MISMATCH) when `etag` is
  // set and not the stored one.
  absl::StatusOr<StoredOrganization> LoadForChange(db::Connection& conn,
                                                   const std::string& uscc,
                                                   const std::string& etag);

  // Load of an organisation that must be active: FAILED_PRECONDITION
  // (ORGANIZATION_ARCHIVED) if it is archived.
  absl::StatusOr<StoredOrganization> LoadActive(db::Connection& conn,
                                                const std::string& uscc);

  // Writes `org` over `stored` at `now`. ABORTED (CONCURRENT_UPDATE) if the
  // stored version moved meanwhile. Returns `org` as callers see it: with
  // the new update_time and etag, contacts masked.
  absl::StatusOr<v1::Organization> Save(db::Connection& conn,
                                        const StoredOrganization& stored,
                                        const v1::Organization& org,
                                        absl::Time now);

  // Opens the contacts of an organisation read by a list.
  absl::Status OpenContacts(StoredOrganization& stored) const;

 private:
  OrganizationRepository& repository_;
  const ContactCipher& contacts_;
};

}  // namespace qpp::registry
