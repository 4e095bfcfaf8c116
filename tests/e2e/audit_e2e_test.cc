// Cross-service, end to end: every mutation of the registry through the
// gateway, over gRPC and over HTTP/JSON, and the resources its audit line
// names — creates included, whose names the request does not yet hold.
#include <unistd.h>

#include <memory>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "common/metrics/metrics.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/create_channel.h"
#include "nlohmann/json.hpp"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/tests/gateway_checks.h"
#include "tests/e2e/gateway_registry_fixture.h"

namespace qpp::e2e {
namespace {

namespace v1 = registry::v1;
using gateway::testing::GatewayChecks;
using gateway::testing::GatewayProcess;
using gateway::testing::GenericUnaryCall;
using gateway::testing::HttpResponse;
using google::protobuf::Message;

// Stands for the name the registry gave in its response.
constexpr char kResponseName[] = "<response name>";

// One call of a mutation, in both forms.
struct Step {
  std::string method;
  std::shared_ptr<Message> request;  // the gRPC form
  std::string verb, path, body;      // the HTTP form
  std::shared_ptr<Message> response;
  std::string code = "OK";  // expected outcome
  std::vector<std::string> resources;
  int64_t resource_count = 0;  // expected "resource_count", 0: absent
};

std::string Json(const Message& m) {
  std::string out;
  EXPECT_TRUE(google::protobuf::util::MessageToJsonString(m, &out).ok());
  return out;
}

v1::Organization NewOrg(const std::string& uscc, v1::OrganizationKind kind) {
  v1::Organization org;
  org.set_uscc(uscc);
  org.set_display_name(
      absl::StrCat("深圳市审计", uscc.substr(8, 8), "有限公司"));
  org.set_kind(kind);
  org.set_district_code("440305");
  org.set_industry_code("65");
  org.set_employees(150);
  org.set_annual_revenue_yuan(20'000'000);
  org.set_total_assets_yuan(10'000'000);
  return org;
}

template <typename T>
std::shared_ptr<T> Make() {
  return std::make_shared<T>();
}

// Every mutation of the registry, on organisations with serials from `base`.
std::vector<Step> Mutations(int base, const v1::ScoreSheet& sheet) {
  const std::string u = MakeUscc(base), a = MakeUscc(base + 1);
  const std::string org = "organizations/" + u;
  const std::string partnership = "partnerships/" + a;
  std::vector<Step> steps;

  auto create = Make<v1::CreateOrganizationRequest>();
  *create->mutable_organization() = NewOrg(u, v1::ORGANIZATION_KIND_ENTERPRISE);
  steps.push_back({"CreateOrganization",
                   create,
                   "POST",
                   "/v1/organizations",
                   Json(create->organization()),
                   Make<v1::Organization>(),
                   "OK",
                   {org}});
  // A refused create is named as well.
  steps.push_back({"CreateOrganization",
                   create,
                   "POST",
                   "/v1/organizations",
                   Json(create->organization()),
                   Make<v1::Organization>(),
                   "ALREADY_EXISTS",
                   {org}});

  auto update = Make<v1::UpdateOrganizationRequest>();
  update->mutable_organization()->set_name(org);
  update->mutable_organization()->set_display_name("深圳市审计更名有限公司");
  update->mutable_update_mask()->add_paths("display_name");
  steps.push_back({"UpdateOrganization",
                   update,
                   "PATCH",
                   "/v1/" + org + "?updateMask=display_name",
                   Json(update->organization()),
                   Make<v1::Organization>(),
                   "OK",
                   {org}});

  for (auto status :
       {v1::ADOPTION_STATUS_INTRODUCING, v1::ADOPTION_STATUS_ADOPTED}) {
    auto adopt = Make<v1::SetAdoptionStatusRequest>();
    adopt->set_name(org);
    adopt->set_adoption_status(status);
    steps.push_back({"SetAdoptionStatus",
                     adopt,
                     "POST",
                     "/v1/" + org + ":setAdoptionStatus",
                     absl::StrCat(R"({"adoptionStatus":")",
                                  v1::AdoptionStatus_Name(status), "\"}"),
                     Make<v1::Organization>(),
                     "OK",
                     {org}});
  }

