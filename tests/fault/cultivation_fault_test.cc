// Faults while cultivation's and funding's load runs through the gateway:
// cultivation (which also serves funding) killed, stopped gracefully, paused
// and killed while its callers retry, and MariaDB restarted under eligibility
// checks. The load is cultivation's applications (each enterprise once),
// expert assignments and scorings, and the funding system's
// CheckEligibility and decision-feed pulls (with its own key), every attempt
// that ends UNAVAILABLE or DEADLINE_EXCEEDED retried with the same request,
// request id included. Each case ends with both ledgers' checks against
// cultivation's database: every acknowledged application stored exactly
// once, no (cohort, organisation) applied for twice, reviews neither lost
// nor doubled, no eligibility answered wrongly, the decision feed without
// gaps or repeats; and the time until SERVING again. Shares the system of
// fault_test.cc; QPP_FAULT_LOAD_SECONDS and QPP_FAULT_CONCURRENCY as there.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/fault/fault_system.h"
#include "tests/load/cultivation_mix.h"
#include "tests/load/funding_mix.h"
#include "tests/load/load_engine.h"

namespace qpp::fault {
namespace {

using load::LoadReport;

FaultSystem* system_ = nullptr;
std::atomic<int> next_case{0};

// A positive integer from the environment, else `fallback`.
int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  int n = 0;
  return v != nullptr && absl::SimpleAtoi(v, &n) && n > 0 ? n : fallback;
}

// Reports the problems a ledger's check found, and its counts.
void ExpectClean(const std::string& label, const std::string& what,
                 const std::vector<std::string>& problems, int64_t checked,
                 int64_t acknowledged) {
  for (const std::string& p : problems) ADD_FAILURE() << label << ": " << p;
  std::cout << label << ": " << what << " ledger " << checked << " entries, "
            << acknowledged << " acknowledged, " << problems.size()
            << " problems\n";
  EXPECT_GT(acknowledged, 0) << label << ": " << what;
}

// Relative weights of the calls of a case.
struct Weights {
  double apply = 3, assign = 2, score = 2, check = 4, feed = 1;
};

class CultivationFaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { system_ = SharedFaultSystem(); }
  static void TearDownTestSuite() { system_ = nullptr; }

  void SetUp() override {
    ASSERT_NE(system_, nullptr) << "the system under test did not start";
    const absl::Status restarted = system_->RestartStopped();
    ASSERT_TRUE(restarted.ok()) << restarted;
  }

