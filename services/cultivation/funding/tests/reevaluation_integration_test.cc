// Re-evaluation on a real MariaDB: a registry change followed from its feed,
// an outbox request and a sweep each reach the decision feed; the feed's
// cursor survives a restart; and the time a change takes to reach the
// decision feed with the thread running.

#include <deque>

#include "services/cultivation/funding/src/reevaluation.h"
#include "services/cultivation/funding/tests/funding_fixture.h"

namespace qpp::funding {
namespace {

// The registry's feed as the test scripts it: every change ever appended,
// the cursor the index after the last one returned.
class ScriptedFeed final : public OrganizationFeed {
 public:
  absl::StatusOr<OrganizationChanges> Pull(const std::string& cursor,
                                           int limit) override {
    absl::MutexLock lock(&mu_);
    if (down_) return absl::UnavailableError("registry down");
    size_t at = cursor.empty() ? 0 : std::stoul(cursor);
    OrganizationChanges page;
    while (at < changes_.size() &&
           static_cast<int>(page.usccs.size()) < limit) {
      page.usccs.push_back(changes_[at++]);
    }
    page.next_cursor = std::to_string(at);
    ++pulls_;
    return page;
  }
  void Append(const std::string& uscc) {
    absl::MutexLock lock(&mu_);
    changes_.push_back(uscc);
  }
  void SetDown(bool down) {
    absl::MutexLock lock(&mu_);
    down_ = down;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> changes_ ABSL_GUARDED_BY(mu_);
  bool down_ ABSL_GUARDED_BY(mu_) = false;
  int pulls_ ABSL_GUARDED_BY(mu_) = 0;
};

class ReevaluationTest : public FundingIntegrationTest {
 protected:
  void SetUp() override {
    FundingIntegrationTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    repository_ = NewMysqlFundingRepository();
    CreateScheme("training-subsidy", v1::SCHEME_KIND_TRAINING_SUBSIDY);
    CreateScheme("acceptance-award", v1::SCHEME_KIND_ACCEPTANCE_AWARD);
  }

  std::unique_ptr<Reevaluator> NewReevaluator(
      absl::Duration poll = absl::Seconds(2)) {
    ReevaluationOptions options;
    options.poll_period = poll;
    options.page_size = 3;  // several pages in the tests
    return std::make_unique<Reevaluator>(*pool_, *repository_, *funding_,
                                         &feed_, options,
                                         [this] { return now_; });
  }

  // The outcome of the pair's latest decision in the feed.
  v1::Outcome LatestInFeed(int org, const std::string& scheme) {
    std::string token;
    v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
    for (const auto& change : Pull(token)) {
      if (change.decision().organization() == Org(org) &&
          change.decision().scheme() == "fundingSchemes/" + scheme) {
        outcome = change.decision().outcome();
      }
    }
    return outcome;
  }

  Facts WithStaff(int staff) {
    Facts f = facts_.Default();
    f.training.value = TrainingFacts{staff};
    return f;
  }

