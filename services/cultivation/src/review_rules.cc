#include "services/cultivation/src/review_rules.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/validation/contact.h"
#include "common/validation/resident_id.h"
#include "common/validation/text.h"

namespace qpp::cultivation {

std::string ExpertName(int64_t id) { return absl::StrCat("experts/", id); }

absl::StatusOr<int64_t> ParseExpertName(absl::string_view name,
                                        absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string id,
                       resource::ParseName(name, "experts", field));
  const std::optional<int64_t> value = ParseId(id);
  if (!value.has_value()) {
    return status::InvalidField(std::string(field),
                                "must be experts/{expert} with a numeric id");
  }
  return *value;
}

std::string ReviewName(int32_t year, int64_t application_id, int64_t id) {
  return absl::StrCat("cohorts/", year, "/applications/", application_id,
                      "/reviews/", id);
}

absl::StatusOr<ReviewKey> ParseReviewName(absl::string_view name,
                                          absl::string_view field) {
  const std::vector<absl::string_view> parts = absl::StrSplit(name, '/');
  if (parts.size() == 6 && parts[0] == "cohorts" &&
      parts[2] == "applications" && parts[4] == "reviews") {
    const std::optional<int64_t> year = ParseId(parts[1]);
    const std::optional<int64_t> application = ParseId(parts[3]);
    const std::optional<int64_t> id = ParseId(parts[5]);
    if (year.has_value() && *year >= 2000 && *year <= 2100 &&
        application.has_value() && id.has_value()) {
      return ReviewKey{static_cast<int32_t>(*year), *application, *id};
    }
  }
  return status::InvalidField(
      std::string(field),
      "must be cohorts/{year}/applications/{application}/reviews/{review} "
      "with numeric ids");
}

void ValidateNewExpert(const v1::Expert& expert, absl::CivilDay today,
                       status::FieldErrors& errors) {
  validation::CheckText("expert.display_name", expert.display_name(), 1, 50,
                        errors);
  validation::CheckText("expert.field", expert.field(), 1, 100, errors);
  if (!resource::ParseOrganizationName(expert.employer(), "expert.employer")
           .ok()) {
    errors.Add("expert.employer",
               "must be organizations/{uscc} with a valid USCC");
  }
  const std::string problem =
      validation::ResidentIdProblem(expert.resident_id(), today);
  if (!problem.empty()) errors.Add("expert.resident_id", problem);
  if (!expert.phone().empty() && !validation::IsValidPhone(expert.phone())) {
    errors.Add("expert.phone", "must be an 11-digit mobile number");
  }
}

absl::Status CheckNoConflict(const ExpertRecord& expert,
                             const std::vector<ConflictRecord>& conflicts,
                             absl::string_view applicant_uscc) {
  const std::string organization = resource::OrganizationName(applicant_uscc);
  if (expert.employer_uscc == applicant_uscc) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "EXPERT_CONFLICT",
        absl::StrCat(ExpertName(expert.id), " works for ", organization,
                     " and cannot review its application"));
  }
  for (const ConflictRecord& c : conflicts) {
    if (c.organization_uscc == applicant_uscc) {
      return status::WithReason(
          absl::StatusCode::kFailedPrecondition, "EXPERT_CONFLICT",
          absl::StrCat(ExpertName(expert.id),
                       " declared a conflict of interest with ", organization,
                       " (", c.reason, ") and cannot review its application"));
    }
  }
  return absl::OkStatus();
}

