// District offices on a real MariaDB: the registry confines a principal
// whose district the gateway passes on (x-qpp-district) to that district's
// organisations and the records keyed by them; city-wide principals keep
// every right. Called over the in-process channel with the headers the
// gateway would set.

#include <set>
#include <string>

#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "gtest/gtest.h"
#include "services/registry/tests/registry_test_fixture.h"

namespace qpp::registry {
namespace {

constexpr char kA[] = "440304";  // 福田
constexpr char kB[] = "440305";  // 南山

class DistrictIntegrationTest : public RegistryIntegrationTest {
 protected:
  // The metadata of a call by the district office of `district`, as the
  // gateway sends it; "" for the programme office.
  static void As(grpc::ClientContext& ctx, const std::string& district) {
    if (district.empty()) {
      ctx.AddMetadata("x-qpp-principal", "programme-office");
      ctx.AddMetadata("x-qpp-role", "programme_office");
      return;
    }
    ctx.AddMetadata("x-qpp-principal", "district-" + district);
    ctx.AddMetadata("x-qpp-role", "district_office");
    ctx.AddMetadata("x-qpp-district", district);
  }

  grpc::Status CreateAs(const std::string& district,
                        const v1::Organization& org, v1::Organization* out) {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::CreateOrganizationRequest req;
    *req.mutable_organization() = org;
    return stub_->CreateOrganization(&ctx, req, out);
  }

  grpc::Status GetAs(const std::string& district, const std::string& uscc,
                     v1::Organization* out) {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::GetOrganizationRequest req;
    req.set_name("organizations/" + uscc);
    return stub_->GetOrganization(&ctx, req, out);
  }

  grpc::Status UpdateAs(const std::string& district, v1::Organization patch,
                        const std::string& path, v1::Organization* out) {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::UpdateOrganizationRequest req;
    *req.mutable_organization() = std::move(patch);
    req.mutable_update_mask()->add_paths(path);
    return stub_->UpdateOrganization(&ctx, req, out);
  }

  grpc::Status AdvanceAs(const std::string& district, const std::string& uscc,
                         v1::AdoptionStatus status) {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::SetAdoptionStatusRequest req;
    req.set_name("organizations/" + uscc);
    req.set_adoption_status(status);
    v1::Organization out;
    return stub_->SetAdoptionStatus(&ctx, req, &out);
  }

  grpc::Status AssessAs(const std::string& district, const std::string& uscc,
                        v1::SelfAssessment* out) {
    grpc::ClientContext sctx;
    v1::GetScoreSheetRequest sreq;
    sreq.set_name("scoreSheets/current");
    v1::ScoreSheet sheet;
    EXPECT_TRUE(stub_->GetScoreSheet(&sctx, sreq, &sheet).ok());
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::CreateSelfAssessmentRequest req;
    req.set_parent("organizations/" + uscc);
    auto* a = req.mutable_self_assessment();
    *a->mutable_assessment_date() = dates::ToDate(absl::CivilDay(2026, 3, 1));
    a->set_assessor_certificate("ZJPS-2026-0001");
    for (const auto& i : sheet.items()) {
      auto* item = a->add_items();
      item->set_item_code(i.item_code());
      item->set_percent(50);
    }
    return stub_->CreateSelfAssessment(&ctx, req, out);
  }

