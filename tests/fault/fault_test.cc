// Faults while the integrators' load runs through the gateway: processes
// killed and restarted, the database killed or restarted, a backend paused
// beyond the deadline, graceful stops. The load is the registry's, training's
// and demobase's shares of the mix, retried with the same request id on
// UNAVAILABLE and DEADLINE_EXCEEDED. Each case ends with the ledgers' check
// against the databases (every acknowledged write stored exactly once,
// nothing half-written, no capacity overrun, every replay answered the same
// way) and the time the system took to be SERVING again. Label "fault";
// QPP_FAULT_LOAD_SECONDS (default 5) and QPP_FAULT_CONCURRENCY (default 8)
// size the load of each case.

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <future>
#include <iostream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "tests/fault/fault_system.h"
#include "tests/load/demobase_mix.h"
#include "tests/load/load_engine.h"
#include "tests/load/mix_support.h"
#include "tests/load/registry_mix.h"
#include "tests/load/training_mix.h"

namespace qpp::fault {
namespace {

using load::LoadReport;

FaultSystem* system_ = nullptr;

// Whether `code` may end a call of the operation `name`: OK for every one,
// and FAILED_PRECONDITION for a demobase registration when the seats ran
// out (the ledger's check then finds nothing stored for it).
bool Allowed(const std::string& name, grpc::StatusCode code) {
  return code == grpc::StatusCode::OK ||
         (name == load::kDemobaseRegister &&
          code == grpc::StatusCode::FAILED_PRECONDITION);
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

// A positive integer from the environment, else `fallback`.
int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  int n = 0;
  return v != nullptr && absl::SimpleAtoi(v, &n) && n > 0 ? n : fallback;
}
std::atomic<int> next_case{0};

// Stops the system the fault suites share once every test has run.
class SharedSystemEnvironment final : public ::testing::Environment {
 public:
  void TearDown() override { StopSharedFaultSystem(); }
};
const ::testing::Environment* const kEnvironment =
    ::testing::AddGlobalTestEnvironment(new SharedSystemEnvironment);

class FaultTest : public ::testing::Test {
 protected:
  // The system is shared with the other fault suites of the process
  // (cultivation_fault_test.cc); the environment below stops it.
  static void SetUpTestSuite() { system_ = SharedFaultSystem(); }
  static void TearDownTestSuite() { system_ = nullptr; }

  void SetUp() override {
    ASSERT_NE(system_, nullptr) << "the system under test did not start";
    const absl::Status restarted = system_->RestartStopped();
    ASSERT_TRUE(restarted.ok()) << restarted;
  }

