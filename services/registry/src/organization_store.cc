#include "services/registry/src/organization_store.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/organization_change_rules.h"
#include "services/registry/src/organization_rules.h"

namespace qpp::registry {

absl::StatusOr<StoredOrganization> OrganizationStore::Load(
    db::Connection& conn, const DistrictScope& scope, const std::string& uscc,
    bool for_update) {
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetOrganization(conn, uscc, for_update));
  if (!stored.has_value()) {
    return status::NotFound(resource::OrganizationName(uscc));
  }
  QPP_RETURN_IF_ERROR(scope.CheckOrganization(stored->org));
  QPP_RETURN_IF_ERROR(OpenContacts(*stored));
  return std::move(*stored);
}

absl::StatusOr<StoredOrganization> OrganizationStore::LoadForChange(
    db::Connection& conn, const DistrictScope& scope, const std::string& uscc,
    const std::string& etag) {
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       Load(conn, scope, uscc, /*for_update=*/true));
  QPP_RETURN_IF_ERROR(
      status::CheckEtag(etag, stored.org.etag(), "the organisation"));
  return stored;
}

absl::StatusOr<StoredOrganization> OrganizationStore::LoadActive(
    db::Connection& conn, const DistrictScope& scope, const std::string& uscc) {
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       Load(conn, scope, uscc, /*for_update=*/false));
  QPP_RETURN_IF_ERROR(CheckActive(stored.org));
  return stored;
}

absl::Status OrganizationStore::CheckAccess(db::Connection& conn,
                                            const DistrictScope& scope,
                                            const std::string& uscc) {
  if (scope.city_wide()) return absl::OkStatus();
  QPP_ASSIGN_OR_RETURN(auto stored, repository_.GetOrganization(
                                        conn, uscc, /*for_update=*/false));
  if (!stored.has_value()) {
    return status::NotFound(resource::OrganizationName(uscc));
  }
  return scope.CheckOrganization(stored->org);
}

absl::StatusOr<v1::Organization> OrganizationStore::Save(
    db::Connection& conn, const StoredOrganization& stored,
    const v1::Organization& org, absl::Time now) {
  QPP_ASSIGN_OR_RETURN(std::string blob, contacts_.Seal(org));
  QPP_ASSIGN_OR_RETURN(bool written, repository_.UpdateOrganization(
                                         conn, org, blob, stored.version, now));
  if (!written) return status::ConcurrentUpdate("the organisation");
  const std::vector<v1::OrganizationChangeType> types =
      ChangeTypesBetween(&stored.org, org);
  if (!types.empty()) {
    std::vector<v1::OrganizationChange> entries = {
        ChangeEntry(org, stored.version + 1, now, types)};
    QPP_RETURN_IF_ERROR(changes_.AppendChanges(conn, entries));
  }
  v1::Organization saved = org;
  *saved.mutable_update_time() = dates::ToTimestamp(now);
  saved.set_etag(absl::StrCat("\"", stored.version + 1, "\""));
  MaskContacts(saved);
  return saved;
}

absl::Status OrganizationStore::RecordCreated(
    db::Connection& conn, const std::vector<const v1::Organization*>& orgs,
    absl::Time now) {
  std::vector<v1::OrganizationChange> entries;
  entries.reserve(orgs.size());
  for (const v1::Organization* org : orgs) {
    entries.push_back(ChangeEntry(*org, /*version=*/1, now,
                                  ChangeTypesBetween(nullptr, *org)));
  }
  return changes_.AppendChanges(conn, entries);
}

absl::Status OrganizationStore::OpenContacts(StoredOrganization& stored) const {
  return contacts_.Open(stored.contacts_blob, stored.org);
}

}  // namespace qpp::registry
