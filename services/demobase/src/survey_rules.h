#pragma once

// Rules of satisfaction surveys: names, the fields a round must have, the
// checks of one row of scores against its round's scale and dimensions, and
// the comparison of two rounds. Pure functions; no gRPC, no SQL.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "qpp/demobase/v1/demobase_service.pb.h"

namespace qpp::demobase {

// A round as stored.
struct RoundRecord {
  int64_t id = 0;
  v1::SurveyRound round;  // every field but name, state, count, times, etag
  int32_t organization_count = 0;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// A score as stored.
struct ScoreRecord {
  int64_t round_id = 0;
  std::string organization_uscc;
  double overall = 0;
  std::vector<std::pair<std::string, double>> dimensions;
  absl::Time create_time;
};

// Most rows in one batch.
inline constexpr int kMaxBatchRows = 1000;

// "surveyRounds/{id}".
std::string RoundName(int64_t id);

// The id of "surveyRounds/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<int64_t> ParseRoundName(absl::string_view name,
                                       absl::string_view field);

// Validates a new round (paths prefixed "survey_round."): title 1..200 and
// industry 1..50 characters, both period days with the end not before the
// start, a method, scale_max 1..1000, at most 20 distinct dimensions of
// 1..50 characters. Records violations in `errors`.
void ValidateRound(const v1::SurveyRound& round, status::FieldErrors& errors);

// The row `index` of a batch as a record of `round`: INVALID_ARGUMENT
// (field paths "scores[i]...") for an invalid organisation, an overall or a
// dimension score outside 0..scale_max, a dimension the round does not
// have or one given twice.
absl::StatusOr<ScoreRecord> ToScoreRecord(const RoundRecord& round, int index,
                                          const v1::SurveyScore& score);

// FAILED_PRECONDITION (ROUND_COMPLETED) for a completed round.
absl::Status CheckOpen(const RoundRecord& round);

// The round as the API shows it.
v1::SurveyRound ToRound(const RoundRecord& record);

// The score as the API shows it.
v1::SurveyScore ToScore(const ScoreRecord& record);

// `current` compared with `baseline`, both with all their scores:
// FAILED_PRECONDITION (ROUNDS_NOT_COMPARABLE) for different industries.
absl::StatusOr<v1::CompareSurveyRoundsResponse> CompareRounds(
    const RoundRecord& current, const std::vector<ScoreRecord>& current_scores,
    const RoundRecord& baseline,
    const std::vector<ScoreRecord>& baseline_scores);

}  // namespace qpp::demobase
