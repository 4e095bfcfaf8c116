#pragma once

// The fixture of funding's integration tests: a throwaway schema with
// funding's migrations, a pool, and Funding over a scripted FactSource
// (tests/e2e reads the facts from the real services).

#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "common/testing/database_test.h"
#include "common/validation/uscc.h"
#include "gtest/gtest.h"
#include "services/cultivation/funding/src/funding.h"
#include "services/cultivation/funding/src/migrations.h"

namespace qpp::funding {

inline std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000%07d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}
inline std::string Org(int n) { return "organizations/" + Uscc(n); }

// 2026-11-29 10:00 in Shanghai.
inline const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 29, 10, 0, 0), dates::ChinaTime());

// Facts set per organisation by the test; a registered enterprise in good
// standing with nothing else by default.
class ScriptedFacts final : public FactSource {
 public:
  Facts Read(const RequestContext&, const std::string& uscc, const FactNeeds&,
             absl::CivilDay) override {
    absl::MutexLock lock(&mu_);
    auto it = facts_.find(uscc);
    if (it != facts_.end()) return it->second;
    Facts facts;
    facts.organization.value =
        OrganizationFacts{true, true, false, "GOOD", false, "SMALL"};
    facts.organization.source = "qpp.registry.v1.RegistryService";
    facts.organization.read_time = kNow;
    facts.enrolment.value = EnrolmentFacts{};
    facts.growth_plan.value = GrowthPlanFacts{};
    facts.base.value = DemonstrationBaseFacts{};
    facts.training.value = TrainingFacts{};
    return facts;
  }
  absl::Status ReadRegistryRecord(const RequestContext&,
                                  const std::string& uscc,
                                  v1::QualityRecord* record) override {
    const Facts facts = Read({}, uscc, {}, {});
    record->set_organization("organizations/" + uscc);
    record->mutable_registry()->set_source("qpp.registry.v1.RegistryService");
    if (!facts.organization.value.has_value()) {
      record->mutable_registry()->set_unavailable_reason(
          facts.organization.unavailable_reason);
      return absl::OkStatus();
    }
    if (!facts.organization.value->registered) {
      return status::NotFound(record->organization());
    }
    record->mutable_registry()->set_available(true);
    record->set_credit_standing(facts.organization.value->credit_standing);
    return absl::OkStatus();
  }
  void Set(const std::string& uscc, Facts facts) {
    absl::MutexLock lock(&mu_);
    facts_[uscc] = std::move(facts);
  }
  Facts Default() { return Read({}, "", {}, {}); }

 private:
  absl::Mutex mu_;
  std::map<std::string, Facts> facts_ ABSL_GUARDED_BY(mu_);
};

class FundingIntegrationTest
    : public testing::DatabaseTest<FundingIntegrationTest> {
 public:
  static constexpr char kSchemaName[] = "funding";
  static const std::vector<db::MigrationFile>& SchemaMigrations() {
    return Migrations();
  }

 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(
        db_->Clear({"disbursements", "current_decisions",
                    "eligibility_decisions", "funding_rules", "funding_schemes",
                    "decision_feed_counter", "feed_cursors",
                    "reevaluation_requests", "idempotency_keys"})
            .ok());
    db::PoolOptions options = db_->options();
    options.acquire_timeout = absl::Seconds(60);
    pool_ = std::make_unique<db::ConnectionPool>(options, nullptr);
    {
      auto conn = pool_->Acquire();
      ASSERT_TRUE(conn.ok());
      ASSERT_TRUE((*conn)
                      ->Execute("INSERT INTO decision_feed_counter (id, "
                                "last_sequence) VALUES (1, 0)",
                                {})
                      .ok());
    }
    funding_ = std::make_unique<Funding>(*pool_, NewMysqlFundingRepository(),
                                         facts_, [this] { return now_; });
  }

  v1::FundingScheme CreateScheme(const std::string& code, v1::SchemeKind kind,
                                 int64_t cap = 10'000'000) {
    v1::CreateFundingSchemeRequest req;
    req.mutable_funding_scheme()->set_name("fundingSchemes/" + code);
    req.mutable_funding_scheme()->set_title("资助 " + code);
    req.mutable_funding_scheme()->set_kind(kind);
    *req.mutable_rule()->mutable_effective_from() =
        dates::ToDate(absl::CivilDay(2026, 1, 1));
    req.mutable_rule()->set_amount_cap_fen(cap);
    req.mutable_rule()->set_validity_months(12);
    req.mutable_rule()->set_min_score(60);
    req.mutable_rule()->set_min_count(3);
    req.mutable_rule()->set_basis("深府办〔2026〕1号");
    v1::FundingScheme out;
    const absl::Status s = funding_->CreateFundingScheme(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  absl::StatusOr<v1::EligibilityDecision> Check(const std::string& code,
                                                int org) {
    v1::CheckEligibilityRequest req;
    req.set_scheme("fundingSchemes/" + code);
    req.set_organization(Org(org));
    v1::EligibilityDecision out;
    QPP_RETURN_IF_ERROR(funding_->CheckEligibility({}, req, &out));
    return out;
  }

  absl::Status Pay(const std::string& decision, int64_t fen,
                   const std::string& voucher,
                   absl::CivilDay on = absl::CivilDay(2026, 11, 28),
                   const std::string& request_id = "") {
    v1::CreateDisbursementRequest req;
    req.set_parent(decision);
    req.mutable_disbursement()->set_amount_fen(fen);
    *req.mutable_disbursement()->mutable_paid_on() = dates::ToDate(on);
    req.mutable_disbursement()->set_voucher_reference(voucher);
    req.set_request_id(request_id);
    v1::Disbursement out;
    RequestContext call;
    call.set_principal(Principal{"finance-funding", "funding_system", ""});
    return funding_->CreateDisbursement(call, req, &out);
  }

  int64_t Count(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) FROM " + table);
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  // A listing as its callers receive it: its entries are written in wire
  // form (decision_wire.h), read once the response is serialized.
  template <typename Response>
  static Response AsReceived(const Response& resp) {
    Response out;
    EXPECT_TRUE(out.ParseFromString(resp.SerializeAsString()));
    return out;
  }

  // Every change from `token` on, and the token to continue from.
  std::vector<v1::DecisionChange> Pull(std::string& token) {
    std::vector<v1::DecisionChange> out;
    for (;;) {
      v1::ListDecisionChangesRequest req;
      req.set_page_size(1000);
      req.set_page_token(token);
      v1::ListDecisionChangesResponse sent;
      const absl::Status s = funding_->ListDecisionChanges(req, &sent);
      EXPECT_TRUE(s.ok()) << s;
      if (!s.ok()) return out;
      const v1::ListDecisionChangesResponse resp = AsReceived(sent);
      token = resp.next_page_token();
      for (const auto& c : resp.changes()) out.push_back(c);
      if (resp.changes_size() < 1000) return out;
    }
  }

  absl::Time now_ = kNow;
  ScriptedFacts facts_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<Funding> funding_;
};

}  // namespace qpp::funding
