// qpp-load: the mixed load of integrators, through the gateway (or straight
// at a service on loopback), with the bare-echo baseline of the same run.
//
//   build/bin/qpp-load --target=127.0.0.1:9000 \
//       --api_key_file=.run/gateway/dev_api_key --duration=20s
//
// Prints per method: calls, QPS, p50/p99/p99.9 latency, retries and final
// status codes; then the baseline (a callback echo server in a child
// process, driven by the same engine with the same concurrency or rate),
// and what the ledgers of the services' shares saw (--services picks the
// shares: registry, training, demobase, cultivation, funding; funding's
// calls go with the funding system's key, --funding_api_key_file).

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "bench/echo_server.h"
#include "grpcpp/create_channel.h"
#include "qpp/bench/echo.grpc.pb.h"
#include "tests/load/cultivation_mix.h"
#include "tests/load/demobase_mix.h"
#include "tests/load/funding_mix.h"
#include "tests/load/load_engine.h"
#include "tests/load/registry_mix.h"
#include "tests/load/training_mix.h"

ABSL_FLAG(std::string, target, "127.0.0.1:9000",
          "gRPC address of the gateway (or of the registry itself).");
ABSL_FLAG(std::string, api_key_file, "",
          "File holding the API key (else QPP_API_KEY); none when the target "
          "is a service on loopback.");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10),
          "How long new calls are started.");
ABSL_FLAG(int, concurrency, 32, "Closed loop: calls in flight.");
ABSL_FLAG(double, rate, 0,
          "Open loop when > 0: calls started per second, whatever the "
          "answers do.");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(2), "Deadline per attempt.");
ABSL_FLAG(bool, retry, true,
          "Retry UNAVAILABLE and DEADLINE_EXCEEDED with the same request id.");
ABSL_FLAG(int, serial_base, 0,
          "First USCC serial of the organisations created (8 digits); 0: one "
          "derived from the clock, so that runs do not collide.");
ABSL_FLAG(std::string, mix, "create=2,get=5,list=2,replay=1",
          "Weights of the registry operations.");
ABSL_FLAG(std::string, services, "registry",
          "Whose shares of the mix to run, comma-separated: registry "
          "(organisation reads, searches, creates, replays), training "
          "(registrations for sessions of limited seats, session reads), "
          "demobase (event calendar, group registrations, cancellations), "
          "cultivation (applications to an open cohort, expert assignments "
          "and scorings), funding (eligibility checks, decision feed pulls; "
          "needs --funding_api_key_file).");
ABSL_FLAG(int, training_sessions, 8,
          "Training: sessions of the run (each trainee registers once per "
          "session, so sessions x trainees registrations at most).");
ABSL_FLAG(int, training_trainees, 40, "Training: trainees of the run.");
ABSL_FLAG(int, demobase_events, 6, "Demobase: events of the run's base.");
ABSL_FLAG(int, demobase_capacity, 40,
          "Demobase: seats per event (a registration beyond them is refused "
          "FAILED_PRECONDITION, an answer, not an error of the system).");
ABSL_FLAG(int, cultivation_organizations, 300,
          "Cultivation: enterprises of the run, each applying once (at most "
          "10000).");
ABSL_FLAG(int, cultivation_year, 0,
          "Cultivation: the cohort applied to, created if missing; 0: one "
          "derived from the clock (2000..2100), so that runs do not meet.");
ABSL_FLAG(int, funding_organizations, 50,
          "Funding: enterprises of the run checked for an acceptance award.");
ABSL_FLAG(std::string, funding_api_key_file, "",
          "File holding the funding system's API key (else "
          "QPP_FUNDING_API_KEY), for the funding share; the scheme and the "
          "organisations are set up with --api_key_file's key.");
ABSL_FLAG(bool, baseline, true, "Also measure the bare callback echo.");
ABSL_FLAG(bool, soak, false,
          "Soak: measure the maximum (closed loop, 10 s), then run open loop "
          "at --soak_fraction of it for --duration, printing every "
          "--interval the QPS, p99 and, for each --watch process, its RSS, "
          "open file descriptors and TCP connections.");
