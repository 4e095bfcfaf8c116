#pragma once

// Rules of experts and reviews (专家支援): names, what an expert and a score
// sheet must have, the conflict-of-interest rule, and the consensus of an
// application's reviews. Pure functions; no gRPC, no SQL.
//
// Consensus: the review totals' mean, or with five or more reviews the
// trimmed mean (the single highest and lowest total left out), so that one
// outlying expert cannot carry an application with many reviews. Spread:
// the population standard deviation of all totals; above the cohort's
// threshold the application is flagged for adjudication.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/status/status.h"
#include "qpp/cultivation/v1/resources.pb.h"
#include "services/cultivation/src/cohort_rules.h"

namespace qpp::cultivation {

// The purpose of the resident ID number's keyed hash.
inline constexpr absl::string_view kExpertIdHashPurpose =
    "cultivation.experts.resident_id";

// Reviews from which the consensus is a trimmed mean.
inline constexpr int kTrimmedMeanFrom = 5;

// An expert as stored; personal data sealed.
struct ExpertRecord {
  int64_t id = 0;
  std::string display_name;
  std::string field;
  std::string employer_uscc;
  std::string resident_id_hash;
  std::string resident_id_sealed;
  std::string phone_sealed;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 0;
};

// One declared conflict.
struct ConflictRecord {
  int64_t expert_id = 0;
  std::string organization_uscc;
  std::string reason;
  std::string declared_by;
  absl::Time declare_time;
};

// A review as stored; `scores` in criterion order once submitted.
struct ReviewRecord {
  int64_t id = 0;
  int64_t application_id = 0;
  int32_t cohort_year = 0;
  int64_t expert_id = 0;
  v1::ReviewState state = v1::REVIEW_STATE_UNSPECIFIED;
  std::vector<double> scores;
  double total = 0;
  std::string comment;
  absl::Time create_time;
  std::optional<absl::Time> submit_time;
};

// An application's consensus.
struct Consensus {
  int count = 0;
  double score = 0;
  double spread = 0;
  bool needs_adjudication = false;
};

// A review's name taken apart.
struct ReviewKey {
  int32_t year = 0;
  int64_t application_id = 0;
  int64_t id = 0;
};

// "experts/{id}".
std::string ExpertName(int64_t id);
// The id of "experts/{id}"; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<int64_t> ParseExpertName(absl::string_view name,
                                        absl::string_view field);

// "cohorts/{year}/applications/{application}/reviews/{id}".
std::string ReviewName(int32_t year, int64_t application_id, int64_t id);
// The parts of a review's name; INVALID_ARGUMENT on `field` otherwise.
absl::StatusOr<ReviewKey> ParseReviewName(absl::string_view name,
                                          absl::string_view field);

// Validates a new expert (paths prefixed "expert."): name 1..50, field
// 1..100, employer `organizations/{uscc}`, a valid resident ID number as
// of `today`, an optional 11-digit mobile phone. Records violations.
void ValidateNewExpert(const v1::Expert& expert, absl::CivilDay today,
                       status::FieldErrors& errors);

// FAILED_PRECONDITION (EXPERT_CONFLICT) if `expert` works for
// `applicant_uscc` or declared a conflict with it (`conflicts` are the
// expert's).
absl::Status CheckNoConflict(const ExpertRecord& expert,
                             const std::vector<ConflictRecord>& conflicts,
                             absl::string_view applicant_uscc);

// The scores of a sheet in criterion order (CRITERION_LEADERSHIP first):
// every criterion exactly once, each 0..100. Violations of "scores"
// recorded in `errors`.
std::vector<double> ValidateScores(
    const google::protobuf::RepeatedPtrField<v1::CriterionScore>& scores,
    status::FieldErrors& errors);

// The mean of a sheet's scores (0 for none).
double ReviewTotal(const std::vector<double>& scores);

// The consensus of review `totals` under the adjudication `threshold`.
Consensus ComputeConsensus(const std::vector<double>& totals, double threshold);

// The expert as the API shows it: personal data masked (`phone` and
// `resident_id` are the opened values, empty if none).
v1::Expert ToExpert(const ExpertRecord& record,
                    const std::vector<ConflictRecord>& conflicts,
                    absl::string_view phone, absl::string_view resident_id);

// The review as the API shows it.
v1::Review ToReview(const ReviewRecord& record);

}  // namespace qpp::cultivation
