// http_front_bench: the HTTP/JSON front when clients hold connections.
//
// In one process and one run, against one gateway core (key check, policy,
// audit log, metrics, JSON transcoding) and an in-memory fake registry
// (GetOrganization):
//  1. throughput, closed loop with --concurrency calls in flight on
//     keep-alive connections, of the event-driven front (--http_threads
//     event loops) and of the civetweb front it replaced (bench/baseline,
//     one worker thread per connection, concurrency + 4 threads as the
//     gateway used to run it);
//  2. a legitimate client's latency, one call at a time on a keep-alive
//     connection, while 0, 500 and 2,000 idle connections (connected,
//     silent) are held on the event-driven front; and on the civetweb
//     front with 0 and 100 held (a call that gets no answer within a
//     second counts as an error).
// Idle connections come from 127.0.1.x (100 per address, below the
// per-address cap), the legitimate client from 127.0.0.1. Client, gateway
// and backend share the machine's cores.
//
// Usage: http_front_bench [--seconds=N] [--concurrency=N] [--http_threads=N]

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/baseline/civetweb_front.h"
#include "common/testing/process.h"
#include "prometheus/registry.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/src/apis.h"
#include "services/gateway/src/audit_log.h"
#include "services/gateway/src/backends.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/gateway_metrics.h"
#include "services/gateway/src/http_front.h"
#include "services/gateway/src/policy.h"
#include "services/gateway/src/rate_limiter.h"
#include "services/gateway/src/transcoder.h"
#include "services/gateway/tests/edge_client.h"
#include "services/gateway/tests/fake_registry.h"
#include "services/gateway/tests/test_util.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Conn;

const char kName[] = "organizations/91440300MA5F00001X";

struct Result {
  double qps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long calls = 0;
  long errors = 0;
};

Result Summarise(std::vector<double>& lat_ms, double seconds, long errors) {
  Result r;
  r.errors = errors;
  r.calls = static_cast<long>(lat_ms.size());
  if (lat_ms.empty()) return r;
  std::sort(lat_ms.begin(), lat_ms.end());
  r.qps = lat_ms.size() / seconds;
  r.p50_ms = lat_ms[lat_ms.size() / 2];
  r.p99_ms = lat_ms[std::min(lat_ms.size() - 1, lat_ms.size() * 99 / 100)];
  return r;
}