ABSL_FLAG(double, soak_fraction, 0.5, "Soak: share of the measured maximum.");
ABSL_FLAG(absl::Duration, interval, absl::Minutes(1), "Soak: report period.");
ABSL_FLAG(std::string, watch, "",
          "Soak: processes to watch, name=pid,name=pid (e.g. "
          "gateway=1234,registry=1240).");

namespace {

class EchoCall final : public qpp::load::Call {
 public:
  explicit EchoCall(qpp::bench::EchoService::Stub* stub) : stub_(stub) {
    req_.set_payload(std::string(64, 'x'));
  }
  void Start(grpc::ClientContext* context,
             std::function<void(grpc::Status)> done) override {
    stub_->async()->Echo(context, &req_, &resp_, std::move(done));
  }

 private:
  qpp::bench::EchoService::Stub* stub_;
  qpp::bench::EchoMessage req_, resp_;
};

bool ParseMix(const std::string& text, qpp::load::RegistryMixOptions* out) {
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos) return false;
    const std::string key = item.substr(0, eq);
    double weight = 0;
    try {
      weight = std::stod(item.substr(eq + 1));
    } catch (...) {
      return false;
    }
    if (weight < 0) return false;
    if (key == "create") {
      out->create_weight = weight;
    } else if (key == "get") {
      out->get_weight = weight;
    } else if (key == "list") {
      out->list_weight = weight;
    } else if (key == "replay") {
      out->replay_weight = weight;
    } else {
      return false;
    }
  }
  return true;
}

// The key in `file`, else in the environment variable `env`.
std::string ApiKey(const std::string& file, const char* env) {
  std::string key;
  if (!file.empty()) {
    std::ifstream in(file);
    std::getline(in, key);
  } else if (const char* value = std::getenv(env)) {
    key = value;
  }
  return std::string(absl::StripAsciiWhitespace(key));
}

// What /proc says of a watched process.
struct ProcessSample {
  int64_t rss_kb = -1;
  int fds = -1;
  int tcp = -1;  // sockets among the descriptors
};

ProcessSample SampleProcess(int pid) {
  ProcessSample out;
  std::ifstream status(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(status, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kb = 0;
      if (absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::StripSuffix(
                               absl::StripPrefix(line, "VmRSS:"), "kB")),
                           &kb)) {
        out.rss_kb = kb;
      }
    }
  }
  std::error_code ec;
  const std::string fd_dir = absl::StrCat("/proc/", pid, "/fd");
  int fds = 0, sockets = 0;
  for (const auto& entry : std::filesystem::directory_iterator(fd_dir, ec)) {
    ++fds;
    std::error_code link_ec;
    const auto target = std::filesystem::read_symlink(entry.path(), link_ec);
    if (!link_ec && absl::StartsWith(target.string(), "socket:")) ++sockets;
  }
  if (!ec) {
    out.fds = fds;
    out.tcp = sockets;
  }
  return out;
}

// The ledgers of the shares that run.
struct Ledgers {
  bool registry = false, training = false, demobase = false;
  bool cultivation = false, funding = false;
  qpp::load::Ledger registry_ledger;
  qpp::load::TrainingLedger training_ledger;
  qpp::load::DemobaseLedger demobase_ledger;
  qpp::load::CultivationLedger cultivation_ledger;
  qpp::load::FundingLedger funding_ledger;

  // Every broken promise the client saw.
  std::vector<std::string> Violations() const {
    std::vector<std::string> out;
    for (auto v :
         {registry ? registry_ledger.violations() : std::vector<std::string>{},
          training ? training_ledger.violations() : std::vector<std::string>{},
          demobase ? demobase_ledger.violations() : std::vector<std::string>{},
          cultivation ? cultivation_ledger.violations()
                      : std::vector<std::string>{},
          funding ? funding_ledger.violations() : std::vector<std::string>{}}) {
      out.insert(out.end(), v.begin(), v.end());
    }
    return out;
  }

