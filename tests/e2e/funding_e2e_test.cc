// Funding eligibility end to end: the real registry, training, demobase and
// cultivation (which serves qpp.funding.v1.FundingService) binaries and the
// gateway on MariaDB (tests/e2e/cultivation_system.h). Through the gateway
// with the funding system's key: eligibility checked over HTTP/JSON and gRPC
// with reasons and facts, the decision feed, a disbursement and the cap; what
// that key may not call; a registry change reaching the decision feed by
// re-evaluation; training stopped giving PENDING, never ELIGIBLE; the
// evaluation consumer's quality record; the demonstration-base subsidy on the
// real demobase's figures, and demobase stopped giving PENDING.

#include <signal.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/dates/dates.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "qpp/funding/v1/funding_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "tests/e2e/cultivation_system.h"

namespace qpp::e2e {
namespace {

namespace funding_v1 = ::qpp::funding::v1;
namespace registry_v1 = ::qpp::registry::v1;
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

// A yearly minimum of events for qpp-demobase under which a base must have
// held exactly one event by today (demobase expects the minimum times the
// share of the year elapsed, rounded down): 0 events held is behind, 1 is
// on track, whatever the day of the year.
int MinimumOfOneEventToDate() {
  const absl::CivilDay today = dates::Today(absl::Now());
  const absl::CivilDay first(today.year(), 1, 1);
  const int64_t days = absl::CivilDay(today.year() + 1, 1, 1) - first;
  const int64_t elapsed = today - first + 1;
  return static_cast<int>((days + elapsed - 1) / elapsed);
}

class FundingE2eTest : public CultivationSystemTest {
 protected:
  void SetUp() override {
    StartSystem({.name = "funding_e2e",
                 .clients = {"programme-office", "finance-funding",
                             "procurement-platform"},
                 .cultivation_args = {"--reevaluation_poll_seconds=1"},
                 .demobase = true,
                 .demobase_args = {"--max_bases_per_year=10",
                                   absl::StrCat("--min_events_per_year=",
                                                MinimumOfOneEventToDate())}});
    if (HasFatalFailure() || IsSkipped()) return;
    stub_ = funding_v1::FundingService::NewStub(GatewayChannel());
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

  // Organisation `n`, registered earlier, holds a mayor's quality award,
  // which qualifies it as a demonstration base.
  void Award(int n) {
    auto r = Http("programme-office", "POST", "/v1/" + Org(n) + "/awards",
                  R"({"year":2020,"level":"AWARD_LEVEL_GRAND_AWARD",)"
                  R"("category":"制造业"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }

  // Designates organisation `n` a demonstration base of this year; returns
  // the base's name.
  std::string Designate(int n) {
    auto r = Http(
        "programme-office", "POST", "/v1/demonstrationBases",
        absl::StrCat(R"({"organization":")", Org(n), R"(","year":)",
                     dates::Today(absl::Now()).year(),
                     R"(,"theme":"卓越绩效现场管理","industry":"制造业"})"));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? json::parse(r.body)["name"].get<std::string>()
                           : "";
  }

  // Holds an open event at `base`: scheduled to start in a moment (events
  // are scheduled ahead), then recorded as held once it started.
  void HoldEvent(const std::string& base) {
    const absl::Time start = absl::Now() + absl::Seconds(1);
    auto format = [](absl::Time t) {
      return absl::FormatTime(absl::RFC3339_sec, t, absl::UTCTimeZone());
    };
    auto event = Http(
        "programme-office", "POST", "/v1/" + base + "/events",
        absl::StrCat(R"({"kind":"EVENT_KIND_OPEN_VISIT","topic":"开放日",)",
                     R"("startTime":")", format(start), R"(",)",
                     R"("endTime":")", format(start + absl::Hours(1)),
                     R"(","place":"南山区","capacity":20})"));
    ASSERT_EQ(event.status, 200) << event.body;
    const std::string name = json::parse(event.body)["name"];
    absl::SleepFor(start - absl::Now() + absl::Milliseconds(100));
    auto held = Http("programme-office", "POST", "/v1/" + name + ":markHeld",
                     R"({"attendance":12})");
    ASSERT_EQ(held.status, 200) << held.body;
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

  std::unique_ptr<funding_v1::FundingService::Stub> stub_;
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
    auto registry = registry_v1::RegistryService::NewStub(GatewayChannel());
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
  // Demobase answers: organisation 1 is no base.
  EXPECT_EQ(r.value("demobase", json::object()).value("available", false), true)
      << record.body;
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

// The demonstration-base operation subsidy on demobase's own figures: a
// base on track with its events is eligible, one behind the year's event
// minimum is not, and with demobase stopped the answer is PENDING naming
// demobase, never ELIGIBLE.
TEST_F(FundingE2eTest, TheBaseSubsidyFollowsDemobase) {
  auto scheme =
      Http("programme-office", "POST", "/v1/fundingSchemes",
           R"({"fundingScheme":{"name":"fundingSchemes/base-subsidy",)"
           R"("title":"示范基地运营补贴",)"
           R"("kind":"SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY"},)"
           R"("rule":{"effectiveFrom":{"year":2020,"month":1,"day":1},)"
           R"("amountCapFen":"500000","basis":"深府办〔2026〕1号 第九条"}})");
  ASSERT_EQ(scheme.status, 200) << scheme.body;
  for (int n : {11, 12, 13}) {
    Register(n);
    if (n != 13) Award(n);
  }
  const std::string on_track = Designate(11);
  const std::string behind = Designate(12);
  ASSERT_FALSE(on_track.empty());
  ASSERT_FALSE(behind.empty());
  HoldEvent(on_track);

  json yes = Check("finance-funding", "base-subsidy", 11);
  EXPECT_EQ(yes["outcome"], "OUTCOME_ELIGIBLE") << yes.dump();
  EXPECT_EQ(yes["reasons"][0]["code"], "ACTIVE_BASE_ON_TRACK") << yes.dump();
  EXPECT_EQ(yes["reasons"][0]["basis"], "深府办〔2026〕1号 第九条");
  std::map<std::string, std::string> facts;
  for (const auto& fact : yes["facts"]) {
    if (fact["source"] == "qpp.demobase.v1.DemoBaseService") {
      facts[fact["name"]] = fact["value"];
      EXPECT_TRUE(fact.contains("readTime")) << fact.dump();
    }
  }
  EXPECT_EQ(facts["demobase.active_base"], "true") << yes.dump();
  EXPECT_EQ(facts["demobase.events_held"], "1") << yes.dump();
  EXPECT_EQ(facts["demobase.behind_minimum"], "false") << yes.dump();

  json no = Check("finance-funding", "base-subsidy", 12);
  EXPECT_EQ(no["outcome"], "OUTCOME_INELIGIBLE") << no.dump();
  EXPECT_EQ(no["reasons"][0]["code"], "BEHIND_EVENT_MINIMUM") << no.dump();
  json none = Check("finance-funding", "base-subsidy", 13);
  EXPECT_EQ(none["outcome"], "OUTCOME_INELIGIBLE") << none.dump();
  EXPECT_EQ(none["reasons"][0]["code"], "NOT_A_BASE") << none.dump();

  // Demobase stopped: pending, naming demobase, for the base that was
  // eligible a moment ago.
  demobase_->process().Signal(SIGTERM);
  ASSERT_EQ(demobase_->process().Wait(25000), 0) << demobase_->Log();
  json pending = Check("finance-funding", "base-subsidy", 11);
  EXPECT_EQ(pending["outcome"], "OUTCOME_PENDING") << pending.dump();
  EXPECT_EQ(pending["reasons"][0]["code"], "FACT_UNAVAILABLE");
  EXPECT_NE(pending["reasons"][0]["detail"].get<std::string>().find(
                "qpp.demobase.v1.DemoBaseService"),
            std::string::npos)
      << pending.dump();
  // The eligible decision it replaced can no longer be paid against.
  auto late = Http("finance-funding", "POST",
                   "/v1/" + yes["name"].get<std::string>() + "/disbursements",
                   absl::StrCat(R"({"amountFen":"1","paidOn":)", Today(),
                                R"(,"voucherReference":"CZ-2026-0101"})"));
  EXPECT_NE(late.body.find("DECISION_SUPERSEDED"), std::string::npos)
      << late.body;
}

}  // namespace
}  // namespace qpp::e2e
