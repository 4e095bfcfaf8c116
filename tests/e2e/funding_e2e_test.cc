// Funding eligibility end to end: the real registry, training and
// cultivation (which serves qpp.funding.v1.FundingService) binaries and the
// gateway on MariaDB. Through the gateway with the funding system's key:
// eligibility checked over HTTP/JSON and gRPC with reasons and facts, the
// decision feed, a disbursement and the cap; what that key may not call; a
// registry change reaching the decision feed by re-evaluation; training
// stopped giving PENDING, never ELIGIBLE; the evaluation consumer's
// quality record.

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "qpp/funding/v1/funding_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/cultivation/src/migrations.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/tests/test_util.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

namespace qpp::e2e {
namespace {

namespace fs = std::filesystem;
namespace funding_v1 = ::qpp::funding::v1;
namespace registry_v1 = ::qpp::registry::v1;
namespace training_v1 = ::qpp::training::v1;
using nlohmann::json;

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000009%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}
std::string Org(int n) { return "organizations/" + Uscc(n); }

// Today in Asia/Shanghai as a JSON qpp.type.v1.Date.
std::string Today() {
  const absl::CivilDay d = dates::Today(absl::Now());
  return absl::StrFormat(R"({"year":%d,"month":%d,"day":%d})", d.year(),
                         d.month(), d.day());
}

class FundingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry_db = testing::TestDatabase::Create("funding_e2e_registry",
                                                     registry::Migrations());
    ASSERT_TRUE(registry_db.ok()) << registry_db.status();
    registry_db_ = std::move(*registry_db);
    QPP_SKIP_WITHOUT_DB(registry_db_);
    auto training_db = testing::TestDatabase::Create("funding_e2e_training",
                                                     training::Migrations());
    ASSERT_TRUE(training_db.ok()) << training_db.status();
    training_db_ = std::move(*training_db);
    auto cultivation_db = testing::TestDatabase::Create(
        "funding_e2e", cultivation::SchemaMigrations());
    ASSERT_TRUE(cultivation_db.ok()) << cultivation_db.status();
    cultivation_db_ = std::move(*cultivation_db);

    registry_ = Start("qpp-registry", registry_db_->options().connection,
                      registry_v1::RegistryService::service_full_name(), {});
    ASSERT_NE(registry_, nullptr);
    training_ =
        Start("qpp-training", training_db_->options().connection,
              training_v1::TrainingService::service_full_name(),
              {absl::StrCat("--registry_address=", registry_->address())});
    ASSERT_NE(training_, nullptr);
    cultivation_ =
        Start("qpp-cultivation", cultivation_db_->options().connection,
              funding_v1::FundingService::service_full_name(),
              {absl::StrCat("--registry_address=", registry_->address()),
               absl::StrCat("--training_address=", training_->address()),
               "--demobase_address=", "--reevaluation_poll_seconds=1"});
    ASSERT_NE(cultivation_, nullptr);