  // One line per share, then the broken promises.
  void Print() const {
    if (registry) {
      std::cout << "ledger: " << registry_ledger.entries().size()
                << " creates sent, " << registry_ledger.acknowledged()
                << " acknowledged, " << registry_ledger.violations().size()
                << " broken promises\n";
    }
    if (training) {
      std::cout << "training ledger: " << training_ledger.entries().size()
                << " registrations sent, " << training_ledger.acknowledged()
                << " acknowledged, " << training_ledger.violations().size()
                << " broken promises\n";
    }
    if (demobase) {
      std::cout << "demobase ledger: " << demobase_ledger.registrations().size()
                << " registrations sent, " << demobase_ledger.acknowledged()
                << " acknowledged, " << demobase_ledger.cancelled()
                << " cancelled, " << demobase_ledger.violations().size()
                << " broken promises\n";
    }
    if (cultivation) {
      std::cout << "cultivation ledger: "
                << cultivation_ledger.applications().size()
                << " applications sent, " << cultivation_ledger.acknowledged()
                << " acknowledged, " << cultivation_ledger.reviews().size()
                << " assignments and scorings sent, "
                << cultivation_ledger.reviews_acknowledged()
                << " acknowledged, " << cultivation_ledger.violations().size()
                << " broken promises\n";
    }
    if (funding) {
      std::cout << "funding ledger: " << funding_ledger.checks().size()
                << " checks sent, " << funding_ledger.acknowledged()
                << " answered, feed read to sequence "
                << funding_ledger.last_sequence() << ", "
                << funding_ledger.violations().size() << " broken promises\n";
    }
    for (const std::string& v : Violations()) std::cout << "  " << v << "\n";
  }
};