// Closed loop over HTTP/1.1 keep-alive, one client thread per connection.
Result ClosedLoop(int port, const std::string& key, int concurrency,
                  double seconds) {
  std::mutex mu;
  std::vector<double> lat;
  long errors = 0;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) {
    threads.emplace_back([&] {
      testing::HttpClient client(port);
      std::vector<double> mine;
      long my_errors = 0;
      const std::map<std::string, std::string> headers = {{"X-Api-Key", key}};
      const std::string path = absl::StrCat("/v1/", kName);
      while (Clock::now() < end) {
        const auto t0 = Clock::now();
        auto r = client.Send("GET", path, headers);
        if (r.ok() && r->status == 200) {
          mine.push_back(
              std::chrono::duration<double, std::milli>(Clock::now() - t0)
                  .count());
        } else {
          ++my_errors;
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      lat.insert(lat.end(), mine.begin(), mine.end());
      errors += my_errors;
    });
  }
  for (auto& t : threads) t.join();
  return Summarise(
      lat, std::chrono::duration<double>(Clock::now() - start).count(), errors);
}

// One call at a time from 127.0.0.1 for `seconds` (at most `max_calls`); a
// call without an answer within `timeout_ms` is an error (and its
// connection is replaced).
Result Legitimate(int port, const std::string& key, double seconds,
                  int max_calls, int timeout_ms) {
  std::vector<double> lat;
  long errors = 0;
  const std::string request =
      absl::StrCat("GET /v1/", kName, " HTTP/1.1\r\nHost: bench\r\n",
                   "X-Api-Key: ", key, "\r\n\r\n");
  auto conn = std::make_unique<Conn>(port);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration<double>(seconds);
  for (int i = 0; i < max_calls && Clock::now() < end; ++i) {
    const auto t0 = Clock::now();
    const bool sent = conn->Send(request);
    const int status = sent ? conn->Read(timeout_ms).status : 0;
    if (status == 200) {
      lat.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    } else {
      ++errors;
      conn = std::make_unique<Conn>(port, "127.0.0.1", timeout_ms);
    }
  }
  return Summarise(
      lat, std::chrono::duration<double>(Clock::now() - start).count(), errors);
}

// `n` idle connections to `port`, 100 per source address 127.0.1.x.
std::vector<std::unique_ptr<Conn>> HoldIdle(int port, int n) {
  std::vector<std::unique_ptr<Conn>> idle;
  for (int i = 0; i < n; ++i) {
    auto c = std::make_unique<Conn>(port, absl::StrCat("127.0.1.", 1 + i / 100),
                                    /*connect_timeout_ms=*/500);
    if (!c->ok()) {
      std::fprintf(stderr, "could only open %d idle connections\n", i);
      break;
    }
    idle.push_back(std::move(c));
  }
  // Let the server accept them before measuring.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  return idle;
}

void Print(const std::string& what, const Result& r, bool with_qps) {
  if (with_qps) {
    std::printf("  %-46s %8.0f qps  p50 %7.3f ms  p99 %7.3f ms  errors %ld\n",
                what.c_str(), r.qps, r.p50_ms, r.p99_ms, r.errors);
  } else {
    std::printf("  %-46s %6ld calls  p50 %7.3f ms  p99 %7.3f ms  errors %ld\n",
                what.c_str(), r.calls, r.p50_ms, r.p99_ms, r.errors);
  }
}

int Main(int argc, char** argv) {
  double seconds = 5;
  int concurrency = 16;
  int http_threads = 2;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (absl::StartsWith(a, "--seconds=")) {
      (void)absl::SimpleAtod(a.substr(10), &seconds);
    } else if (absl::StartsWith(a, "--concurrency=")) {
      (void)absl::SimpleAtoi(a.substr(14), &concurrency);
    } else if (absl::StartsWith(a, "--http_threads=")) {
      (void)absl::SimpleAtoi(a.substr(15), &http_threads);
    }
  }
  spdlog::set_level(spdlog::level::warn);
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  // Both ends of 2,000 connections live in this process.
  rlimit limit{};
  getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  setrlimit(RLIMIT_NOFILE, &limit);

  auto backend = testing::StartFakeRegistry(0);
  if (backend == nullptr) return 1;
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    absl::StrCat("qpp_http_bench_", getpid());
  std::filesystem::create_directories(dir);
  auto key = GenerateKey("bench");
  auto keys = key.ok() ? ApiKeyStore::Parse(key->entry)
                       : absl::StatusOr<ApiKeyStore>(key.status());
  auto policy = Policy::FromJson(R"({
      "roles": [{"name": "all", "allow": ["*/*"]}],
      "principals": [{"id": "bench", "roles": ["all"]}]})");
  prometheus::Registry registry;
  GatewayMetrics metrics(registry);
  auto backends = BackendSet::Create(
      absl::StrCat("qpp.registry.v1.RegistryService=127.0.0.1:", backend->port),
      BackendOptions{}, &metrics);
  if (!keys.ok() || !policy.ok() || !backends.ok()) return 1;
  FileAuditLog audit((dir / "audit").string(), 1,
                     &metrics.audit_write_failures);
  if (!audit.Open().ok()) return 1;
  RateLimiter limiter;
  Gateway gateway(GatewayOptions{}, &*keys, &*policy, &limiter, &audit,
                  backends->get(), &metrics);
  Transcoder transcoder;
  for (const auto* s : KnownServices()) {
    gateway.AddKnownService(s);
    (void)transcoder.AddService(s);
  }

  HttpOptions options;
  options.address = "127.0.0.1:0";
  options.threads = http_threads;
  HttpFront front(&gateway, &transcoder, options);
  if (absl::Status s = front.Start(); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  const int port = front.port();
  baseline::CivetwebOptions civetweb_options;
  const int civetweb_port = qpp::testing::FreePort();
  civetweb_options.address = absl::StrCat("127.0.0.1:", civetweb_port);
  civetweb_options.threads = concurrency + 4;
  baseline::CivetwebFront civetweb(&gateway, &transcoder, civetweb_options);
  if (!civetweb.Start().ok()) return 1;

  ClosedLoop(port, key->key, concurrency, 0.5);  // warm up
  ClosedLoop(civetweb_port, key->key, concurrency, 0.5);

  std::printf(
      "http_front_bench: GET /v1/%s from an in-memory backend, %.0f s per "
      "figure, %u cores, everything in this process\n",
      kName, seconds, std::thread::hardware_concurrency());
  std::printf("\nThroughput (closed loop, %d in flight, keep-alive):\n",
              concurrency);
  const Result beast = ClosedLoop(port, key->key, concurrency, seconds);
  Print(absl::StrCat("event-driven front, ", http_threads, " event loops"),
        beast, true);
  const Result civet =
      ClosedLoop(civetweb_port, key->key, concurrency, seconds);
  Print(absl::StrCat("civetweb front (before), ", concurrency + 4, " threads"),
        civet, true);
  std::printf("  event-driven / civetweb QPS = %.2f\n",
              civet.qps > 0 ? beast.qps / civet.qps : 0.0);

  std::printf(
      "\nA legitimate client (one call at a time, keep-alive) while idle "
      "connections are held:\n");
  const int kMaxCalls = 20000;
  for (int held : {0, 500, 2000}) {
    auto idle = HoldIdle(port, held);
    const Result r = Legitimate(port, key->key, seconds, kMaxCalls, 1000);
    Print(absl::StrCat("event-driven, ", idle.size(), " idle held"), r, false);
  }
  // Past its threads, civetweb leaves connections in its small listen
  // queue, where further connects stall: 100 idle ones are enough to starve
  // it, and a few calls tell.
  for (int held : {0, 100}) {
    auto idle = HoldIdle(civetweb_port, held);
    const Result r =
        Legitimate(civetweb_port, key->key, held == 0 ? seconds : 5,
                   held == 0 ? kMaxCalls : 5, 1000);
    Print(absl::StrCat("civetweb (before), ", idle.size(), " idle held"), r,
          false);
  }

  front.Stop();
  civetweb.Stop();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace qpp::gateway

int main(int argc, char** argv) { return qpp::gateway::Main(argc, argv); }
