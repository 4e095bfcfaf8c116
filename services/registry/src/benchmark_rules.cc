#include "services/registry/src/benchmark_rules.h"

#include "absl/strings/str_cat.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/registry/src/organization_rules.h"

namespace qpp::registry {
namespace {

using status::FieldErrors;

constexpr int kMinDesignationYear = 2000;

}  // namespace

absl::Status PrepareBenchmark(v1::BenchmarkDesignation& designation,
                              absl::string_view org_industry,
                              const ReferenceData& ref, absl::CivilDay today) {
  FieldErrors errors;
  if (designation.year() < kMinDesignationYear ||
      designation.year() > today.year() + 1) {
    errors.Add(
        "benchmark_designation.year",
        absl::StrCat("must be ", kMinDesignationYear, "..", today.year() + 1));
  }
  if (designation.industry_code().empty()) {
    designation.set_industry_code(std::string(org_industry));
  }
  CheckIndustryCode("benchmark_designation.industry_code",
                    designation.industry_code(), ref, errors);
  validation::CheckText("benchmark_designation.citation",
                        designation.citation(), 0, 500, errors);
  return errors.ToStatus();
}

absl::Status CheckBenchmarkEligible(const v1::Organization& org) {
  QPP_RETURN_IF_ERROR(CheckActive(org));
  if (org.adoption_status() < v1::ADOPTION_STATUS_ADOPTED) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "MODEL_NOT_ADOPTED",
                              "only organisations that have adopted the "
                              "excellence model can be designated benchmarks");
  }
  if (org.credit().standing() != v1::CREDIT_STANDING_GOOD) {
    return status::WithReason(
        absl::StatusCode::kFailedPrecondition, "CREDIT_RESTRICTED",
        "the organisation's credit standing is restricted");
  }
  return absl::OkStatus();
}

namespace {

// The day a benchmark whose earliest designation is for `first_year` counts
// from: 1 January of a past year; for this year or the next, the day it was
// first recorded this year (else today); never before the model was adopted.
absl::CivilDay BenchmarkSince(const v1::Organization& org, int first_year,
                              absl::CivilDay today) {
  absl::CivilDay since = today;
  if (first_year < today.year()) {
    since = absl::CivilDay(first_year, 1, 1);
  } else if (auto recorded =
                 dates::ToCivilDay(org.adoption_history().benchmark_date());
             recorded && recorded->year() == today.year() &&
             *recorded <= today) {
    since = *recorded;
  }
  if (auto adopted = dates::ToCivilDay(org.adoption_history().adopted_date());
      adopted && *adopted > since) {
    since = *adopted;
  }
  return since;
}

}  // namespace

std::optional<v1::Organization> DesignateBenchmark(const v1::Organization& org,
                                                   int first_year,
                                                   absl::CivilDay today) {
  const absl::CivilDay since = BenchmarkSince(org, first_year, today);
  if (org.adoption_status() == v1::ADOPTION_STATUS_BENCHMARK &&
      dates::ToCivilDay(org.adoption_history().benchmark_date()) == since) {
    return std::nullopt;
  }
  v1::Organization out = org;
  out.set_adoption_status(v1::ADOPTION_STATUS_BENCHMARK);
  *out.mutable_adoption_history()->mutable_benchmark_date() =
      dates::ToDate(since);
  return out;
}

std::optional<v1::Organization> RevokeBenchmark(
    const v1::Organization& org, std::optional<int> first_year_left,
    absl::CivilDay today) {
  if (first_year_left.has_value()) {
    return DesignateBenchmark(org, *first_year_left, today);
  }
  if (org.adoption_status() != v1::ADOPTION_STATUS_BENCHMARK) {
    return std::nullopt;
  }
  v1::Organization out = org;
  out.set_adoption_status(v1::ADOPTION_STATUS_ADOPTED);
  out.mutable_adoption_history()->clear_benchmark_date();
  return out;
}

}  // namespace qpp::registry
