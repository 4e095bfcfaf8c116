#pragma once

// Registry domain logic: validation of organisations and their records,
// size classification by the SME rules, adoption steps, self-assessment
// scoring and masking. Plain functions over protos and reference data; no
// gRPC, no SQL, so all of it is unit-tested in memory.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "google/protobuf/field_mask.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "qpp/type/v1/date.pb.h"

namespace qpp::registry {

namespace v1 = ::qpp::registry::v1;

// Thresholds of one size class; a class is reached when every set threshold
// is met.
struct SmeThresholds {
  std::optional<int64_t> employees;
  std::optional<int64_t> revenue_yuan;
  std::optional<int64_t> assets_yuan;
};

// One row of the SME rules: applies to industry codes with `code_prefix`.
struct SmeRule {
  std::string rule_set;
  absl::CivilDay effective_from;
  std::string code_prefix;
  std::string group_name;
  SmeThresholds large, medium, small;
};

// A GB/T 4754 section with its division range.
struct IndustrySection {
  char letter;
  std::string name;
  int division_from;
  int division_to;
};

// A score sheet version.
struct ScoreSheetDef {
  std::string version;
  absl::CivilDay effective_from;
  struct Category {
    std::string code, title;
    int max_points;
  };
  struct Item {
    std::string code, category_code, title;
    int max_points;
  };
  std::vector<Category> categories;
  std::vector<Item> items;
};

// Reference data loaded from the registry's tables; an immutable snapshot.
struct ReferenceData {
  std::map<std::string, std::string> districts;  // code -> name
  std::vector<IndustrySection> sections;
  std::vector<SmeRule> sme_rules;
  std::vector<ScoreSheetDef> score_sheets;  // ascending effective_from

  // Section letter of a 2-4 digit GB/T 4754 code, or nullopt if its
  // division is unknown.
  std::optional<char> SectionOf(absl::string_view industry_code) const;
  // The sheet in force on `day`, or null.
  const ScoreSheetDef* SheetOn(absl::CivilDay day) const;
  // The sheet of that version, or null.
  const ScoreSheetDef* Sheet(absl::string_view version) const;
};

// Days are in China Standard Time (UTC+8, no daylight saving).
absl::TimeZone ChinaTime();
absl::CivilDay Today(absl::Time now);

// Proto Date <-> civil day. ToCivilDay: nullopt unless a real date in
// 1900..9999.
std::optional<absl::CivilDay> ToCivilDay(const qpp::type::v1::Date& date);
qpp::type::v1::Date ToDate(absl::CivilDay day);
bool IsSet(const qpp::type::v1::Date& date);

// "organizations/{uscc}" -> uscc, validating the code. INVALID_ARGUMENT on
// `field` otherwise.
absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name,
                                                  absl::string_view field);
std::string OrganizationName(absl::string_view uscc);

// Size class of an organisation by the rules in force on `day`; only
// enterprises are classified (others: UNSPECIFIED). Sets *rule_set to the
// version used.
v1::SizeClass ClassifySize(const ReferenceData& ref,
                           const v1::Organization& org, absl::CivilDay day,
                           std::string* rule_set);

// Validates the caller-settable fields of `org` (paths prefixed by
// `prefix`, e.g. "organization."). With `only` non-empty, validates just
// those top-level fields (for updates).
void ValidateOrganization(const v1::Organization& org, const ReferenceData& ref,
                          absl::CivilDay today, absl::string_view prefix,
                          status::FieldErrors& errors,
                          const std::vector<std::string>& only = {});

// A new organisation ready to store: validated, with output-only fields
// derived (name, section, size class, adoption NOT_STARTED, state ACTIVE,
// credit defaulting to GOOD since today). INVALID_ARGUMENT otherwise.
absl::StatusOr<v1::Organization> PrepareNewOrganization(
    const v1::Organization& input, const ReferenceData& ref,
    absl::CivilDay today, absl::string_view prefix = "organization.");

// `stored` with the fields of `mask` taken from `patch`, validated and with
// derived fields recomputed. INVALID_ARGUMENT for a missing, empty, "*" or
// unknown path or bad values.
absl::StatusOr<v1::Organization> ApplyOrganizationUpdate(
    const v1::Organization& stored, const v1::Organization& patch,
    const google::protobuf::FieldMask& mask, const ReferenceData& ref,
    absl::CivilDay today);

// Moves `org` to `target` (INTRODUCING or ADOPTED) on `day`, filling the
// date of every step passed. FAILED_PRECONDITION for backward moves or for
// BENCHMARK (only designations set it); INVALID_ARGUMENT for other values.
absl::Status AdvanceAdoption(v1::Organization& org, v1::AdoptionStatus target,
                             absl::CivilDay day);

// Validates an award record; INVALID_ARGUMENT with field violations.
absl::Status ValidateAwardRecord(const v1::AwardRecord& award,
                                 absl::CivilDay today);

// Validates and scores a self-assessment on its sheet (default: the sheet in
// force on its date). Fills sheet_version, items' max_points and points,
// categories and total. INVALID_ARGUMENT unless every item of the sheet is
// scored exactly once with a percentage 0..100 in steps of 5.
absl::StatusOr<v1::SelfAssessment> ScoreSelfAssessment(
    const ReferenceData& ref, const v1::SelfAssessment& input,
    absl::CivilDay today);

// Fills category and total scores from items that carry item_code and
// percent (used when reading stored assessments).
void ComputeScores(const ScoreSheetDef& sheet, v1::SelfAssessment& assessment);

// Validates a benchmark designation for an organisation in `org_industry`;
// defaults industry_code to it. INVALID_ARGUMENT on bad fields.
absl::Status PrepareBenchmark(v1::BenchmarkDesignation& designation,
                              absl::string_view org_industry,
                              const ReferenceData& ref, absl::CivilDay today);

// Validates the fields of a partnership (paths prefixed "partnership.");
// `only` limits the check to those fields.
void ValidatePartnership(const v1::Partnership& p, const ReferenceData& ref,
                         absl::CivilDay today, status::FieldErrors& errors,
                         const std::vector<std::string>& only = {});

// Replaces personal data in contacts by masked forms.
void MaskContacts(v1::Organization& org);

}  // namespace qpp::registry
