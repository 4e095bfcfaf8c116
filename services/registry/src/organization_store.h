#pragma once

// Organisations as the use cases read and write them inside their
// transactions: loaded with contacts opened, checked against an etag,
// written back under optimistic locking with contacts sealed. Shared by every
// use case that touches an organisation (awards, assessments, benchmarks and
// partnerships check that it exists and is active), and the one place where
// the caller's district scope is checked against a stored organisation.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/db/db.h"
#include "services/registry/src/contact_cipher.h"
#include "services/registry/src/district_scope.h"
#include "services/registry/src/registry_repository.h"

namespace qpp::registry {

class OrganizationStore final {
 public:
  // No argument is owned; all must outlive the store. Every change that
  // Save writes, and every registration recorded with RecordCreated, enters
  // the change feed through `changes` in the same transaction.
  OrganizationStore(OrganizationRepository& repository,
                    const ContactCipher& contacts,
                    OrganizationChangeRepository& changes)
      : repository_(repository), contacts_(contacts), changes_(changes) {}

  // The organisation with its contacts opened (not masked), locked until the
  // transaction ends if `for_update`. NOT_FOUND if there is none;
  // PERMISSION_DENIED (OUTSIDE_DISTRICT) if `scope` does not cover it
  // (checked before its contacts are opened); errors of the repository or
  // of ContactCipher::Open.
  absl::StatusOr<StoredOrganization> Load(db::Connection& conn,
                                          const DistrictScope& scope,
                                          const std::string& uscc,
                                          bool for_update);

  // Load for a change: locked, and ABORTED (ETAG_MISMATCH) when `etag` is
  // set and not the stored one.
  absl::StatusOr<StoredOrganization> LoadForChange(db::Connection& conn,
                                                   const DistrictScope& scope,
                                                   const std::string& uscc,
                                                   const std::string& etag);

  // Load of an organisation that must be active: FAILED_PRECONDITION
  // (ORGANIZATION_ARCHIVED) if it is archived.
  absl::StatusOr<StoredOrganization> LoadActive(db::Connection& conn,
                                                const DistrictScope& scope,
                                                const std::string& uscc);

  // OK if `scope` may act for the organisation `uscc` or the records keyed
  // by it: at once for a city-wide scope (nothing is read); for a district
  // NOT_FOUND if it is not registered, PERMISSION_DENIED (OUTSIDE_DISTRICT)
  // if it lies in another district.
  absl::Status CheckAccess(db::Connection& conn, const DistrictScope& scope,
                           const std::string& uscc);

  // Writes `org` over `stored` at `now`, and its entry in the change feed
  // if a reported fact changed (organization_change_rules.h): call it as
  // the last write of the transaction, as the feed's counter stays locked
  // until the end. ABORTED (CONCURRENT_UPDATE) if the stored version moved
  // meanwhile. Returns `org` as callers see it: with the new update_time
  // and etag, contacts masked.
  absl::StatusOr<v1::Organization> Save(db::Connection& conn,
                                        const StoredOrganization& stored,
                                        const v1::Organization& org,
                                        absl::Time now);

  // Records the registration of `orgs` (version 1, at `now`) in the change
  // feed; call it after inserting them, as the last write of the
  // transaction.
  absl::Status RecordCreated(db::Connection& conn,
                             const std::vector<const v1::Organization*>& orgs,
                             absl::Time now);

  // Opens the contacts of an organisation read by a list.
  absl::Status OpenContacts(StoredOrganization& stored) const;

 private:
  OrganizationRepository& repository_;
  const ContactCipher& contacts_;
  OrganizationChangeRepository& changes_;
};

}  // namespace qpp::registry
