// Rules of partnerships (partnership_rules.h), in memory: what used to be
// decided inside the partnership transactions.

#include "services/registry/src/partnership_rules.h"

#include "common/dates/dates.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/tests/test_reference.h"

namespace qpp::registry {
namespace {

using test_data::kToday;
using test_data::TestReference;

constexpr char kMemberA[] = "organizations/914403001922038216";
constexpr char kMemberB[] = "organizations/91440300708461136T";

v1::Partnership Partnership() {
  v1::Partnership p;
  p.set_partner("organizations/91440300708461136T");
  p.add_industry_codes("39");
  p.add_industry_codes("65");
  p.add_members(kMemberA);
  p.add_members(kMemberB);
  *p.mutable_start_date() = dates::ToDate(kToday - 365);
  p.set_remarks("深圳市质量协会");
  return p;
}

TEST(ValidatePartnershipTest, ChecksEveryFieldOrOnlyTheMaskedOnes) {
  status::FieldErrors ok;
  ValidatePartnership(Partnership(), TestReference(), kToday, ok);
  EXPECT_TRUE(ok.empty());

  v1::Partnership bad = Partnership();
  bad.add_industry_codes("39");               // twice
  bad.add_members("organizations/nonsense");  // not a USCC
  *bad.mutable_start_date() = dates::ToDate(kToday + 1);
  status::FieldErrors all;
  ValidatePartnership(bad, TestReference(), kToday, all);
  EXPECT_EQ(all.fields(),
            (std::vector<std::string>{"partnership.industry_codes[2]",
                                      "partnership.members[2]",
                                      "partnership.start_date"}));
  status::FieldErrors masked;
  ValidatePartnership(bad, TestReference(), kToday, masked, {"remarks"});
  EXPECT_TRUE(masked.empty());
}

TEST(CheckPartnerKindTest, OnlyAssociationsChambersAndSocialOrganisations) {
  v1::Organization org;
  for (auto kind : {v1::ORGANIZATION_KIND_INDUSTRY_ASSOCIATION,
                    v1::ORGANIZATION_KIND_CHAMBER_OF_COMMERCE,
                    v1::ORGANIZATION_KIND_SOCIAL_ORGANIZATION}) {
    org.set_kind(kind);
    EXPECT_TRUE(CheckPartnerKind(org).ok()) << kind;
  }
  for (auto kind : {v1::ORGANIZATION_KIND_ENTERPRISE,
                    v1::ORGANIZATION_KIND_GOVERNMENT_AGENCY,
                    v1::ORGANIZATION_KIND_UNSPECIFIED}) {
    org.set_kind(kind);
    const absl::Status s = CheckPartnerKind(org);
    EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << kind;
    EXPECT_EQ(status::ReasonOf(s), "PARTNER_KIND");
  }
}

TEST(PartnershipUpdateTest, MaskNamesUpdatableFieldsOnly) {
  google::protobuf::FieldMask mask;
  EXPECT_EQ(PartnershipUpdatePaths(mask).status().code(),
            absl::StatusCode::kInvalidArgument);
  mask.add_paths("remarks");
  mask.add_paths("members");
  EXPECT_EQ(*PartnershipUpdatePaths(mask),
            (std::vector<std::string>{"remarks", "members"}));
  mask.add_paths("partner");
  const auto bad = PartnershipUpdatePaths(mask);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(bad.status())[0].field, "update_mask");
}

TEST(PartnershipUpdateTest, AppliesOnlyTheMaskedFields) {
  const v1::Partnership current = Partnership();
  v1::Partnership patch;
  patch.set_remarks("新的备注");
  patch.add_members(kMemberA);
  patch.set_partner("organizations/914403001922038216");  // not updatable
  const v1::Partnership updated =
      ApplyPartnershipUpdate(current, patch, {"remarks", "members"});
  EXPECT_EQ(updated.remarks(), "新的备注");
  ASSERT_EQ(updated.members_size(), 1);
  EXPECT_EQ(updated.members(0), kMemberA);
  EXPECT_EQ(updated.industry_codes_size(), 2);
  EXPECT_EQ(updated.partner(), current.partner());
  EXPECT_EQ(updated.start_date().year(), current.start_date().year());
}

TEST(MembersTest, MustBeRegistered) {
  const v1::Partnership p = Partnership();
  EXPECT_EQ(MemberUsccs(p), (std::vector<std::string>{"914403001922038216",
                                                      "91440300708461136T"}));
  EXPECT_TRUE(
      CheckMembersRegistered(p, {"914403001922038216", "91440300708461136T"})
          .ok());
  const absl::Status missing =
      CheckMembersRegistered(p, {"914403001922038216"});
  EXPECT_EQ(missing.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(missing)[0].field,
            "partnership.members[1]");
}

}  // namespace
}  // namespace qpp::registry
