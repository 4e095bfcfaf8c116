#include "common/resource/names.h"
#include "common/status/status.h"
#include "gtest/gtest.h"

namespace qpp::resource {
namespace {

constexpr char kUscc[] = "91440300708461136T";

std::string FieldOf(const absl::Status& s) {
  const auto violations = status::FieldViolationsOf(s);
  return violations.empty() ? "" : violations[0].field;
}

TEST(ResourceNamesTest, TopLevelNames) {
  EXPECT_EQ(*ParseName("scoreSheets/current", "scoreSheets", "name"),
            "current");
  for (const char* bad :
       {"scoreSheets/", "scoreSheets", "scoreSheet/x", "scoreSheets/x/y", ""}) {
    const auto parsed = ParseName(bad, "scoreSheets", "name");
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(FieldOf(parsed.status()), "name");
  }
}

TEST(ResourceNamesTest, OrganizationNamesCheckTheUscc) {
  EXPECT_EQ(OrganizationName(kUscc), std::string("organizations/") + kUscc);
  EXPECT_EQ(*ParseOrganizationName(OrganizationName(kUscc), "name"), kUscc);
  EXPECT_FALSE(
      ParseOrganizationName("organisations/91440300708461136T", "n").ok());
  const auto bad_check =
      ParseOrganizationName("organizations/91440300708461136X", "parent");
  EXPECT_EQ(FieldOf(bad_check.status()), "parent");
  EXPECT_NE(bad_check.status().message().find("USCC"), absl::string_view::npos);
  EXPECT_FALSE(ParseOrganizationName("organizations/' OR 1=1 --", "n").ok());
  EXPECT_EQ(*ParseUsccName(std::string("partnerships/") + kUscc, "partnerships",
                           "name"),
            kUscc);
  EXPECT_FALSE(ParseUsccName(std::string("partnerships/x/") + kUscc,
                             "partnerships", "name")
                   .ok());
}

TEST(ResourceNamesTest, ParentMayStandForEveryOrganization) {
  EXPECT_EQ(*ParseOrganizationParent("organizations/-", "parent"), "");
  EXPECT_EQ(*ParseOrganizationParent(OrganizationName(kUscc), "parent"), kUscc);
  EXPECT_FALSE(ParseOrganizationParent("organizations/", "parent").ok());
  EXPECT_FALSE(ParseOrganizationParent("-", "parent").ok());
}

TEST(ResourceNamesTest, ChildNames) {
  const auto child = ParseOrganizationChildName(
      OrganizationName(kUscc) + "/awards/2025", "awards", "name");
  ASSERT_TRUE(child.ok()) << child.status();
  EXPECT_EQ(child->parent, kUscc);
  EXPECT_EQ(child->id, "2025");
  EXPECT_FALSE(ParseOrganizationChildName(
                   OrganizationName(kUscc) + "/benchmarks/2025", "awards", "n")
                   .ok());
  EXPECT_FALSE(ParseOrganizationChildName(OrganizationName(kUscc) + "/awards/",
                                          "awards", "n")
                   .ok());
  EXPECT_FALSE(
      ParseOrganizationChildName("organizations/91440300708461136X/awards/2025",
                                 "awards", "n")
          .ok());
  const auto generic = ParseChildName("a/1/b/2", "a", "b", "name");
  ASSERT_TRUE(generic.ok());
  EXPECT_EQ(generic->parent, "1");
  EXPECT_EQ(generic->id, "2");
  EXPECT_FALSE(ParseChildName("a//b/2", "a", "b", "name").ok());
}

}  // namespace
}  // namespace qpp::resource