  std::set<std::string> ListAs(const std::string& district,
                               const std::string& filter_district = "") {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::ListOrganizationsRequest req;
    req.set_district_code(filter_district);
    req.set_page_size(100);
    v1::ListOrganizationsResponse resp;
    const grpc::Status s = stub_->ListOrganizations(&ctx, req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    std::set<std::string> usccs;
    for (const auto& o : resp.organizations()) {
      usccs.insert(o.uscc());
      EXPECT_TRUE(district.empty() || o.district_code() == district);
    }
    return usccs;
  }

  // Asserts a refusal for acting outside `district`, whose message names
  // the caller's district and never `other`, the organisation's.
  static void ExpectOutside(const grpc::Status& s, const std::string& district,
                            const std::string& other) {
    ASSERT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
    EXPECT_EQ(status::ReasonOf(status::FromGrpcStatus(s)), "OUTSIDE_DISTRICT");
    EXPECT_NE(s.error_message().find(district), std::string::npos)
        << s.error_message();
    EXPECT_EQ(s.error_message().find(other), std::string::npos)
        << s.error_message();
  }

  static void ExpectProgrammeOfficeOnly(const grpc::Status& s) {
    ASSERT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED)
        << s.error_message();
    EXPECT_EQ(status::ReasonOf(status::FromGrpcStatus(s)),
              "PROGRAMME_OFFICE_ONLY");
  }
};

TEST_F(DistrictIntegrationTest, DistrictOfficeWorksOnItsOwnOrganisations) {
  v1::Organization created;
  ASSERT_TRUE(CreateAs(kA, NewOrg(1, kA), &created).ok());
  v1::Organization got;
  ASSERT_TRUE(GetAs(kA, created.uscc(), &got).ok());
  EXPECT_EQ(got.district_code(), kA);

  v1::Organization patch;
  patch.set_name(created.name());
  patch.set_employees(320);
  v1::Organization updated;
  ASSERT_TRUE(UpdateAs(kA, patch, "employees", &updated).ok());
  EXPECT_EQ(updated.employees(), 320);
  EXPECT_TRUE(
      AdvanceAs(kA, created.uscc(), v1::ADOPTION_STATUS_INTRODUCING).ok());
  v1::SelfAssessment assessment;
  const grpc::Status assessed = AssessAs(kA, created.uscc(), &assessment);
  ASSERT_TRUE(assessed.ok()) << assessed.error_message();

  grpc::ClientContext gctx;
  As(gctx, kA);
  v1::GetSelfAssessmentRequest greq;
  greq.set_name(assessment.name());
  v1::SelfAssessment got_assessment;
  EXPECT_TRUE(stub_->GetSelfAssessment(&gctx, greq, &got_assessment).ok());
}

TEST_F(DistrictIntegrationTest, AnotherDistrictsOrganisationIsRefused) {
  v1::Organization theirs;
  ASSERT_TRUE(CreateAs(kB, NewOrg(2, kB), &theirs).ok());
  v1::SelfAssessment assessment;
  ASSERT_TRUE(AssessAs(kB, theirs.uscc(), &assessment).ok());

  v1::Organization out;
  ExpectOutside(GetAs(kA, theirs.uscc(), &out), kA, kB);
  v1::Organization patch;
  patch.set_name(theirs.name());
  patch.set_employees(999);
  ExpectOutside(UpdateAs(kA, patch, "employees", &out), kA, kB);
  ExpectOutside(AdvanceAs(kA, theirs.uscc(), v1::ADOPTION_STATUS_INTRODUCING),
                kA, kB);
  v1::SelfAssessment a;
  ExpectOutside(AssessAs(kA, theirs.uscc(), &a), kA, kB);
  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::GetSelfAssessmentRequest req;
    req.set_name(assessment.name());
    v1::SelfAssessment got;
    ExpectOutside(stub_->GetSelfAssessment(&ctx, req, &got), kA, kB);
  }
  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::ListSelfAssessmentsRequest req;
    req.set_parent(theirs.name());
    v1::ListSelfAssessmentsResponse resp;
    ExpectOutside(stub_->ListSelfAssessments(&ctx, req, &resp), kA, kB);
  }
  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::ListAwardRecordsRequest req;
    req.set_parent(theirs.name());
    v1::ListAwardRecordsResponse resp;
    ExpectOutside(stub_->ListAwardRecords(&ctx, req, &resp), kA, kB);
  }
  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::BatchGetOrganizationsRequest req;
    req.add_names(theirs.name());
    v1::BatchGetOrganizationsResponse resp;
    ExpectOutside(stub_->BatchGetOrganizations(&ctx, req, &resp), kA, kB);
  }
  // Nothing was written: the stored organisation is as B left it.
  v1::Organization stored;
  ASSERT_TRUE(GetAs(kB, theirs.uscc(), &stored).ok());
  EXPECT_EQ(stored.etag(), theirs.etag());
  EXPECT_EQ(stored.employees(), theirs.employees());
  EXPECT_EQ(CountRows("self_assessments"), 1);
}

