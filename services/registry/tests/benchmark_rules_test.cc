// Rules of benchmark designations (benchmark_rules.h), in memory: what used
// to be decided inside CreateBenchmarkDesignation's transaction.

#include "services/registry/src/benchmark_rules.h"

#include "common/dates/dates.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/src/organization_rules.h"
#include "services/registry/tests/test_reference.h"

namespace qpp::registry {
namespace {

using test_data::Enterprise;
using test_data::kToday;
using test_data::TestReference;

// An enterprise that adopted the model on `adopted`.
v1::Organization Adopted(absl::CivilDay adopted) {
  v1::Organization org =
      *PrepareNewOrganization(Enterprise("39", 10, 0), TestReference(), kToday);
  EXPECT_TRUE(AdvanceAdoption(org, v1::ADOPTION_STATUS_ADOPTED, adopted).ok());
  return org;
}

TEST(PrepareBenchmarkTest, DefaultsTheIndustryAndChecksTheYear) {
  v1::BenchmarkDesignation d;
  d.set_year(2026);
  ASSERT_TRUE(PrepareBenchmark(d, "392", TestReference(), kToday).ok());
  EXPECT_EQ(d.industry_code(), "392");
  d.set_year(2028);  // at most next year
  EXPECT_EQ(PrepareBenchmark(d, "392", TestReference(), kToday).code(),
            absl::StatusCode::kInvalidArgument);
  d.set_year(2027);
  d.set_industry_code("99");  // no such division
  const absl::Status bad = PrepareBenchmark(d, "392", TestReference(), kToday);
  ASSERT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(bad)[0].field,
            "benchmark_designation.industry_code");
}

TEST(CheckBenchmarkEligibleTest, NeedsActiveAdoptedAndGoodCredit) {
  v1::Organization org = Adopted(kToday - 100);
  EXPECT_TRUE(CheckBenchmarkEligible(org).ok());

  v1::Organization introducing =
      *PrepareNewOrganization(Enterprise("39", 10, 0), TestReference(), kToday);
  ASSERT_TRUE(
      AdvanceAdoption(introducing, v1::ADOPTION_STATUS_INTRODUCING, kToday)
          .ok());
  EXPECT_EQ(status::ReasonOf(CheckBenchmarkEligible(introducing)),
            "MODEL_NOT_ADOPTED");

  v1::Organization restricted = org;
  restricted.mutable_credit()->set_standing(v1::CREDIT_STANDING_RESTRICTED);
  EXPECT_EQ(status::ReasonOf(CheckBenchmarkEligible(restricted)),
            "CREDIT_RESTRICTED");

  // Archived comes first, whatever else is wrong.
  v1::Organization archived = *ArchiveOrganization(restricted, absl::Now());
  EXPECT_EQ(status::ReasonOf(CheckBenchmarkEligible(archived)),
            "ORGANIZATION_ARCHIVED");
}

TEST(DesignateBenchmarkTest, DatesTheDesignation) {
  const v1::Organization org = Adopted(absl::CivilDay(2020, 5, 1));
  // This year: from today.
  auto now = DesignateBenchmark(org, 2026, kToday);
  ASSERT_TRUE(now.has_value());
  EXPECT_EQ(now->adoption_status(), v1::ADOPTION_STATUS_BENCHMARK);
  EXPECT_EQ(dates::ToCivilDay(now->adoption_history().benchmark_date()),
            kToday);
  // A past year: from its first day.
  auto past = DesignateBenchmark(org, 2023, kToday);
  EXPECT_EQ(dates::ToCivilDay(past->adoption_history().benchmark_date()),
            absl::CivilDay(2023, 1, 1));
  // Never before the model was adopted.
  auto before = DesignateBenchmark(org, 2019, kToday);
  EXPECT_EQ(dates::ToCivilDay(before->adoption_history().benchmark_date()),
            absl::CivilDay(2020, 5, 1));
  // A later designation changes nothing: the earliest is still this year.
  EXPECT_FALSE(DesignateBenchmark(*now, 2026, kToday).has_value());
  // A back-filled earlier designation moves the date back.
  auto backfilled = DesignateBenchmark(*now, 2023, kToday);
  ASSERT_TRUE(backfilled.has_value());
  EXPECT_EQ(dates::ToCivilDay(backfilled->adoption_history().benchmark_date()),
            absl::CivilDay(2023, 1, 1));
}

TEST(RevokeBenchmarkTest, BackToAdoptedWithTheLastDesignation) {
  const v1::Organization benchmark =
      *DesignateBenchmark(Adopted(kToday - 10), 2026, kToday);
  EXPECT_FALSE(RevokeBenchmark(benchmark, 2026, kToday));
  auto revoked = RevokeBenchmark(benchmark, std::nullopt, kToday);
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->adoption_status(), v1::ADOPTION_STATUS_ADOPTED);
  EXPECT_FALSE(dates::IsSet(revoked->adoption_history().benchmark_date()));
  EXPECT_TRUE(dates::IsSet(revoked->adoption_history().adopted_date()));
  EXPECT_FALSE(RevokeBenchmark(*revoked, std::nullopt, kToday).has_value());
}

TEST(RevokeBenchmarkTest, DeletingTheEarliestOfSeveralMovesTheDateOn) {
  const v1::Organization benchmark =
      *DesignateBenchmark(Adopted(absl::CivilDay(2020, 5, 1)), 2021, kToday);
  auto revoked = RevokeBenchmark(benchmark, 2024, kToday);
  ASSERT_TRUE(revoked.has_value());
  EXPECT_EQ(revoked->adoption_status(), v1::ADOPTION_STATUS_BENCHMARK);
  EXPECT_EQ(dates::ToCivilDay(revoked->adoption_history().benchmark_date()),
            absl::CivilDay(2024, 1, 1));
}

}  // namespace
}  // namespace qpp::registry