  // Runs cultivation's and funding's shares through the gateway for the
  // case's duration, calls `fault` one second in (on this thread), then
  // checks both ledgers. `fault` returns the time until SERVING again.
  LoadReport RunWithFault(const std::string& label, const Weights& weights,
                          const std::function<absl::Duration()>& fault) {
    const int run = (static_cast<int>(getpid() % 400) + next_case++) % 500;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    auto channel = grpc::CreateCustomChannel(
        system_->gateway_address(), grpc::InsecureChannelCredentials(), args);
    load::LoadOptions options;
    options.concurrency = EnvInt("QPP_FAULT_CONCURRENCY", 8);
    options.duration = absl::Seconds(EnvInt("QPP_FAULT_LOAD_SECONDS", 5));
    options.deadline = absl::Seconds(1);
    options.retry = true;
    options.retry_budget = absl::Seconds(30);
    options.metadata.push_back({"x-api-key", system_->api_key()});

    load::CultivationMixOptions cultivation_mix;
    cultivation_mix.organizations = 200;
    cultivation_mix.run = run;
    cultivation_mix.apply_weight = weights.apply;
    cultivation_mix.assign_weight = weights.assign;
    cultivation_mix.score_weight = weights.score;
    load::CultivationLedger cultivation_ledger;
    auto cultivation =
        load::SetUpCultivation(channel, options.metadata, cultivation_mix);
    EXPECT_TRUE(cultivation.ok()) << cultivation.status();
    std::vector<load::Operation> ops;
    if (cultivation.ok()) {
      ops = load::CultivationMix(channel, *cultivation, cultivation_mix,
                                 &cultivation_ledger);
    }
    load::FundingMixOptions funding_mix;
    funding_mix.organizations = 30;
    funding_mix.run = run;
    funding_mix.check_weight = weights.check;
    funding_mix.feed_weight = weights.feed;
    load::FundingLedger funding_ledger;
    auto funding = load::SetUpFunding(channel, options.metadata, funding_mix);
    EXPECT_TRUE(funding.ok()) << funding.status();
    if (funding.ok()) {
      for (load::Operation& op : load::FundingMix(
               channel, *funding, funding_mix,
               {{"x-api-key", system_->funding_api_key()}}, &funding_ledger)) {
        ops.push_back(std::move(op));
      }
    }

    auto running = std::async(std::launch::async,
                              [&] { return load::RunLoad(ops, options); });
    absl::SleepFor(absl::Seconds(1));
    const absl::Duration recovery = fault();
    LoadReport report = running.get();

    std::cout << "---- " << label << ": SERVING again after "
              << absl::FormatDuration(recovery) << "\n"
              << report.Table();
    EXPECT_LT(recovery, absl::Seconds(15)) << label;
    // Every logical call ended OK: the faults cost retries, not answers.
    for (const auto& [name, m] : report.methods) {
      for (const auto& [code, n] : m.codes) {
        EXPECT_EQ(code, grpc::StatusCode::OK)
            << label << ": " << name << " ended " << load::CodeName(code) << " "
            << n << " times";
      }
    }
    auto conn = system_->ConnectDatabase("cultivation");
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (conn.ok() && cultivation.ok()) {
      int64_t checked = 0;
      const std::vector<std::string> problems = load::VerifyCultivationLedger(
          **conn, *cultivation, cultivation_ledger, &checked);
      ExpectClean(label, "cultivation", problems, checked,
                  cultivation_ledger.acknowledged());
      std::cout << label << ": cultivation "
                << cultivation_ledger.reviews_acknowledged()
                << " assignments and scorings acknowledged\n";
    }
    if (conn.ok() && funding.ok()) {
      int64_t checked = 0;
      const std::vector<std::string> problems =
          load::VerifyFundingLedger(**conn, *funding, funding_ledger, &checked);
      ExpectClean(label, "funding", problems, checked,
                  funding_ledger.acknowledged());
      std::cout << label << ": funding feed read to sequence "
                << funding_ledger.last_sequence() << "\n";
    }
    RecordProperty(label + "_acknowledged",
                   static_cast<int>(cultivation_ledger.acknowledged()));
    RecordProperty(label + "_recovery_ms",
                   static_cast<int>(absl::ToInt64Milliseconds(recovery)));
    return report;
  }

  // Restarts cultivation; the time until it was SERVING.
  static absl::Duration RestartCultivation() {
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartCultivation().ok());
    return absl::Now() - restart;
  }
};

// Every attempt of `name` ended OK or UNAVAILABLE: nothing was cut off,
// answered CANCELLED or left to its deadline.
void ExpectOnlyOkOrUnavailable(const LoadReport& report,
                               const std::string& label,
                               const std::string& name) {
  auto it = report.methods.find(name);
  ASSERT_NE(it, report.methods.end()) << label << ": no " << name;
  for (const auto& [code, n] : it->second.attempt_codes) {
    EXPECT_TRUE(code == grpc::StatusCode::OK ||
                code == grpc::StatusCode::UNAVAILABLE)
        << label << ": " << name << " had " << n << " attempts end "
        << load::CodeName(code);
  }
}

TEST_F(CultivationFaultTest, CultivationKilledAndRestarted) {
  RunWithFault("cultivation_kill9", {}, [] {
    system_->cultivation().Signal(SIGKILL);
    system_->cultivation().Wait(5000);
    absl::SleepFor(absl::Milliseconds(500));
    return RestartCultivation();
  });
}

TEST_F(CultivationFaultTest, CultivationStoppedGracefully) {
  const LoadReport report = RunWithFault("cultivation_sigterm", {}, [] {
    system_->cultivation().Signal(SIGTERM);
    EXPECT_EQ(system_->cultivation().Wait(15000), 0) << "exit status";
    return RestartCultivation();
  });
  for (const auto& [name, m] : report.methods) {
    ExpectOnlyOkOrUnavailable(report, "cultivation_sigterm", name);
  }
}

