#include "services/demobase/src/survey_rules.h"

#include <cmath>
#include <set>

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/text.h"
#include "services/demobase/src/base_rules.h"

namespace qpp::demobase {
namespace {

// Percent of the scale, to the hundredth.
double Percent(double score, int32_t scale_max) {
  return std::round(score * 10000.0 / scale_max) / 100.0;
}

}  // namespace

std::string RoundName(int64_t id) { return absl::StrCat("surveyRounds/", id); }

absl::StatusOr<int64_t> ParseRoundName(absl::string_view name,
                                       absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "surveyRounds", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(
        std::string(field), "must be surveyRounds/{round} with a numeric id");
  }
  return *value;
}

void ValidateRound(const v1::SurveyRound& r, status::FieldErrors& errors) {
  validation::CheckText("survey_round.title", r.title(), 1, 200, errors);
  validation::CheckText("survey_round.industry", r.industry(), 1, 50, errors);
  const auto start = dates::ToCivilDay(r.period_start());
  const auto end = dates::ToCivilDay(r.period_end());
  if (!start.has_value()) {
    errors.Add("survey_round.period_start", "is required: a valid date");
  }
  if (!end.has_value()) {
    errors.Add("survey_round.period_end", "is required: a valid date");
  } else if (start.has_value() && *end < *start) {
    errors.Add("survey_round.period_end", "must not be before period_start");
  }
  if (r.method() == v1::SURVEY_METHOD_UNSPECIFIED ||
      !v1::SurveyMethod_IsValid(r.method())) {
    errors.Add("survey_round.method", "is required");
  }
  if (r.scale_max() < 1 || r.scale_max() > 1000) {
    errors.Add("survey_round.scale_max", "must be 1..1000");
  }
  if (r.dimensions_size() > 20) {
    errors.Add("survey_round.dimensions", "at most 20");
  }
  std::set<std::string> seen;
  for (int i = 0; i < r.dimensions_size(); ++i) {
    const std::string field = absl::StrCat("survey_round.dimensions[", i, "]");
    if (validation::CheckText(field, r.dimensions(i), 1, 50, errors) &&
        !seen.insert(r.dimensions(i)).second) {
      errors.Add(field, "is given twice");
    }
  }
}

