// The district scope of a caller and the change feed's rules, in memory.

#include "services/registry/src/district_scope.h"

#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/src/organization_change_rules.h"

namespace qpp::registry {
namespace {

// The change types of an entry (a repeated enum field yields ints).
std::vector<v1::OrganizationChangeType> TypesOf(
    const v1::OrganizationChange& change) {
  std::vector<v1::OrganizationChangeType> types;
  for (int t : change.change_types()) {
    types.push_back(static_cast<v1::OrganizationChangeType>(t));
  }
  return types;
}

Principal DistrictOffice(const std::string& district) {
  return Principal{"district-" + district, "district_office", district};
}

v1::Organization Org(const std::string& district) {
  v1::Organization org;
  org.set_uscc("91440300MA5F00001X");
  org.set_district_code(district);
  return org;
}

TEST(DistrictScope, OnlyADistrictOrTheDistrictRoleConfines) {
  EXPECT_TRUE(DistrictScope::Of(Principal{}).city_wide());
  EXPECT_TRUE(
      DistrictScope::Of(Principal{"programme-office", "programme_office", ""})
          .city_wide());
  const DistrictScope a = DistrictScope::Of(DistrictOffice("440304"));
  EXPECT_FALSE(a.city_wide());
  EXPECT_EQ(a.district(), "440304");
  // The role without a district confines to nothing (fail closed).
  const DistrictScope none =
      DistrictScope::Of(Principal{"district-x", "ops,district_office", ""});
  EXPECT_FALSE(none.city_wide());
  EXPECT_EQ(none.CheckOrganization(Org("440304")).code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(none.ListDistrict("", "district_code").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(DistrictScope, ChecksOrganisationsAndListFilters) {
  const DistrictScope a = DistrictScope::Of(DistrictOffice("440304"));
  EXPECT_TRUE(a.CheckOrganization(Org("440304")).ok());
  const absl::Status outside = a.CheckOrganization(Org("440305"));
  EXPECT_EQ(outside.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(status::ReasonOf(outside), "OUTSIDE_DISTRICT");
  EXPECT_NE(outside.message().find("440304"), absl::string_view::npos);
  EXPECT_EQ(outside.message().find("440305"), absl::string_view::npos);

  EXPECT_EQ(*a.ListDistrict("", "district_code"), "440304");
  EXPECT_EQ(*a.ListDistrict("440304", "district_code"), "440304");
  EXPECT_EQ(a.ListDistrict("440305", "district_code").status().code(),
            absl::StatusCode::kPermissionDenied);
  const DistrictScope city = DistrictScope::CityWide();
  EXPECT_EQ(*city.ListDistrict("", "district_code"), "");
  EXPECT_EQ(*city.ListDistrict("440305", "district_code"), "440305");
  EXPECT_TRUE(city.CheckOrganization(Org("440305")).ok());
  EXPECT_TRUE(city.RequireCityWide("archive").ok());
  EXPECT_EQ(status::ReasonOf(a.RequireCityWide("archive")),
            "PROGRAMME_OFFICE_ONLY");
}

TEST(DistrictScope, WritesStayInTheDistrictAndLeaveTheKeyFlag) {
  const DistrictScope a = DistrictScope::Of(DistrictOffice("440304"));
  const v1::Organization mine = Org("440304");
  EXPECT_TRUE(a.CheckWrite(nullptr, mine).ok());
  EXPECT_EQ(status::ReasonOf(a.CheckWrite(nullptr, Org("440305"))),
            "OUTSIDE_DISTRICT");
  EXPECT_EQ(status::ReasonOf(a.CheckWrite(&mine, Org("440305"))),
            "OUTSIDE_DISTRICT");
  v1::Organization key = mine;
  key.mutable_flags()->set_key_enterprise(true);
  EXPECT_EQ(status::ReasonOf(a.CheckWrite(nullptr, key)),
            "PROGRAMME_OFFICE_ONLY");
  EXPECT_EQ(status::ReasonOf(a.CheckWrite(&mine, key)),
            "PROGRAMME_OFFICE_ONLY");
  EXPECT_EQ(status::ReasonOf(a.CheckWrite(&key, mine)),
            "PROGRAMME_OFFICE_ONLY");
  EXPECT_TRUE(a.CheckWrite(&key, key).ok());
  EXPECT_TRUE(DistrictScope::CityWide().CheckWrite(&mine, key).ok());
}

TEST(ChangeFeedRules, ReportedFactsMakeEntries) {
  v1::Organization before = Org("440304");
  before.set_state(v1::ORGANIZATION_STATE_ACTIVE);
  using Types = std::vector<v1::OrganizationChangeType>;
  EXPECT_EQ(ChangeTypesBetween(nullptr, before),
            Types{v1::ORGANIZATION_CHANGE_TYPE_CREATED});
  v1::Organization after = before;
  after.set_display_name("renamed");
  after.set_employees(12);
  EXPECT_TRUE(ChangeTypesBetween(&before, after).empty());
  after.set_district_code("440305");
  after.mutable_credit()->set_standing(v1::CREDIT_STANDING_RESTRICTED);
  after.set_state(v1::ORGANIZATION_STATE_ARCHIVED);
  const Types types = ChangeTypesBetween(&before, after);
  EXPECT_EQ(types, (Types{v1::ORGANIZATION_CHANGE_TYPE_DISTRICT,
                          v1::ORGANIZATION_CHANGE_TYPE_CREDIT_STANDING,
                          v1::ORGANIZATION_CHANGE_TYPE_ARCHIVED}));
  EXPECT_EQ(ChangeTypesBetween(&after, before).back(),
            v1::ORGANIZATION_CHANGE_TYPE_RESTORED);

  v1::OrganizationChange entry =
      ChangeEntry(after, 7, absl::UnixEpoch(), types);
  EXPECT_EQ(entry.etag(), "\"7\"");
  EXPECT_EQ(entry.organization(), "organizations/91440300MA5F00001X");
  v1::OrganizationChange back;
  SetChangeTypes(ChangeTypeBits(entry), back);
  EXPECT_EQ(TypesOf(back), types);
}

TEST(ChangeFeedRules, TokensAreTheFeeds) {
  EXPECT_EQ(*ParseChangeFeedToken(""), 0);
  EXPECT_EQ(*ParseChangeFeedToken(ChangeFeedToken(42)), 42);
  EXPECT_EQ(ParseChangeFeedToken("garbage").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qpp::registry
