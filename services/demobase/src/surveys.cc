#include "services/demobase/src/surveys.h"

#include "absl/strings/str_cat.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/status/status.h"
#include "services/demobase/src/survey_rules.h"

namespace qpp::demobase {
namespace {

// Scores read per query when a round is loaded whole.
constexpr int kScoreBatch = 1000;

}  // namespace

Surveys::Surveys(const UseCaseContext& context, SurveyRepository& repository)
    : context_(context), repository_(repository) {}

absl::Status Surveys::CreateSurveyRound(const v1::CreateSurveyRoundRequest& req,
                                        v1::SurveyRound* resp) {
  status::FieldErrors errors;
  ValidateRound(req.survey_round(), errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            int64_t id, repository_.InsertRound(conn, req.survey_round(), now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetRound(conn, id, false));
        *resp = ToRound(*stored);
        return absl::OkStatus();
      });
}

absl::Status Surveys::GetSurveyRound(const v1::GetSurveyRoundRequest& req,
                                     v1::SurveyRound* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRoundName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRound(*conn, id, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = ToRound(*found);
  return absl::OkStatus();
}

absl::Status Surveys::ListSurveyRounds(const v1::ListSurveyRoundsRequest& req,
                                       v1::ListSurveyRoundsResponse* resp) {
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<RoundRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListRounds(*conn, req.industry(), after_id,
                                          limit);
          },
          [](const RoundRecord& r) { return absl::StrCat(r.id); }));
  resp->set_next_page_token(page.next_page_token);
  for (const RoundRecord& r : page.rows)
    *resp->add_survey_rounds() = ToRound(r);
  return absl::OkStatus();
}

absl::Status Surveys::CompleteSurveyRound(
    const v1::CompleteSurveyRoundRequest& req, v1::SurveyRound* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRoundName(req.name(), "name"));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRound(conn, id, true));
        if (!found.has_value()) return status::NotFound(req.name());
        QPP_RETURN_IF_ERROR(CheckOpen(*found));
        QPP_RETURN_IF_ERROR(repository_.SetRoundState(
            conn, id, v1::SURVEY_ROUND_STATE_COMPLETED, now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetRound(conn, id, false));
        *resp = ToRound(*stored);
        return absl::OkStatus();
      });
}

absl::Status Surveys::BatchCreateSurveyScores(
    const v1::BatchCreateSurveyScoresRequest& req,
    v1::BatchCreateSurveyScoresResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRoundName(req.parent(), "parent"));
  if (req.scores().empty() || req.scores_size() > kMaxBatchRows) {
    return status::InvalidField(
        "scores", absl::StrCat("send 1..", kMaxBatchRows, " rows"));
  }
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        // The round's lock: completion waits for the batch, and a batch for
        // a completion.
        QPP_ASSIGN_OR_RETURN(auto round, repository_.GetRound(conn, id, true));
        if (!round.has_value()) return status::NotFound(req.parent());
        QPP_RETURN_IF_ERROR(CheckOpen(*round));
        resp->clear_results();
        int created = 0;
        for (int i = 0; i < req.scores_size(); ++i) {
          v1::ScoreRowResult* result = resp->add_results();
          result->set_index(i);
          absl::StatusOr<ScoreRecord> record =
              ToScoreRecord(*round, i, req.scores(i));
          absl::Status written = record.status();
          if (written.ok()) {
            written = status::OnAlreadyExists(
                repository_.InsertScore(conn, *record, now), "SCORE_EXISTS",
                absl::StrCat(req.scores(i).organization(),
                             " already has a score in ", req.parent()));
          }
          if (written.ok()) {
            ++created;
            record->create_time = now;
            result->set_name(ToScore(*record).name());
            continue;
          }
          if (written.code() != absl::StatusCode::kInvalidArgument &&
              written.code() != absl::StatusCode::kAlreadyExists) {
            return written;  // the database failed: nothing is written
          }
          result->set_code(static_cast<int32_t>(written.code()));
          result->set_reason(status::ReasonOf(written));
          result->set_message(std::string(written.message()));
        }
        resp->set_created_count(created);
        resp->set_failed_count(req.scores_size() - created);
        return absl::OkStatus();
      });
}

absl::Status Surveys::ListSurveyScores(const v1::ListSurveyScoresRequest& req,
                                       v1::ListSurveyScoresResponse* resp) {
  QPP_ASSIGN_OR_RETURN(int64_t id, ParseRoundName(req.parent(), "parent"));
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<ScoreRecord>> {
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            QPP_ASSIGN_OR_RETURN(auto round,
                                 repository_.GetRound(*conn, id, false));
            if (!round.has_value()) return status::NotFound(req.parent());
            return repository_.ListScores(*conn, id, after, limit);
          },
          [](const ScoreRecord& s) { return s.organization_uscc; }));
  resp->set_next_page_token(page.next_page_token);
  for (const ScoreRecord& s : page.rows) *resp->add_scores() = ToScore(s);
  return absl::OkStatus();
}

absl::Status Surveys::LoadAll(db::Connection& conn, int64_t id,
                              absl::string_view name, RoundRecord* round,
                              std::vector<ScoreRecord>* scores) {
  QPP_ASSIGN_OR_RETURN(auto found, repository_.GetRound(conn, id, false));
  if (!found.has_value()) return status::NotFound(name);
  *round = std::move(*found);
  std::string after;
  while (true) {
    QPP_ASSIGN_OR_RETURN(std::vector<ScoreRecord> batch,
                         repository_.ListScores(conn, id, after, kScoreBatch));
    if (batch.empty()) break;
    after = batch.back().organization_uscc;
    const bool last = static_cast<int>(batch.size()) < kScoreBatch;
    scores->insert(scores->end(), std::make_move_iterator(batch.begin()),
                   std::make_move_iterator(batch.end()));
    if (last) break;
  }
  return absl::OkStatus();
}

absl::Status Surveys::CompareSurveyRounds(
    const v1::CompareSurveyRoundsRequest& req,
    v1::CompareSurveyRoundsResponse* resp) {
  status::FieldErrors errors;
  const auto current = ParseRoundName(req.name(), "name");
  if (!current.ok()) errors.Add("name", "must be surveyRounds/{round}");
  const auto baseline = ParseRoundName(req.baseline(), "baseline");
  if (!baseline.ok()) errors.Add("baseline", "must be surveyRounds/{round}");
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  RoundRecord now_round, base_round;
  std::vector<ScoreRecord> now_scores, base_scores;
  QPP_RETURN_IF_ERROR(
      LoadAll(*conn, *current, req.name(), &now_round, &now_scores));
  QPP_RETURN_IF_ERROR(
      LoadAll(*conn, *baseline, req.baseline(), &base_round, &base_scores));
  QPP_ASSIGN_OR_RETURN(
      *resp, CompareRounds(now_round, now_scores, base_round, base_scores));
  return absl::OkStatus();
}

}  // namespace qpp::demobase
