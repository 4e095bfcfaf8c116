#include "services/gateway/src/policy.h"

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "gtest/gtest.h"
#include "qpp/cultivation/v1/cultivation_service.pb.h"
#include "qpp/demobase/v1/demobase_service.pb.h"
#include "qpp/funding/v1/funding_service.pb.h"
#include "qpp/gateway/v1/progress_service.pb.h"
#include "qpp/registry/v1/registry_service.pb.h"
#include "qpp/training/v1/training_service.pb.h"

namespace qpp::gateway {
namespace {

TEST(Glob, Wildcards) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("Get*", "GetOrganization"));
  EXPECT_FALSE(GlobMatch("Get*", "ListOrganizations"));
  EXPECT_TRUE(GlobMatch("List*Eligibilit*", "ListEligibilityDecisions"));
  EXPECT_TRUE(GlobMatch("qpp.cultivation.v1.*",
                        "qpp.cultivation.v1.CultivationService"));
  EXPECT_FALSE(
      GlobMatch("qpp.cultivation.v1.*", "qpp.registry.v1.RegistryService"));
  EXPECT_TRUE(GlobMatch("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(GlobMatch("a*b*c", "aXXbYY"));
  EXPECT_FALSE(GlobMatch("GetOrganization", "GetOrganizations"));
}

Policy ShippedPolicy() {
  std::ifstream in(std::string(QPP_SOURCE_DIR) + "/deploy/gateway/policy.json");
  std::stringstream ss;
  ss << in.rdbuf();
  auto p = Policy::FromJson(ss.str());
  EXPECT_TRUE(p.ok()) << p.status();
  return *std::move(p);
}

constexpr char kRegistry[] = "qpp.registry.v1.RegistryService";
constexpr char kCultivation[] = "qpp.cultivation.v1.CultivationService";
constexpr char kTraining[] = "qpp.training.v1.TrainingService";
constexpr char kProgress[] = "qpp.gateway.v1.ProgressService";
constexpr char kFunding[] = "qpp.funding.v1.FundingService";
constexpr char kDemobase[] = "qpp.demobase.v1.DemoBaseService";
constexpr char kHealth[] = "grpc.health.v1.Health";

TEST(ShippedPolicy, RoleMatrix) {
  const Policy p = ShippedPolicy();
  struct Case {
    const char* principal;
    const char* service;
    const char* method;
    bool allowed;
  };
  const Case cases[] = {
      {"programme-office", kRegistry, "CreateOrganization", true},
      {"programme-office", kRegistry, "GetOrganization", true},
      {"programme-office", kCultivation, "GetEligibility", true},
      {"programme-office", kProgress, "GetProgrammeProgress", true},
      {"district-440305", kRegistry, "GetOrganization", true},
      {"district-440305", kRegistry, "ListOrganizations", true},
      {"district-440305", kRegistry, "BatchGetOrganizations", true},
      {"district-440305", kRegistry, "CreateOrganization", true},
      {"district-440305", kRegistry, "UpdateOrganization", true},
      {"district-440305", kRegistry, "SetAdoptionStatus", true},
      {"district-440305", kRegistry, "CreateSelfAssessment", true},
      {"district-440305", kRegistry, "CorrectSelfAssessment", true},
      {"district-440305", kRegistry, "WithdrawSelfAssessment", true},
      {"district-440305", kRegistry, "DeleteOrganization", false},
      {"district-440305", kRegistry, "UndeleteOrganization", false},
      {"district-440305", kRegistry, "CreateAwardRecord", false},
      {"district-440305", kRegistry, "CreateBenchmarkDesignation", false},
      {"district-440305", kRegistry, "BatchCreateOrganizations", false},
      {"district-440305", kRegistry, "ImportOrganizations", false},
      {"district-440305", kRegistry, "CreatePartnership", false},
      // Contacts in clear: the programme office only.
      {"programme-office", kRegistry, "RevealContacts", true},
      {"district-440305", kRegistry, "RevealContacts", false},
      {"finance-funding", kRegistry, "RevealContacts", false},
      {"public-portal", kRegistry, "RevealContacts", false},
      {"district-440305", kProgress, "GetProgrammeProgress", true},
      // The funding system: its six funding methods, nothing else.
      {"finance-funding", kFunding, "CheckEligibility", true},
      {"finance-funding", kFunding, "GetEligibilityDecision", true},
      {"finance-funding", kFunding, "ListEligibilityDecisions", true},
      {"finance-funding", kFunding, "ListDecisionChanges", true},
      {"finance-funding", kFunding, "CreateDisbursement", true},
      {"finance-funding", kFunding, "ListDisbursements", true},
      {"finance-funding", kFunding, "GetQualityRecord", false},
      {"finance-funding", kFunding, "CreateFundingScheme", false},
      {"finance-funding", kFunding, "CreateFundingRule", false},
      {"finance-funding", kFunding, "ListFundingSchemes", false},
      {"finance-funding", kRegistry, "GetOrganization", false},
      {"finance-funding", kRegistry, "BatchGetOrganizations", false},
      {"finance-funding", kRegistry, "ListOrganizations", false},
      {"finance-funding", kRegistry, "ListOrganizationChanges", false},
      // The growth plan: managed by whoever manages applications.
      {"programme-office", kCultivation, "CreateApplication", true},
      {"programme-office", kCultivation, "CreateGrowthPlanParticipant", true},
      {"programme-office", kCultivation, "RecordComplianceReview", true},
      {"district-440305", kCultivation, "GetGrowthPlanParticipant", true},
      {"district-440305", kCultivation, "CreateApplication", false},
      {"district-440305", kCultivation, "CreateGrowthPlanParticipant", false},
      {"district-440305", kCultivation, "RecordComplianceReview", false},
      {"finance-funding", kCultivation, "CreateGrowthPlanParticipant", false},
      {"finance-funding", kRegistry, "ListAwardRecords", false},
      {"finance-funding", kRegistry, "UpdateOrganization", false},
      {"finance-funding", kCultivation, "GetEligibility", false},
      {"finance-funding", kCultivation, "ListEligibilityDecisions", false},
      {"finance-funding", kCultivation, "GetCohort", false},
      {"finance-funding", kCultivation, "CreateApplication", false},
      {"finance-funding", kTraining, "GetTrainee", false},
      {"finance-funding", kTraining, "VerifyCertificate", false},
      {"finance-funding", kDemobase, "GetDemonstrationBase", false},
      {"finance-funding", kProgress, "GetProgrammeProgress", false},
      {"finance-funding", kHealth, "Check", false},
      {"finance-funding", "qpp.funding.v1.Other", "CheckEligibility", false},
      {"cert:funding.czj.sz.gov.cn", kFunding, "CheckEligibility", true},
      {"cert:funding.czj.sz.gov.cn", kFunding, "CreateDisbursement", true},
      {"cert:funding.czj.sz.gov.cn", kRegistry, "GetOrganization", false},
      {"cert:funding.czj.sz.gov.cn", kFunding, "GetQualityRecord", false},
      // Evaluation consumers: the quality record only.
      {"procurement-platform", kFunding, "GetQualityRecord", true},
      {"procurement-platform", kFunding, "CheckEligibility", false},
      {"procurement-platform", kRegistry, "GetOrganization", false},
      {"public-portal", kTraining, "VerifyCertificate", true},
      {"public-portal", kTraining, "GetCertificate", false},
      {"public-portal", kRegistry, "GetOrganization", false},
      {"ops", kHealth, "Check", true},
      {"ops", kRegistry, "GetOrganization", false},
      {"nobody", kRegistry, "GetOrganization", false},
      {"", kHealth, "Check", false},
  };
  for (const Case& c : cases) {
    absl::Status s = p.Authorize(c.principal, c.service, c.method);
    EXPECT_EQ(s.ok(), c.allowed)
        << c.principal << " " << c.service << "/" << c.method << ": " << s;
    if (!c.allowed) {
      EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied);
    }
  }
}

// The funding system's principals may call exactly the six methods of the
// funding system among every method of every qpp API (and server
// reflection, as every role).
TEST(ShippedPolicy, FundingSystemGetsExactlyItsFundingMethods) {
  const Policy p = ShippedPolicy();
  const std::set<std::string> funding_methods = {
      "qpp.funding.v1.FundingService/CheckEligibility",
      "qpp.funding.v1.FundingService/GetEligibilityDecision",
      "qpp.funding.v1.FundingService/ListEligibilityDecisions",
      "qpp.funding.v1.FundingService/ListDecisionChanges",
      "qpp.funding.v1.FundingService/CreateDisbursement",
      "qpp.funding.v1.FundingService/ListDisbursements",
  };
  const std::vector<const google::protobuf::FileDescriptor*> apis = {
      registry::v1::GetOrganizationRequest::descriptor()->file(),
      cultivation::v1::GetCohortRequest::descriptor()->file(),
      funding::v1::CheckEligibilityRequest::descriptor()->file(),
      training::v1::GetCourseRequest::descriptor()->file(),
      demobase::v1::GetDemonstrationBaseRequest::descriptor()->file(),
      qpp::gateway::v1::GetProgrammeProgressRequest::descriptor()->file(),
  };
  int methods = 0;
  std::set<std::string> allowed;
  for (const char* principal :
       {"finance-funding", "cert:funding.czj.sz.gov.cn"}) {
    allowed.clear();
    for (const google::protobuf::FileDescriptor* file : apis) {
      ASSERT_GT(file->service_count(), 0) << file->name();
      for (int i = 0; i < file->service_count(); ++i) {
        const google::protobuf::ServiceDescriptor* service = file->service(i);
        for (int j = 0; j < service->method_count(); ++j) {
          ++methods;
          const std::string& method = service->method(j)->name();
          if (p.Authorize(principal, service->full_name(), method).ok()) {
            allowed.insert(service->full_name() + "/" + method);
          }
        }
      }
    }
    EXPECT_EQ(allowed, funding_methods) << principal;
  }
  EXPECT_GT(methods, 100);  // every API was seen
}

// Every district office is confined to its own district; city-wide
// principals have none.
TEST(ShippedPolicy, DistrictOfficesHaveTheirDistrict) {
  const Policy p = ShippedPolicy();
  for (int code = 440303; code <= 440311; ++code) {
    const std::string id = "district-" + std::to_string(code);
    EXPECT_EQ(p.AttributesOf(id).district, std::to_string(code)) << id;
    EXPECT_EQ(p.AttributesOf(id).roles, "district_office") << id;
  }
  EXPECT_EQ(p.AttributesOf("programme-office").district, "");
  EXPECT_EQ(p.AttributesOf("programme-office").roles, "programme_office");
  EXPECT_EQ(p.AttributesOf("finance-funding").district, "");
  EXPECT_EQ(p.AttributesOf("nobody").roles, "");
}

TEST(ShippedPolicy, RateLimits) {
  const Policy p = ShippedPolicy();
  EXPECT_EQ(p.RateLimitFor("programme-office").requests_per_second, 200);
  EXPECT_EQ(p.RateLimitFor("public-portal").burst, 40);
  EXPECT_EQ(p.RateLimitFor("stranger").requests_per_second, 10);
}

TEST(Policy, PrincipalLimitOverridesRolesAndMostGenerousRoleWins) {
  auto p = Policy::FromJson(R"({
    "roles": [
      {"name": "a", "allow": ["x.S/*"], "rateLimit": {"requestsPerSecond": 5}},
      {"name": "b", "allow": ["y.S/Get*"], "rateLimit": {"requestsPerSecond": 9, "burst": 3}}
    ],
    "principals": [
      {"id": "both", "roles": ["a", "b"]},
      {"id": "own", "roles": ["a"], "rateLimit": {"requestsPerSecond": 1, "burst": 2}}
    ]})");
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_EQ(p->RateLimitFor("both").requests_per_second, 9);
  EXPECT_EQ(p->RateLimitFor("both").burst, 3);
  EXPECT_EQ(p->RateLimitFor("own").requests_per_second, 1);
  EXPECT_EQ(p->RateLimitFor("own").burst, 2);
  EXPECT_TRUE(p->Authorize("both", "y.S", "GetX").ok());
  EXPECT_FALSE(p->Authorize("both", "y.S", "SetX").ok());
  EXPECT_EQ(p->AttributesOf("both").roles, "a,b");
  EXPECT_EQ(p->AttributesOf("both").district, "");
}

TEST(Policy, BadPoliciesAreRejected) {
  for (const char* bad : {
           "not json",
           R"({"roles": [{"name": "a", "allow": ["noslash"]}]})",
           R"({"roles": [{"name": "a", "allow": ["a/b/c"]}]})",
           R"({"roles": [{"name": "a"}, {"name": "a"}]})",
           R"({"principals": [{"id": "p", "roles": ["missing"]}]})",
           R"({"principals": [{"id": "p"}, {"id": "p"}]})",
           R"({"unknownField": 1})",
           R"({"roles": [{"name": "a", "allow": ["x.S/*"]}],
               "principals": [{"id": "p", "roles": ["a"], "district": "4403"}]})",
           R"({"roles": [{"name": "a", "allow": ["x.S/*"]}],
               "principals": [{"id": "p", "roles": ["a"], "district": "44030X"}]})",
       }) {
    auto p = Policy::FromJson(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

}  // namespace
}  // namespace qpp::gateway
