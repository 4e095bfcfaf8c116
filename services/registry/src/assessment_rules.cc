#include "services/registry/src/assessment_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "common/validation/date.h"
#include "common/validation/text.h"

namespace qpp::registry {

using status::FieldErrors;

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
  validation::CheckPastDate("self_assessment.assessment_date",
                            input.assessment_date(), today, true, errors);
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
  } else if (auto day = dates::ToCivilDay(input.assessment_date())) {
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

const ScoreSheetDef* FindScoreSheet(const ReferenceData& ref,
                                    absl::string_view version,
                                    absl::CivilDay today) {
  return version == "current" ? ref.SheetOn(today) : ref.Sheet(version);
}

v1::ScoreSheet ToScoreSheet(const ScoreSheetDef& sheet) {
  v1::ScoreSheet out;
  out.set_name(absl::StrCat("scoreSheets/", sheet.version));
  out.set_version(sheet.version);
  *out.mutable_effective_from() = dates::ToDate(sheet.effective_from);
  for (const auto& c : sheet.categories) {
    auto* category = out.add_categories();
    category->set_category_code(c.code);
    category->set_title(c.title);
    category->set_max_points(c.max_points);
  }
  for (const auto& i : sheet.items) {
    auto* item = out.add_items();
    item->set_item_code(i.code);
    item->set_category_code(i.category_code);
    item->set_title(i.title);
    item->set_max_points(i.max_points);
  }
  return out;
}

absl::Status ValidateChangeReason(absl::string_view reason) {
  FieldErrors errors;
  validation::CheckText("reason", reason, 1, 500, errors);
  return errors.ToStatus();
}

absl::Status CheckCurrent(v1::SelfAssessmentState state,
                          absl::string_view name) {
  if (state == v1::SELF_ASSESSMENT_STATE_CURRENT) return absl::OkStatus();
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "ASSESSMENT_NOT_CURRENT",
      absl::StrCat(name, " is ",
                   state == v1::SELF_ASSESSMENT_STATE_WITHDRAWN
                       ? "withdrawn"
                       : "superseded by a correction",
                   ": only the current version can be corrected or withdrawn"));
}

}  // namespace qpp::registry