    dir_ =
        fs::temp_directory_path() / absl::StrCat("qpp_funding_e2e_", getpid());
    fs::create_directories(dir_);
    std::ofstream keys(dir_ / "keys");
    for (const char* client :
         {"programme-office", "finance-funding", "procurement-platform"}) {
      auto key = gateway::GenerateKey(client);
      ASSERT_TRUE(key.ok());
      keys_[client] = key->key;
      keys << key->entry << "\n";
    }
    keys.close();
    http_port_ = testing::FreePort();
    grpc_port_ = testing::FreePort();
    auto gateway = testing::ChildProcess::Start(
        testing::BinDir() + "/qpp-gateway",
        {absl::StrCat("--listen_address=127.0.0.1:", grpc_port_),
         absl::StrCat("--http_address=127.0.0.1:", http_port_),
         "--metrics_address=",
         absl::StrCat(
             "--backends=qpp.registry.v1.RegistryService=",
             registry_->address(),
             ",qpp.training.v1.TrainingService=", training_->address(),
             ",qpp.funding.v1.FundingService=", cultivation_->address(),
             ",qpp.cultivation.v1.CultivationService=",
             cultivation_->address()),
         "--api_keys_file=" + (dir_ / "keys").string(),
         "--policy_file=" + std::string(QPP_SOURCE_DIR) +
             "/deploy/gateway/policy.json",
         "--audit_dir=" + (dir_ / "audit").string()},
        {}, (dir_ / "gateway.log").string());
    ASSERT_TRUE(gateway.ok()) << gateway.status();
    gateway_ = std::move(*gateway);
    const auto end = absl::Now() + absl::Seconds(30);
    bool up = false;
    while (!up && absl::Now() < end) {
      gateway::testing::HttpClient client(http_port_);
      auto r = client.Send("GET", "/healthz");
      up = r.ok() && r->status == 200;
      if (!up) absl::SleepFor(absl::Milliseconds(200));
    }
    ASSERT_TRUE(up) << "the gateway did not become healthy";
    stub_ = funding_v1::FundingService::NewStub(
        testing::FreshChannel(absl::StrCat("127.0.0.1:", grpc_port_)));
  }

  void TearDown() override {
    if (gateway_ != nullptr) {
      gateway_->Signal(SIGTERM);
      gateway_->Wait(10000);
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  static std::unique_ptr<testing::ServiceProcess> Start(
      const std::string& binary, const db::ConnectionOptions& db,
      const std::string& health, std::vector<std::string> args) {
    testing::ServiceProcessOptions o;
    o.binary = binary;
    o.db = db;
    o.health_service = health;
    o.args = std::move(args);
    auto started = testing::ServiceProcess::Start(std::move(o));
    EXPECT_TRUE(started.ok()) << started.status();
    if (!started.ok()) return nullptr;
    if (!(*started)->WaitServing(absl::Seconds(30))) {
      ADD_FAILURE() << (*started)->Log();
      return nullptr;
    }
    return std::move(*started);
  }

  gateway::testing::HttpResponse Http(const std::string& client,
                                      const std::string& method,
                                      const std::string& path,
                                      const std::string& body = "") {
    gateway::testing::HttpClient http(http_port_);
    std::map<std::string, std::string> headers = {{"X-Api-Key", keys_[client]}};
    if (!body.empty()) headers["Content-Type"] = "application/json";
    auto r = http.Send(method, path, headers, body);
    return r.ok() ? *r : gateway::testing::HttpResponse{};
  }

  void Register(int n) {
    auto r =
        Http("programme-office", "POST", "/v1/organizations",
             absl::StrCat(R"({"uscc":")", Uscc(n),
                          R"(","displayName":"深圳市资助测试)", n,
                          R"(有限公司","kind":"ORGANIZATION_KIND_ENTERPRISE",)",
                          R"("districtCode":"440305","industryCode":"39"})"));
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // A trainee of organisation `n` holding a valid recognised certificate.
  void Certify(int n, int person) {
    const std::string first17 = absl::StrFormat("44030419800101%03d", person);
    auto trainee =
        Http("programme-office", "POST", "/v1/trainees",
             absl::StrCat(
                 R"({"displayName":"王小红","residentId":")", first17,
                 std::string(1, validation::ResidentIdCheckCharacter(first17)),
                 R"(","phone":"13912345678","employer":")", Org(n), R"("})"));
    ASSERT_EQ(trainee.status, 200) << trainee.body;
    auto cert =
        Http("programme-office", "POST", "/v1/certificates:recognize",
             absl::StrCat(
                 R"({"holder":")",
                 json::parse(trainee.body)["name"].get<std::string>(),
                 R"(","certificateType":"CERTIFICATE_TYPE_QUALITY_ENGINEER",)",
                 R"("issuingBody":"Hong Kong Society for Quality",)",
                 R"("issueDate":{"year":2026,"month":1,"day":5}})"));
    ASSERT_EQ(cert.status, 200) << cert.body;
  }

  json Check(const std::string& client, const std::string& scheme, int n,
             int* status = nullptr) {
    auto r =
        Http(client, "POST",
             absl::StrCat("/v1/fundingSchemes/", scheme, ":checkEligibility"),
             absl::StrCat(R"({"organization":")", Org(n), R"("})"));
    if (status != nullptr) *status = r.status;
    EXPECT_EQ(r.status, status == nullptr ? 200 : r.status) << r.body;
    return r.status == 200 ? json::parse(r.body) : json::object();
  }

  // Every entry of the decision feed.
  json Feed() {
    json all = json::array();
    std::string token;
    for (int i = 0; i < 100; ++i) {
      auto r = Http("finance-funding", "GET",
                    "/v1/eligibilityDecisions:changes?pageSize=1000" +
                        (token.empty() ? "" : "&pageToken=" + token));
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      json page = json::parse(r.body);
      for (auto& c : page.value("changes", json::array())) all.push_back(c);
      if (page.value("changes", json::array()).size() < 1000) break;
      token = page["nextPageToken"];
    }
    return all;
  }

  std::unique_ptr<testing::TestDatabase> registry_db_;
  std::unique_ptr<testing::TestDatabase> training_db_;
  std::unique_ptr<testing::TestDatabase> cultivation_db_;
  std::unique_ptr<testing::ServiceProcess> registry_;
  std::unique_ptr<testing::ServiceProcess> training_;
  std::unique_ptr<testing::ServiceProcess> cultivation_;
  std::unique_ptr<testing::ChildProcess> gateway_;
  std::unique_ptr<funding_v1::FundingService::Stub> stub_;
  std::map<std::string, std::string> keys_;
  fs::path dir_;
  int http_port_ = 0;
  int grpc_port_ = 0;
};

