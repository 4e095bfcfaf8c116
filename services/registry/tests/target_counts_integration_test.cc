// The plan's target counts on a real MariaDB: a programme history loaded
// now (back-filled 2013-2015) counted in its own years, non-enterprises
// kept out of the "1000", industries for the "10+", improvement inside the
// window on one sheet edition against the margin in force, key enterprises
// for the phase targets, and the per-district and per-section figures.

#include <map>
#include <string>

#include "common/dates/dates.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "services/registry/tests/registry_test_fixture.h"

namespace qpp::registry {
namespace {

class TargetCountsIntegrationTest : public RegistryIntegrationTest {
 protected:
  // Creates organisation `n` and returns its USCC.
  std::string Register(int n, v1::OrganizationKind kind,
                       const std::string& district, const std::string& industry,
                       bool key = false) {
    v1::Organization org = NewOrg(n, district);
    org.set_kind(kind);
    org.set_industry_code(industry);
    org.mutable_flags()->set_key_enterprise(key);
    v1::Organization out;
    const grpc::Status s = Create(org, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return org.uscc();
  }

  void Step(const std::string& uscc, v1::AdoptionStatus status,
            absl::CivilDay day) {
    grpc::ClientContext ctx;
    v1::SetAdoptionStatusRequest req;
    req.set_name("organizations/" + uscc);
    req.set_adoption_status(status);
    *req.mutable_effective_date() = dates::ToDate(day);
    v1::Organization out;
    const grpc::Status s = stub_->SetAdoptionStatus(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
  }

  grpc::Status Designate(const std::string& uscc, int year) {
    grpc::ClientContext ctx;
    v1::CreateBenchmarkDesignationRequest req;
    req.set_parent("organizations/" + uscc);
    req.mutable_benchmark_designation()->set_year(year);
    v1::BenchmarkDesignation out;
    return stub_->CreateBenchmarkDesignation(&ctx, req, &out);
  }

  // A self-assessment on the current sheet, every item at `percent`
  // (total = percent x 10 points).
  void Assess(const std::string& uscc, absl::CivilDay day, int percent) {
    grpc::ClientContext sctx;
    v1::GetScoreSheetRequest sreq;
    sreq.set_name("scoreSheets/current");
    v1::ScoreSheet sheet;
    ASSERT_TRUE(stub_->GetScoreSheet(&sctx, sreq, &sheet).ok());
    grpc::ClientContext ctx;
    v1::CreateSelfAssessmentRequest req;
    req.set_parent("organizations/" + uscc);
    auto* a = req.mutable_self_assessment();
    *a->mutable_assessment_date() = dates::ToDate(day);
    a->set_assessor_certificate("ZJPS-2013-0001");
    for (const auto& i : sheet.items()) {
      auto* item = a->add_items();
      item->set_item_code(i.item_code());
      item->set_percent(percent);
    }
    v1::SelfAssessment out;
    const grpc::Status s = stub_->CreateSelfAssessment(&ctx, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  v1::TargetCounts Counts(int year) {
    grpc::ClientContext ctx;
    v1::GetTargetCountsRequest req;
    req.set_year(year);
    v1::TargetCounts out;
    const grpc::Status s = stub_->GetTargetCounts(&ctx, req, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out;
  }

  static std::map<std::string, v1::TargetBreakdown> ByCode(
      const google::protobuf::RepeatedPtrField<v1::TargetBreakdown>& rows) {
    std::map<std::string, v1::TargetBreakdown> out;
    for (const auto& r : rows) out[r.code()] = r;
    return out;
  }

  // The programme's history as loaded in 2026 (the clock's year):
  //   e1 enterprise, Nanshan, software (I), key: introducing 2013, adopted
  //      2014, assessed 400 (2013) and 500 (2015);
  //   e2 enterprise, Futian, automobiles (C): introducing 2014, archived now;
  //   e3 enterprise, Nanshan, software (I), key: introducing and adopted
  //      2015, benchmark 2015; assessed 300 (2012, before the window) and
  //      400 (2015);
  //   e4 enterprise, Futian, automobiles (C): adopted 2014, benchmark 2015;
  //      assessed 400 (2014) on an older sheet edition and 500 (2015);
  //   s1 a school (P): introducing 2013, adopted 2014, benchmark 2015.
  void LoadHistory() {
    using v1::ADOPTION_STATUS_ADOPTED;
    using v1::ADOPTION_STATUS_INTRODUCING;
    const auto kEnterprise = v1::ORGANIZATION_KIND_ENTERPRISE;
    e1_ = Register(101, kEnterprise, "440305", "65", /*key=*/true);
    e2_ = Register(102, kEnterprise, "440304", "36");
    e3_ = Register(103, kEnterprise, "440305", "65");
    e4_ = Register(104, kEnterprise, "440304", "36");
    s1_ =
        Register(105, v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION, "440305", "83");
    Step(e1_, ADOPTION_STATUS_INTRODUCING, absl::CivilDay(2013, 3, 1));
    Step(e1_, ADOPTION_STATUS_ADOPTED, absl::CivilDay(2014, 6, 1));
    Step(e2_, ADOPTION_STATUS_INTRODUCING, absl::CivilDay(2014, 5, 1));
    Step(e3_, ADOPTION_STATUS_INTRODUCING, absl::CivilDay(2015, 2, 1));
    Step(e3_, ADOPTION_STATUS_ADOPTED, absl::CivilDay(2015, 9, 1));
    Step(e4_, ADOPTION_STATUS_INTRODUCING, absl::CivilDay(2014, 1, 10));
    Step(e4_, ADOPTION_STATUS_ADOPTED, absl::CivilDay(2014, 12, 1));
    Step(s1_, ADOPTION_STATUS_INTRODUCING, absl::CivilDay(2013, 4, 1));
    Step(s1_, ADOPTION_STATUS_ADOPTED, absl::CivilDay(2014, 1, 1));
    for (const std::string& uscc : {e3_, e4_, s1_}) {
      ASSERT_TRUE(Designate(uscc, 2015).ok());
    }
    Assess(e1_, absl::CivilDay(2013, 6, 1), 40);
    Assess(e1_, absl::CivilDay(2015, 6, 1), 50);
    Assess(e3_, absl::CivilDay(2012, 9, 1), 30);
    Assess(e3_, absl::CivilDay(2015, 10, 1), 40);
    Assess(e4_, absl::CivilDay(2015, 3, 1), 50);
    // An assessment on the 2004 edition, as a history load would store it.
    ASSERT_TRUE(Exec("INSERT INTO self_assessments (uscc, sheet_version, "
                     "assessment_date, assessor_certificate, total_centi, "
                     "create_time) VALUES (?, 'GB-T19580-2004', "
                     "'2014-03-01', 'ZJPS-2014-0002', 40000, NOW(6))",
                     {e4_})
                    .ok());
    // e3 becomes a key enterprise later, by the programme office.
    grpc::ClientContext ctx;
    v1::UpdateOrganizationRequest req;
    req.mutable_organization()->set_name("organizations/" + e3_);
    req.mutable_organization()->mutable_flags()->set_key_enterprise(true);
    req.mutable_update_mask()->add_paths("flags.key_enterprise");
    v1::Organization updated;
    ASSERT_TRUE(stub_->UpdateOrganization(&ctx, req, &updated).ok());
    EXPECT_TRUE(updated.flags().key_enterprise());
  }

  std::string e1_, e2_, e3_, e4_, s1_;
};

TEST_F(TargetCountsIntegrationTest, BackFilledHistoryCountsInItsOwnYears) {
  LoadHistory();
  if (HasFatalFailure()) return;
  const v1::TargetCounts y2013 = Counts(2013);
  EXPECT_EQ(y2013.introduced_enterprises(), 1);  // e1; the school is not
  EXPECT_EQ(y2013.introduced_model(), 2);        // every kind: e1 and s1
  EXPECT_EQ(y2013.organizations(), 2);  // e2..e4 had no step yet in 2013
  EXPECT_EQ(y2013.started_introducing_in_year(), 2);
  EXPECT_EQ(y2013.key_enterprises_running(), 0);

  const v1::TargetCounts y2014 = Counts(2014);
  EXPECT_EQ(y2014.introduced_enterprises(), 3);  // e1, e2, e4
  EXPECT_EQ(y2014.adopted_in_year(), 3);         // e1, e4, s1
  EXPECT_EQ(y2014.benchmark_industries(), 0);
  EXPECT_EQ(y2014.key_enterprises_running(), 1);  // e1 adopted in 2014

  const v1::TargetCounts y2015 = Counts(2015);
  EXPECT_EQ(y2015.introduced_enterprises(), 4);
  EXPECT_EQ(y2015.introduced_model(), 5);
  EXPECT_EQ(y2015.benchmarks_in_year(), 3);
  EXPECT_EQ(y2015.benchmark_industries(), 3);  // C, I and P (education)
  ASSERT_EQ(y2015.benchmark_industry_codes_size(), 3);
  EXPECT_EQ(y2015.benchmark_industry_codes(0), "C");
  EXPECT_EQ(y2015.benchmark_industry_level(), v1::INDUSTRY_LEVEL_SECTION);
  // e1: 400 -> 500 inside the window. e3: its 2012 assessment is before the
  // window. e4: 400 was on the 2004 edition.
  EXPECT_EQ(y2015.improved_enterprises(), 1);
  EXPECT_EQ(y2015.improvement_window_start_year(), 2013);
  EXPECT_EQ(y2015.key_enterprises(), 2);
  EXPECT_EQ(y2015.key_enterprises_running(), 2);  // e1 and e3

  auto districts = ByCode(y2015.district_counts());
  EXPECT_EQ(districts["440305"].introduced_enterprises(), 2);
  EXPECT_EQ(districts["440305"].benchmark_organizations(), 2);  // e3, s1
  EXPECT_EQ(districts["440305"].improved_enterprises(), 1);
  EXPECT_EQ(districts["440305"].key_enterprises_running(), 2);
  EXPECT_EQ(districts["440304"].introduced_enterprises(), 2);
  EXPECT_EQ(districts["440304"].improved_enterprises(), 0);
  auto sections = ByCode(y2015.industry_section_counts());
  EXPECT_EQ(sections["I"].introduced_enterprises(), 2);
  EXPECT_EQ(sections["C"].introduced_enterprises(), 2);
  EXPECT_EQ(sections["P"].introduced_enterprises(), 0);
  EXPECT_EQ(sections["P"].benchmark_organizations(), 1);
}

TEST_F(TargetCountsIntegrationTest,
       ArchivingNowKeepsPastYearsAndMarginIsDated) {
  LoadHistory();
  if (HasFatalFailure()) return;
  // A stricter margin from 2016 on does not rewrite 2015.
  ASSERT_TRUE(Exec("INSERT INTO improvement_margins (effective_from, "
                   "margin_points) VALUES ('2016-01-01', 150)")
                  .ok());
  grpc::ClientContext ctx;
  v1::DeleteOrganizationRequest req;
  req.set_name("organizations/" + e2_);
  v1::Organization archived;
  ASSERT_TRUE(stub_->DeleteOrganization(&ctx, req, &archived).ok());

  const v1::TargetCounts y2015 = Counts(2015);
  EXPECT_EQ(y2015.introduced_enterprises(), 4);  // e2 archived only in 2026
  EXPECT_EQ(y2015.improvement_margin_points(), 50);
  EXPECT_EQ(y2015.improved_enterprises(), 1);
  const v1::TargetCounts now = Counts(2026);
  EXPECT_EQ(now.introduced_enterprises(), 3);  // e2 archived today
  EXPECT_EQ(now.improvement_margin_points(), 150);
  EXPECT_EQ(now.improved_enterprises(), 0);
}

TEST_F(TargetCountsIntegrationTest, IndustriesByDivisionWhenConfigured) {
  RegistryOptions options;
  options.target_counts.benchmark_industry_level = v1::INDUSTRY_LEVEL_DIVISION;
  StartService(options);
  LoadHistory();
  if (HasFatalFailure()) return;
  const v1::TargetCounts y2015 = Counts(2015);
  EXPECT_EQ(y2015.benchmark_industry_level(), v1::INDUSTRY_LEVEL_DIVISION);
  ASSERT_EQ(y2015.benchmark_industry_codes_size(), 3);
  EXPECT_EQ(y2015.benchmark_industry_codes(0), "36");
  EXPECT_EQ(y2015.benchmark_industry_codes(1), "65");
  EXPECT_EQ(y2015.benchmark_industry_codes(2), "83");
}

TEST_F(TargetCountsIntegrationTest, DeletingTheEarliestDesignationRedates) {
  LoadHistory();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(Designate(e4_, 2017).ok());
  grpc::ClientContext ctx;
  v1::DeleteBenchmarkDesignationRequest req;
  req.set_name("organizations/" + e4_ + "/benchmarks/2015");
  v1::DeleteBenchmarkDesignationResponse resp;
  ASSERT_TRUE(stub_->DeleteBenchmarkDesignation(&ctx, req, &resp).ok());
  v1::Organization got;
  ASSERT_TRUE(Get(e4_, &got).ok());
  EXPECT_EQ(got.adoption_status(), v1::ADOPTION_STATUS_BENCHMARK);
  EXPECT_EQ(dates::ToCivilDay(got.adoption_history().benchmark_date()),
            absl::CivilDay(2017, 1, 1));
  EXPECT_EQ(Counts(2015).benchmark_industries(), 2);  // C left 2015
  EXPECT_EQ(Counts(2017).benchmark_industries(), 3);
}

}  // namespace
}  // namespace qpp::registry
