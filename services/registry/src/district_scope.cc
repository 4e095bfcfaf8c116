#include "services/registry/src/district_scope.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/resource/names.h"
#include "common/status/status.h"

namespace qpp::registry {
namespace {

absl::Status OutsideDistrict(std::string message) {
  return status::WithReason(absl::StatusCode::kPermissionDenied,
                            "OUTSIDE_DISTRICT", message);
}

}  // namespace

DistrictScope DistrictScope::Of(const Principal& principal) {
  if (!principal.district_code.empty()) {
    return DistrictScope(true, principal.district_code);
  }
  for (absl::string_view role : absl::StrSplit(principal.role, ',')) {
    if (role == kDistrictOfficeRole) return DistrictScope(true, "");
  }
  return CityWide();
}

absl::Status DistrictScope::CheckDistrict(absl::string_view district_code,
                                          absl::string_view name) const {
  if (!confined_) return absl::OkStatus();
  if (district_.empty()) {
    return OutsideDistrict(
        "this district office has no district in the gateway's policy, so "
        "it may act for no organisation; ask the programme office to set it");
  }
  if (district_code == district_) return absl::OkStatus();
  return OutsideDistrict(
      absl::StrCat(name,
                   " is outside your district: this caller may act only for "
                   "organisations of district ",
                   district_));
}

absl::Status DistrictScope::CheckOrganization(
    const v1::Organization& org) const {
  if (!confined_) return absl::OkStatus();
  return CheckDistrict(org.district_code(),
                       resource::OrganizationName(org.uscc()));
}

absl::StatusOr<std::string> DistrictScope::ListDistrict(
    absl::string_view requested, absl::string_view field) const {
  if (!confined_) return std::string(requested);
  if (district_.empty()) return CheckDistrict("", "");
  if (!requested.empty() && requested != district_) {
    return OutsideDistrict(
        absl::StrCat(field, " ", requested,
                     " is not your district: this caller may list "
                     "only organisations of district ",
                     district_, " (leave ", field, " empty for them)"));
  }
  return district_;
}

absl::Status DistrictScope::RequireCityWide(absl::string_view what) const {
  if (!confined_) return absl::OkStatus();
  return status::WithReason(absl::StatusCode::kPermissionDenied,
                            "PROGRAMME_OFFICE_ONLY",
                            absl::StrCat("only the programme office may ", what,
                                         "; a district office may not"));
}

absl::Status DistrictScope::CheckWrite(const v1::Organization* before,
                                       const v1::Organization& after) const {
  if (!confined_) return absl::OkStatus();
  if (before != nullptr) QPP_RETURN_IF_ERROR(CheckOrganization(*before));
  if (after.district_code() != district_) {
    // The district asked for is not repeated: the caller knows it, and the
    // message stays the same for every other district.
    return CheckDistrict(
        after.district_code(),
        before == nullptr
            ? std::string("organization.district_code")
            : absl::StrCat("a move of ",
                           resource::OrganizationName(after.uscc()),
                           " to another district"));
  }
  const bool was_key = before != nullptr && before->flags().key_enterprise();
  if (after.flags().key_enterprise() != was_key) {
    return RequireCityWide("set flags.key_enterprise");
  }
  return absl::OkStatus();
}

}  // namespace qpp::registry