  // Runs the mix through the gateway for `duration`, calls `fault` one
  // second in (on this thread), then checks the ledgers. `fault` returns
  // the time until the system was SERVING again.
  LoadReport RunWithFault(const std::string& label,
                          const std::function<absl::Duration()>& fault) {
    const absl::Duration duration =
        absl::Seconds(EnvInt("QPP_FAULT_LOAD_SECONDS", 5));
    load::Ledger ledger;
    load::RegistryMixOptions mix;
    mix.serial_base = 20'000'000 + 200'000 * next_case++;
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    auto channel = grpc::CreateCustomChannel(
        system_->gateway_address(), grpc::InsecureChannelCredentials(), args);
    load::LoadOptions options;
    options.concurrency = EnvInt("QPP_FAULT_CONCURRENCY", 8);
    options.duration = duration;
    options.deadline = absl::Seconds(1);
    options.retry = true;
    options.retry_budget = absl::Seconds(30);
    options.metadata.push_back({"x-api-key", system_->api_key()});
    std::vector<load::Operation> ops = load::RegistryMix(channel, mix, &ledger);
    // Training's registrations for sessions of 12 seats, beside.
    load::TrainingLedger training_ledger;
    load::TrainingMixOptions training_mix;
    training_mix.run = next_case * 7 + static_cast<int>(getpid() % 1000) * 131;
    auto setup = load::SetUpTraining(channel, options.metadata, training_mix);
    EXPECT_TRUE(setup.ok()) << setup.status();
    if (setup.ok()) {
      for (load::Operation& op :
           load::TrainingMix(channel, *setup, training_mix, &training_ledger)) {
        ops.push_back(std::move(op));
      }
    }

    // Demobase's group registrations for events of 60 seats (refused when
    // full), cancellations, and the base's calendar, beside.
    load::DemobaseLedger demobase_ledger;
    load::DemobaseMixOptions demobase_mix;
    demobase_mix.capacity = 60;
    demobase_mix.run = training_mix.run;
    auto demobase =
        load::SetUpDemobase(channel, options.metadata, demobase_mix);
    EXPECT_TRUE(demobase.ok()) << demobase.status();
    if (demobase.ok()) {
      for (load::Operation& op : load::DemobaseMix(
               channel, *demobase, demobase_mix, &demobase_ledger)) {
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

    // Every logical call ended well: the faults cost retries, not answers.
    for (const auto& [name, m] : report.methods) {
      for (const auto& [code, n] : m.codes) {
        EXPECT_TRUE(Allowed(name, code))
            << label << ": " << name << " ended " << load::CodeName(code) << " "
            << n << " times";
      }
    }
    auto conn = system_->ConnectDatabase();
    EXPECT_TRUE(conn.ok()) << conn.status();
    if (conn.ok()) {
      int64_t checked = 0;
      const std::vector<std::string> problems =
          load::VerifyRegistryLedger(**conn, ledger, &checked);
      ExpectClean(label, "registry", problems, checked, ledger.acknowledged());
    }
    auto training_conn = system_->ConnectDatabase("training");
    EXPECT_TRUE(training_conn.ok()) << training_conn.status();
    if (training_conn.ok() && setup.ok()) {
      int64_t checked = 0;
      const std::vector<std::string> problems = load::VerifyTrainingLedger(
          **training_conn, *setup, training_ledger, &checked);
      ExpectClean(label, "training", problems, checked,
                  training_ledger.acknowledged());
    }
    auto demobase_conn = system_->ConnectDatabase("demobase");
    EXPECT_TRUE(demobase_conn.ok()) << demobase_conn.status();
    if (demobase_conn.ok() && demobase.ok()) {
      int64_t checked = 0;
      const std::vector<std::string> problems = load::VerifyDemobaseLedger(
          **demobase_conn, *demobase, demobase_ledger, &checked);
      ExpectClean(label, "demobase", problems, checked,
                  demobase_ledger.acknowledged());
      std::cout << label << ": demobase " << demobase_ledger.cancelled()
                << " cancellations acknowledged\n";
      RecordProperty(label + "_demobase_acknowledged",
                     static_cast<int>(demobase_ledger.acknowledged()));
    }
    RecordProperty(label + "_acknowledged",
                   static_cast<int>(ledger.acknowledged()));
    RecordProperty(label + "_recovery_ms",
                   static_cast<int>(absl::ToInt64Milliseconds(recovery)));
    return report;
  }

  static absl::Duration WaitAllServing() {
    absl::Duration longest;
    for (const std::string& address :
         {system_->registry_address(), system_->training_address(),
          system_->demobase_address(), system_->cultivation_address(),
          system_->gateway_address()}) {
      auto up = FaultSystem::WaitServing(address, "", absl::Seconds(30));
      if (!up.ok()) return absl::InfiniteDuration();
      longest = std::max(longest, *up);
    }
    return longest;
  }
};

// The attempts of every method ended OK (or a refusal Allowed) or
// UNAVAILABLE only: a graceful stop fails no call that it had accepted.
void ExpectOnlyOkOrUnavailable(const LoadReport& report,
                               const std::string& label) {
  for (const auto& [name, m] : report.methods) {
    for (const auto& [code, n] : m.attempt_codes) {
      EXPECT_TRUE(Allowed(name, code) || code == grpc::StatusCode::UNAVAILABLE)
          << label << ": " << name << " had " << n << " attempts end "
          << load::CodeName(code);
    }
  }
}

TEST_F(FaultTest, RegistryKilledAndRestarted) {
  RunWithFault("registry_kill9", [] {
    system_->registry().Signal(SIGKILL);
    system_->registry().Wait(5000);
    absl::SleepFor(absl::Milliseconds(500));
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartRegistry().ok());
    return absl::Now() - restart;
  });
}

TEST_F(FaultTest, TrainingKilledAndRestarted) {
  RunWithFault("training_kill9", [] {
    system_->training().Signal(SIGKILL);
    system_->training().Wait(5000);
    absl::SleepFor(absl::Milliseconds(500));
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartTraining().ok());
    return absl::Now() - restart;
  });
}

TEST_F(FaultTest, TrainingStoppedGracefully) {
  const LoadReport report = RunWithFault("training_sigterm", [] {
    system_->training().Signal(SIGTERM);
    EXPECT_EQ(system_->training().Wait(15000), 0) << "exit status";
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartTraining().ok());
    return absl::Now() - restart;
  });
  ExpectOnlyOkOrUnavailable(report, "training_sigterm");
}

TEST_F(FaultTest, DemobaseKilledAndRestarted) {
  RunWithFault("demobase_kill9", [] {
    system_->demobase().Signal(SIGKILL);
    system_->demobase().Wait(5000);
    absl::SleepFor(absl::Milliseconds(500));
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartDemobase().ok());
    return absl::Now() - restart;
  });
}

