#include "services/registry/src/domain.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/validation/text.h"
#include "common/validation/uscc.h"

namespace qpp::registry {
namespace {

using status::FieldErrors;

constexpr int64_t kMaxEmployees = 10'000'000;
constexpr int64_t kMaxAmountYuan = 1'000'000'000'000'000;  // 10^15 yuan
constexpr int kMaxContacts = 10;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

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
                                "flags.exemplary_public_service"};
  return *kFields;
}

bool Wants(const std::vector<std::string>& only, absl::string_view field) {
  return only.empty() ||
         std::find(only.begin(), only.end(), field) != only.end();
}

bool IsDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return absl::ascii_isdigit(c);
  });
}

bool IsPhone(absl::string_view phone) {
  if (phone.size() == 11 && phone[0] == '1' && phone[1] >= '3' &&
      IsDigits(phone)) {
    return true;  // mobile
  }
  if (phone.size() < 7 || phone.size() > 20 || phone[0] == '-') return false;
  int digits = 0;
  for (char c : phone) {
    if (absl::ascii_isdigit(c)) {
      ++digits;
    } else if (c != '-') {
      return false;
    }
  }
  return digits >= 7;
}

bool IsEmail(absl::string_view email) {
  const size_t at = email.find('@');
  if (at == 0 || at == absl::string_view::npos || email.size() > 100) {
    return false;
  }
  absl::string_view domain = email.substr(at + 1);
  if (domain.find('.') == absl::string_view::npos || domain.front() == '.' ||
      domain.back() == '.' || domain.find('@') != absl::string_view::npos) {
    return false;
  }
  for (char c : email) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

void CheckIndustryCode(absl::string_view field, absl::string_view code,
                       const ReferenceData& ref, FieldErrors& errors) {
  if (code.size() < 2 || code.size() > 4 || !IsDigits(code)) {
    errors.Add(std::string(field),
               "must be a GB/T 4754-2017 code of 2 to 4 digits, e.g. \"39\"");
  } else if (!ref.SectionOf(code).has_value()) {
    errors.Add(std::string(field),
               absl::StrCat("division ", code.substr(0, 2),
                            " is not in GB/T 4754-2017 (01..97)"));
  }
}

void CheckDate(absl::string_view field, const qpp::type::v1::Date& date,
               absl::CivilDay today, bool required, FieldErrors& errors) {
  if (!IsSet(date)) {
    if (required) errors.Add(std::string(field), "is required");
    return;
  }
  const auto day = ToCivilDay(date);
  if (!day.has_value()) {
    errors.Add(std::string(field), "is not a real date");
  } else if (*day > today) {
    errors.Add(std::string(field), "must not be in the future");
  }
}

bool Reaches(const SmeThresholds& t, const v1::Organization& org) {
  if (!t.employees && !t.revenue_yuan && !t.assets_yuan) return false;
  return (!t.employees || org.employees() >= *t.employees) &&
         (!t.revenue_yuan || org.annual_revenue_yuan() >= *t.revenue_yuan) &&
         (!t.assets_yuan || org.total_assets_yuan() >= *t.assets_yuan);
}

// Recomputes fields derived from caller-set ones.
void Derive(v1::Organization& org, const ReferenceData& ref,
            absl::CivilDay today) {
  org.set_name(OrganizationName(org.uscc()));
  const auto section = ref.SectionOf(org.industry_code());
  org.set_industry_section(section ? std::string(1, *section) : "");
  std::string rule_set;
  org.set_size_class(ClassifySize(ref, org, today, &rule_set));
  org.set_size_rule_version(rule_set);
}

}  // namespace

std::optional<char> ReferenceData::SectionOf(
    absl::string_view industry_code) const {
  int division = 0;
  if (industry_code.size() < 2 ||
      !absl::SimpleAtoi(industry_code.substr(0, 2), &division)) {
    return std::nullopt;
  }
  for (const auto& s : sections) {
    if (division >= s.division_from && division <= s.division_to) {
      return s.letter;
    }
  }
  return std::nullopt;
}