absl::StatusOr<ScoreRecord> ToScoreRecord(const RoundRecord& round, int index,
                                          const v1::SurveyScore& score) {
  const std::string prefix = absl::StrCat("scores[", index, "]");
  const int32_t scale = round.round.scale_max();
  const auto on_scale = [&](double value) {
    return std::isfinite(value) && value >= 0 && value <= scale;
  };
  status::FieldErrors errors;
  ScoreRecord out;
  out.round_id = round.id;
  absl::StatusOr<std::string> uscc = resource::ParseOrganizationName(
      score.organization(), absl::StrCat(prefix, ".organization"));
  if (!uscc.ok()) {
    errors.Add(absl::StrCat(prefix, ".organization"),
               "must be organizations/{uscc} with a valid USCC");
  } else {
    out.organization_uscc = *uscc;
  }
  if (!on_scale(score.overall())) {
    errors.Add(absl::StrCat(prefix, ".overall"),
               absl::StrCat("is outside the round's scale 0..", scale));
  }
  out.overall = score.overall();
  const auto& dims = round.round.dimensions();
  std::set<std::string> seen;
  for (int i = 0; i < score.dimension_scores_size(); ++i) {
    const v1::DimensionScore& d = score.dimension_scores(i);
    const std::string field =
        absl::StrCat(prefix, ".dimension_scores[", i, "]");
    if (std::find(dims.begin(), dims.end(), d.dimension()) == dims.end()) {
      errors.Add(field + ".dimension", "is not a dimension of the round");
    } else if (!seen.insert(d.dimension()).second) {
      errors.Add(field + ".dimension", "is given twice");
    }
    if (!on_scale(d.score())) {
      errors.Add(field + ".score",
                 absl::StrCat("is outside the round's scale 0..", scale));
    }
    out.dimensions.emplace_back(d.dimension(), d.score());
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  return out;
}

absl::Status CheckOpen(const RoundRecord& round) {
  if (round.round.state() != v1::SURVEY_ROUND_STATE_COMPLETED) {
    return absl::OkStatus();
  }
  return status::WithReason(
      absl::StatusCode::kFailedPrecondition, "ROUND_COMPLETED",
      absl::StrCat(RoundName(round.id), " is completed; its scores are final"));
}

v1::SurveyRound ToRound(const RoundRecord& r) {
  v1::SurveyRound out = r.round;
  out.set_name(RoundName(r.id));
  out.set_organization_count(r.organization_count);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

v1::SurveyScore ToScore(const ScoreRecord& r) {
  v1::SurveyScore out;
  out.set_name(
      absl::StrCat(RoundName(r.round_id), "/scores/", r.organization_uscc));
  out.set_organization(resource::OrganizationName(r.organization_uscc));
  out.set_overall(r.overall);
  for (const auto& [dimension, score] : r.dimensions) {
    v1::DimensionScore* d = out.add_dimension_scores();
    d->set_dimension(dimension);
    d->set_score(score);
  }
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  return out;
}

absl::StatusOr<v1::CompareSurveyRoundsResponse> CompareRounds(
    const RoundRecord& current, const std::vector<ScoreRecord>& current_scores,
    const RoundRecord& baseline,
    const std::vector<ScoreRecord>& baseline_scores) {
  if (current.round.industry() != baseline.round.industry()) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "ROUNDS_NOT_COMPARABLE",
        absl::StrCat(RoundName(current.id), " (", current.round.industry(),
                     ") and ", RoundName(baseline.id), " (",
                     baseline.round.industry(),
                     ") survey different industries"));
  }
  struct Pair {
    std::optional<double> before, after;
  };
  std::map<std::string, Pair> by_org;
  double before_sum = 0, after_sum = 0;
  for (const ScoreRecord& s : baseline_scores) {
    const double p = Percent(s.overall, baseline.round.scale_max());
    by_org[s.organization_uscc].before = p;
    before_sum += p;
  }
  for (const ScoreRecord& s : current_scores) {
    const double p = Percent(s.overall, current.round.scale_max());
    by_org[s.organization_uscc].after = p;
    after_sum += p;
  }
  v1::CompareSurveyRoundsResponse out;
  out.set_name(RoundName(current.id));
  out.set_baseline(RoundName(baseline.id));
  out.set_industry(current.round.industry());
  for (const auto& [uscc, pair] : by_org) {
    v1::ScoreComparison* c = out.add_organizations();
    c->set_organization(resource::OrganizationName(uscc));
    if (pair.before.has_value()) c->set_baseline_percent(*pair.before);
    if (pair.after.has_value()) c->set_current_percent(*pair.after);
    if (!pair.before.has_value()) {
      c->set_trend(v1::TREND_NEW);
    } else if (!pair.after.has_value()) {
      c->set_trend(v1::TREND_DROPPED);
    } else {
      const double change =
          std::round((*pair.after - *pair.before) * 100) / 100;
      c->set_change(change);
      c->set_trend(change > 0   ? v1::TREND_IMPROVED
                   : change < 0 ? v1::TREND_FELL
                                : v1::TREND_UNCHANGED);
      if (change > 0) out.set_improved_count(out.improved_count() + 1);
      if (change < 0) out.set_fell_count(out.fell_count() + 1);
    }
  }
  if (!baseline_scores.empty()) {
    out.set_baseline_average_percent(
        std::round(before_sum * 100 / baseline_scores.size()) / 100);
  }
  if (!current_scores.empty()) {
    out.set_current_average_percent(
        std::round(after_sum * 100 / current_scores.size()) / 100);
  }
  return out;
}

}  // namespace qpp::demobase