TEST_F(FaultTest, DemobaseStoppedGracefully) {
  const LoadReport report = RunWithFault("demobase_sigterm", [] {
    system_->demobase().Signal(SIGTERM);
    EXPECT_EQ(system_->demobase().Wait(15000), 0) << "exit status";
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartDemobase().ok());
    return absl::Now() - restart;
  });
  ExpectOnlyOkOrUnavailable(report, "demobase_sigterm");
}

// Registrations whose attempts hit the deadline while demobase was paused
// (some of them written before it stopped) are retried with the same
// request id: the ledger's check finds each stored once.
TEST_F(FaultTest, DemobasePausedAndRetriedWithTheSameRequestId) {
  const LoadReport report = RunWithFault("demobase_sigstop", [] {
    system_->demobase().Signal(SIGSTOP);
    absl::SleepFor(absl::Seconds(3));  // three attempt deadlines
    const absl::Time resume = absl::Now();
    system_->demobase().Signal(SIGCONT);
    return absl::Now() - resume + WaitAllServing();
  });
  auto it = report.methods.find(load::kDemobaseRegister);
  ASSERT_NE(it, report.methods.end());
  EXPECT_GT(it->second.attempt_codes.count(grpc::StatusCode::DEADLINE_EXCEEDED),
            0u)
      << "no registration was retried after its deadline";
}

TEST_F(FaultTest, GatewayKilledAndRestarted) {
  RunWithFault("gateway_kill9", [] {
    system_->gateway().Signal(SIGKILL);
    system_->gateway().Wait(5000);
    absl::SleepFor(absl::Milliseconds(500));
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartGateway().ok());
    return absl::Now() - restart;
  });
}

TEST_F(FaultTest, DatabaseKilledAndRestarted) {
  RunWithFault("mariadb_kill9", [] {
    system_->SignalDatabase(SIGKILL);
    EXPECT_TRUE(system_->WaitDatabaseGone(absl::Seconds(10)));
    absl::SleepFor(absl::Seconds(1));
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartDatabase().ok());
    absl::SleepFor(absl::Milliseconds(100));
    return absl::Now() - restart + WaitAllServing();
  });
}

TEST_F(FaultTest, DatabaseRestartedCleanly) {
  RunWithFault("mariadb_restart", [] {
    EXPECT_TRUE(system_->StopDatabase().ok());
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartDatabase().ok());
    return absl::Now() - restart + WaitAllServing();
  });
}

TEST_F(FaultTest, RegistryPausedBeyondTheDeadline) {
  RunWithFault("registry_sigstop", [] {
    system_->registry().Signal(SIGSTOP);
    absl::SleepFor(absl::Seconds(3));  // three attempt deadlines
    const absl::Time resume = absl::Now();
    system_->registry().Signal(SIGCONT);
    return absl::Now() - resume + WaitAllServing();
  });
}