const ScoreSheetDef* ReferenceData::SheetOn(absl::CivilDay day) const {
  const ScoreSheetDef* found = nullptr;
  for (const auto& sheet : score_sheets) {
    if (sheet.effective_from <= day) found = &sheet;
  }
  return found;
}

const ScoreSheetDef* ReferenceData::Sheet(absl::string_view version) const {
  for (const auto& sheet : score_sheets) {
    if (sheet.version == version) return &sheet;
  }
  return nullptr;
}

absl::TimeZone ChinaTime() { return absl::FixedTimeZone(8 * 3600); }

absl::CivilDay Today(absl::Time now) {
  return absl::ToCivilDay(now, ChinaTime());
}

std::optional<absl::CivilDay> ToCivilDay(const qpp::type::v1::Date& date) {
  if (date.year() < 1900 || date.year() > 9999) return std::nullopt;
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.year() != date.year() || day.month() != date.month() ||
      day.day() != date.day()) {
    return std::nullopt;
  }
  return day;
}

qpp::type::v1::Date ToDate(absl::CivilDay day) {
  qpp::type::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

bool IsSet(const qpp::type::v1::Date& date) {
  return date.year() != 0 || date.month() != 0 || date.day() != 0;
}

std::string OrganizationName(absl::string_view uscc) {
  return absl::StrCat("organizations/", uscc);
}

absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name,
                                                  absl::string_view field) {
  constexpr absl::string_view kPrefix = "organizations/";
  if (!absl::StartsWith(name, kPrefix)) {
    return status::InvalidField(std::string(field),
                                "must be \"organizations/{uscc}\"");
  }
  absl::string_view uscc = name.substr(kPrefix.size());
  const std::string problem = validation::UsccProblem(uscc);
  if (!problem.empty()) {
    return status::InvalidField(std::string(field),
                                absl::StrCat("USCC ", problem));
  }
  return std::string(uscc);
}

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
  const SmeRule* best = nullptr;
  for (const auto& rule : ref.sme_rules) {
    if (rule.rule_set != current_set ||
        !absl::StartsWith(org.industry_code(), rule.code_prefix)) {
      continue;
    }
    if (best == nullptr || rule.code_prefix.size() > best->code_prefix.size()) {
      best = &rule;
    }
  }
  if (best == nullptr) return v1::SIZE_CLASS_UNSPECIFIED;
  *rule_set = best->rule_set;
  if (Reaches(best->large, org)) return v1::SIZE_CLASS_LARGE;
  if (Reaches(best->medium, org)) return v1::SIZE_CLASS_MEDIUM;
  if (Reaches(best->small, org)) return v1::SIZE_CLASS_SMALL;
  return v1::SIZE_CLASS_MICRO;
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
    CheckDate(f("credit.since"), credit.since(), today, false, errors);
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
      if (!c.phone().empty() && !IsPhone(c.phone())) {
        errors.Add(p + "phone",
                   "must be an 11-digit mobile number or a landline of "
                   "digits and '-'");
      }
      if (!c.email().empty() && !IsEmail(c.email())) {
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
  if (!IsSet(org.credit().since())) {
    *org.mutable_credit()->mutable_since() = ToDate(today);
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
  ValidateOrganization(patch, ref, today, "organization.", errors, top);
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
    if (path == "flags.exemplary_public_service") {
      org.mutable_flags()->set_exemplary_public_service(
          patch.flags().exemplary_public_service());
    }
    if (path == "credit") {
      *org.mutable_credit() = patch.credit();
      if (org.credit().standing() == v1::CREDIT_STANDING_UNSPECIFIED) {
        org.mutable_credit()->set_standing(v1::CREDIT_STANDING_GOOD);
      }
      if (!IsSet(org.credit().since())) {
        *org.mutable_credit()->mutable_since() = ToDate(today);
      }
    }
    if (path == "contacts") *org.mutable_contacts() = patch.contacts();
  }
  Derive(org, ref, today);
  return org;
}

