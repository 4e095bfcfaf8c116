#include "tools/qppctl/survey_import.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace qpp::qppctl {

absl::StatusOr<ScoreColumns> ParseScoreHeader(
    const std::vector<std::string>& header) {
  ScoreColumns columns;
  std::set<std::string> seen;
  for (int i = 0; i < static_cast<int>(header.size()); ++i) {
    const std::string name(absl::StripAsciiWhitespace(header[i]));
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("column \"", name, "\" is named twice"));
    }
    if (name == "uscc") {
      columns.uscc = i;
    } else if (name == "overall") {
      columns.overall = i;
    } else if (!name.empty()) {
      columns.dimensions.emplace_back(i, name);
    }
  }
  if (columns.uscc < 0 || columns.overall < 0) {
    return absl::InvalidArgumentError(
        "the header needs the columns uscc and overall (the others name the "
        "round's dimensions)");
  }
  return columns;
}

absl::StatusOr<qpp::demobase::v1::SurveyScore> RowToSurveyScore(
    const ScoreColumns& columns, const std::vector<std::string>& row) {
  const auto cell = [&](int i) -> std::string {
    return i < static_cast<int>(row.size())
               ? std::string(absl::StripAsciiWhitespace(row[i]))
               : std::string();
  };
  qpp::demobase::v1::SurveyScore score;
  const std::string uscc = cell(columns.uscc);
  if (uscc.empty()) return absl::InvalidArgumentError("uscc is empty");
  score.set_organization("organizations/" + uscc);
  double overall = 0;
  if (!absl::SimpleAtod(cell(columns.overall), &overall)) {
    return absl::InvalidArgumentError("overall is not a number");
  }
  score.set_overall(overall);
  for (const auto& [index, dimension] : columns.dimensions) {
    const std::string text = cell(index);
    if (text.empty()) continue;
    double value = 0;
    if (!absl::SimpleAtod(text, &value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(dimension, " is not a number"));
    }
    auto* d = score.add_dimension_scores();
    d->set_dimension(dimension);
    d->set_score(value);
  }
  return score;
}

}  // namespace qpp::qppctl
