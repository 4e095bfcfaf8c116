#include "services/registry/src/organization_rules.h"

#include <algorithm>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/contact.h"
#include "common/validation/date.h"
#include "common/validation/text.h"
#include "common/validation/uscc.h"
#include "services/registry/src/contact_rules.h"

namespace qpp::registry {
namespace {

using status::FieldErrors;

constexpr int64_t kMaxEmployees = 10'000'000;
constexpr int64_t kMaxAmountYuan = 1'000'000'000'000'000;  // 10^15 yuan
constexpr int kMaxContacts = 10;
// Fields of Organization a caller may set, i.e. valid update_mask paths.
const std::set<std::string>& UpdatableFields() {
  static const auto* const kFields =
      new std::set<std::string>{"display_name",
                                "kind",
                                "district_code",
                                "industry_code",
                                "employees",
                                "annual_revenue_yuan",
                                "total_assets_yuan",
                                "flags",
                                "credit",
                                "contacts",
                                "flags.listing_cultivation",
                                "flags.high_tech",
                                "flags.growth",
                                "flags.exemplary_public_service",
                                "flags.key_enterprise"};
  return *kFields;
}

bool Wants(const std::vector<std::string>& only, absl::string_view field) {
  return only.empty() ||
         std::find(only.begin(), only.end(), field) != only.end();
}

bool Reaches(const SmeThresholds& t, const v1::Organization& org) {
  if (!t.employees && !t.revenue_yuan && !t.assets_yuan) return false;
  return (!t.employees || org.employees() >= *t.employees) &&
         (!t.revenue_yuan || org.annual_revenue_yuan() >= *t.revenue_yuan) &&
         (!t.assets_yuan || org.total_assets_yuan() >= *t.assets_yuan);
}

// Whether `org` reports any figure that `rule` reads (0 means not reported).
bool HasAnyFigure(const SmeRule& rule, const v1::Organization& org) {
  for (const SmeThresholds* t : {&rule.large, &rule.medium, &rule.small}) {
    if ((t->employees && org.employees() > 0) ||
        (t->revenue_yuan && org.annual_revenue_yuan() > 0) ||
        (t->assets_yuan && org.total_assets_yuan() > 0)) {
      return true;
    }
  }
  return false;
}

// The class `rule` gives `org`, which reports a figure the rule reads.
v1::SizeClass ClassOf(const SmeRule& rule, const v1::Organization& org) {
  if (Reaches(rule.large, org)) return v1::SIZE_CLASS_LARGE;
  if (Reaches(rule.medium, org)) return v1::SIZE_CLASS_MEDIUM;
  if (Reaches(rule.small, org)) return v1::SIZE_CLASS_SMALL;
  return v1::SIZE_CLASS_MICRO;
}

// Recomputes fields derived from caller-set ones.
void Derive(v1::Organization& org, const ReferenceData& ref,
            absl::CivilDay today) {
  org.set_name(resource::OrganizationName(org.uscc()));
  const auto section = ref.SectionOf(org.industry_code());
  org.set_industry_section(section ? std::string(1, *section) : "");
  std::string rule_set;
  org.set_size_class(ClassifySize(ref, org, today, &rule_set));
  org.set_size_rule_version(rule_set);
}

}  // namespace

v1::SizeClass ClassifySize(const ReferenceData& ref,
                           const v1::Organization& org, absl::CivilDay day,
                           std::string* rule_set) {
  rule_set->clear();
  if (org.kind() != v1::ORGANIZATION_KIND_ENTERPRISE) {
    return v1::SIZE_CLASS_UNSPECIFIED;
  }
  // The rule set in force: the latest effective_from on or before `day`.
  std::string current_set;
  absl::CivilDay current_from(1, 1, 1);
  for (const auto& rule : ref.sme_rules) {
    if (rule.effective_from <= day &&
        (current_set.empty() || rule.effective_from > current_from)) {
      current_set = rule.rule_set;
      current_from = rule.effective_from;
    }
  }
  const std::string& code = org.industry_code();
  const SmeRule* best = nullptr;
  // Rules of narrower codes inside `code`: a bare division ("70", real
  // estate) whose table rows are per group (701 development, 702 property
  // management).
  std::vector<const SmeRule*> inside;
  for (const auto& rule : ref.sme_rules) {
    if (rule.rule_set != current_set) continue;
    if (!code.empty() && rule.code_prefix.size() > code.size() &&
        absl::StartsWith(rule.code_prefix, code)) {
      inside.push_back(&rule);
    }
    if (!absl::StartsWith(code, rule.code_prefix)) continue;
    if (best == nullptr || rule.code_prefix.size() > best->code_prefix.size()) {
      best = &rule;
    }
  }
  if (!inside.empty()) {
    // The division's own rules, not the fallback for unlisted industries:
    // the class on which all of them agree; unknown when they disagree or
    // one lacks its figures (the group code settles it).
    v1::SizeClass agreed = v1::SIZE_CLASS_UNSPECIFIED;
    for (const SmeRule* rule : inside) {
      if (!HasAnyFigure(*rule, org)) return v1::SIZE_CLASS_UNSPECIFIED;
      const v1::SizeClass size = ClassOf(*rule, org);
      if (agreed != v1::SIZE_CLASS_UNSPECIFIED && size != agreed) {
        return v1::SIZE_CLASS_UNSPECIFIED;
      }
      agreed = size;
    }
    *rule_set = current_set;
    return agreed;
  }
  if (best == nullptr || !HasAnyFigure(*best, org)) {
    return v1::SIZE_CLASS_UNSPECIFIED;
  }
  *rule_set = best->rule_set;
  return ClassOf(*best, org);
}

void ValidateOrganization(const v1::Organization& org, const ReferenceData& ref,
                          absl::CivilDay today, absl::string_view prefix,
                          FieldErrors& errors,
                          const std::vector<std::string>& only) {
  const auto f = [&](absl::string_view field) {
    return absl::StrCat(prefix, field);
  };
  if (Wants(only, "display_name")) {
    validation::CheckText(f("display_name"), org.display_name(), 1, 200,
                          errors);
  }
  if (Wants(only, "kind") && (org.kind() == v1::ORGANIZATION_KIND_UNSPECIFIED ||
                              !v1::OrganizationKind_IsValid(org.kind()))) {
    errors.Add(f("kind"),
               "must be one of ENTERPRISE, PUBLIC_INSTITUTION, "
               "SOCIAL_ORGANIZATION, GOVERNMENT_AGENCY, "
               "INDUSTRY_ASSOCIATION, CHAMBER_OF_COMMERCE, OTHER");
  }
  if (Wants(only, "district_code") &&
      ref.districts.count(org.district_code()) == 0) {
    errors.Add(f("district_code"),
               "is not a known district code, e.g. \"440305\" for 南山区");
  }
  if (Wants(only, "industry_code")) {
    CheckIndustryCode(f("industry_code"), org.industry_code(), ref, errors);
  }
  if (Wants(only, "employees") &&
      (org.employees() < 0 || org.employees() > kMaxEmployees)) {
    errors.Add(f("employees"), "must be 0..10000000");
  }
  if (Wants(only, "annual_revenue_yuan") &&
      (org.annual_revenue_yuan() < 0 ||
       org.annual_revenue_yuan() > kMaxAmountYuan)) {
    errors.Add(f("annual_revenue_yuan"),
               "must be 0..10^15 yuan (an amount in yuan, not negative)");
  }
  if (Wants(only, "total_assets_yuan") &&
      (org.total_assets_yuan() < 0 ||
       org.total_assets_yuan() > kMaxAmountYuan)) {
    errors.Add(f("total_assets_yuan"),
               "must be 0..10^15 yuan (an amount in yuan, not negative)");
  }
  if (Wants(only, "credit")) {
    const auto& credit = org.credit();
    if (!v1::CreditStanding_IsValid(credit.standing())) {
      errors.Add(f("credit.standing"), "must be GOOD or RESTRICTED");
    } else if (credit.standing() == v1::CREDIT_STANDING_RESTRICTED) {
      validation::CheckText(f("credit.reason"), credit.reason(), 1, 500,
                            errors);
    } else {
      validation::CheckText(f("credit.reason"), credit.reason(), 0, 500,
                            errors);
    }
    validation::CheckPastDate(f("credit.since"), credit.since(), today, false,
                              errors);
  }
  if (Wants(only, "contacts")) {
    if (org.contacts_size() > kMaxContacts) {
      errors.Add(f("contacts"), "at most 10 contacts");
    }
    for (int i = 0; i < org.contacts_size() && i < kMaxContacts; ++i) {
      const auto& c = org.contacts(i);
      const std::string p = f(absl::StrCat("contacts[", i, "]."));
      validation::CheckText(p + "display_name", c.display_name(), 1, 50,
                            errors);
      validation::CheckText(p + "role", c.role(), 0, 50, errors);
      if (!c.phone().empty() && !validation::IsValidPhone(c.phone())) {
        errors.Add(p + "phone",
                   "must be an 11-digit mobile number or a landline of "
                   "digits and '-'");
      }
      if (!c.email().empty() && !validation::IsValidEmail(c.email())) {
        errors.Add(p + "email", "is not an e-mail address");
      }
    }
  }
}

absl::StatusOr<v1::Organization> PrepareNewOrganization(
    const v1::Organization& input, const ReferenceData& ref,
    absl::CivilDay today, absl::string_view prefix) {
  FieldErrors errors;
  const std::string problem = validation::UsccProblem(input.uscc());
  if (!problem.empty()) errors.Add(absl::StrCat(prefix, "uscc"), problem);
  // Nothing is stored yet, so any masked contact value is refused (and the
  // contacts are not checked further: their format errors would only
  // repeat it).
  Contacts contacts = input.contacts();
  const size_t before = errors.violations().size();
  ResolveMaskedContacts(contacts, Contacts(), prefix, errors);
  if (errors.violations().size() > before) {
    std::vector<std::string> others;
    for (const std::string& field : UpdatableFields()) {
      if (field != "contacts" && field.find('.') == std::string::npos) {
        others.push_back(field);
      }
    }
    ValidateOrganization(input, ref, today, prefix, errors, others);
    return errors.ToStatus();
  }
  ValidateOrganization(input, ref, today, prefix, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());

  v1::Organization org;
  org.set_uscc(input.uscc());
  org.set_display_name(input.display_name());
  org.set_kind(input.kind());
  org.set_district_code(input.district_code());
  org.set_industry_code(input.industry_code());
  org.set_employees(input.employees());
  org.set_annual_revenue_yuan(input.annual_revenue_yuan());
  org.set_total_assets_yuan(input.total_assets_yuan());
  *org.mutable_flags() = input.flags();
  *org.mutable_credit() = input.credit();
  if (org.credit().standing() == v1::CREDIT_STANDING_UNSPECIFIED) {
    org.mutable_credit()->set_standing(v1::CREDIT_STANDING_GOOD);
  }
  if (!dates::IsSet(org.credit().since())) {
    *org.mutable_credit()->mutable_since() = dates::ToDate(today);
  }
  *org.mutable_contacts() = input.contacts();
  org.set_adoption_status(v1::ADOPTION_STATUS_NOT_STARTED);
  org.set_state(v1::ORGANIZATION_STATE_ACTIVE);
  Derive(org, ref, today);
  return org;
}

absl::StatusOr<v1::Organization> ApplyOrganizationUpdate(
    const v1::Organization& stored, const v1::Organization& patch,
    const google::protobuf::FieldMask& mask, const ReferenceData& ref,
    absl::CivilDay today) {
  FieldErrors errors;
  if (mask.paths().empty()) {
    errors.Add("update_mask", "is required: name the fields to change");
  }
  std::vector<std::string> top;
  for (const std::string& path : mask.paths()) {
    if (UpdatableFields().count(path) == 0) {
      errors.Add("update_mask", absl::StrCat("\"", path.substr(0, 64),
                                             "\" is not an updatable field"));
      continue;
    }
    top.push_back(path.substr(0, path.find('.')));
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  // Masked contact values sent back keep the stored values they mask.
  v1::Organization resolved;
  const v1::Organization* source = &patch;
  if (std::find(top.begin(), top.end(), "contacts") != top.end()) {
    resolved = patch;
    ResolveMaskedContacts(*resolved.mutable_contacts(), stored.contacts(),
                          "organization.", errors);
    if (!errors.empty()) {
      top.erase(std::remove(top.begin(), top.end(), "contacts"), top.end());
      if (!top.empty()) {
        ValidateOrganization(patch, ref, today, "organization.", errors, top);
      }
      return errors.ToStatus();
    }
    source = &resolved;
  }
  ValidateOrganization(*source, ref, today, "organization.", errors, top);
  QPP_RETURN_IF_ERROR(errors.ToStatus());

  v1::Organization org = stored;
  for (const std::string& path : mask.paths()) {
    if (path == "display_name") org.set_display_name(patch.display_name());
    if (path == "kind") org.set_kind(patch.kind());
    if (path == "district_code") org.set_district_code(patch.district_code());
    if (path == "industry_code") org.set_industry_code(patch.industry_code());
    if (path == "employees") org.set_employees(patch.employees());
    if (path == "annual_revenue_yuan") {
      org.set_annual_revenue_yuan(patch.annual_revenue_yuan());
    }
    if (path == "total_assets_yuan") {
      org.set_total_assets_yuan(patch.total_assets_yuan());
    }
    if (path == "flags") *org.mutable_flags() = patch.flags();
    if (path == "flags.listing_cultivation") {
      org.mutable_flags()->set_listing_cultivation(
          patch.flags().listing_cultivation());
    }
    if (path == "flags.high_tech") {
      org.mutable_flags()->set_high_tech(patch.flags().high_tech());
    }
    if (path == "flags.growth") {
      org.mutable_flags()->set_growth(patch.flags().growth());
    }
    if (path == "flags.key_enterprise") {
      org.mutable_flags()->set_key_enterprise(patch.flags().key_enterprise());
    }
    if (path == "flags.exemplary_public_service") {
      org.mutable_flags()->set_exemplary_public_service(
          patch.flags().exemplary_public_service());
    }
    if (path == "credit") {
      *org.mutable_credit() = patch.credit();
      if (org.credit().standing() == v1::CREDIT_STANDING_UNSPECIFIED) {
        org.mutable_credit()->set_standing(v1::CREDIT_STANDING_GOOD);
      }
      if (!dates::IsSet(org.credit().since())) {
        *org.mutable_credit()->mutable_since() = dates::ToDate(today);
      }
    }
    if (path == "contacts") *org.mutable_contacts() = source->contacts();
  }
  Derive(org, ref, today);
  return org;
}

absl::Status CheckActive(const v1::Organization& org) {
  if (org.state() == v1::ORGANIZATION_STATE_ACTIVE) return absl::OkStatus();
  return status::Archived("ORGANIZATION_ARCHIVED", org.name());
}

absl::StatusOr<v1::Organization> ArchiveOrganization(
    const v1::Organization& org, absl::Time now) {
  if (org.state() == v1::ORGANIZATION_STATE_ARCHIVED) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "ALREADY_ARCHIVED",
                              absl::StrCat(org.name(), " is already archived"));
  }
  v1::Organization archived = org;
  archived.set_state(v1::ORGANIZATION_STATE_ARCHIVED);
  *archived.mutable_delete_time() = dates::ToTimestamp(now);
  return archived;
}