TEST_F(FaultTest, RegistryStoppedGracefully) {
  const LoadReport report = RunWithFault("registry_sigterm", [] {
    system_->registry().Signal(SIGTERM);
    EXPECT_EQ(system_->registry().Wait(15000), 0) << "exit status";
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartRegistry().ok());
    return absl::Now() - restart;
  });
  ExpectOnlyOkOrUnavailable(report, "registry_sigterm");
}

TEST_F(FaultTest, GatewayStoppedGracefully) {
  const LoadReport report = RunWithFault("gateway_sigterm", [] {
    system_->gateway().Signal(SIGTERM);
    EXPECT_EQ(system_->gateway().Wait(15000), 0) << "exit status";
    const absl::Time restart = absl::Now();
    EXPECT_TRUE(system_->StartGateway().ok());
    return absl::Now() - restart;
  });
  ExpectOnlyOkOrUnavailable(report, "gateway_sigterm");
}

// The demobase ledger's check is not vacuous: after a clean run without a
// fault, a registration written a second time and seats counted beyond an
// event's capacity, both made by hand, are found.
TEST_F(FaultTest, DemobaseLedgerCheckFindsDuplicatesAndOverruns) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(
      system_->gateway_address(), grpc::InsecureChannelCredentials(), args);
  load::LoadOptions options;
  options.concurrency = 4;
  options.duration = absl::Seconds(2);
  options.metadata.push_back({"x-api-key", system_->api_key()});
  load::DemobaseLedger ledger;
  load::DemobaseMixOptions mix;
  mix.capacity = 60;
  // A run number no case has used (RunWithFault takes next_case after
  // incrementing it).
  mix.run = ++next_case * 7 + static_cast<int>(getpid() % 1000) * 131;
  auto setup = load::SetUpDemobase(channel, options.metadata, mix);
  ASSERT_TRUE(setup.ok()) << setup.status();
  load::RunLoad(load::DemobaseMix(channel, *setup, mix, &ledger), options);
  auto conn = system_->ConnectDatabase("demobase");
  ASSERT_TRUE(conn.ok()) << conn.status();
  int64_t checked = 0;
  const std::vector<std::string> clean =
      load::VerifyDemobaseLedger(**conn, *setup, ledger, &checked);
  EXPECT_TRUE(clean.empty()) << clean.front();
  std::string registered_event;
  for (const auto& e : ledger.registrations()) {
    if (e.acknowledged) registered_event = e.event;
  }
  ASSERT_FALSE(registered_event.empty()) << "nothing was registered";
  const std::string other_event = registered_event == setup->events[0]
                                      ? setup->events[1]
                                      : setup->events[0];

  auto copied = (*conn)->Execute(
      "INSERT INTO registrations (base_id, event_id, visitor_kind, "
      "organization_uscc, contact_name_sealed, contact_phone_sealed, "
      "headcount, state, create_time, update_time, version) SELECT base_id, "
      "event_id, visitor_kind, organization_uscc, contact_name_sealed, "
      "contact_phone_sealed, headcount, state, create_time, update_time, "
      "version FROM registrations WHERE event_id = ? ORDER BY id LIMIT 1",
      {load::IdOf(registered_event)});
  ASSERT_TRUE(copied.ok()) << copied.status();
  auto overrun = (*conn)->Execute(
      "UPDATE open_events SET confirmed_headcount = capacity + 1 WHERE id = ?",
      {load::IdOf(other_event)});
  ASSERT_TRUE(overrun.ok()) << overrun.status();

  const std::vector<std::string> problems =
      load::VerifyDemobaseLedger(**conn, *setup, ledger, &checked);
  const auto found = [&](const std::string& event, const std::string& what) {
    return std::any_of(problems.begin(), problems.end(),
                       [&](const std::string& p) {
                         return absl::StrContains(p, event + ":") &&
                                absl::StrContains(p, what);
                       });
  };
  EXPECT_TRUE(found(registered_event, "registrations stored"))
      << "the second row was not found";
  EXPECT_TRUE(found(other_event, "for 60 seats"))
      << "the overrun was not found";
}

}  // namespace
}  // namespace qpp::fault
