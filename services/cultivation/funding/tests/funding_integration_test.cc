// Funding eligibility on a real MariaDB: schemes and rule versions,
// decisions for every scheme kind with their reasons and facts, pending
// when a fact cannot be read, the growth-plan priority read from
// cultivation's tables, the change feed under 10,000 concurrent
// decisions, the bulk listing, and disbursements with the cap enforced
// under concurrent payments.

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "common/testing/test_db.h"
#include "services/cultivation/funding/src/mysql_cultivation_facts.h"
#include "services/cultivation/funding/tests/funding_fixture.h"
#include "services/cultivation/src/migrations.h"

namespace qpp::funding {
namespace {

TEST_F(FundingIntegrationTest, SchemesAndRuleVersions) {
  const v1::FundingScheme scheme =
      CreateScheme("acceptance-award", v1::SCHEME_KIND_ACCEPTANCE_AWARD);
  EXPECT_EQ(scheme.rules_size(), 1);
  EXPECT_EQ(scheme.rules(0).name(), "fundingSchemes/acceptance-award/rules/1");

  // Bad input: every violation named, nothing written.
  v1::CreateFundingSchemeRequest bad;
  bad.mutable_funding_scheme()->set_name("fundingSchemes/A B");
  bad.mutable_rule()->set_amount_cap_fen(-1);
  bad.mutable_rule()->set_validity_months(99);
  v1::FundingScheme out;
  absl::Status s = funding_->CreateFundingScheme(bad, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_GE(status::FieldViolationsOf(s).size(), 5u);
  EXPECT_EQ(Count("funding_schemes"), 1);
  EXPECT_EQ(status::ReasonOf(funding_->CreateFundingScheme(
                [] {
                  v1::CreateFundingSchemeRequest r;
                  r.mutable_funding_scheme()->set_name(
                      "fundingSchemes/acceptance-award");
                  r.mutable_funding_scheme()->set_title("x");
                  r.mutable_funding_scheme()->set_kind(
                      v1::SCHEME_KIND_TRAINING_SUBSIDY);
                  *r.mutable_rule()->mutable_effective_from() =
                      dates::ToDate(absl::CivilDay(2026, 1, 1));
                  r.mutable_rule()->set_amount_cap_fen(1);
                  r.mutable_rule()->set_validity_months(1);
                  r.mutable_rule()->set_min_count(1);
                  r.mutable_rule()->set_basis("b");
                  return r;
                }(),
                &out)),
            "SCHEME_EXISTS");

  // A decision under version 1.
  Facts accepted = facts_.Default();
  accepted.enrolment.value = EnrolmentFacts{true,
                                            false,
                                            absl::CivilDay(2024, 3, 1),
                                            absl::CivilDay(2026, 2, 28),
                                            "ACCEPTED",
                                            72,
                                            absl::CivilDay(2026, 3, 31)};
  facts_.Set(Uscc(1), accepted);
  auto first = Check("acceptance-award", 1);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->rule(), "fundingSchemes/acceptance-award/rules/1");

  // Version 2 from 2027 with a higher minimum; one in the past or not after
  // the latest is refused.
  v1::CreateFundingRuleRequest rule;
  rule.set_parent("fundingSchemes/acceptance-award");
  *rule.mutable_rule() = scheme.rules(0);
  rule.mutable_rule()->set_min_score(75);
  *rule.mutable_rule()->mutable_effective_from() =
      dates::ToDate(absl::CivilDay(2026, 6, 1));
  v1::FundingRule created;
  EXPECT_EQ(funding_->CreateFundingRule(rule, &created).code(),
            absl::StatusCode::kInvalidArgument);
  *rule.mutable_rule()->mutable_effective_from() =
      dates::ToDate(absl::CivilDay(2027, 1, 1));
  ASSERT_TRUE(funding_->CreateFundingRule(rule, &created).ok());
  EXPECT_EQ(created.version(), 2);
  EXPECT_EQ(status::ReasonOf(funding_->CreateFundingRule(rule, &created)),
            "RULE_NOT_AFTER_LATEST");

  // Still 2026: the same decision stands. In 2027 version 2 applies and
  // gives a new decision; the first keeps version 1.
  auto again = Check("acceptance-award", 1);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->name(), first->name());
  now_ = absl::FromCivil(absl::CivilSecond(2027, 1, 2, 9, 0, 0),
                         dates::ChinaTime());
  auto later = Check("acceptance-award", 1);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(later->rule(), "fundingSchemes/acceptance-award/rules/2");
  EXPECT_EQ(later->outcome(), v1::OUTCOME_INELIGIBLE);
  EXPECT_EQ(later->reasons(0).code(), "SCORE_BELOW_MINIMUM");
  EXPECT_EQ(later->supersedes(), first->name());
  v1::GetEligibilityDecisionRequest get;
  get.set_name(first->name());
  v1::EligibilityDecision stored;
  ASSERT_TRUE(funding_->GetEligibilityDecision(get, &stored).ok());
  EXPECT_EQ(stored.rule(), "fundingSchemes/acceptance-award/rules/1");
  EXPECT_EQ(stored.outcome(), v1::OUTCOME_ELIGIBLE);
  EXPECT_TRUE(stored.superseded());
}

TEST_F(FundingIntegrationTest, DecisionsForEverySchemeWithReasonsAndFacts) {
  CreateScheme("launch-support", v1::SCHEME_KIND_EXCELLENCE_LAUNCH_SUPPORT);
  CreateScheme("growth-priority", v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY);
  CreateScheme("base-subsidy", v1::SCHEME_KIND_DEMONSTRATION_BASE_SUBSIDY);
  CreateScheme("training-subsidy", v1::SCHEME_KIND_TRAINING_SUBSIDY);

  Facts f = facts_.Default();
  f.enrolment.value = EnrolmentFacts{true, true, absl::CivilDay(2026, 3, 1),
                                     absl::CivilDay(2028, 2, 29)};
  f.growth_plan.value =
      GrowthPlanFacts{true, true, true, absl::CivilDay(2026, 5, 1)};
  f.base.value = DemonstrationBaseFacts{true, 7, false};
  f.training.value = TrainingFacts{5};
  facts_.Set(Uscc(1), f);  // eligible for all four
  Facts g = facts_.Default();
  g.base.value = DemonstrationBaseFacts{true, 2, true};
  g.training.value = TrainingFacts{1};
  facts_.Set(Uscc(2), g);  // eligible for none
  Facts restricted = f;
  restricted.organization.value->credit_restricted = true;
  restricted.organization.value->credit_standing = "RESTRICTED";
  facts_.Set(Uscc(3), restricted);

  const std::map<std::string, std::pair<std::string, std::string>> expected = {
      {"launch-support", {"ENROLMENT_ACTIVE", "NOT_ENROLLED"}},
      {"growth-priority", {"GROWTH_PLAN_PRIORITY", "NOT_IN_GROWTH_PLAN"}},
      {"base-subsidy", {"ACTIVE_BASE_ON_TRACK", "BEHIND_EVENT_MINIMUM"}},
      {"training-subsidy", {"CERTIFIED_STAFF", "TOO_FEW_CERTIFIED_STAFF"}},
  };
  for (const auto& [code, reasons] : expected) {
    auto yes = Check(code, 1);
    ASSERT_TRUE(yes.ok()) << yes.status();
    EXPECT_EQ(yes->outcome(), v1::OUTCOME_ELIGIBLE) << code;
    EXPECT_EQ(yes->reasons(0).code(), reasons.first) << code;
    EXPECT_EQ(yes->reasons(0).basis(), "深府办〔2026〕1号");
    EXPECT_GT(yes->amount_cap_fen(), 0);
    EXPECT_TRUE(dates::IsSet(yes->valid_to())) << code;
    EXPECT_GE(yes->facts_size(), 3) << code;
    auto no = Check(code, 2);
    ASSERT_TRUE(no.ok());
    EXPECT_EQ(no->outcome(), v1::OUTCOME_INELIGIBLE) << code;
    EXPECT_EQ(no->reasons(0).code(), reasons.second) << code;
    EXPECT_EQ(no->amount_cap_fen(), 0);
    auto credit = Check(code, 3);
    ASSERT_TRUE(credit.ok());
    EXPECT_EQ(credit->reasons(0).code(), "CREDIT_RESTRICTED") << code;
  }
  // The same facts again: no new decision.
  EXPECT_EQ(Count("eligibility_decisions"), 12);
  ASSERT_TRUE(Check("training-subsidy", 1).ok());
  EXPECT_EQ(Count("eligibility_decisions"), 12);

  // Unknown scheme, bad names: clear errors, nothing written.
  EXPECT_EQ(Check("no-such-scheme", 1).status().code(),
            absl::StatusCode::kNotFound);
  v1::CheckEligibilityRequest bad;
  bad.set_scheme("fundingSchemes/../x");
  bad.set_organization("organizations/123");
  v1::EligibilityDecision out;
  const absl::Status s = funding_->CheckEligibility({}, bad, &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status::FieldViolationsOf(s).size(), 2u);
  EXPECT_EQ(Count("eligibility_decisions"), 12);
}

// The growth-plan priority scheme on the facts cultivation stores: the
// growth-plan tables of a cultivation schema, read as the binary reads them.
TEST_F(FundingIntegrationTest, GrowthPlanPriorityFromCultivationTables) {
  auto cultivation_db = testing::TestDatabase::Create(
      "funding_growth_plan", cultivation::SchemaMigrations());
  ASSERT_TRUE(cultivation_db.ok()) << cultivation_db.status();
  if (*cultivation_db == nullptr) GTEST_SKIP() << "no database";
  db::ConnectionPool pool((*cultivation_db)->options(), nullptr);
  {
    auto conn = pool.Acquire();
    ASSERT_TRUE(conn.ok());
    // 11: passed in May, priority; 12: coached, not reviewed; 13: passed,
    // then failed (flag cleared); 14: passed in 2025, priority run out.
    const struct {
      int org;
      int passed;
      int priority;
      const char* day;
    } rows[] = {{11, 1, 1, "2026-05-01"},
                {12, 0, 0, nullptr},
                {13, 0, 0, "2026-06-01"},
                {14, 1, 1, "2025-06-01"}};
    for (const auto& r : rows) {
      ASSERT_TRUE(
          (*conn)
              ->Execute(
                  "INSERT INTO growth_plan_participants (organization_uscc, "
                  "organization_display_name, size_class, categories, "
                  "statement, review_passed, priority, review_date, "
                  "create_time, update_time, version) VALUES (?, 'x', "
                  "'SIZE_CLASS_SMALL', 4, '', ?, ?, ?, NOW(), NOW(), 1)",
                  {Uscc(r.org), int64_t{r.passed}, int64_t{r.priority},
                   r.day == nullptr ? db::SqlParam(nullptr)
                                    : db::SqlParam(std::string(r.day))})
              .ok());
    }
  }
  std::shared_ptr<CultivationFacts> stored = NewMysqlCultivationFacts(pool);
  CreateScheme("growth-priority", v1::SCHEME_KIND_GROWTH_PLAN_PRIORITY);
  const std::map<int, std::pair<v1::Outcome, std::string>> expected = {
      {11, {v1::OUTCOME_ELIGIBLE, "GROWTH_PLAN_PRIORITY"}},
      {12, {v1::OUTCOME_INELIGIBLE, "REVIEW_NOT_PASSED"}},
      {13, {v1::OUTCOME_INELIGIBLE, "REVIEW_NOT_PASSED"}},
      {14, {v1::OUTCOME_INELIGIBLE, "PRIORITY_PERIOD_ENDED"}},
      {15, {v1::OUTCOME_INELIGIBLE, "NOT_IN_GROWTH_PLAN"}},
  };
  for (const auto& [org, want] : expected) {
    auto read = stored->GrowthPlan(Uscc(org));
    ASSERT_TRUE(read.ok()) << read.status();
    EXPECT_EQ(read->participant, org != 15) << org;
    Facts f = facts_.Default();
    f.growth_plan.value = *read;
    facts_.Set(Uscc(org), f);
    auto decision = Check("growth-priority", org);
    ASSERT_TRUE(decision.ok()) << decision.status();
    EXPECT_EQ(decision->outcome(), want.first) << org;
    EXPECT_EQ(decision->reasons(0).code(), want.second) << org;
  }
  auto passed = stored->GrowthPlan(Uscc(11));
  ASSERT_TRUE(passed.ok());
  EXPECT_EQ(passed->reviewed_on, absl::CivilDay(2026, 5, 1));
}

TEST_F(FundingIntegrationTest, UnreadableFactsArePendingNeverEligible) {
  CreateScheme("training-subsidy", v1::SCHEME_KIND_TRAINING_SUBSIDY);
  Facts f = facts_.Default();
  f.training.value = TrainingFacts{9};
  facts_.Set(Uscc(1), f);
  auto eligible = Check("training-subsidy", 1);
  ASSERT_TRUE(eligible.ok());
  ASSERT_EQ(eligible->outcome(), v1::OUTCOME_ELIGIBLE);

  // Training stops answering: the decision becomes pending with the reason,
  // and the eligible one is superseded, so nothing can be paid against it.
  f.training.value.reset();
  f.training.unavailable_reason = "UNAVAILABLE: connection refused";
  facts_.Set(Uscc(1), f);
  auto pending = Check("training-subsidy", 1);
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->outcome(), v1::OUTCOME_PENDING);
  EXPECT_EQ(pending->reasons(0).code(), "FACT_UNAVAILABLE");
  EXPECT_NE(pending->reasons(0).detail().find("connection refused"),
            std::string::npos);
  EXPECT_EQ(status::ReasonOf(Pay(eligible->name(), 100, "V-1")),
            "DECISION_SUPERSEDED");
  EXPECT_EQ(status::ReasonOf(Pay(pending->name(), 100, "V-2")),
            "DECISION_NOT_ELIGIBLE");
  EXPECT_EQ(Count("disbursements"), 0);
}