absl::StatusOr<v1::Organization> RestoreOrganization(
    const v1::Organization& org) {
  if (org.state() == v1::ORGANIZATION_STATE_ACTIVE) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "NOT_ARCHIVED",
                              absl::StrCat(org.name(), " is not archived"));
  }
  v1::Organization restored = org;
  restored.set_state(v1::ORGANIZATION_STATE_ACTIVE);
  restored.clear_delete_time();
  return restored;
}

absl::StatusOr<absl::CivilDay> AdoptionDay(
    const qpp::type::v1::Date& effective_date, absl::CivilDay today) {
  if (!dates::IsSet(effective_date)) return today;
  const auto day = dates::ToCivilDay(effective_date);
  if (!day.has_value() || *day > today) {
    return status::InvalidField("effective_date",
                                "must be a real date, not in the future");
  }
  return *day;
}

absl::Status AdvanceAdoption(v1::Organization& org, v1::AdoptionStatus target,
                             absl::CivilDay day, absl::string_view evidence) {
  {
    status::FieldErrors errors;
    validation::CheckText("evidence", evidence, 0, 300, errors);
    QPP_RETURN_IF_ERROR(errors.ToStatus());
  }
  if (target != v1::ADOPTION_STATUS_INTRODUCING &&
      target != v1::ADOPTION_STATUS_ADOPTED) {
    if (target == v1::ADOPTION_STATUS_BENCHMARK) {
      return status::WithReason(
          absl::StatusCode::kFailedPrecondition, "BENCHMARK_BY_DESIGNATION",
          "BENCHMARK is set by a benchmark designation, not directly");
    }
    return status::InvalidField("adoption_status",
                                "must be INTRODUCING or ADOPTED");
  }
  if (org.adoption_status() >= target) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ADOPTION_NOT_FORWARD",
        absl::StrCat("the organisation is already ",
                     v1::AdoptionStatus_Name(org.adoption_status()),
                     "; adoption only moves forward"));
  }
  auto* history = org.mutable_adoption_history();
  // A step taken before an earlier recorded step would reorder history.
  if (dates::IsSet(history->introducing_date()) &&
      day < *dates::ToCivilDay(history->introducing_date())) {
    return status::InvalidField("effective_date",
                                "must not be before the introducing date");
  }
  if (!dates::IsSet(history->introducing_date())) {
    *history->mutable_introducing_date() = dates::ToDate(day);
  }
  if (target == v1::ADOPTION_STATUS_ADOPTED) {
    *history->mutable_adopted_date() = dates::ToDate(day);
    history->set_adopted_evidence(std::string(evidence));
  } else {
    history->set_introducing_evidence(std::string(evidence));
  }
  org.set_adoption_status(target);
  return absl::OkStatus();
}

void MaskContacts(v1::Organization& org) {
  for (auto& c : *org.mutable_contacts()) {
    c.set_display_name(validation::MaskName(c.display_name()));
    c.set_phone(validation::MaskPhone(c.phone()));
    if (!c.email().empty()) c.set_email(validation::MaskEmail(c.email()));
  }
}

}  // namespace qpp::registry