TEST_F(DistrictIntegrationTest, ListsAreLimitedToTheDistrictWithoutAsking) {
  v1::Organization a1, a2, b1;
  ASSERT_TRUE(CreateAs(kA, NewOrg(3, kA), &a1).ok());
  ASSERT_TRUE(CreateAs(kA, NewOrg(4, kA), &a2).ok());
  ASSERT_TRUE(CreateAs(kB, NewOrg(5, kB), &b1).ok());

  EXPECT_EQ(ListAs(kA), (std::set<std::string>{a1.uscc(), a2.uscc()}));
  EXPECT_EQ(ListAs(kA, kA), (std::set<std::string>{a1.uscc(), a2.uscc()}));
  EXPECT_EQ(ListAs(kB), (std::set<std::string>{b1.uscc()}));
  EXPECT_EQ(ListAs(""),
            (std::set<std::string>{a1.uscc(), a2.uscc(), b1.uscc()}));
  EXPECT_EQ(ListAs("", kB), (std::set<std::string>{b1.uscc()}));
  {
    // A filter naming another district is refused, not answered empty.
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::ListOrganizationsRequest req;
    req.set_district_code(kB);
    v1::ListOrganizationsResponse resp;
    const grpc::Status s = stub_->ListOrganizations(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(status::ReasonOf(status::FromGrpcStatus(s)), "OUTSIDE_DISTRICT");
    EXPECT_EQ(resp.organizations_size(), 0);
  }

  // Award records of every organisation ("organizations/-"): the district's
  // only.
  for (const v1::Organization* org : {&a1, &b1}) {
    grpc::ClientContext ctx;
    As(ctx, "");
    v1::CreateAwardRecordRequest req;
    req.set_parent(org->name());
    req.mutable_award_record()->set_year(2025);
    req.mutable_award_record()->set_level(v1::AWARD_LEVEL_GRAND_AWARD);
    req.mutable_award_record()->set_category("服务业");
    v1::AwardRecord out;
    ASSERT_TRUE(stub_->CreateAwardRecord(&ctx, req, &out).ok());
  }
  auto awards_of = [&](const std::string& district) {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::ListAwardRecordsRequest req;
    req.set_parent("organizations/-");
    v1::ListAwardRecordsResponse resp;
    EXPECT_TRUE(stub_->ListAwardRecords(&ctx, req, &resp).ok());
    std::set<std::string> names;
    for (const auto& a : resp.award_records()) names.insert(a.name());
    return names;
  };
  EXPECT_EQ(awards_of(kA), (std::set<std::string>{a1.name() + "/awards/2025"}));
  EXPECT_EQ(awards_of("").size(), 2u);
}

TEST_F(DistrictIntegrationTest, WritesOutsideItsRightsAreRefused) {
  v1::Organization out;
  // Registering an organisation of another district.
  ExpectOutside(CreateAs(kA, NewOrg(6, kB), &out), kA, kB);
  EXPECT_EQ(CountRows("organizations"), 0);
  // Registering a key enterprise.
  v1::Organization key = NewOrg(7, kA);
  key.mutable_flags()->set_key_enterprise(true);
  ExpectProgrammeOfficeOnly(CreateAs(kA, key, &out));

  v1::Organization mine;
  ASSERT_TRUE(CreateAs(kA, NewOrg(8, kA), &mine).ok());
  // Moving it to another district.
  v1::Organization patch;
  patch.set_name(mine.name());
  patch.set_district_code(kB);
  ExpectOutside(UpdateAs(kA, patch, "district_code", &out), kA, kB);
  // Flagging it a key enterprise, by the flag or the whole flags message.
  patch.clear_district_code();
  patch.mutable_flags()->set_key_enterprise(true);
  ExpectProgrammeOfficeOnly(UpdateAs(kA, patch, "flags.key_enterprise", &out));
  ExpectProgrammeOfficeOnly(UpdateAs(kA, patch, "flags", &out));
  // Other flags are the district's to set.
  patch.mutable_flags()->set_key_enterprise(false);
  patch.mutable_flags()->set_growth(true);
  EXPECT_TRUE(UpdateAs(kA, patch, "flags", &out).ok());
  // The programme office sets the key-enterprise flag.
  patch.mutable_flags()->set_key_enterprise(true);
  ASSERT_TRUE(UpdateAs("", patch, "flags.key_enterprise", &out).ok());
  // ... and the district keeps it when changing other flags.
  patch.mutable_flags()->set_high_tech(true);
  EXPECT_TRUE(UpdateAs(kA, patch, "flags.high_tech", &out).ok());
  EXPECT_TRUE(out.flags().key_enterprise());

  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::DeleteOrganizationRequest req;
    req.set_name(mine.name());
    ExpectProgrammeOfficeOnly(stub_->DeleteOrganization(&ctx, req, &out));
  }
  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::CreateAwardRecordRequest req;
    req.set_parent(mine.name());
    req.mutable_award_record()->set_year(2025);
    req.mutable_award_record()->set_level(v1::AWARD_LEVEL_GRAND_AWARD);
    req.mutable_award_record()->set_category("服务业");
    v1::AwardRecord award;
    ExpectProgrammeOfficeOnly(stub_->CreateAwardRecord(&ctx, req, &award));
  }
  {
    grpc::ClientContext ctx;
    As(ctx, kA);
    v1::BatchCreateOrganizationsRequest req;
    *req.add_organizations() = NewOrg(9, kA);
    v1::BatchCreateOrganizationsResponse resp;
    ExpectProgrammeOfficeOnly(
        stub_->BatchCreateOrganizations(&ctx, req, &resp));
  }
  EXPECT_EQ(CountRows("award_records"), 0);
  EXPECT_EQ(CountRows("organizations"), 1);
}