  auto award = Make<v1::CreateAwardRecordRequest>();
  award->set_parent(org);
  award->mutable_award_record()->set_year(2025);
  award->mutable_award_record()->set_level(v1::AWARD_LEVEL_GRAND_AWARD);
  award->mutable_award_record()->set_category("服务业");
  steps.push_back({"CreateAwardRecord",
                   award,
                   "POST",
                   "/v1/" + org + "/awards",
                   Json(award->award_record()),
                   Make<v1::AwardRecord>(),
                   "OK",
                   {org + "/awards/2025"}});
  // Refused: the collection under the parent says what was attempted.
  auto bad_award = std::make_shared<v1::CreateAwardRecordRequest>(*award);
  bad_award->mutable_award_record()->set_year(1900);
  steps.push_back({"CreateAwardRecord",
                   bad_award,
                   "POST",
                   "/v1/" + org + "/awards",
                   Json(bad_award->award_record()),
                   Make<v1::AwardRecord>(),
                   "INVALID_ARGUMENT",
                   {org + "/awards"}});
  auto delete_award = Make<v1::DeleteAwardRecordRequest>();
  delete_award->set_name(org + "/awards/2025");
  steps.push_back({"DeleteAwardRecord",
                   delete_award,
                   "DELETE",
                   "/v1/" + org + "/awards/2025",
                   "",
                   Make<v1::DeleteAwardRecordResponse>(),
                   "OK",
                   {org + "/awards/2025"}});

  auto assess = Make<v1::CreateSelfAssessmentRequest>();
  assess->set_parent(org);
  v1::SelfAssessment* sa = assess->mutable_self_assessment();
  sa->mutable_assessment_date()->set_year(2026);
  sa->mutable_assessment_date()->set_month(1);
  sa->mutable_assessment_date()->set_day(5);
  sa->set_assessor_certificate("ZJPS-2026-0001");
  for (const auto& item : sheet.items()) {
    auto* score = sa->add_items();
    score->set_item_code(item.item_code());
    score->set_percent(50);
  }
  steps.push_back({"CreateSelfAssessment",
                   assess,
                   "POST",
                   "/v1/" + org + "/assessments",
                   Json(*sa),
                   Make<v1::SelfAssessment>(),
                   "OK",
                   {kResponseName}});

  // Corrections and withdrawals name the assessment they change (here one
  // that does not exist: its id is only known once created).
  const std::string missing = org + "/assessments/999999999";
  auto correct = Make<v1::CorrectSelfAssessmentRequest>();
  correct->set_name(missing);
  *correct->mutable_self_assessment() = *sa;
  correct->set_reason("mis-scored");
  steps.push_back({"CorrectSelfAssessment",
                   correct,
                   "POST",
                   "/v1/" + missing + ":correct",
                   absl::StrCat(R"({"reason":"mis-scored","selfAssessment":)",
                                Json(*sa), "}"),
                   Make<v1::SelfAssessment>(),
                   "NOT_FOUND",
                   {missing}});
  auto withdraw = Make<v1::WithdrawSelfAssessmentRequest>();
  withdraw->set_name(missing);
  withdraw->set_reason("duplicate");
  steps.push_back({"WithdrawSelfAssessment",
                   withdraw,
                   "POST",
                   "/v1/" + missing + ":withdraw",
                   R"({"reason":"duplicate"})",
                   Make<v1::SelfAssessment>(),
                   "NOT_FOUND",
                   {missing}});

  auto reveal = Make<v1::RevealContactsRequest>();
  reveal->set_name(org);
  reveal->set_reason("award follow-up");
  steps.push_back({"RevealContacts",
                   reveal,
                   "POST",
                   "/v1/" + org + ":revealContacts",
                   R"({"reason":"award follow-up"})",
                   Make<v1::RevealContactsResponse>(),
                   "OK",
                   {org}});

  auto benchmark = Make<v1::CreateBenchmarkDesignationRequest>();
  benchmark->set_parent(org);
  benchmark->mutable_benchmark_designation()->set_year(2026);
  steps.push_back({"CreateBenchmarkDesignation",
                   benchmark,
                   "POST",
                   "/v1/" + org + "/benchmarks",
                   Json(benchmark->benchmark_designation()),
                   Make<v1::BenchmarkDesignation>(),
                   "OK",
                   {org + "/benchmarks/2026"}});
  auto delete_benchmark = Make<v1::DeleteBenchmarkDesignationRequest>();
  delete_benchmark->set_name(org + "/benchmarks/2026");
  steps.push_back({"DeleteBenchmarkDesignation",
                   delete_benchmark,
                   "DELETE",
                   "/v1/" + org + "/benchmarks/2026",
                   "",
                   Make<v1::DeleteBenchmarkDesignationResponse>(),
                   "OK",
                   {org + "/benchmarks/2026"}});

