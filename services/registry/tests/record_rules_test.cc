// Award records, (uscc, year) keys and target counts, in memory; and a
// check that no rules header depends on gRPC.

#include "common/dates/dates.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/src/assessment_rules.h"
#include "services/registry/src/award_rules.h"
#include "services/registry/src/benchmark_rules.h"
#include "services/registry/src/organization_rules.h"
#include "services/registry/src/partnership_rules.h"
#include "services/registry/src/reference_data.h"
#include "services/registry/src/target_count_rules.h"
#include "services/registry/src/year_key.h"
#include "services/registry/tests/test_reference.h"

// The domain rules are plain C++: none of their headers may bring gRPC.
#ifdef GRPCPP_SUPPORT_STATUS_H
#error "a registry rules header includes gRPC"
#endif

namespace qpp::registry {
namespace {

using test_data::kToday;

TEST(AwardRulesTest, ValidatesYearLevelAndTexts) {
  v1::AwardRecord award;
  award.set_year(2025);
  award.set_level(v1::AWARD_LEVEL_NOMINATION);
  award.set_category("质量奖");
  EXPECT_TRUE(ValidateAwardRecord(award, kToday).ok());
  award.set_year(2027);
  award.set_level(v1::AWARD_LEVEL_UNSPECIFIED);
  award.set_category("");
  std::vector<std::string> fields;
  for (const auto& v :
       status::FieldViolationsOf(ValidateAwardRecord(award, kToday))) {
    fields.push_back(v.field);
  }
  EXPECT_EQ(fields,
            (std::vector<std::string>{"award_record.year", "award_record.level",
                                      "award_record.category"}));
}

TEST(YearKeyTest, IdsAndPageKeys) {
  EXPECT_EQ(*ParseYearId("2025", "name"), 2025);
  EXPECT_FALSE(ParseYearId("1999", "name").ok());
  EXPECT_FALSE(ParseYearId("twenty", "name").ok());
  const std::string key =
      YearKeyOf(2025, "organizations/91440300708461136T/awards/2025");
  EXPECT_EQ(key, "2025:91440300708461136T");
  const auto parsed = ParseYearKey(key);
  ASSERT_TRUE(parsed.ok());
  ASSERT_TRUE(parsed->has_value());
  EXPECT_EQ((*parsed)->year, 2025);
  EXPECT_EQ((*parsed)->uscc, "91440300708461136T");
  EXPECT_FALSE(ParseYearKey("")->has_value());
  EXPECT_EQ(ParseYearKey("x:y").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(TargetCountsTest, AsOfTheEndOfTheYearOrToday) {
  EXPECT_EQ(*TargetCountsAsOf(2025, kToday), absl::CivilDay(2025, 12, 31));
  EXPECT_EQ(*TargetCountsAsOf(2026, kToday), kToday);
  EXPECT_FALSE(TargetCountsAsOf(2027, kToday).ok());
  EXPECT_FALSE(TargetCountsAsOf(1999, kToday).ok());
}

TEST(TargetCountsTest, SumsTheStatuses) {
  TargetFigures figures;
  figures.organizations_by_status = {{v1::ADOPTION_STATUS_NOT_STARTED, 5},
                                     {v1::ADOPTION_STATUS_ADOPTED, 3},
                                     {v1::ADOPTION_STATUS_BENCHMARK, 1}};
  figures.awards_in_year = 2;
  figures.improved_enterprises = 4;
  const v1::TargetCounts counts =
      ToTargetCounts(2025, kToday, TargetCountSettings{}, figures);
  EXPECT_EQ(counts.year(), 2025);
  EXPECT_EQ(dates::ToCivilDay(counts.as_of()), kToday);
  EXPECT_EQ(counts.improvement_margin_points(), 50);
  ASSERT_EQ(counts.adoption_counts_size(), 4);  // every status, zeros too
  EXPECT_EQ(counts.adoption_counts(1).adoption_status(),
            v1::ADOPTION_STATUS_INTRODUCING);
  EXPECT_EQ(counts.adoption_counts(1).count(), 0);
  EXPECT_EQ(counts.organizations(), 9);
  EXPECT_EQ(counts.introduced_model(), 4);
  EXPECT_EQ(counts.awards_in_year(), 2);
  EXPECT_EQ(counts.improved_enterprises(), 4);
}

TEST(TargetCountsTest, MarginInForceWinsOverTheFallback) {
  TargetFigures figures;
  TargetCountSettings settings;
  settings.fallback_margin_points = 50;
  EXPECT_EQ(ToTargetCounts(2025, kToday, settings, figures)
                .improvement_margin_points(),
            50);
  figures.margin_points = 80;
  EXPECT_EQ(ToTargetCounts(2025, kToday, settings, figures)
                .improvement_margin_points(),
            80);
}

TEST(TargetCountsTest, IndustriesAndBreakdownsAsCounted) {
  TargetFigures figures;
  figures.benchmark_industry_codes = {"C", "I", "P"};
  figures.introduced_enterprises = 7;
  figures.by_district["440303"].introduced_enterprises = 3;
  figures.by_district["440305"].introduced_enterprises = 4;
  figures.by_section["I"].improved_enterprises = 1;
  TargetCountSettings settings;
  settings.benchmark_industry_level = v1::INDUSTRY_LEVEL_DIVISION;
  settings.improvement_window_start_year = 2014;
  const v1::TargetCounts counts =
      ToTargetCounts(2025, kToday, settings, figures);
  EXPECT_EQ(counts.benchmark_industries(), 3);
  EXPECT_EQ(counts.benchmark_industry_codes(1), "I");
  EXPECT_EQ(counts.benchmark_industry_level(), v1::INDUSTRY_LEVEL_DIVISION);
  EXPECT_EQ(counts.improvement_window_start_year(), 2014);
  EXPECT_EQ(counts.introduced_enterprises(), 7);
  ASSERT_EQ(counts.district_counts_size(), 2);
  EXPECT_EQ(counts.district_counts(0).code(), "440303");
  EXPECT_EQ(counts.district_counts(1).introduced_enterprises(), 4);
  ASSERT_EQ(counts.industry_section_counts_size(), 1);
  EXPECT_EQ(counts.industry_section_counts(0).improved_enterprises(), 1);
}

}  // namespace
}  // namespace qpp::registry