// A request id learnt from another district does not replay that
// district's answer: the scope is checked before any replay.
TEST_F(DistrictIntegrationTest, AnotherDistrictsRequestIdReplaysNothing) {
  v1::Organization theirs;
  ASSERT_TRUE(CreateAs(kB, NewOrg(11, kB), &theirs).ok());
  auto update = [&](const std::string& district, v1::Organization* out) {
    grpc::ClientContext ctx;
    As(ctx, district);
    v1::UpdateOrganizationRequest req;
    req.mutable_organization()->set_name(theirs.name());
    req.mutable_organization()->set_employees(77);
    req.mutable_update_mask()->add_paths("employees");
    req.set_request_id("5b1d0f0e-7d44-4c55-9a37-0c1e2f3a4b5c");
    return stub_->UpdateOrganization(&ctx, req, out);
  };
  v1::Organization out;
  ASSERT_TRUE(update(kB, &out).ok());
  v1::Organization replayed;
  ExpectOutside(update(kA, &replayed), kA, kB);
  EXPECT_EQ(replayed.uscc(), "");
}

// A district office whose policy entry lacks the district may act for no
// organisation at all: the registry fails closed rather than city-wide.
TEST_F(DistrictIntegrationTest, DistrictRoleWithoutADistrictGetsNothing) {
  v1::Organization created;
  ASSERT_TRUE(CreateAs(kA, NewOrg(10, kA), &created).ok());
  auto as_bare = [](grpc::ClientContext& ctx) {
    ctx.AddMetadata("x-qpp-principal", "district-unknown");
    ctx.AddMetadata("x-qpp-role", "district_office");
  };
  {
    grpc::ClientContext ctx;
    as_bare(ctx);
    v1::GetOrganizationRequest req;
    req.set_name(created.name());
    v1::Organization out;
    EXPECT_EQ(stub_->GetOrganization(&ctx, req, &out).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  grpc::ClientContext ctx;
  as_bare(ctx);
  v1::ListOrganizationsRequest req;
  v1::ListOrganizationsResponse resp;
  EXPECT_EQ(stub_->ListOrganizations(&ctx, req, &resp).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(resp.organizations_size(), 0);
}

}  // namespace
}  // namespace qpp::registry