// Writes in flight when cultivation stops (some written before it stopped,
// their answers never sent) hit their deadline; it is then killed and
// restarted. Their callers retry with the same request ids: the ledger's
// check finds each application and review once, and no retry was refused
// as a second one. Every call goes to the stopped process, so the callers
// wait on the calls in flight; the mix is weighted to applications so that
// those are among them.
TEST_F(CultivationFaultTest, RetriesWithTheSameRequestIdNeverDuplicate) {
  Weights weights;
  weights.apply = 6;
  weights.assign = weights.score = weights.check = weights.feed = 1;
  const LoadReport report = RunWithFault("cultivation_stop_kill9", weights, [] {
    system_->cultivation().Signal(SIGSTOP);
    absl::SleepFor(absl::Milliseconds(1500));  // beyond the 1 s deadline
    system_->cultivation().Signal(SIGKILL);
    system_->cultivation().Wait(5000);
    return RestartCultivation();
  });
  int64_t retried = 0, timed_out = 0;
  for (const char* name : {load::kCultivationApply, load::kCultivationAssign,
                           load::kCultivationScore}) {
    auto it = report.methods.find(name);
    if (it == report.methods.end()) continue;
    retried += it->second.attempts - it->second.calls;
    auto deadline =
        it->second.attempt_codes.find(grpc::StatusCode::DEADLINE_EXCEEDED);
    if (deadline != it->second.attempt_codes.end()) {
      timed_out += deadline->second;
    }
  }
  EXPECT_GT(retried, 0) << "no write was retried";
  EXPECT_GT(timed_out, 0) << "no write attempt reached its deadline";
}

// MariaDB stops cleanly and starts again under eligibility checks: every
// answer is a known outcome and none is eligible (the ledger's check), and
// while the database is down the checks are answered UNAVAILABLE, nothing
// else, until cultivation and the gateway are SERVING again.
TEST_F(CultivationFaultTest, DatabaseRestartedDuringEligibilityChecks) {
  Weights weights;
  weights.apply = weights.assign = weights.score = 1;
  weights.check = 8;
  const LoadReport report =
      RunWithFault("mariadb_restart_funding", weights, [] {
        EXPECT_TRUE(system_->StopDatabase().ok());
        const absl::Time restart = absl::Now();
        EXPECT_TRUE(system_->StartDatabase().ok());
        for (const std::string& address :
             {system_->cultivation_address(), system_->gateway_address()}) {
          auto up = FaultSystem::WaitServing(address, "", absl::Seconds(30));
          if (!up.ok()) return absl::InfiniteDuration();
        }
        return absl::Now() - restart;
      });
  ExpectOnlyOkOrUnavailable(report, "mariadb_restart_funding",
                            load::kFundingCheck);
}

