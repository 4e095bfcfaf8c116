// Scoring of self-assessments (assessment_rules.h), in memory.

#include "services/registry/src/assessment_rules.h"

#include "common/dates/dates.h"
#include "gtest/gtest.h"
#include "services/registry/tests/test_reference.h"

namespace qpp::registry {
namespace {

using test_data::kToday;
using test_data::TestReference;

v1::SelfAssessment Assessment(
    std::initializer_list<std::pair<const char*, int>> items) {
  v1::SelfAssessment a;
  *a.mutable_assessment_date() = dates::ToDate(absl::CivilDay(2026, 3, 1));
  a.set_assessor_certificate("ZJ-2026-001");
  for (const auto& [code, percent] : items) {
    auto* item = a.add_items();
    item->set_item_code(code);
    item->set_percent(percent);
  }
  return a;
}

TEST(ScoreSelfAssessmentTest, ComputesItemCategoryAndTotalScores) {
  auto scored = ScoreSelfAssessment(
      TestReference(),
      Assessment({{"4.7.1", 50}, {"4.1.1", 100}, {"4.1.2", 5}, {"4.1.3", 0}}),
      kToday);
  ASSERT_TRUE(scored.ok()) << scored.status();
  EXPECT_EQ(scored->sheet_version(), "TEST-SHEET");
  ASSERT_EQ(scored->items_size(), 4);
  EXPECT_EQ(scored->items(0).item_code(), "4.1.1");  // sheet order
  EXPECT_DOUBLE_EQ(scored->items(1).points(), 1.5);  // 5% of 30
  ASSERT_EQ(scored->categories_size(), 2);
  EXPECT_DOUBLE_EQ(scored->categories(0).points(), 51.5);
  EXPECT_DOUBLE_EQ(scored->categories(1).points(), 200);
  EXPECT_DOUBLE_EQ(scored->total_points(), 251.5);
}

TEST(ScoreSelfAssessmentTest, RejectsBadPercentagesAndIncompleteSheets) {
  const auto ref = TestReference();
  EXPECT_FALSE(
      ScoreSelfAssessment(
          ref,
          Assessment({{"4.7.1", 52}, {"4.1.1", 0}, {"4.1.2", 0}, {"4.1.3", 0}}),
          kToday)
          .ok());
  EXPECT_FALSE(
      ScoreSelfAssessment(
          ref,
          Assessment(
              {{"4.7.1", 105}, {"4.1.1", 0}, {"4.1.2", 0}, {"4.1.3", 0}}),
          kToday)
          .ok());
  EXPECT_FALSE(
      ScoreSelfAssessment(ref, Assessment({{"4.7.1", 50}}), kToday).ok());
  EXPECT_FALSE(ScoreSelfAssessment(ref,
                                   Assessment({{"4.7.1", 5},
                                               {"4.7.1", 5},
                                               {"4.1.1", 0},
                                               {"4.1.2", 0},
                                               {"4.1.3", 0}}),
                                   kToday)
                   .ok());
  auto future =
      Assessment({{"4.7.1", 5}, {"4.1.1", 0}, {"4.1.2", 0}, {"4.1.3", 0}});
  *future.mutable_assessment_date() = dates::ToDate(kToday + 1);
  EXPECT_FALSE(ScoreSelfAssessment(ref, future, kToday).ok());
}

TEST(ScoreSheetTest, FindsByVersionOrTheSheetInForce) {
  const auto ref = TestReference();
  EXPECT_EQ(FindScoreSheet(ref, "TEST-SHEET", kToday), &ref.score_sheets[0]);
  EXPECT_EQ(FindScoreSheet(ref, "current", kToday), &ref.score_sheets[0]);
  EXPECT_EQ(FindScoreSheet(ref, "current", absl::CivilDay(2012, 7, 31)),
            nullptr);
  EXPECT_EQ(FindScoreSheet(ref, "GB-T19580-2004", kToday), nullptr);
  const v1::ScoreSheet sheet = ToScoreSheet(ref.score_sheets[0]);
  EXPECT_EQ(sheet.name(), "scoreSheets/TEST-SHEET");
  EXPECT_EQ(sheet.effective_from().year(), 2012);
  EXPECT_EQ(sheet.categories_size(), 2);
  ASSERT_EQ(sheet.items_size(), 4);
  EXPECT_EQ(sheet.items(3).max_points(), 400);
}

}  // namespace
}  // namespace qpp::registry
