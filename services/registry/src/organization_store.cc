#include "services/registry/src/organization_store.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "services/registry/src/organization_rules.h"

namespace qpp::registry {

absl::StatusOr<StoredOrganization> OrganizationStore::Load(
    db::Connection& conn, const std::string& uscc, bool for_update) {
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetOrganization(conn, uscc, for_update));
  if (!stored.has_value()) {
    return status::NotFound(resource::OrganizationName(uscc));
  }
  QPP_RETURN_IF_ERROR(OpenContacts(*stored));
  return std::move(*stored);
}

absl::StatusOr<StoredOrganization> OrganizationStore::LoadForChange(
    db::Connection& conn, const std::string& uscc, const std::string& etag) {
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       Load(conn, uscc, /*for_update=*/true));
  QPP_RETURN_IF_ERROR(
      status::CheckEtag(etag, stored.org.etag(), "the organisation"));
  return stored;
}

absl::StatusOr<StoredOrganization> OrganizationStore::LoadActive(
    db::Connection& conn, const std::string& uscc) {
  QPP_ASSIGN_OR_RETURN(StoredOrganization stored,
                       Load(conn, uscc, /*for_update=*/false));
  QPP_RETURN_IF_ERROR(CheckActive(stored.org));
  return stored;
}

absl::StatusOr<v1::Organization> OrganizationStore::Save(
    db::Connection& conn, const StoredOrganization& stored,
    const v1::Organization& org, absl::Time now) {
  QPP_ASSIGN_OR_RETURN(std::string blob, contacts_.Seal(org));
  QPP_ASSIGN_OR_RETURN(bool written, repository_.UpdateOrganization(
                                         conn, org, blob, stored.version, now));
  if (!written) return status::ConcurrentUpdate("the organisation");
  v1::Organization saved = org;
  *saved.mutable_update_time() = dates::ToTimestamp(now);
  saved.set_etag(absl::StrCat("\"", stored.version + 1, "\""));
  MaskContacts(saved);
  return saved;
}

absl::Status OrganizationStore::OpenContacts(StoredOrganization& stored) const {
  return contacts_.Open(stored.contacts_blob, stored.org);
}

}  // namespace qpp::registry