  std::unique_ptr<FundingRepository> repository_;
  ScriptedFeed feed_;
};

TEST_F(ReevaluationTest, RegistryChangesAreFollowedFromAStoredCursor) {
  for (int n = 1; n <= 5; ++n) {
    facts_.Set(Uscc(n), WithStaff(5));
    ASSERT_TRUE(Check("training-subsidy", n).ok());
  }
  // Organisation 2's credit becomes restricted; 7 changes in the feed,
  // organisations without decisions among them.
  Facts restricted = WithStaff(5);
  restricted.organization.value->credit_restricted = true;
  restricted.organization.value->credit_standing = "RESTRICTED";
  facts_.Set(Uscc(2), restricted);
  for (int n : {9, 2, 8, 2, 7, 6, 2}) feed_.Append(Uscc(n));

  auto reevaluator = NewReevaluator();
  auto evaluated = reevaluator->FollowRegistry();
  ASSERT_TRUE(evaluated.ok()) << evaluated.status();
  EXPECT_GE(*evaluated, 1);
  EXPECT_EQ(LatestInFeed(2, "training-subsidy"), v1::OUTCOME_INELIGIBLE);
  EXPECT_EQ(Count("eligibility_decisions"), 6);

  // A new reevaluator (a restart) resumes from the stored cursor: nothing
  // is evaluated again, and a later change is.
  reevaluator = NewReevaluator();
  evaluated = reevaluator->FollowRegistry();
  ASSERT_TRUE(evaluated.ok());
  EXPECT_EQ(*evaluated, 0);
  facts_.Set(Uscc(2), WithStaff(5));
  feed_.Append(Uscc(2));
  ASSERT_TRUE(reevaluator->FollowRegistry().ok());
  EXPECT_EQ(LatestInFeed(2, "training-subsidy"), v1::OUTCOME_ELIGIBLE);
  EXPECT_EQ(Count("eligibility_decisions"), 7);

  // The registry down: an error, the cursor unchanged, nothing written.
  feed_.SetDown(true);
  EXPECT_EQ(reevaluator->FollowRegistry().status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(Count("eligibility_decisions"), 7);
}

TEST_F(ReevaluationTest, OutboxEvaluatesEverySchemeOnce) {
  Facts accepted = facts_.Default();
  accepted.enrolment.value = EnrolmentFacts{true,
                                            false,
                                            absl::CivilDay(2024, 3, 1),
                                            absl::CivilDay(2026, 2, 28),
                                            "ACCEPTED",
                                            72,
                                            absl::CivilDay(2026, 3, 31)};
  facts_.Set(Uscc(4), accepted);
  {
    auto conn = pool_->Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE(
        repository_
            ->RequestReevaluation(**conn, Uscc(4), "enrolment accepted", now_)
            .ok());
  }
  auto reevaluator = NewReevaluator();
  auto evaluated = reevaluator->DrainOutbox();
  ASSERT_TRUE(evaluated.ok()) << evaluated.status();
  EXPECT_EQ(*evaluated, 2);  // both schemes
  EXPECT_EQ(LatestInFeed(4, "acceptance-award"), v1::OUTCOME_ELIGIBLE);
  EXPECT_EQ(Count("reevaluation_requests"), 0);
  EXPECT_EQ(*reevaluator->DrainOutbox(), 0);
}

TEST_F(ReevaluationTest, SweepCatchesFactsWithoutAFeed) {
  for (int n = 1; n <= 7; ++n) {
    facts_.Set(Uscc(n), WithStaff(5));
    ASSERT_TRUE(Check("training-subsidy", n).ok());
  }
  // Certificates of organisation 6 revoked in training: only the sweep
  // sees it.
  facts_.Set(Uscc(6), WithStaff(1));
  auto reevaluator = NewReevaluator();
  auto evaluated = reevaluator->Sweep();
  ASSERT_TRUE(evaluated.ok()) << evaluated.status();
  EXPECT_EQ(*evaluated, 7);
  EXPECT_EQ(LatestInFeed(6, "training-subsidy"), v1::OUTCOME_INELIGIBLE);
  EXPECT_EQ(Count("eligibility_decisions"), 8);
}

TEST_F(ReevaluationTest, ARegistryChangeReachesTheFeedWithinAPollPeriod) {
  facts_.Set(Uscc(1), WithStaff(5));
  ASSERT_TRUE(Check("training-subsidy", 1).ok());
  auto reevaluator = NewReevaluator(absl::Milliseconds(200));
  reevaluator->Start();
  absl::SleepFor(absl::Milliseconds(300));  // the first sweep is done

  Facts archived = WithStaff(5);
  archived.organization.value->archived = true;
  facts_.Set(Uscc(1), archived);
  const absl::Time changed = absl::Now();
  feed_.Append(Uscc(1));
  absl::Duration took = absl::InfiniteDuration();
  while (absl::Now() - changed < absl::Seconds(10)) {
    if (LatestInFeed(1, "training-subsidy") == v1::OUTCOME_INELIGIBLE) {
      took = absl::Now() - changed;
      break;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_LT(took, absl::Seconds(2)) << "with a poll period of 200 ms";
  std::printf("registry change -> decision feed: %s (poll period 200 ms)\n",
              absl::FormatDuration(took).c_str());
}

}  // namespace
}  // namespace qpp::funding