// The ledgers' checks are not vacuous: after a clean two-second run without
// a fault, an application copied by hand (as a withdrawn one, beside the
// live one) and a gap cut into the decision feed are both found; both are
// undone afterwards, for the cases that follow.
TEST_F(CultivationFaultTest, LedgerChecksFindDuplicatesAndFeedGaps) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(
      system_->gateway_address(), grpc::InsecureChannelCredentials(), args);
  load::LoadOptions options;
  options.concurrency = 4;
  options.duration = absl::Seconds(2);
  options.metadata.push_back({"x-api-key", system_->api_key()});
  const int run = (static_cast<int>(getpid() % 400) + next_case++) % 500;
  load::CultivationMixOptions cultivation_mix;
  cultivation_mix.organizations = 40;
  cultivation_mix.run = run;
  auto cultivation =
      load::SetUpCultivation(channel, options.metadata, cultivation_mix);
  ASSERT_TRUE(cultivation.ok()) << cultivation.status();
  load::FundingMixOptions funding_mix;
  funding_mix.organizations = 10;
  funding_mix.run = run;
  auto funding = load::SetUpFunding(channel, options.metadata, funding_mix);
  ASSERT_TRUE(funding.ok()) << funding.status();
  load::CultivationLedger cultivation_ledger;
  load::FundingLedger funding_ledger;
  std::vector<load::Operation> ops = load::CultivationMix(
      channel, *cultivation, cultivation_mix, &cultivation_ledger);
  for (load::Operation& op : load::FundingMix(
           channel, *funding, funding_mix,
           {{"x-api-key", system_->funding_api_key()}}, &funding_ledger)) {
    ops.push_back(std::move(op));
  }
  load::RunLoad(ops, options);
  auto conn = system_->ConnectDatabase("cultivation");
  ASSERT_TRUE(conn.ok()) << conn.status();
  int64_t checked = 0;
  const std::vector<std::string> clean_applications =
      load::VerifyCultivationLedger(**conn, *cultivation, cultivation_ledger,
                                    &checked);
  EXPECT_TRUE(clean_applications.empty()) << clean_applications.front();
  const std::vector<std::string> clean_feed =
      load::VerifyFundingLedger(**conn, *funding, funding_ledger, &checked);
  EXPECT_TRUE(clean_feed.empty()) << clean_feed.front();

  std::string applied;
  for (const load::ApplicationEntry& e : cultivation_ledger.applications()) {
    if (e.acknowledged) applied = e.organization;
  }
  ASSERT_FALSE(applied.empty()) << "nothing was applied for";
  const std::string uscc = applied.substr(applied.rfind('/') + 1);
  auto copied = (*conn)->Execute(
      "INSERT INTO applications (cohort_year, organization_uscc, live_uscc, "
      "organization_display_name, statement, self_assessment, "
      "self_assessment_total, assessor_certificate, assessor_not_certified, "
      "status, status_reason, create_time, update_time, version) SELECT "
      "cohort_year, organization_uscc, NULL, organization_display_name, "
      "statement, self_assessment, self_assessment_total, "
      "assessor_certificate, assessor_not_certified, 7, 'copied', "
      "create_time, update_time, version FROM applications WHERE "
      "organization_uscc = ? ORDER BY id LIMIT 1",
      {uscc});
  ASSERT_TRUE(copied.ok()) << copied.status();
  auto copy_id = (*conn)->LastInsertId();
  ASSERT_TRUE(copy_id.ok()) << copy_id.status();
  auto last = (*conn)->Query(
      "SELECT id FROM eligibility_decisions WHERE sequence = (SELECT "
      "MAX(sequence) FROM eligibility_decisions)");
  ASSERT_TRUE(last.ok() && last->size() == 1) << "no decision in the feed";
  const int64_t last_id = (*last)[0].Int(0);
  ASSERT_TRUE((*conn)
                  ->Execute("UPDATE eligibility_decisions SET sequence = "
                            "sequence + 1 WHERE id = ?",
                            {last_id})
                  .ok());

  const std::vector<std::string> applications = load::VerifyCultivationLedger(
      **conn, *cultivation, cultivation_ledger, &checked);
  const std::vector<std::string> feed =
      load::VerifyFundingLedger(**conn, *funding, funding_ledger, &checked);
  // Undone before the checks' verdicts, so that a failure here does not
  // spoil the cases after it.
  EXPECT_TRUE((*conn)
                  ->Execute("UPDATE eligibility_decisions SET sequence = "
                            "sequence - 1 WHERE id = ?",
                            {last_id})
                  .ok());
  EXPECT_TRUE((*conn)
                  ->Execute("DELETE FROM applications WHERE id = ?", {*copy_id})
                  .ok());
  const auto found = [](const std::vector<std::string>& problems,
                        const std::string& what) {
    return std::any_of(
        problems.begin(), problems.end(),
        [&](const std::string& p) { return absl::StrContains(p, what); });
  };
  EXPECT_TRUE(found(applications, applied + ": 2 applications"))
      << "the second application was not found";
  EXPECT_TRUE(found(feed, "feed: "))
      << "the gap in the decision feed was not found";
}

}  // namespace
}  // namespace qpp::fault