std::vector<double> ValidateScores(
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores,
    status::FieldErrors& errors) {
  constexpr int kCriteria = v1::Criterion_ARRAYSIZE - 1;
  std::vector<double> out(kCriteria, 0);
  std::vector<bool> seen(kCriteria, false);
  for (int i = 0; i < scores.size(); ++i) {
    const v1::CriterionScore& s = scores[i];
    const std::string field = absl::StrCat("scores[", i, "]");
    if (s.criterion() <= v1::CRITERION_UNSPECIFIED ||
        s.criterion() > kCriteria) {
      errors.Add(field + ".criterion", "must be a known criterion");
      continue;
    }
    const int k = s.criterion() - 1;
    if (seen[k]) {
      errors.Add(field + ".criterion", "is scored twice");
      continue;
    }
    seen[k] = true;
    if (!(s.score() >= 0 && s.score() <= 100)) {
      errors.Add(field + ".score", "must be 0..100");
    }
    out[k] = s.score();
  }
  for (int k = 0; k < kCriteria; ++k) {
    if (!seen[k]) {
      errors.Add(
          "scores",
          absl::StrCat("must score ",
                       v1::Criterion_Name(static_cast<v1::Criterion>(k + 1))));
    }
  }
  return out;
}

double ReviewTotal(const std::vector<double>& scores) {
  if (scores.empty()) return 0;
  return std::accumulate(scores.begin(), scores.end(), 0.0) /
         static_cast<double>(scores.size());
}

Consensus ComputeConsensus(const std::vector<double>& totals,
                           double threshold) {
  Consensus out;
  out.count = static_cast<int>(totals.size());
  if (totals.empty()) return out;
  std::vector<double> sorted = totals;
  std::sort(sorted.begin(), sorted.end());
  const double n = static_cast<double>(sorted.size());
  const double mean = std::accumulate(sorted.begin(), sorted.end(), 0.0) / n;
  if (out.count >= kTrimmedMeanFrom) {
    out.score =
        std::accumulate(sorted.begin() + 1, sorted.end() - 1, 0.0) / (n - 2);
  } else {
    out.score = mean;
  }
  double squares = 0;
  for (double t : sorted) squares += (t - mean) * (t - mean);
  out.spread = std::sqrt(squares / n);
  out.needs_adjudication = out.spread > threshold;
  return out;
}

v1::Expert ToExpert(const ExpertRecord& r,
                    const std::vector<ConflictRecord>& conflicts,
                    absl::string_view phone, absl::string_view resident_id) {
  v1::Expert out;
  out.set_name(ExpertName(r.id));
  out.set_display_name(r.display_name);
  out.set_field(r.field);
  out.set_employer(resource::OrganizationName(r.employer_uscc));
  if (!phone.empty()) out.set_masked_phone(validation::MaskPhone(phone));
  out.set_masked_resident_id(validation::MaskIdNumber(resident_id));
  for (const ConflictRecord& c : conflicts) {
    v1::ConflictOfInterest* o = out.add_conflicts();
    o->set_organization(resource::OrganizationName(c.organization_uscc));
    o->set_reason(c.reason);
    o->set_declared_by(c.declared_by);
    *o->mutable_declare_time() = dates::ToTimestamp(c.declare_time);
  }
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  *out.mutable_update_time() = dates::ToTimestamp(r.update_time);
  out.set_etag(Etag(r.version));
  return out;
}

v1::Review ToReview(const ReviewRecord& r) {
  v1::Review out;
  out.set_name(ReviewName(r.cohort_year, r.application_id, r.id));
  out.set_expert(ExpertName(r.expert_id));
  out.set_state(r.state);
  if (r.state == v1::REVIEW_STATE_SUBMITTED) {
    for (size_t k = 0; k < r.scores.size(); ++k) {
      v1::CriterionScore* s = out.add_scores();
      s->set_criterion(static_cast<v1::Criterion>(k + 1));
      s->set_score(r.scores[k]);
    }
  }
  out.set_total(r.total);
  out.set_comment(r.comment);
  *out.mutable_create_time() = dates::ToTimestamp(r.create_time);
  if (r.submit_time.has_value()) {
    *out.mutable_submit_time() = dates::ToTimestamp(*r.submit_time);
  }
  return out;
}

}  // namespace qpp::cultivation
