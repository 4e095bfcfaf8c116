#include "services/registry/src/domain.h"

#include "gtest/gtest.h"

namespace qpp::registry {
namespace {

constexpr int64_t kWan = 10000;  // 万 yuan
const absl::CivilDay kToday(2026, 11, 23);

// A slice of the seeded reference data, built in memory.
ReferenceData TestReference() {
  ReferenceData ref;
  ref.districts = {{"440305", "南山区"}, {"440303", "罗湖区"}};
  ref.sections = {{'C', "制造业", 13, 43},
                  {'F', "批发和零售业", 51, 52},
                  {'I', "信息传输、软件和信息技术服务业", 63, 65},
                  {'K', "房地产业", 70, 70},
                  {'Q', "卫生和社会工作", 84, 85}};
  const absl::CivilDay from(2011, 6, 18);
  ref.sme_rules = {
      {"2011-300",
       from,
       "39",
       "工业",
       {1000, 40000 * kWan, {}},
       {300, 2000 * kWan, {}},
       {20, 300 * kWan, {}}},
      {"2011-300",
       from,
       "52",
       "零售业",
       {300, 20000 * kWan, {}},
       {50, 500 * kWan, {}},
       {10, 100 * kWan, {}}},
      {"2011-300",
       from,
       "65",
       "软件和信息技术服务业",
       {300, 10000 * kWan, {}},
       {100, 1000 * kWan, {}},
       {10, 50 * kWan, {}}},
      {"2011-300",
       from,
       "701",
       "房地产开发经营",
       {{}, 200000 * kWan, 10000 * kWan},
       {{}, 1000 * kWan, 5000 * kWan},
       {{}, 100 * kWan, 2000 * kWan}},
      {"2011-300",
       from,
       "",
       "其他未列明行业",
       {300, {}, {}},
       {100, {}, {}},
       {10, {}, {}}},
      // A later rule set for industry only, to check effective dating.
      {"2030-new",
       absl::CivilDay(2030, 1, 1),
       "39",
       "工业",
       {2000, {}, {}},
       {500, {}, {}},
       {50, {}, {}}},
  };
  ScoreSheetDef sheet;
  sheet.version = "TEST-SHEET";
  sheet.effective_from = absl::CivilDay(2012, 8, 1);
  sheet.categories = {{"4.1", "领导", 110}, {"4.7", "结果", 400}};
  sheet.items = {{"4.1.1", "4.1", "高层领导的作用", 50},
                 {"4.1.2", "4.1", "组织治理", 30},
                 {"4.1.3", "4.1", "社会责任", 30},
                 {"4.7.1", "4.7", "产品和服务结果", 400}};
  ref.score_sheets = {sheet};
  return ref;
}

v1::Organization Enterprise(const std::string& industry, int64_t employees,
                            int64_t revenue, int64_t assets = 0) {
  v1::Organization org;
  org.set_uscc("914403001922038216");
  org.set_display_name("深圳市测试有限公司");
  org.set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
  org.set_district_code("440305");
  org.set_industry_code(industry);
  org.set_employees(employees);
  org.set_annual_revenue_yuan(revenue);
  org.set_total_assets_yuan(assets);
  return org;
}

v1::SizeClass SizeOf(const v1::Organization& org, absl::CivilDay day = kToday) {
  std::string rule_set;
  return ClassifySize(TestReference(), org, day, &rule_set);
}

TEST(ClassifySizeTest, IndustryThresholdsNeedBothEmployeesAndRevenue) {
  EXPECT_EQ(SizeOf(Enterprise("39", 1000, 40000 * kWan)), v1::SIZE_CLASS_LARGE);
  // 1000 employees but revenue below 4亿: an SME (medium).
  EXPECT_EQ(SizeOf(Enterprise("39", 1000, 39999 * kWan)),
            v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(SizeOf(Enterprise("392", 300, 2000 * kWan)), v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(SizeOf(Enterprise("39", 299, 2000 * kWan)), v1::SIZE_CLASS_SMALL);
  EXPECT_EQ(SizeOf(Enterprise("39", 20, 300 * kWan)), v1::SIZE_CLASS_SMALL);
  EXPECT_EQ(SizeOf(Enterprise("39", 19, 300 * kWan)), v1::SIZE_CLASS_MICRO);
}

TEST(ClassifySizeTest, SoftwareRetailAndAssetBasedRules) {
  EXPECT_EQ(SizeOf(Enterprise("65", 100, 1000 * kWan)), v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(SizeOf(Enterprise("65", 10, 50 * kWan)), v1::SIZE_CLASS_SMALL);
  EXPECT_EQ(SizeOf(Enterprise("52", 60, 600 * kWan)), v1::SIZE_CLASS_MEDIUM);
  // Real estate development (7010) uses revenue and assets, not staff.
  EXPECT_EQ(SizeOf(Enterprise("7010", 1, 1000 * kWan, 5000 * kWan)),
            v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(SizeOf(Enterprise("7010", 1, 1000 * kWan, 4999 * kWan)),
            v1::SIZE_CLASS_SMALL);
}

TEST(ClassifySizeTest, LongestPrefixAndFallbackForUnlistedIndustries) {
  // Health care (84) has no rule of its own: the fallback counts staff only.
  EXPECT_EQ(SizeOf(Enterprise("84", 150, 0)), v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(SizeOf(Enterprise("84", 300, 0)), v1::SIZE_CLASS_LARGE);
}

TEST(ClassifySizeTest, UsesTheRuleSetInForceOnTheDay) {
  // Revenue below the 2011 small threshold; the 2030 rules count staff only.
  auto org = Enterprise("39", 600, 100 * kWan);
  EXPECT_EQ(SizeOf(org, absl::CivilDay(2026, 1, 1)), v1::SIZE_CLASS_MICRO);
  EXPECT_EQ(SizeOf(org, absl::CivilDay(2030, 6, 1)), v1::SIZE_CLASS_MEDIUM);
}

TEST(ClassifySizeTest, OnlyEnterprisesAreClassified) {
  auto org = Enterprise("84", 5000, 0);
  org.set_kind(v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION);
  EXPECT_EQ(SizeOf(org), v1::SIZE_CLASS_UNSPECIFIED);
}

TEST(PrepareNewOrganizationTest, DerivesOutputFields) {
  auto org = PrepareNewOrganization(Enterprise("392", 350, 3000 * kWan),
                                    TestReference(), kToday);
  ASSERT_TRUE(org.ok()) << org.status();
  EXPECT_EQ(org->name(), "organizations/914403001922038216");
  EXPECT_EQ(org->industry_section(), "C");
  EXPECT_EQ(org->size_class(), v1::SIZE_CLASS_MEDIUM);
  EXPECT_EQ(org->size_rule_version(), "2011-300");
  EXPECT_EQ(org->adoption_status(), v1::ADOPTION_STATUS_NOT_STARTED);
  EXPECT_EQ(org->credit().standing(), v1::CREDIT_STANDING_GOOD);
  EXPECT_EQ(org->state(), v1::ORGANIZATION_STATE_ACTIVE);
}

TEST(PrepareNewOrganizationTest, ReportsEveryBadFieldAtOnce) {
  auto input = Enterprise("99", -1, -5);
  input.set_uscc("914403001922038217");
  input.set_district_code("110101");
  input.set_display_name(std::string(5000, 'x'));
  input.add_contacts()->set_phone("12345");
  auto org = PrepareNewOrganization(input, TestReference(), kToday);
  ASSERT_EQ(org.status().code(), absl::StatusCode::kInvalidArgument);
  std::set<std::string> fields;
  for (const auto& v : status::FieldViolationsOf(org.status())) {
    fields.insert(v.field);
  }
  for (const char* f :
       {"organization.uscc", "organization.display_name",
        "organization.district_code", "organization.industry_code",
        "organization.employees", "organization.annual_revenue_yuan",
        "organization.contacts[0].display_name",
        "organization.contacts[0].phone"}) {
    EXPECT_EQ(fields.count(f), 1u) << f;
  }
}

TEST(PrepareNewOrganizationTest, RestrictedCreditNeedsAReason) {
  auto input = Enterprise("39", 10, 0);
  input.mutable_credit()->set_standing(v1::CREDIT_STANDING_RESTRICTED);
  EXPECT_FALSE(PrepareNewOrganization(input, TestReference(), kToday).ok());
  input.mutable_credit()->set_reason("列入严重失信主体名单");
  EXPECT_TRUE(PrepareNewOrganization(input, TestReference(), kToday).ok());
}

TEST(ApplyOrganizationUpdateTest, ChangesOnlyMaskedFieldsAndReclassifies) {
  auto stored = *PrepareNewOrganization(Enterprise("39", 10, 100 * kWan),
                                        TestReference(), kToday);
  v1::Organization patch;
  patch.set_employees(500);
  patch.set_annual_revenue_yuan(5000 * kWan);
  patch.set_display_name("ignored because not in the mask");
  google::protobuf::FieldMask mask;
  mask.add_paths("employees");
  mask.add_paths("annual_revenue_yuan");
  auto updated =
      ApplyOrganizationUpdate(stored, patch, mask, TestReference(), kToday);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name(), stored.display_name());
  EXPECT_EQ(updated->size_class(), v1::SIZE_CLASS_MEDIUM);
}

TEST(ApplyOrganizationUpdateTest, RejectsMissingUnknownAndOutputOnlyPaths) {
  auto stored =
      *PrepareNewOrganization(Enterprise("39", 10, 0), TestReference(), kToday);
  google::protobuf::FieldMask mask;
  EXPECT_EQ(ApplyOrganizationUpdate(stored, {}, mask, TestReference(), kToday)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  for (const char* path :
       {"size_class", "uscc", "adoption_status", "*", "nonsense"}) {
    mask.clear_paths();
    mask.add_paths(path);
    EXPECT_EQ(ApplyOrganizationUpdate(stored, {}, mask, TestReference(), kToday)
                  .status()
                  .code(),
              absl::StatusCode::kInvalidArgument)
        << path;
  }
}

TEST(AdvanceAdoptionTest, MovesForwardRecordingEveryStep) {
  v1::Organization org;
  org.set_adoption_status(v1::ADOPTION_STATUS_NOT_STARTED);
  ASSERT_TRUE(AdvanceAdoption(org, v1::ADOPTION_STATUS_ADOPTED, kToday).ok());
  EXPECT_EQ(org.adoption_status(), v1::ADOPTION_STATUS_ADOPTED);
  EXPECT_EQ(org.adoption_history().introducing_date().year(), 2026);
  EXPECT_EQ(org.adoption_history().adopted_date().day(), 23);
  EXPECT_EQ(
      AdvanceAdoption(org, v1::ADOPTION_STATUS_INTRODUCING, kToday).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(AdvanceAdoption(org, v1::ADOPTION_STATUS_BENCHMARK, kToday).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      AdvanceAdoption(org, v1::ADOPTION_STATUS_UNSPECIFIED, kToday).code(),
      absl::StatusCode::kInvalidArgument);
}

v1::SelfAssessment Assessment(
    std::initializer_list<std::pair<const char*, int>> items) {
  v1::SelfAssessment a;
  *a.mutable_assessment_date() = ToDate(absl::CivilDay(2026, 3, 1));
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
  *future.mutable_assessment_date() = ToDate(kToday + 1);
  EXPECT_FALSE(ScoreSelfAssessment(ref, future, kToday).ok());
}

TEST(NamesTest, ParsesOrganizationNames) {
  EXPECT_EQ(*ParseOrganizationName("organizations/91440300708461136T", "name"),
            "91440300708461136T");
  EXPECT_FALSE(
      ParseOrganizationName("organisations/91440300708461136T", "n").ok());
  EXPECT_FALSE(
      ParseOrganizationName("organizations/91440300708461136X", "n").ok());
  EXPECT_FALSE(ParseOrganizationName("organizations/' OR 1=1 --", "n").ok());
}

TEST(MaskTest, MasksContacts) {
  v1::Organization org;
  auto* c = org.add_contacts();
  c->set_display_name("王小明");
  c->set_phone("13812345678");
  c->set_email("wang@example.cn");
  MaskContacts(org);
  EXPECT_EQ(org.contacts(0).display_name(), "王**");
  EXPECT_EQ(org.contacts(0).phone(), "138****5678");
  EXPECT_EQ(org.contacts(0).email(), "w***@example.cn");
}

}  // namespace
}  // namespace qpp::registry
