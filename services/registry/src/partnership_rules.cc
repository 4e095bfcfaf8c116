#include "services/registry/src/partnership_rules.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/resource/names.h"
#include "common/validation/date.h"
#include "common/validation/text.h"

namespace qpp::registry {
namespace {

using status::FieldErrors;

// The fields of a partnership that its partner may change.
constexpr const char* kUpdatableFields[] = {"industry_codes", "members",
                                            "start_date", "remarks"};

}  // namespace

void ValidatePartnership(const v1::Partnership& p, const ReferenceData& ref,
                         absl::CivilDay today, FieldErrors& errors,
                         const std::vector<std::string>& only) {
  const auto wants = [&](const char* field) {
    return only.empty() ||
           std::find(only.begin(), only.end(), field) != only.end();
  };
  if (wants("industry_codes")) {
    if (p.industry_codes().empty() || p.industry_codes_size() > 100) {
      errors.Add("partnership.industry_codes", "must list 1..100 industries");
    }
    std::set<std::string> seen;
    for (int i = 0; i < p.industry_codes_size() && i < 100; ++i) {
      const std::string field =
          absl::StrCat("partnership.industry_codes[", i, "]");
      CheckIndustryCode(field, p.industry_codes(i), ref, errors);
      if (!seen.insert(p.industry_codes(i)).second) {
        errors.Add(field, "is listed twice");
      }
    }
  }
  if (wants("members")) {
    if (p.members_size() > 1000) {
      errors.Add("partnership.members", "at most 1000 members");
    }
    std::set<std::string> seen;
    for (int i = 0; i < p.members_size() && i < 1000; ++i) {
      const std::string field = absl::StrCat("partnership.members[", i, "]");
      auto uscc = resource::ParseOrganizationName(p.members(i), field);
      if (!uscc.ok()) {
        for (auto& v : status::FieldViolationsOf(uscc.status())) {
          errors.Add(v.field, v.description);
        }
      } else if (!seen.insert(*uscc).second) {
        errors.Add(field, "is listed twice");
      }
    }
  }
  if (wants("start_date")) {
    validation::CheckPastDate("partnership.start_date", p.start_date(), today,
                              false, errors);
  }
  if (wants("remarks")) {
    validation::CheckText("partnership.remarks", p.remarks(), 0, 500, errors);
  }
}

absl::Status CheckPartnerKind(const v1::Organization& partner) {
  switch (partner.kind()) {
    case v1::ORGANIZATION_KIND_INDUSTRY_ASSOCIATION:
    case v1::ORGANIZATION_KIND_CHAMBER_OF_COMMERCE:
    case v1::ORGANIZATION_KIND_SOCIAL_ORGANIZATION:
      return absl::OkStatus();
    default:
      return status::WithReason(absl::StatusCode::kFailedPrecondition,
                                "PARTNER_KIND",
                                "a partner must be an industry association, "
                                "chamber of commerce or social organisation");
  }
}

absl::StatusOr<std::vector<std::string>> PartnershipUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  FieldErrors errors;
  std::vector<std::string> paths;
  for (const auto& path : mask.paths()) {
    if (std::find(std::begin(kUpdatableFields), std::end(kUpdatableFields),
                  path) == std::end(kUpdatableFields)) {
      errors.Add("update_mask", absl::StrCat("\"", path.substr(0, 64),
                                             "\" is not an updatable field"));
    }
    paths.push_back(path);
  }
  if (paths.empty()) errors.Add("update_mask", "is required");
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  return paths;
}

v1::Partnership ApplyPartnershipUpdate(const v1::Partnership& current,
                                       const v1::Partnership& patch,
                                       const std::vector<std::string>& paths) {
  v1::Partnership updated = current;
  for (const auto& path : paths) {
    if (path == "industry_codes") {
      *updated.mutable_industry_codes() = patch.industry_codes();
    } else if (path == "members") {
      *updated.mutable_members() = patch.members();
    } else if (path == "start_date") {
      *updated.mutable_start_date() = patch.start_date();
    } else if (path == "remarks") {
      updated.set_remarks(patch.remarks());
    }
  }
  return updated;
}

std::vector<std::string> MemberUsccs(const v1::Partnership& p) {
  const std::string prefix = resource::OrganizationName("");
  std::vector<std::string> usccs;
  usccs.reserve(p.members_size());
  for (const auto& member : p.members()) {
    usccs.push_back(member.substr(prefix.size()));
  }
  return usccs;
}

absl::Status CheckMembersRegistered(const v1::Partnership& p,
                                    const std::set<std::string>& registered) {
  const std::vector<std::string> members = MemberUsccs(p);
  for (size_t i = 0; i < members.size(); ++i) {
    if (registered.count(members[i]) == 0) {
      return status::InvalidField(absl::StrCat("partnership.members[", i, "]"),
                                  "is not a registered organisation");
    }
  }
  return absl::OkStatus();
}

}  // namespace qpp::registry