absl::Status AdvanceAdoption(v1::Organization& org, v1::AdoptionStatus target,
                             absl::CivilDay day) {
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
  if (IsSet(history->introducing_date()) &&
      day < *ToCivilDay(history->introducing_date())) {
    return status::InvalidField("effective_date",
                                "must not be before the introducing date");
  }
  if (!IsSet(history->introducing_date())) {
    *history->mutable_introducing_date() = ToDate(day);
  }
  if (target == v1::ADOPTION_STATUS_ADOPTED) {
    *history->mutable_adopted_date() = ToDate(day);
  }
  org.set_adoption_status(target);
  return absl::OkStatus();
}

absl::Status ValidateAwardRecord(const v1::AwardRecord& award,
                                 absl::CivilDay today) {
  FieldErrors errors;
  if (award.year() < kMinYear || award.year() > today.year()) {
    errors.Add("award_record.year",
               absl::StrCat("must be ", kMinYear, "..", today.year()));
  }
  if (award.level() == v1::AWARD_LEVEL_UNSPECIFIED ||
      !v1::AwardLevel_IsValid(award.level())) {
    errors.Add("award_record.level",
               "must be GRAND_AWARD, NOMINATION, ENCOURAGEMENT or "
               "SPECIAL_CONTRIBUTION");
  }
  validation::CheckText("award_record.category", award.category(), 1, 50,
                        errors);
  validation::CheckText("award_record.citation", award.citation(), 0, 500,
                        errors);
  return errors.ToStatus();
}

void ComputeScores(const ScoreSheetDef& sheet, v1::SelfAssessment& a) {
  std::map<std::string, int> item_points;
  std::map<std::string, std::string> item_category;
  for (const auto& item : sheet.items) {
    item_points[item.code] = item.max_points;
    item_category[item.code] = item.category_code;
  }
  // Work in hundredths of a point: percent x points is exact.
  std::map<std::string, int64_t> category_centi;
  int64_t total_centi = 0;
  for (auto& item : *a.mutable_items()) {
    const int max = item_points[item.item_code()];
    const int64_t centi = static_cast<int64_t>(item.percent()) * max;
    item.set_max_points(max);
    item.set_points(static_cast<double>(centi) / 100.0);
    category_centi[item_category[item.item_code()]] += centi;
    total_centi += centi;
  }
  a.clear_categories();
  for (const auto& c : sheet.categories) {
    auto* out = a.add_categories();
    out->set_category_code(c.code);
    out->set_title(c.title);
    out->set_max_points(c.max_points);
    out->set_points(static_cast<double>(category_centi[c.code]) / 100.0);
  }
  a.set_total_points(static_cast<double>(total_centi) / 100.0);
}

