#pragma once

// Use cases of service-quality satisfaction surveys ("surveyRounds/{round}"
// and their scores "surveyRounds/{round}/scores/{uscc}"): a round of a
// service industry with its period, method, scale and dimensions; the
// organisations' scores, recorded in batches with a result per row (the
// CSV import of qppctl); completion; the comparison of two rounds (服务质量
// 比对). Rules: survey_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input (a whole
// batch only when it is empty or too large: its rows are answered one by
// one); NOT_FOUND; FAILED_PRECONDITION (ROUND_COMPLETED,
// ROUNDS_NOT_COMPARABLE); ABORTED for conflicts; UNAVAILABLE when the
// database is unreachable.

#include "absl/status/status.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "services/demobase/src/demobase_repository.h"
#include "services/demobase/src/use_case_context.h"

namespace qpp::demobase {

class Surveys final {
 public:
  // The context and the repository must outlive this object.
  Surveys(const UseCaseContext& context, SurveyRepository& repository);

  // Opens a round; idempotent by request_id.
  absl::Status CreateSurveyRound(const v1::CreateSurveyRoundRequest& req,
                                 v1::SurveyRound* resp);
  // One round.
  absl::Status GetSurveyRound(const v1::GetSurveyRoundRequest& req,
                              v1::SurveyRound* resp);
  // A page of rounds by id.
  absl::Status ListSurveyRounds(const v1::ListSurveyRoundsRequest& req,
                                v1::ListSurveyRoundsResponse* resp);
  // Completes an open round.
  absl::Status CompleteSurveyRound(const v1::CompleteSurveyRoundRequest& req,
                                   v1::SurveyRound* resp);
  // Records a batch of scores, a result per row; idempotent by request_id.
  absl::Status BatchCreateSurveyScores(
      const v1::BatchCreateSurveyScoresRequest& req,
      v1::BatchCreateSurveyScoresResponse* resp);
  // A page of a round's scores by organisation.
  absl::Status ListSurveyScores(const v1::ListSurveyScoresRequest& req,
                                v1::ListSurveyScoresResponse* resp);
  // A round compared with a baseline round of the same industry.
  absl::Status CompareSurveyRounds(const v1::CompareSurveyRoundsRequest& req,
                                   v1::CompareSurveyRoundsResponse* resp);

 private:
  // The round `id` and all its scores.
  absl::Status LoadAll(db::Connection& conn, int64_t id, absl::string_view name,
                       RoundRecord* round, std::vector<ScoreRecord>* scores);

  const UseCaseContext context_;
  SurveyRepository& repository_;
};

}  // namespace qpp::demobase
