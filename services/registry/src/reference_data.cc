#include "services/registry/src/reference_data.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace qpp::registry {

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

void CheckIndustryCode(absl::string_view field, absl::string_view code,
                       const ReferenceData& ref, status::FieldErrors& errors) {
  const bool digits = std::all_of(
      code.begin(), code.end(), [](char c) { return absl::ascii_isdigit(c); });
  if (code.size() < 2 || code.size() > 4 || !digits) {
    errors.Add(std::string(field),
               "must be a GB/T 4754-2017 code of 2 to 4 digits, e.g. \"39\"");
  } else if (!ref.SectionOf(code).has_value()) {
    errors.Add(std::string(field),
               absl::StrCat("division ", code.substr(0, 2),
                            " is not in GB/T 4754-2017 (01..97)"));
  }
}

}  // namespace qpp::registry
