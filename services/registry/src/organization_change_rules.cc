#include "services/registry/src/organization_change_rules.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/paging/page_token.h"
#include "common/resource/names.h"
#include "common/status/status.h"

namespace qpp::registry {
namespace {

// What the feed's tokens are bound to instead of a request's filters.
uint64_t FeedFingerprint() {
  static const uint64_t fingerprint =
      paging::Fingerprint("qpp.registry.v1.ListOrganizationChanges");
  return fingerprint;
}

}  // namespace

std::vector<v1::OrganizationChangeType> ChangeTypesBetween(
    const v1::Organization* before, const v1::Organization& after) {
  if (before == nullptr) return {v1::ORGANIZATION_CHANGE_TYPE_CREATED};
  std::vector<v1::OrganizationChangeType> types;
  if (before->kind() != after.kind()) {
    types.push_back(v1::ORGANIZATION_CHANGE_TYPE_KIND);
  }
  if (before->district_code() != after.district_code()) {
    types.push_back(v1::ORGANIZATION_CHANGE_TYPE_DISTRICT);
  }
  if (before->size_class() != after.size_class()) {
    types.push_back(v1::ORGANIZATION_CHANGE_TYPE_SIZE_CLASS);
  }
  if (before->credit().standing() != after.credit().standing()) {
    types.push_back(v1::ORGANIZATION_CHANGE_TYPE_CREDIT_STANDING);
  }
  if (before->adoption_status() != after.adoption_status()) {
    types.push_back(v1::ORGANIZATION_CHANGE_TYPE_ADOPTION_STATUS);
  }
  if (before->flags().key_enterprise() != after.flags().key_enterprise()) {
    types.push_back(v1::ORGANIZATION_CHANGE_TYPE_KEY_ENTERPRISE);
  }
  if (before->state() != after.state()) {
    types.push_back(after.state() == v1::ORGANIZATION_STATE_ARCHIVED
                        ? v1::ORGANIZATION_CHANGE_TYPE_ARCHIVED
                        : v1::ORGANIZATION_CHANGE_TYPE_RESTORED);
  }
  return types;
}

v1::OrganizationChange ChangeEntry(
    const v1::Organization& after, int64_t version, absl::Time time,
    const std::vector<v1::OrganizationChangeType>& types) {
  v1::OrganizationChange change;
  change.set_organization(resource::OrganizationName(after.uscc()));
  *change.mutable_change_time() = dates::ToTimestamp(time);
  for (v1::OrganizationChangeType t : types) change.add_change_types(t);
  change.set_etag(absl::StrCat("\"", version, "\""));
  change.set_kind(after.kind());
  change.set_district_code(after.district_code());
  change.set_size_class(after.size_class());
  change.set_credit_standing(after.credit().standing());
  change.set_adoption_status(after.adoption_status());
  change.set_key_enterprise(after.flags().key_enterprise());
  change.set_state(after.state());
  return change;
}

int32_t ChangeTypeBits(const v1::OrganizationChange& change) {
  int32_t bits = 0;
  for (int t : change.change_types()) bits |= int32_t{1} << t;
  return bits;
}

void SetChangeTypes(int32_t bits, v1::OrganizationChange& change) {
  change.clear_change_types();
  for (int t = 1; t < 31; ++t) {
    if ((bits & (int32_t{1} << t)) != 0 &&
        v1::OrganizationChangeType_IsValid(t)) {
      change.add_change_types(static_cast<v1::OrganizationChangeType>(t));
    }
  }
}

std::string ChangeFeedToken(int64_t after_sequence) {
  return paging::EncodePageToken(absl::StrCat(after_sequence),
                                 FeedFingerprint());
}

absl::StatusOr<int64_t> ParseChangeFeedToken(absl::string_view token) {
  QPP_ASSIGN_OR_RETURN(std::string key,
                       paging::DecodePageToken(token, FeedFingerprint()));
  return paging::AfterId(key);
}

}  // namespace qpp::registry
