// Rules of organisations (organization_rules.h), in memory.

#include "services/registry/src/organization_rules.h"

#include <set>

#include "common/dates/dates.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/tests/test_reference.h"

namespace qpp::registry {
namespace {

using test_data::Enterprise;
using test_data::kToday;
using test_data::kWan;
using test_data::TestReference;

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

TEST(ClassifySizeTest, WithoutFiguresTheSizeIsUnknownNotMicro) {
  std::string rule_set;
  EXPECT_EQ(
      ClassifySize(TestReference(), Enterprise("39", 0, 0), kToday, &rule_set),
      v1::SIZE_CLASS_UNSPECIFIED);
  EXPECT_EQ(rule_set, "");
  EXPECT_EQ(SizeOf(Enterprise("84", 0, 0)), v1::SIZE_CLASS_UNSPECIFIED);
  // One figure the rule reads is enough to classify.
  EXPECT_EQ(SizeOf(Enterprise("39", 19, 0)), v1::SIZE_CLASS_MICRO);
}

TEST(ClassifySizeTest, BareDivisionUsesTheRulesOfItsDivision) {
  // 701 (revenue and assets) and 702 (staff and revenue) agree: large.
  EXPECT_EQ(SizeOf(Enterprise("70", 1000, 300000 * kWan, 20000 * kWan)),
            v1::SIZE_CLASS_LARGE);
  // They disagree (701 medium, 702 large): unknown until the group code.
  EXPECT_EQ(SizeOf(Enterprise("70", 1000, 10000 * kWan, 20000 * kWan)),
            v1::SIZE_CLASS_UNSPECIFIED);
  // Staff only: not the fallback's staff rule (which would say medium), but
  // unknown, since 701 reads none of it.
  EXPECT_EQ(SizeOf(Enterprise("70", 150, 0)), v1::SIZE_CLASS_UNSPECIFIED);
  EXPECT_EQ(SizeOf(Enterprise("84", 150, 0)), v1::SIZE_CLASS_MEDIUM);
  // The group code settles it.
  EXPECT_EQ(SizeOf(Enterprise("7020", 1000, 10000 * kWan)),
            v1::SIZE_CLASS_LARGE);
  std::string rule_set;
  ClassifySize(TestReference(),
               Enterprise("70", 1000, 300000 * kWan, 20000 * kWan), kToday,
               &rule_set);
  EXPECT_EQ(rule_set, "2011-300");
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

TEST(AdvanceAdoptionTest, KeepsTheEvidenceOfEachStepAndRefusesBadText) {
  v1::Organization org;
  org.set_adoption_status(v1::ADOPTION_STATUS_NOT_STARTED);
  ASSERT_TRUE(AdvanceAdoption(org, v1::ADOPTION_STATUS_INTRODUCING, kToday,
                              "self-assessment training finished")
                  .ok());
  EXPECT_EQ(org.adoption_history().introducing_evidence(),
            "self-assessment training finished");
  EXPECT_EQ(org.adoption_history().adopted_evidence(), "");
  // Too long, or with a control character: refused, nothing changed.
  const v1::Organization before = org;
  const absl::Status long_text = AdvanceAdoption(
      org, v1::ADOPTION_STATUS_ADOPTED, kToday, std::string(301, 'x'));
  EXPECT_EQ(long_text.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(status::FieldViolationsOf(long_text).empty());
  EXPECT_EQ(AdvanceAdoption(org, v1::ADOPTION_STATUS_ADOPTED, kToday,
                            std::string("enrollments/1\x01"))
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(org.SerializeAsString(), before.SerializeAsString());
  ASSERT_TRUE(AdvanceAdoption(org, v1::ADOPTION_STATUS_ADOPTED, kToday,
                              "enrollments/12 passed its end-of-term "
                              "acceptance with 86.5")
                  .ok());
  EXPECT_EQ(org.adoption_history().adopted_evidence(),
            "enrollments/12 passed its end-of-term acceptance with 86.5");
  EXPECT_EQ(org.adoption_history().introducing_evidence(),
            "self-assessment training finished");
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

TEST(ArchiveTest, ArchivesOnceAndRestoresOnce) {
  auto org =
      *PrepareNewOrganization(Enterprise("39", 10, 0), TestReference(), kToday);
  EXPECT_TRUE(CheckActive(org).ok());
  EXPECT_EQ(RestoreOrganization(org).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  auto archived = ArchiveOrganization(org, now);
  ASSERT_TRUE(archived.ok());
  EXPECT_EQ(archived->state(), v1::ORGANIZATION_STATE_ARCHIVED);
  EXPECT_EQ(archived->delete_time().seconds(), 1'800'000'000);
  const absl::Status inactive = CheckActive(*archived);
  EXPECT_EQ(inactive.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status::ReasonOf(inactive), "ORGANIZATION_ARCHIVED");
  EXPECT_EQ(status::ReasonOf(ArchiveOrganization(*archived, now).status()),
            "ALREADY_ARCHIVED");
  auto restored = RestoreOrganization(*archived);
  ASSERT_TRUE(restored.ok());
  EXPECT_EQ(restored->state(), v1::ORGANIZATION_STATE_ACTIVE);
  EXPECT_FALSE(restored->has_delete_time());
}

TEST(AdoptionDayTest, DefaultsToTodayAndRefusesTheFuture) {
  EXPECT_EQ(*AdoptionDay(qpp::type::v1::Date(), kToday), kToday);
  EXPECT_EQ(*AdoptionDay(dates::ToDate(kToday - 30), kToday), kToday - 30);
  EXPECT_EQ(AdoptionDay(dates::ToDate(kToday + 1), kToday).status().code(),
            absl::StatusCode::kInvalidArgument);
  qpp::type::v1::Date impossible;
  impossible.set_year(2026);
  impossible.set_month(2);
  impossible.set_day(30);
  EXPECT_FALSE(AdoptionDay(impossible, kToday).ok());
}

}  // namespace
}  // namespace qpp::registry