  auto association = Make<v1::CreateOrganizationRequest>();
  *association->mutable_organization() =
      NewOrg(a, v1::ORGANIZATION_KIND_INDUSTRY_ASSOCIATION);
  steps.push_back({"CreateOrganization",
                   association,
                   "POST",
                   "/v1/organizations",
                   Json(association->organization()),
                   Make<v1::Organization>(),
                   "OK",
                   {"organizations/" + a}});
  auto partner = Make<v1::CreatePartnershipRequest>();
  partner->mutable_partnership()->set_partner("organizations/" + a);
  partner->mutable_partnership()->add_industry_codes("65");
  steps.push_back({"CreatePartnership",
                   partner,
                   "POST",
                   "/v1/partnerships",
                   Json(partner->partnership()),
                   Make<v1::Partnership>(),
                   "OK",
                   {partnership}});
  auto update_partner = Make<v1::UpdatePartnershipRequest>();
  update_partner->mutable_partnership()->set_name(partnership);
  update_partner->mutable_partnership()->set_remarks("审计测试");
  update_partner->mutable_update_mask()->add_paths("remarks");
  steps.push_back({"UpdatePartnership",
                   update_partner,
                   "PATCH",
                   "/v1/" + partnership + "?updateMask=remarks",
                   Json(update_partner->partnership()),
                   Make<v1::Partnership>(),
                   "OK",
                   {partnership}});
  auto delete_partner = Make<v1::DeletePartnershipRequest>();
  delete_partner->set_name(partnership);
  steps.push_back({"DeletePartnership",
                   delete_partner,
                   "DELETE",
                   "/v1/" + partnership,
                   "",
                   Make<v1::DeletePartnershipResponse>(),
                   "OK",
                   {partnership}});

  auto remove = Make<v1::DeleteOrganizationRequest>();
  remove->set_name(org);
  steps.push_back({"DeleteOrganization",
                   remove,
                   "DELETE",
                   "/v1/" + org,
                   "",
                   Make<v1::Organization>(),
                   "OK",
                   {org}});
  auto undelete = Make<v1::UndeleteOrganizationRequest>();
  undelete->set_name(org);
  steps.push_back({"UndeleteOrganization",
                   undelete,
                   "POST",
                   "/v1/" + org + ":undelete",
                   "{}",
                   Make<v1::Organization>(),
                   "OK",
                   {org}});

  // Ten rows: the first eight are named, all ten counted.
  auto batch = Make<v1::BatchCreateOrganizationsRequest>();
  std::vector<std::string> rows;
  for (int i = 0; i < 10; ++i) {
    *batch->add_organizations() =
        NewOrg(MakeUscc(base + 10 + i), v1::ORGANIZATION_KIND_ENTERPRISE);
    if (i < 8) rows.push_back("organizations/" + MakeUscc(base + 10 + i));
  }
  std::string batch_json = Json(*batch);
  steps.push_back({"BatchCreateOrganizations", batch, "POST",
                   "/v1/organizations:batchCreate", batch_json,
                   Make<v1::BatchCreateOrganizationsResponse>(), "OK", rows,
                   10});
  return steps;
}

// The parsed audit lines by request id; every line must be valid JSON.
std::map<std::string, nlohmann::json> AuditById(
    const std::vector<std::string>& lines) {
  std::map<std::string, nlohmann::json> out;
  for (const std::string& line : lines) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << line;
    if (j.is_discarded()) continue;
    const std::string id = j.value("request_id", "");
    out[id] = std::move(j);
  }
  return out;
}

// Runs `step` through `gw` over `protocol` ("grpc" or "http") with
// `request_id`: the outcome's code name, the response parsed into
// step.response on OK.
std::string Run(GatewayProcess* gw, const std::string& protocol,
                const Step& step, const std::string& request_id) {
  GatewayChecks client{gw};
  if (protocol == "grpc") {
    auto md = client.Key("programme-office");
    md.emplace("x-request-id", request_id);
    std::string bytes;
    grpc::Status s = GenericUnaryCall(
        gw->channel, "/qpp.registry.v1.RegistryService/" + step.method,
        step.request->SerializeAsString(), md, &bytes);
    if (s.ok()) {
      EXPECT_TRUE(step.response->ParseFromString(bytes));
    }
    return std::string(metrics::CodeName(s.error_code()));
  }
  HttpResponse r = client.Http(step.verb, step.path, "programme-office",
                               step.body, {{"X-Request-Id", request_id}});
  if (r.status != 200) {
    nlohmann::json status = nlohmann::json::parse(r.body, nullptr, false);
    return status.is_object()
               ? std::string(metrics::CodeName(status.value("code", 2)))
               : absl::StrCat("HTTP ", r.status);
  }
  EXPECT_TRUE(
      google::protobuf::util::JsonStringToMessage(r.body, step.response.get())
          .ok())
      << r.body;
  return "OK";
}