TEST_F(FundingIntegrationTest, TenThousandConcurrentDecisionsInTheFeedOnce) {
  CreateScheme("training-subsidy", v1::SCHEME_KIND_TRAINING_SUBSIDY);
  constexpr int kOrgs = 10000;
  constexpr int kThreads = 16;
  std::atomic<int> failures{0};
  std::atomic<bool> writing{true};
  // A follower pulls while the writers write, storing its cursor.
  std::string token;
  std::vector<v1::DecisionChange> followed;
  std::thread follower([&] {
    while (writing.load()) {
      auto got = Pull(token);
      followed.insert(followed.end(), got.begin(), got.end());
      absl::SleepFor(absl::Milliseconds(20));
    }
  });
  std::vector<std::thread> writers;
  for (int t = 0; t < kThreads; ++t) {
    writers.emplace_back([&, t] {
      for (int n = 1 + t; n <= kOrgs; n += kThreads) {
        if (!Check("training-subsidy", n).ok()) ++failures;
      }
    });
  }
  for (auto& w : writers) w.join();
  writing = false;
  follower.join();
  const std::string before_last = token;
  auto rest = Pull(token);
  followed.insert(followed.end(), rest.begin(), rest.end());
  EXPECT_EQ(failures.load(), 0);

  // Every decision exactly once, numbered 1..N in order.
  ASSERT_EQ(followed.size(), static_cast<size_t>(kOrgs));
  std::set<std::string> names;
  for (size_t i = 0; i < followed.size(); ++i) {
    EXPECT_EQ(followed[i].sequence(), static_cast<int64_t>(i + 1));
    names.insert(followed[i].decision().name());
  }
  EXPECT_EQ(names.size(), static_cast<size_t>(kOrgs));
  EXPECT_EQ(Count("eligibility_decisions"), kOrgs);
  // A re-pull from a stored cursor gives the same changes.
  std::string replay = before_last;
  auto again = Pull(replay);
  ASSERT_EQ(again.size(), rest.size());
  for (size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].decision().name(), rest[i].decision().name());
  }
  EXPECT_EQ(replay, token);
  // Nothing new: an empty answer with the same cursor.
  EXPECT_TRUE(Pull(replay).empty());

  // The bulk listing of the scheme pages through all of them once.
  v1::ListEligibilityDecisionsRequest list;
  list.set_scheme("fundingSchemes/training-subsidy");
  list.set_outcome(v1::OUTCOME_INELIGIBLE);
  list.set_page_size(1000);
  std::set<std::string> listed;
  do {
    v1::ListEligibilityDecisionsResponse sent;
    ASSERT_TRUE(funding_->ListEligibilityDecisions(list, &sent).ok());
    const v1::ListEligibilityDecisionsResponse page = AsReceived(sent);
    for (const auto& d : page.decisions()) listed.insert(d.name());
    list.set_page_token(page.next_page_token());
  } while (!list.page_token().empty());
  EXPECT_EQ(listed, names);
  list.set_outcome(v1::OUTCOME_ELIGIBLE);
  v1::ListEligibilityDecisionsResponse none;
  ASSERT_TRUE(funding_->ListEligibilityDecisions(list, &none).ok());
  EXPECT_EQ(AsReceived(none).decisions_size(), 0);
}

