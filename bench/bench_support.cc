#include "bench/bench_support.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "qpp/bench/echo.grpc.pb.h"

ABSL_FLAG(int, concurrency, 32, "Calls in flight, for every gRPC figure.");
ABSL_FLAG(int, seconds, 5, "Duration of each measurement.");
ABSL_FLAG(int, sql_threads, 8,
          "Threads (one connection each) for the raw SQL loops; the services "
          "measured use the same number of connections.");

namespace qpp::bench {
namespace {

// The first of the two variables that is set, else `fallback`.
std::string Env(const char* a, const char* b, const char* fallback = "") {
  if (const char* v = std::getenv(a)) return v;
  if (const char* v = std::getenv(b)) return v;
  return fallback;
}

}  // namespace

Settings SettingsFromFlags() {
  return {absl::GetFlag(FLAGS_concurrency), absl::GetFlag(FLAGS_seconds),
          absl::GetFlag(FLAGS_sql_threads)};
}

int BenchMain(int argc, char** argv,
              const std::function<int(const std::string& self)>& run) {
  // The same process settings as the services, for the client and the echo
  // baseline alike.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  if (std::optional<int> served = ServeEchoIfAsked()) return *served;
  return run("/proc/self/exe");
}

void PrintTitle(const char* name, const Settings& settings) {
  std::printf("qpp %s benchmark: concurrency %d, %d s per figure, %u cores\n\n",
              name, settings.concurrency, settings.seconds,
              std::thread::hardware_concurrency());
}

int ReportFailure(const absl::Status& status) {
  std::fprintf(stderr, "%s\n", std::string(status.message()).c_str());
  return 1;
}

Result RunClosedLoop(
    int concurrency, int seconds,
    const std::function<void(std::function<void(bool)>)>& issue) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  std::atomic<int64_t> errors{0};
  int active = concurrency;
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  std::function<void()> one = [&] {
    const auto t0 = Clock::now();
    issue([&, t0](bool ok) {
      const auto t1 = Clock::now();
      if (!ok) errors++;
      {
        std::lock_guard<std::mutex> lock(mu);
        latencies.push_back(
            std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      if (t1 < end) {
        one();
      } else {
        std::lock_guard<std::mutex> lock(mu);
        if (--active == 0) cv.notify_all();
      }
    });
  };
  for (int i = 0; i < concurrency; ++i) one();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return active == 0; });
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  Result r;
  r.errors = errors.load();
  r.qps = (latencies.size() - r.errors) / elapsed;
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    r.p50_ms = latencies[latencies.size() / 2];
    r.p99_ms = latencies[latencies.size() * 99 / 100];
  }
  return r;
}

Result RunClosedLoopCount(
    int concurrency, int64_t total,
    const std::function<void(int64_t, std::function<void(bool)>)>& issue) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> latencies;
  latencies.reserve(static_cast<size_t>(total));
  std::atomic<int64_t> errors{0};
  std::atomic<int64_t> next{0};
  int active = concurrency;
  const auto start = Clock::now();
  std::function<void()> one = [&] {
    const int64_t i = next++;
    if (i >= total) {
      std::lock_guard<std::mutex> lock(mu);
      if (--active == 0) cv.notify_all();
      return;
    }
    const auto t0 = Clock::now();
    issue(i, [&, t0](bool ok) {
      const auto t1 = Clock::now();
      if (!ok) errors++;
      {
        std::lock_guard<std::mutex> lock(mu);
        latencies.push_back(
            std::chrono::duration<double, std::milli>(t1 - t0).count());
      }
      one();
    });
  };
  for (int i = 0; i < concurrency; ++i) one();
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return active == 0; });
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  Result r;
  r.errors = errors.load();
  r.qps = (latencies.size() - r.errors) / elapsed;
  std::sort(latencies.begin(), latencies.end());
  if (!latencies.empty()) {
    r.p50_ms = latencies[latencies.size() / 2];
    r.p99_ms = latencies[latencies.size() * 99 / 100];
  }
  return r;
}

absl::StatusOr<Result> MeasureEcho(const std::string& self, int concurrency,
                                   int seconds, int payload_bytes) {
  absl::StatusOr<EchoServer> echo = StartEchoServer(self);
  if (!echo.ok()) return echo.status();
  auto stub = EchoService::NewStub(echo->channel);
  EchoMessage payload;
  payload.set_payload(std::string(payload_bytes, 'x'));
  return RunClosedLoop(concurrency, seconds, [&](auto done) {
    IssueUnary<EchoMessage>(
        payload,
        [&](auto* call, auto on_done) {
          stub->async()->Echo(&call->context, &call->request, &call->response,
                              std::move(on_done));
        },
        std::move(done));
  });
}