// Every mutation through `gw` over `protocol`, then each call's audit line.
void CheckEveryMutation(GatewayProcess* gw, const std::string& protocol,
                        int base) {
  GatewayChecks client{gw};
  v1::ScoreSheet sheet;
  v1::GetScoreSheetRequest sheet_request;
  sheet_request.set_name("scoreSheets/current");
  std::string bytes;
  ASSERT_TRUE(GenericUnaryCall(gw->channel,
                               "/qpp.registry.v1.RegistryService/"
                               "GetScoreSheet",
                               sheet_request.SerializeAsString(),
                               client.Key("programme-office"), &bytes)
                  .ok());
  ASSERT_TRUE(sheet.ParseFromString(bytes));

  const std::string run = absl::StrCat("audit-", protocol, "-", getpid());
  std::vector<Step> steps = Mutations(base, sheet);
  std::set<std::string> covered;
  for (size_t i = 0; i < steps.size(); ++i) {
    Step& step = steps[i];
    ASSERT_EQ(Run(gw, protocol, step, absl::StrCat(run, "-", i)), step.code)
        << step.method;
    if (step.resources == std::vector<std::string>{kResponseName}) {
      const auto* name =
          step.response->GetDescriptor()->FindFieldByName("name");
      step.resources = {
          step.response->GetReflection()->GetString(*step.response, name)};
      EXPECT_TRUE(
          absl::StartsWith(step.resources[0],
                           "organizations/" + MakeUscc(base) + "/assessments/"))
          << step.resources[0];
    }
    covered.insert(step.method);
  }
  // The import stream: gRPC only (no HTTP route: 404, no rows read).
  const std::string import_id = absl::StrCat(run, "-import");
  std::vector<std::string> imported;
  if (protocol == "grpc") {
    auto stub = v1::RegistryService::NewStub(gw->channel);
    grpc::ClientContext ctx;
    ctx.AddMetadata("x-api-key", gw->keys["programme-office"]);
    ctx.AddMetadata("x-request-id", import_id);
    v1::ImportOrganizationsResponse response;
    auto writer = stub->ImportOrganizations(&ctx, &response);
    for (int chunk = 0; chunk < 2; ++chunk) {
      v1::ImportOrganizationsRequest rows;
      for (int i = 0; i < 6; ++i) {
        const std::string uscc = MakeUscc(base + 30 + chunk * 6 + i);
        *rows.add_organizations() =
            NewOrg(uscc, v1::ORGANIZATION_KIND_ENTERPRISE);
        if (imported.size() < 8) imported.push_back("organizations/" + uscc);
      }
      ASSERT_TRUE(writer->Write(rows));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    EXPECT_EQ(response.created_count(), 12);
  } else {
    EXPECT_EQ(client
                  .Http("POST", "/v1/organizations:import", "programme-office",
                        "{}", {{"X-Request-Id", import_id}})
                  .status,
              404);
  }
  covered.insert("ImportOrganizations");

  // Every mutation of the service has been called.
  const auto* service =
      v1::GetOrganizationRequest::descriptor()->file()->FindServiceByName(
          "RegistryService");
  for (int i = 0; i < service->method_count(); ++i) {
    if (gateway::IsMutationName(service->method(i)->name())) {
      EXPECT_EQ(covered.count(service->method(i)->name()), 1u)
          << service->method(i)->name() << " has no audit check";
    }
  }

  std::map<std::string, nlohmann::json> audit = AuditById(gw->AuditLines());
  for (size_t i = 0; i < steps.size(); ++i) {
    const Step& step = steps[i];
    const nlohmann::json& line = audit[absl::StrCat(run, "-", i)];
    SCOPED_TRACE(absl::StrCat(protocol, " ", step.method, " ", line.dump()));
    ASSERT_TRUE(line.is_object()) << "no audit line";
    EXPECT_EQ(line.value("method", ""),
              "/qpp.registry.v1.RegistryService/" + step.method);
    EXPECT_EQ(line.value("code", ""), step.code);
    EXPECT_EQ(line.value("resources", std::vector<std::string>{}),
              step.resources);
    EXPECT_EQ(line.value("resource_count", int64_t{0}), step.resource_count);
  }
  const nlohmann::json& import_line = audit[import_id];
  ASSERT_TRUE(import_line.is_object()) << "no audit line of the import";
  EXPECT_EQ(import_line.value("resources", std::vector<std::string>{}),
            imported)
      << import_line;
  EXPECT_EQ(import_line.value("resource_count", int64_t{0}),
            protocol == "grpc" ? 12 : 0)
      << import_line;
}

TEST_F(GatewayRegistryE2E, EveryMutationOverGrpcNamesItsResource) {
  CheckEveryMutation(gw_, "grpc", getpid() % 1000000 * 100);
}

TEST_F(GatewayRegistryE2E, EveryMutationOverHttpNamesItsResource) {
  CheckEveryMutation(gw_, "http", getpid() % 1000000 * 100 + 50);
}

}  // namespace
}  // namespace qpp::e2e
