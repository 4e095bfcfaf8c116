#pragma once

// The registry's reference data: districts, GB/T 4754 industry sections, the
// SME size rules and the GB/T 19580 score sheets. Kept as data in the
// database (a revision is a data change) and handed to the domain rules as
// an immutable snapshot (see reference_cache.h).

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status/status.h"

namespace qpp::registry {

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

// Checks a GB/T 4754-2017 industry code of 2 to 4 digits whose division
// `ref` knows; records a violation of `field` in `errors` otherwise.
void CheckIndustryCode(absl::string_view field, absl::string_view code,
                       const ReferenceData& ref, status::FieldErrors& errors);

}  // namespace qpp::registry