double SqlRate(const db::ConnectionOptions& options, int threads, int seconds,
               const std::function<bool(db::Connection&, int, int64_t)>& op) {
  std::atomic<int64_t> done{0};
  std::vector<std::thread> workers;
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto conn = db::Connect(options);
      if (!conn.ok()) return;
      for (int64_t i = 0; Clock::now() < end; ++i) {
        if (op(**conn, t, i)) done++;
      }
    });
  }
  for (auto& w : workers) w.join();
  return done.load() /
         std::chrono::duration<double>(Clock::now() - start).count();
}

std::optional<db::ConnectionOptions> DatabaseFromEnv() {
  db::ConnectionOptions options;
  options.host = Env("QPP_BENCH_DB_HOST", "QPP_TEST_DB_HOST");
  if (options.host.empty()) {
    std::fprintf(stderr,
                 "set QPP_BENCH_DB_HOST/PORT/USER/PASSWORD (or QPP_TEST_DB_*)"
                 " to a MariaDB; see bench/README.md\n");
    return std::nullopt;
  }
  (void)absl::SimpleAtoi(Env("QPP_BENCH_DB_PORT", "QPP_TEST_DB_PORT", "3307"),
                         &options.port);
  options.user = Env("QPP_BENCH_DB_USER", "QPP_TEST_DB_USER", "qpp");
  options.password = Env("QPP_BENCH_DB_PASSWORD", "QPP_TEST_DB_PASSWORD");
  return options;
}

bool MigrateSchema(const db::ConnectionOptions& options,
                   const std::vector<db::MigrationFile>& migrations) {
  absl::Status migrated = db::Migrate(options, options.database, migrations);
  if (!migrated.ok()) {
    std::fprintf(stderr, "migrate: %s\n", migrated.ToString().c_str());
    return false;
  }
  return true;
}

void DropSchema(db::ConnectionOptions options) {
  const std::string schema = options.database;
  options.database.clear();
  if (auto conn = db::Connect(options); conn.ok()) {
    (void)(*conn)->ExecuteDirect(absl::StrCat("DROP DATABASE `", schema, "`"));
  }
}

absl::StatusOr<Service> StartService(const std::string& binary, int port,
                                     const db::ConnectionOptions& db,
                                     int pool_size, const std::string& keyring,
                                     const std::vector<std::string>& extra_args,
                                     int wait_attempts) {
  std::vector<std::string> args = {
      absl::StrCat("--listen_address=127.0.0.1:", port),
      "--metrics_address=",
      "--db_host=" + db.host,
      absl::StrCat("--db_port=", db.port),
      "--db_user=" + db.user,
      "--db_name=" + db.database,
      absl::StrCat("--db_pool_size=", pool_size),
      "--log_level=warn"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  const std::string log = absl::StrCat("/tmp/qpp_bench_", binary, ".log");
  auto process = testing::ChildProcess::Start(
      testing::BinDir() + "/" + binary, args,
      {{"QPP_DB_PASSWORD", db.password}, {"QPP_DATA_KEYRING", keyring}}, log);
  if (!process.ok()) return process.status();
  Service service{*std::move(process), WaitForChannel(port, wait_attempts)};
  if (service.channel == nullptr) {
    return absl::UnavailableError(
        absl::StrCat(binary, " did not start; see ", log));
  }
  return service;
}

void PrintGrpcHeader(int width) {
  std::printf("  %-*s %10s %9s %9s %8s\n", width, "gRPC (same concurrency)",
              "QPS", "p50 ms", "p99 ms", "errors");
}

void PrintRow(int width, const char* what, const Result& r) {
  std::printf("  %-*s %10.0f %9.3f %9.3f %8lld\n", width, what, r.qps, r.p50_ms,
              r.p99_ms, static_cast<long long>(r.errors));
}

void PrintSqlHeader(int width) {
  std::printf("\n  %-*s %10s\n", width, "MariaDB, same server", "ops/s");
}

void PrintSqlRow(int width, const char* what, double rate, int threads) {
  std::printf("  %-*s %10.0f   (%d threads)\n", width, what, rate, threads);
}

}  // namespace qpp::bench