// The operations of the shares named by --services, set up through
// `channel`; an error naming what failed.
absl::StatusOr<std::vector<qpp::load::Operation>> Mix(
    const std::shared_ptr<grpc::Channel>& channel,
    const qpp::load::LoadOptions& options, Ledgers& ledgers) {
  for (absl::string_view name :
       absl::StrSplit(absl::GetFlag(FLAGS_services), ',', absl::SkipEmpty())) {
    if (name == "registry") {
      ledgers.registry = true;
    } else if (name == "training") {
      ledgers.training = true;
    } else if (name == "demobase") {
      ledgers.demobase = true;
    } else if (name == "cultivation") {
      ledgers.cultivation = true;
    } else if (name == "funding") {
      ledgers.funding = true;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--services: unknown share ", name));
    }
  }
  // Ten-second steps of the clock: runs against one database do not meet.
  const int64_t tick = absl::ToUnixSeconds(absl::Now()) / 10;
  std::vector<qpp::load::Operation> ops;
  const auto add = [&ops](std::vector<qpp::load::Operation> more) {
    for (auto& op : more) ops.push_back(std::move(op));
  };
  if (ledgers.registry) {
    qpp::load::RegistryMixOptions mix;
    if (!ParseMix(absl::GetFlag(FLAGS_mix), &mix)) {
      return absl::InvalidArgumentError(
          "--mix: want e.g. create=2,get=5,list=2,replay=1");
    }
    mix.serial_base = absl::GetFlag(FLAGS_serial_base);
    if (mix.serial_base == 0) {
      // 10000000–89999999, wrapping.
      mix.serial_base = 10'000'000 + static_cast<int>(tick % 8'000) * 10'000;
    }
    add(qpp::load::RegistryMix(channel, mix, &ledgers.registry_ledger));
  }
  if (ledgers.training) {
    qpp::load::TrainingMixOptions mix;
    mix.sessions = absl::GetFlag(FLAGS_training_sessions);
    mix.trainees = absl::GetFlag(FLAGS_training_trainees);
    mix.run = static_cast<int>(tick % 9'000);
    auto setup = qpp::load::SetUpTraining(channel, options.metadata, mix);
    if (!setup.ok()) return setup.status();
    add(qpp::load::TrainingMix(channel, *setup, mix, &ledgers.training_ledger));
  }
  if (ledgers.demobase) {
    qpp::load::DemobaseMixOptions mix;
    mix.events = absl::GetFlag(FLAGS_demobase_events);
    mix.capacity = absl::GetFlag(FLAGS_demobase_capacity);
    mix.run = static_cast<int>(tick % 1'000'000);
    auto setup = qpp::load::SetUpDemobase(channel, options.metadata, mix);
    if (!setup.ok()) return setup.status();
    add(qpp::load::DemobaseMix(channel, *setup, mix, &ledgers.demobase_ledger));
  }
  if (ledgers.cultivation) {
    qpp::load::CultivationMixOptions mix;
    mix.organizations =
        std::clamp(absl::GetFlag(FLAGS_cultivation_organizations), 1, 10'000);
    mix.run = static_cast<int>(tick % 500);
    mix.cohort_year = absl::GetFlag(FLAGS_cultivation_year);
    if (mix.cohort_year == 0) {
      mix.cohort_year = 2000 + static_cast<int>(tick % 101);
    }
    auto setup = qpp::load::SetUpCultivation(channel, options.metadata, mix);
    if (!setup.ok()) return setup.status();
    add(qpp::load::CultivationMix(channel, *setup, mix,
                                  &ledgers.cultivation_ledger));
  }
  if (ledgers.funding) {
    const std::string funding_key = ApiKey(
        absl::GetFlag(FLAGS_funding_api_key_file), "QPP_FUNDING_API_KEY");
    if (funding_key.empty()) {
      return absl::InvalidArgumentError(
          "--services=funding needs --funding_api_key_file (or "
          "QPP_FUNDING_API_KEY): the funding system's key");
    }
    qpp::load::FundingMixOptions mix;
    mix.organizations =
        std::clamp(absl::GetFlag(FLAGS_funding_organizations), 1, 1000);
    mix.run = static_cast<int>(tick % 2'000);
    auto setup = qpp::load::SetUpFunding(channel, options.metadata, mix);
    if (!setup.ok()) return setup.status();
    add(qpp::load::FundingMix(channel, *setup, mix,
                              {{"x-api-key", funding_key}},
                              &ledgers.funding_ledger));
  }
  return ops;
}

// Runs the soak and prints its curve; false if a watched process died or
// a ledger found a broken promise.
bool Soak(const std::vector<qpp::load::Operation>& ops,
          qpp::load::LoadOptions options, const Ledgers& ledgers) {
  std::vector<std::pair<std::string, int>> watched;
  for (absl::string_view item :
       absl::StrSplit(absl::GetFlag(FLAGS_watch), ',', absl::SkipEmpty())) {
    const size_t eq = item.find('=');
    int pid = 0;
    if (eq == absl::string_view::npos ||
        !absl::SimpleAtoi(item.substr(eq + 1), &pid)) {
      std::cerr << "--watch: want name=pid, got " << item << "\n";
      return false;
    }
    watched.emplace_back(std::string(item.substr(0, eq)), pid);
  }
  const absl::Duration total = options.duration;
  if (options.rate <= 0) {
    qpp::load::LoadOptions probe = options;
    probe.duration = absl::Seconds(10);
    probe.rate = 0;
    const qpp::load::LoadReport max = qpp::load::RunLoad(ops, probe);
    std::cout << "== maximum, closed loop with " << probe.concurrency
              << " in flight\n"
              << max.Table();
    options.rate =
        std::max(1.0, max.Qps() * absl::GetFlag(FLAGS_soak_fraction));
  }
  std::printf("== soak at %.0f calls/s for %s\n", options.rate,
              absl::FormatDuration(total).c_str());
  std::printf("%8s %8s %9s %9s %7s", "minute", "qps", "p50 ms", "p99 ms",
              "errors");
  for (const auto& [name, pid] : watched) {
    std::printf("  %12s %5s %5s", (name + " rss MB").c_str(), "fds", "sock");
  }
  std::printf("\n");
  const absl::Time start = absl::Now();
  bool alive = true;
  while (absl::Now() - start < total && alive) {
    options.duration =
        std::min(absl::GetFlag(FLAGS_interval), total - (absl::Now() - start));
    const qpp::load::LoadReport r = qpp::load::RunLoad(ops, options);
    qpp::load::MethodStats all;
    for (const auto& [name, m] : r.methods) {
      all.latency_us.insert(all.latency_us.end(), m.latency_us.begin(),
                            m.latency_us.end());
      all.calls += m.calls;
    }
    const int64_t errors = r.calls() - r.ok();
    std::printf("%8.1f %8.0f %9.2f %9.2f %7lld",
                absl::ToDoubleMinutes(absl::Now() - start), r.Qps(),
                all.PercentileMs(0.5), all.PercentileMs(0.99),
                static_cast<long long>(errors));
    for (const auto& [name, pid] : watched) {
      const ProcessSample p = SampleProcess(pid);
      if (p.rss_kb < 0) alive = false;
      std::printf("  %12.1f %5d %5d", static_cast<double>(p.rss_kb) / 1024.0,
                  p.fds, p.tcp);
    }
    std::printf("\n");
    std::fflush(stdout);
  }
  if (!alive) std::cout << "a watched process is gone\n";
  return alive && ledgers.Violations().empty();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Mixed load through the gateway with a bare-echo baseline.");
  absl::ParseCommandLine(argc, argv);
  if (std::optional<int> served = qpp::bench::ServeEchoIfAsked()) {
    return *served;
  }

  qpp::load::LoadOptions options;
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.deadline = absl::GetFlag(FLAGS_deadline);
  options.retry = absl::GetFlag(FLAGS_retry);
  if (options.concurrency < 1 || options.rate < 0) {
    std::cerr << "--concurrency must be >= 1 and --rate >= 0\n";
    return 2;
  }
  const std::string key =
      ApiKey(absl::GetFlag(FLAGS_api_key_file), "QPP_API_KEY");
  if (!key.empty()) options.metadata.push_back({"x-api-key", key});

  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto channel = grpc::CreateCustomChannel(
      absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args);
  Ledgers ledgers;
  absl::StatusOr<std::vector<qpp::load::Operation>> ops =
      Mix(channel, options, ledgers);
  if (!ops.ok()) {
    std::cerr << ops.status() << "\n";
    return 2;
  }
  if (absl::GetFlag(FLAGS_soak)) {
    const bool ok = Soak(*ops, options, ledgers);
    ledgers.Print();
    return ok ? 0 : 1;
  }
  std::cout << "== qpp mix against " << absl::GetFlag(FLAGS_target) << " ("
            << (options.rate > 0
                    ? absl::StrCat("open loop, ", options.rate, " calls/s")
                    : absl::StrCat("closed loop, ", options.concurrency,
                                   " in flight"))
            << ")\n";
  const qpp::load::LoadReport report = qpp::load::RunLoad(*ops, options);
  std::cout << report.Table();
  ledgers.Print();

  if (absl::GetFlag(FLAGS_baseline)) {
    absl::StatusOr<qpp::bench::EchoServer> echo = qpp::bench::StartEchoServer(
        "/proc/self/exe",
        absl::StrCat("/tmp/qpp-load-echo-", getpid(), ".log"));
    if (!echo.ok()) {
      std::cerr << "echo baseline: " << echo.status() << "\n";
      return 1;
    }
    auto stub = qpp::bench::EchoService::NewStub(echo->channel);
    qpp::load::LoadOptions echo_options = options;
    echo_options.metadata.clear();
    const qpp::load::LoadReport baseline = qpp::load::RunLoad(
        {{"Echo (baseline)", 1,
          [&stub] { return std::make_unique<EchoCall>(stub.get()); }}},
        echo_options);
    std::cout << "== bare callback echo, same engine and load shape\n"
              << baseline.Table();
    std::printf("mix QPS is %.1f%% of the echo baseline\n",
                baseline.Qps() > 0 ? 100.0 * report.Qps() / baseline.Qps() : 0);
  }
  return ledgers.Violations().empty() ? 0 : 1;
}
