#include "services/demobase/src/base_rules.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"

namespace qpp::demobase {
namespace {

const std::vector<std::string>& BaseMutableFields() {
  static const auto* fields = new std::vector<std::string>{"theme", "industry"};
  return *fields;
}

void ValidateField(const v1::DemonstrationBase& base, absl::string_view path,
                   status::FieldErrors& errors) {
  if (path == "theme") {
    validation::CheckText("demonstration_base.theme", base.theme(), 1, 200,
                          errors);
  } else if (path == "industry") {
    validation::CheckText("demonstration_base.industry", base.industry(), 1, 50,
                          errors);
  }
}

}  // namespace

std::optional<int64_t> ParseId(absl::string_view id) {
  int64_t value = 0;
  if (id.empty() || id.size() > 18 || id[0] == '0' ||
      !std::all_of(id.begin(), id.end(),
                   [](char c) { return c >= '0' && c <= '9'; }) ||
      !absl::SimpleAtoi(id, &value) || value <= 0) {
    return std::nullopt;
  }
  return value;
}

std::string BaseName(int64_t id) {
  return absl::StrCat("demonstrationBases/", id);
}

absl::StatusOr<int64_t> ParseBaseName(absl::string_view name,
                                      absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "demonstrationBases", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(
        std::string(field),
        "must be demonstrationBases/{base} with a numeric id");
  }
  return *value;
}

absl::Status ValidateOptions(const ProgrammeOptions& options) {
  if (options.min_bases_per_year < 1 ||
      options.max_bases_per_year < options.min_bases_per_year ||
      options.max_bases_per_year > 100) {
    return absl::InvalidArgumentError(
        "--min_bases_per_year and --max_bases_per_year must satisfy 1 <= min "
        "<= max <= 100");
  }
  if (options.min_events_per_year < 1 || options.min_events_per_year > 366) {
    return absl::InvalidArgumentError("--min_events_per_year must be 1..366");
  }
  return absl::OkStatus();
}

void ValidateNewBase(const v1::DemonstrationBase& base,
                     status::FieldErrors& errors) {
  if (!resource::ParseOrganizationName(base.organization(),
                                       "demonstration_base.organization")
           .ok()) {
    errors.Add("demonstration_base.organization",
               "must be organizations/{uscc} with a valid USCC");
  }
  if (base.year() < 2000 || base.year() > 2100) {
    errors.Add("demonstration_base.year", "must be 2000..2100");
  }
  ValidateField(base, "theme", errors);
  ValidateField(base, "industry", errors);
}

absl::StatusOr<QualificationEvidence> Qualify(
    const RegisteredOrganization& organization,
    const std::vector<AwardFact>& awards, int year) {
  const std::string name = resource::OrganizationName(organization.uscc);
  if (!organization.active) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_REGISTERED",
        absl::StrCat("demonstration_base.organization: ", name,
                     " is archived in the registry"));
  }
  const AwardFact* newest = nullptr;
  for (const AwardFact& award : awards) {
    if (award.year <= year && (newest == nullptr || award.year > newest->year))
      newest = &award;
  }
  if (newest != nullptr) {
    return QualificationEvidence{
        v1::QUALIFICATION_MAYOR_QUALITY_AWARD,
        absl::StrCat(newest->year, " ", newest->level)};
  }
  if (organization.exemplary_public_service) {
    return QualificationEvidence{v1::QUALIFICATION_EXEMPLARY_PUBLIC_SERVICE,
                                 "exemplary_public_service"};
  }
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "ORGANIZATION_NOT_ELIGIBLE",
      absl::StrCat(name, " cannot be a demonstration base of ", year,
                   ": the registry has no Mayor's Quality Award record of it "
                   "up to that year and does not flag it an exemplary "
                   "public-service organisation"));
}

absl::Status CheckDesignationRoom(int64_t designated, int max, int year) {
  if (designated < max) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "DESIGNATION_LIMIT_REACHED",
      absl::StrCat(year, " already has ", designated,
                   " demonstration bases, the most a year may have (", max,
                   "); withdraw one first or designate for another year"));
}

absl::Status CheckStatusChange(const BaseRecord& base, v1::BaseStatus to) {
  const v1::BaseStatus from = base.status;
  const bool allowed =
      (from == v1::BASE_STATUS_ACTIVE && to == v1::BASE_STATUS_SUSPENDED) ||
      (from == v1::BASE_STATUS_SUSPENDED && to == v1::BASE_STATUS_ACTIVE) ||
      (from != v1::BASE_STATUS_WITHDRAWN && to == v1::BASE_STATUS_WITHDRAWN);
  if (allowed) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "INVALID_STATUS_CHANGE",
      absl::StrCat(BaseName(base.id), " is ", v1::BaseStatus_Name(from),
                   " and cannot become ", v1::BaseStatus_Name(to)));
}

void ValidateReason(absl::string_view reason, bool required,
                    status::FieldErrors& errors) {
  validation::CheckText("reason", reason, required ? 1 : 0, 500, errors);
}

absl::StatusOr<std::vector<std::string>> BaseUpdatePaths(
    const google::protobuf::FieldMask& mask) {
  const auto& allowed = BaseMutableFields();
  if (mask.paths().empty()) {
    return status::InvalidField("update_mask",
                                absl::StrCat("name the fields to change: ",
                                             absl::StrJoin(allowed, ", ")));
  }
  std::vector<std::string> paths;
  for (const std::string& path : mask.paths()) {
    if (std::find(allowed.begin(), allowed.end(), path) == allowed.end()) {
      return status::InvalidField(
          "update_mask",
          absl::StrCat("cannot change \"", path, "\"; changeable fields: ",
                       absl::StrJoin(allowed, ", ")));
    }
    paths.push_back(path);
  }
  return paths;
}

BaseRecord ApplyBaseUpdate(const BaseRecord& current,
                           const v1::DemonstrationBase& patch,
                           const std::vector<std::string>& paths,
                           status::FieldErrors& errors) {
  BaseRecord out = current;
  for (const std::string& path : paths) {
    ValidateField(patch, path, errors);
    if (path == "theme") out.theme = patch.theme();
    if (path == "industry") out.industry = patch.industry();
  }
  return out;
}

std::string Etag(int64_t version) { return absl::StrCat("\"", version, "\""); }

v1::DemonstrationBase ToBase(const BaseRecord& r,
                             const std::vector<StatusChangeRecord>& history) {
  v1::DemonstrationBase out;
  out.set_name(BaseName(r.id));
  out.set_organization(resource::OrganizationName(r.organization_uscc));
  out.set_organization_display_name(r.organization_display_name);
  out.set_year(r.year);
  out.set_theme(r.theme);
  out.set_industry(r.industry);
  out.set_qualification(r.qualification);
  out.set_qualification_evidence(r.qualification_evidence);
  out.set_status(r.status);
  out.set_status_reason(r.status_reason);
  for (const StatusChangeRecord& change : history) {
    v1::StatusChange* c = out.add_history();
    c->set_status(change.status);
    c->set_reason(change.reason);
    c->set_changed_by(change.changed_by);
    *c->mutable_change_time() = dates::ToTimestamp(change.change_time);
  }
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

}  // namespace qpp::demobase