TEST_F(FundingE2eTest, TheFundingSystemChecksFollowsAndPays) {
  // The programme office defines the scheme.
  auto scheme =
      Http("programme-office", "POST", "/v1/fundingSchemes",
           R"({"fundingScheme":{"name":"fundingSchemes/training-subsidy",)"
           R"("title":"质量培训补贴","kind":"SCHEME_KIND_TRAINING_SUBSIDY"},)"
           R"("rule":{"effectiveFrom":{"year":2020,"month":1,"day":1},)"
           R"("amountCapFen":"100000","validityMonths":12,"minCount":1,)"
           R"("basis":"深府办〔2026〕1号 第七条"}})");
  ASSERT_EQ(scheme.status, 200) << scheme.body;
  Register(1);
  Register(2);
  Certify(1, 1);

  // Eligible with its reasons and facts, over HTTP/JSON.
  json yes = Check("finance-funding", "training-subsidy", 1);
  EXPECT_EQ(yes["outcome"], "OUTCOME_ELIGIBLE") << yes.dump();
  EXPECT_EQ(yes["reasons"][0]["code"], "CERTIFIED_STAFF");
  EXPECT_EQ(yes["reasons"][0]["basis"], "深府办〔2026〕1号 第七条");
  bool read_from_training = false;
  for (const auto& fact : yes["facts"]) {
    if (fact["source"] == "qpp.training.v1.TrainingService") {
      read_from_training = fact["value"] == "1";
    }
  }
  EXPECT_TRUE(read_from_training) << yes.dump();
  // Ineligible, over gRPC.
  funding_v1::CheckEligibilityRequest req;
  req.set_scheme("fundingSchemes/training-subsidy");
  req.set_organization(Org(2));
  funding_v1::EligibilityDecision no;
  grpc::ClientContext ctx;
  ctx.AddMetadata("x-api-key", keys_["finance-funding"]);
  ASSERT_TRUE(stub_->CheckEligibility(&ctx, req, &no).ok());
  EXPECT_EQ(no.outcome(), funding_v1::OUTCOME_INELIGIBLE);
  EXPECT_EQ(no.reasons(0).code(), "TOO_FEW_CERTIFIED_STAFF");

  // A payment, then one past the cap.
  const std::string decision = yes["name"];
  auto paid =
      Http("finance-funding", "POST", "/v1/" + decision + "/disbursements",
           absl::StrCat(R"({"amountFen":"60000","paidOn":)", Today(),
                        R"(,"voucherReference":"CZ-2026-0001"})"));
  EXPECT_EQ(paid.status, 200) << paid.body;
  auto over =
      Http("finance-funding", "POST", "/v1/" + decision + "/disbursements",
           absl::StrCat(R"({"amountFen":"60000","paidOn":)", Today(),
                        R"(,"voucherReference":"CZ-2026-0002"})"));
  EXPECT_EQ(over.status, 400) << over.body;  // FAILED_PRECONDITION
  EXPECT_NE(over.body.find("CAP_EXCEEDED"), std::string::npos);

  // It reads the decision, the day's listing and the payments back.
  auto got = Http("finance-funding", "GET", "/v1/" + decision);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(json::parse(got.body)["outcome"], "OUTCOME_ELIGIBLE");
  auto listed = Http("finance-funding", "GET",
                     "/v1/fundingSchemes/training-subsidy/eligibilityDecisions"
                     "?outcome=OUTCOME_ELIGIBLE");
  ASSERT_EQ(listed.status, 200) << listed.body;
  ASSERT_EQ(json::parse(listed.body)["decisions"].size(), 1u) << listed.body;
  EXPECT_EQ(json::parse(listed.body)["decisions"][0]["name"], decision);
  auto payments =
      Http("finance-funding", "GET", "/v1/" + decision + "/disbursements");
  ASSERT_EQ(payments.status, 200) << payments.body;
  EXPECT_EQ(json::parse(payments.body)["totalFen"], "60000") << payments.body;

  // What the funding system's key may not do: define schemes, read
  // organisations, their feed or their quality record, or call any other
  // service.
  EXPECT_EQ(Http("finance-funding", "POST", "/v1/fundingSchemes", "{}").status,
            403);
  EXPECT_EQ(Http("finance-funding", "GET", "/v1/fundingSchemes").status, 403);
  EXPECT_EQ(Http("finance-funding", "GET", "/v1/" + Org(1)).status, 403);
  EXPECT_EQ(Http("finance-funding", "GET", "/v1/organizations").status, 403);
  EXPECT_EQ(Http("finance-funding", "GET", "/v1/organizations:changes").status,
            403);
  {
    auto registry = registry_v1::RegistryService::NewStub(
        testing::FreshChannel(absl::StrCat("127.0.0.1:", grpc_port_)));
    grpc::ClientContext registry_ctx;
    registry_ctx.AddMetadata("x-api-key", keys_["finance-funding"]);
    registry_v1::GetOrganizationRequest get;
    get.set_name(Org(1));
    registry_v1::Organization org;
    EXPECT_EQ(registry->GetOrganization(&registry_ctx, get, &org).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
  }
  EXPECT_EQ(
      Http("finance-funding", "GET", "/v1/" + Org(1) + "/qualityRecord").status,
      403);
  EXPECT_EQ(
      Http("finance-funding", "POST", "/v1/cohorts", R"({"year":2099})").status,
      403);
  // The evaluation consumer reads the quality record, and nothing else.
  auto record =
      Http("procurement-platform", "GET", "/v1/" + Org(1) + "/qualityRecord");
  ASSERT_EQ(record.status, 200) << record.body;
  const json r = json::parse(record.body);
  EXPECT_EQ(r["registry"]["available"], true);
  EXPECT_EQ(r["training"]["available"], true);
  EXPECT_EQ(r["certifiedStaff"], 1);
  EXPECT_EQ(r.value("demobase", json::object()).value("available", false),
            false);
  int status = 0;
  Check("procurement-platform", "training-subsidy", 1, &status);
  EXPECT_EQ(status, 403);

  // The registry restricts organisation 1's credit: re-evaluation follows
  // its change feed and the new decision reaches the decision feed.
  const size_t before = Feed().size();
  auto restricted =
      Http("programme-office", "PATCH", "/v1/" + Org(1) + "?updateMask=credit",
           R"({"credit":{"standing":"CREDIT_STANDING_RESTRICTED",)"
           R"("since":{"year":2026,"month":11,"day":1},"reason":"失信名单"}})");
  ASSERT_EQ(restricted.status, 200) << restricted.body;
  const absl::Time changed = absl::Now();
  bool arrived = false;
  while (!arrived && absl::Now() - changed < absl::Seconds(20)) {
    json feed = Feed();
    for (size_t i = before; i < feed.size(); ++i) {
      const json& d = feed[i]["decision"];
      arrived |= d["organization"] == Org(1) &&
                 d["reasons"][0]["code"] == "CREDIT_RESTRICTED";
    }
    if (!arrived) absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_TRUE(arrived) << cultivation_->Log();
  std::printf("registry change -> decision feed: %s\n",
              absl::FormatDuration(absl::Now() - changed).c_str());
  // The eligible decision it replaced can no longer be paid against.
  auto late =
      Http("finance-funding", "POST", "/v1/" + decision + "/disbursements",
           absl::StrCat(R"({"amountFen":"1","paidOn":)", Today(),
                        R"(,"voucherReference":"CZ-2026-0003"})"));
  EXPECT_NE(late.body.find("DECISION_SUPERSEDED"), std::string::npos)
      << late.body;

  // Training stopped: pending with the reason, never eligible.
  Certify(2, 2);
  training_->process().Signal(SIGTERM);
  training_->process().Wait(10000);
  json pending = Check("finance-funding", "training-subsidy", 2);
  EXPECT_EQ(pending["outcome"], "OUTCOME_PENDING") << pending.dump();
  EXPECT_EQ(pending["reasons"][0]["code"], "FACT_UNAVAILABLE");
}

}  // namespace
}  // namespace qpp::e2e
