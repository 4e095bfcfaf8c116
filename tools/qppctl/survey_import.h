#pragma once

// Turning CSV rows into SurveyScore messages for the bulk import of a
// satisfaction survey round's results (qppctl import-scores).

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "qpp/demobase/v1/resources.pb.h"

namespace qpp::qppctl {

// Where the columns of a scores file are: "uscc" and "overall" (required),
// every other column a dimension of the round, named by its header.
struct ScoreColumns {
  int uscc = -1;
  int overall = -1;
  std::vector<std::pair<int, std::string>> dimensions;
};

// The columns of a header. INVALID_ARGUMENT for a missing uscc or overall
// column, or a column named twice.
absl::StatusOr<ScoreColumns> ParseScoreHeader(
    const std::vector<std::string>& header);

// The score of a record; an empty dimension cell is left out.
// INVALID_ARGUMENT for a missing cell or a score that is not a number
// (everything else, such as the scale, is checked by the server).
absl::StatusOr<qpp::demobase::v1::SurveyScore> RowToSurveyScore(
    const ScoreColumns& columns, const std::vector<std::string>& row);

}  // namespace qpp::qppctl