TEST_F(FundingIntegrationTest, DisbursementsKeepTheCapUnderConcurrency) {
  CreateScheme("training-subsidy", v1::SCHEME_KIND_TRAINING_SUBSIDY, 100'000);
  Facts f = facts_.Default();
  f.training.value = TrainingFacts{4};
  facts_.Set(Uscc(1), f);
  auto decision = Check("training-subsidy", 1);
  ASSERT_TRUE(decision.ok());
  ASSERT_EQ(decision->outcome(), v1::OUTCOME_ELIGIBLE);

  // 20 payments of 10,000 fen at once against a cap of 100,000.
  std::atomic<int> paid{0}, capped{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      const absl::Status s =
          Pay(decision->name(), 10'000, absl::StrCat("V-", i),
              absl::CivilDay(2026, 11, 29));
      if (s.ok()) {
        ++paid;
      } else if (status::ReasonOf(s) == "CAP_EXCEEDED") {
        ++capped;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(paid.load(), 10);
  EXPECT_EQ(capped.load(), 10);
  EXPECT_EQ(other.load(), 0);
  v1::ListDisbursementsRequest list;
  list.set_parent(decision->name());
  v1::ListDisbursementsResponse listed;
  ASSERT_TRUE(funding_->ListDisbursements(list, &listed).ok());
  EXPECT_EQ(listed.total_fen(), 100'000);
  EXPECT_EQ(listed.disbursements(0).recorded_by(), "finance-funding");

  // Refusals write nothing.
  EXPECT_EQ(status::ReasonOf(Pay(decision->name(), 1, "V-early",
                                 absl::CivilDay(2026, 11, 1))),
            "OUTSIDE_VALIDITY");
  EXPECT_EQ(Pay(decision->name(), 0, "V-zero").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      Pay(decision->name(), 1, "V-future", absl::CivilDay(2026, 12, 1)).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Pay("eligibilityDecisions/999999", 1, "V-x").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Pay("eligibilityDecisions/abc", 1, "V-x").code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Count("disbursements"), 10);
}

TEST_F(FundingIntegrationTest, RetriedPaymentIsRecordedOnce) {
  CreateScheme("training-subsidy", v1::SCHEME_KIND_TRAINING_SUBSIDY, 100'000);
  Facts f = facts_.Default();
  f.training.value = TrainingFacts{4};
  facts_.Set(Uscc(1), f);
  auto decision = Check("training-subsidy", 1);
  ASSERT_TRUE(decision.ok());
  const std::string id = "6f1c2a4e-0d7b-4c1e-9a55-1b2c3d4e5f60";
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int attempt = 0; attempt < 20; ++attempt) {
        const absl::Status s = Pay(decision->name(), 5'000, "V-retried",
                                   absl::CivilDay(2026, 11, 29), id);
        if (s.ok()) {
          ++ok;
          return;
        }
        if (status::ReasonOf(s) != "REQUEST_IN_FLIGHT") return;
        absl::SleepFor(absl::Milliseconds(10));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(Count("disbursements"), 1);
  // The same voucher under another request is refused.
  EXPECT_EQ(status::ReasonOf(Pay(decision->name(), 5'000, "V-retried",
                                 absl::CivilDay(2026, 11, 29))),
            "VOUCHER_EXISTS");
  EXPECT_EQ(Count("disbursements"), 1);
}

TEST_F(FundingIntegrationTest, QualityRecordSaysWhichPartsItCouldRead) {
  Facts f = facts_.Default();
  f.enrolment.value = EnrolmentFacts{true,
                                     false,
                                     absl::CivilDay(2024, 3, 1),
                                     absl::CivilDay(2026, 2, 28),
                                     "ACCEPTED",
                                     72,
                                     absl::CivilDay(2026, 3, 31)};
  f.base.value = DemonstrationBaseFacts{true, 5, false};
  f.training.value.reset();
  f.training.unavailable_reason = "UNAVAILABLE: connection refused";
  facts_.Set(Uscc(1), f);
  v1::GetQualityRecordRequest req;
  req.set_organization(Org(1));
  v1::QualityRecord record;
  ASSERT_TRUE(funding_->GetQualityRecord({}, req, &record).ok());
  EXPECT_TRUE(record.registry().available());
  EXPECT_TRUE(record.cultivation().available());
  EXPECT_EQ(record.enrolment_outcome(), "ACCEPTED");
  EXPECT_EQ(record.acceptance_score(), 72);
  EXPECT_TRUE(record.demobase().available());
  EXPECT_EQ(record.events_held(), 5);
  EXPECT_FALSE(record.training().available());
  EXPECT_EQ(record.training().unavailable_reason(),
            "UNAVAILABLE: connection refused");

  Facts unknown = facts_.Default();
  unknown.organization.value->registered = false;
  facts_.Set(Uscc(2), unknown);
  req.set_organization(Org(2));
  EXPECT_EQ(funding_->GetQualityRecord({}, req, &record).code(),
            absl::StatusCode::kNotFound);
  req.set_organization("organizations/x");
  EXPECT_EQ(funding_->GetQualityRecord({}, req, &record).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qpp::funding