absl::StatusOr<v1::SelfAssessment> ScoreSelfAssessment(
    const ReferenceData& ref, const v1::SelfAssessment& input,
    absl::CivilDay today) {
  FieldErrors errors;
  CheckDate("self_assessment.assessment_date", input.assessment_date(), today,
            true, errors);
  const std::string& cert = input.assessor_certificate();
  if (cert.size() < 4 || cert.size() > 40 ||
      !std::all_of(cert.begin(), cert.end(),
                   [](char c) { return absl::ascii_isalnum(c) || c == '-'; })) {
    errors.Add("self_assessment.assessor_certificate",
               "must be 4..40 letters, digits or '-'");
  }
  const ScoreSheetDef* sheet = nullptr;
  if (!input.sheet_version().empty()) {
    sheet = ref.Sheet(input.sheet_version());
    if (sheet == nullptr) {
      errors.Add("self_assessment.sheet_version", "is not a known score sheet");
    }
  } else if (auto day = ToCivilDay(input.assessment_date())) {
    sheet = ref.SheetOn(*day);
    if (sheet == nullptr) {
      errors.Add("self_assessment.assessment_date",
                 "no score sheet was in force on that date");
    }
  }
  if (sheet != nullptr) {
    std::set<std::string> expected;
    for (const auto& item : sheet->items) expected.insert(item.code);
    std::set<std::string> seen;
    for (int i = 0; i < input.items_size(); ++i) {
      const auto& item = input.items(i);
      const std::string field = absl::StrCat("self_assessment.items[", i, "]");
      if (expected.count(item.item_code()) == 0) {
        errors.Add(field + ".item_code",
                   absl::StrCat("is not an item of ", sheet->version));
      } else if (!seen.insert(item.item_code()).second) {
        errors.Add(field + ".item_code", "is scored twice");
      }
      if (item.percent() < 0 || item.percent() > 100 ||
          item.percent() % 5 != 0) {
        errors.Add(field + ".percent", "must be 0..100 in steps of 5");
      }
    }
    for (const auto& code : expected) {
      if (seen.count(code) == 0 && errors.violations().size() < 30) {
        errors.Add("self_assessment.items",
                   absl::StrCat("item ", code, " is missing"));
      }
    }
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());

  v1::SelfAssessment out;
  out.set_sheet_version(sheet->version);
  *out.mutable_assessment_date() = input.assessment_date();
  out.set_assessor_certificate(cert);
  // Items in sheet order, whatever order they came in.
  std::map<std::string, int> percent;
  for (const auto& item : input.items())
    percent[item.item_code()] = item.percent();
  for (const auto& item : sheet->items) {
    auto* scored = out.add_items();
    scored->set_item_code(item.code);
    scored->set_percent(percent[item.code]);
  }
  ComputeScores(*sheet, out);
  return out;
}

absl::Status PrepareBenchmark(v1::BenchmarkDesignation& designation,
                              absl::string_view org_industry,
                              const ReferenceData& ref, absl::CivilDay today) {
  FieldErrors errors;
  if (designation.year() < kMinYear || designation.year() > today.year() + 1) {
    errors.Add("benchmark_designation.year",
               absl::StrCat("must be ", kMinYear, "..", today.year() + 1));
  }
  if (designation.industry_code().empty()) {
    designation.set_industry_code(std::string(org_industry));
  }
  CheckIndustryCode("benchmark_designation.industry_code",
                    designation.industry_code(), ref, errors);
  validation::CheckText("benchmark_designation.citation",
                        designation.citation(), 0, 500, errors);
  return errors.ToStatus();
}

void ValidatePartnership(const v1::Partnership& p, const ReferenceData& ref,
                         absl::CivilDay today, FieldErrors& errors,
                         const std::vector<std::string>& only) {
  if (Wants(only, "industry_codes")) {
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
  if (Wants(only, "members")) {
    if (p.members_size() > 1000) {
      errors.Add("partnership.members", "at most 1000 members");
    }
    std::set<std::string> seen;
    for (int i = 0; i < p.members_size() && i < 1000; ++i) {
      const std::string field = absl::StrCat("partnership.members[", i, "]");
      auto uscc = ParseOrganizationName(p.members(i), field);
      if (!uscc.ok()) {
        for (auto& v : status::FieldViolationsOf(uscc.status())) {
          errors.Add(v.field, v.description);
        }
      } else if (!seen.insert(*uscc).second) {
        errors.Add(field, "is listed twice");
      }
    }
  }
  if (Wants(only, "start_date")) {
    CheckDate("partnership.start_date", p.start_date(), today, false, errors);
  }
  if (Wants(only, "remarks")) {
    validation::CheckText("partnership.remarks", p.remarks(), 0, 500, errors);
  }
}

void MaskContacts(v1::Organization& org) {
  for (auto& c : *org.mutable_contacts()) {
    c.set_display_name(validation::MaskName(c.display_name()));
    c.set_phone(validation::MaskPhone(c.phone()));
    if (!c.email().empty()) c.set_email(validation::MaskEmail(c.email()));
  }
}

}  // namespace qpp::registry
