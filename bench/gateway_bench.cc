// gateway_bench: what the gateway costs.
//
// In one process and one run, at the same concurrency:
//  1. RegistryService.GetOrganization called directly on a backend;
//  2. the same call through the gateway over gRPC;
//  3. the same call through the gateway over HTTP/JSON (keep-alive);
//  4. latency at a fixed 1,000 requests/s, directly and through the
//     gateway, and the difference (the latency the gateway adds).
//
// The backend is an in-memory fake of the registry (no database), so the
// figures measure the gateway — authentication (salted key hash), policy,
// rate limiter, deadline and metadata handling, audit log line, metrics,
// forwarding, and for HTTP the JSON transcoding — not the registry. The
// gateway is the real qpp-gateway binary in its own process (or, with
// --in_process, the same library wired in this process), with a real audit
// log in a temporary directory. Client, gateway and backend share
// the machine's cores, as they would on a 2-core host.
//
// Usage: gateway_bench [--seconds=N] [--concurrency=N] [--in_process]
// (QPP_TEST_BIN_DIR or the build's bin/ holds qpp-gateway.)

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/process.h"
#include "grpcpp/create_channel.h"
#include "prometheus/registry.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/gateway/src/api_keys.h"
#include "services/gateway/src/apis.h"
#include "services/gateway/src/audit_log.h"
#include "services/gateway/src/backends.h"
#include "services/gateway/src/gateway.h"
#include "services/gateway/src/gateway_metrics.h"
#include "services/gateway/src/gateway_server.h"
#include "services/gateway/src/grpc_proxy.h"
#include "services/gateway/src/http_front.h"
#include "services/gateway/src/policy.h"
#include "services/gateway/src/rate_limiter.h"
#include "services/gateway/src/transcoder.h"
#include "services/gateway/tests/fake_registry.h"
#include "services/gateway/tests/test_util.h"
#include "spdlog/spdlog.h"

namespace qpp::gateway {
namespace {

using Clock = std::chrono::steady_clock;
using registry::v1::GetOrganizationRequest;
using registry::v1::Organization;

const char kName[] = "organizations/91440300MA5F00001X";
// The deadline every gRPC call of the benchmark sets, direct or not.
constexpr auto kCallDeadline = std::chrono::seconds(5);

struct Result {
  double qps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  long errors = 0;
};

Result Summarise(std::vector<double>& lat_ms, double seconds, long errors) {
  Result r;
  r.errors = errors;
  if (lat_ms.empty()) return r;
  std::sort(lat_ms.begin(), lat_ms.end());
  r.qps = lat_ms.size() / seconds;
  r.p50_ms = lat_ms[lat_ms.size() / 2];
  r.p99_ms = lat_ms[std::min(lat_ms.size() - 1, lat_ms.size() * 99 / 100)];
  return r;
}

// Closed loop: `concurrency` calls always in flight for `seconds`.
Result GrpcClosedLoop(std::shared_ptr<grpc::Channel> channel,
                      const std::string& key, int concurrency, double seconds) {
  auto stub = registry::v1::RegistryService::NewStub(channel);
  GetOrganizationRequest req;
  req.set_name(kName);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> lat;
  lat.reserve(1 << 20);
  long errors = 0;
  int active = concurrency;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  struct Slot {
    grpc::ClientContext* ctx = nullptr;
    Organization resp;
    Clock::time_point start;
  };
  std::vector<Slot> slots(concurrency);
  std::function<void(int)> issue = [&](int i) {
    Slot& s = slots[i];
    delete s.ctx;
    s.ctx = new grpc::ClientContext();
    if (!key.empty()) s.ctx->AddMetadata("x-api-key", key);
    // Callers set deadlines (the gateway always sets one downstream).
    s.ctx->set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    s.start = Clock::now();
    stub->async()->GetOrganization(
        s.ctx, &req, &s.resp, [&, i](grpc::Status st) {
          const auto now = Clock::now();
          {
            std::lock_guard<std::mutex> lock(mu);
            if (st.ok()) {
              lat.push_back(std::chrono::duration<double, std::milli>(
                                now - slots[i].start)
                                .count());
            } else {
              ++errors;
            }
          }
          if (now < end) {
            issue(i);
          } else {
            std::lock_guard<std::mutex> lock(mu);
            if (--active == 0) cv.notify_all();
          }
        });
  };
  const auto start = Clock::now();
  for (int i = 0; i < concurrency; ++i) issue(i);
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return active == 0; });
  }
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  for (Slot& s : slots) delete s.ctx;
  return Summarise(lat, elapsed, errors);
}

// Open loop: one call every 1/rate seconds regardless of answers.
Result GrpcFixedRate(std::shared_ptr<grpc::Channel> channel,
                     const std::string& key, int rate, double seconds) {
  auto stub = registry::v1::RegistryService::NewStub(channel);
  GetOrganizationRequest req;
  req.set_name(kName);
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> lat;
  long errors = 0;
  int pending = 0;
  const int total = static_cast<int>(rate * seconds);
  const auto period = std::chrono::nanoseconds(1000000000LL / rate);
  const auto start = Clock::now();
  for (int n = 0; n < total; ++n) {
    std::this_thread::sleep_until(start + n * period);
    struct Call {
      grpc::ClientContext ctx;
      Organization resp;
      Clock::time_point start;
    };
    auto* call = new Call();
    if (!key.empty()) call->ctx.AddMetadata("x-api-key", key);
    call->ctx.set_deadline(std::chrono::system_clock::now() + kCallDeadline);
    call->start = Clock::now();
    {
      std::lock_guard<std::mutex> lock(mu);
      ++pending;
    }
    stub->async()->GetOrganization(
        &call->ctx, &req, &call->resp, [&, call](grpc::Status st) {
          const auto now = Clock::now();
          std::lock_guard<std::mutex> lock(mu);
          if (st.ok()) {
            lat.push_back(
                std::chrono::duration<double, std::milli>(now - call->start)
                    .count());
          } else {
            ++errors;
          }
          delete call;
          if (--pending == 0) cv.notify_all();
        });
  }
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return pending == 0; });
  return Summarise(lat, seconds, errors);
}

// Closed loop over HTTP/1.1 keep-alive, one thread per connection.
Result HttpClosedLoop(int port, const std::string& key, int concurrency,
                      double seconds) {
  std::mutex mu;
  std::vector<double> lat;
  long errors = 0;
  const auto end = Clock::now() + std::chrono::duration<double>(seconds);
  const auto start = Clock::now();
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
        const auto t1 = Clock::now();
        if (r.ok() && r->status == 200) {
          mine.push_back(
              std::chrono::duration<double, std::milli>(t1 - t0).count());
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
  const double elapsed =
      std::chrono::duration<double>(Clock::now() - start).count();
  return Summarise(lat, elapsed, errors);
}

void Print(const char* what, const Result& r) {
  std::printf("  %-34s %9.0f qps   p50 %7.3f ms   p99 %7.3f ms   errors %ld\n",
              what, r.qps, r.p50_ms, r.p99_ms, r.errors);
}

int Main(int argc, char** argv) {
  double seconds = 5;
  int concurrency = 16;
  bool in_process = false;
  for (int i = 1; i < argc; ++i) {
    absl::string_view a = argv[i];
    if (a == "--in_process") in_process = true;
    if (absl::StartsWith(a, "--seconds=")) {
      (void)absl::SimpleAtod(a.substr(10), &seconds);
    } else if (absl::StartsWith(a, "--concurrency=")) {
      (void)absl::SimpleAtoi(a.substr(14), &concurrency);
    }
  }
  spdlog::set_level(spdlog::level::warn);
  // As in the gateway binary: Debian builds Abseil with deadlock detection
  // on, which gRPC pays for on every lock.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  auto backend = testing::StartFakeRegistry(0);
  if (backend == nullptr) return 1;

  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    absl::StrCat("qpp_gw_bench_", getpid());
  std::filesystem::create_directories(dir);
  auto key = GenerateKey("bench");
  if (!key.ok()) return 1;
  const std::string policy_json = R"({
      "roles": [{"name": "all", "allow": ["*/*"],
                 "rateLimit": {"requestsPerSecond": 1e9, "burst": 1000000000}}],
      "principals": [{"id": "bench", "roles": ["all"]}]})";
  const std::string backends_flag =
      absl::StrCat("qpp.registry.v1.RegistryService=127.0.0.1:", backend->port);
  const int http_port = qpp::testing::FreePort();
  int grpc_port = 0;

  // Either the real binary in its own process (default, as deployed), or
  // the same library wired in this process (--in_process).
  std::unique_ptr<qpp::testing::ChildProcess> child;
  prometheus::Registry registry;
  GatewayMetrics metrics(registry);
  std::unique_ptr<ApiKeyStore> keys;
  std::unique_ptr<Policy> policy;
  std::unique_ptr<BackendSet> backends;
  std::unique_ptr<FileAuditLog> audit;
  RateLimiter limiter;
  std::unique_ptr<Gateway> gateway;
  Transcoder transcoder;
  std::unique_ptr<GrpcProxy> proxy;
  std::unique_ptr<GatewayServer> server;
  std::unique_ptr<HttpFront> http;
  if (!in_process) {
    std::ofstream(dir / "keys") << key->entry << "\n";
    std::ofstream(dir / "policy.json") << policy_json;
    grpc_port = qpp::testing::FreePort();
    auto started = qpp::testing::ChildProcess::Start(
        qpp::testing::BinDir() + "/qpp-gateway",
        {absl::StrCat("--listen_address=127.0.0.1:", grpc_port),
         absl::StrCat("--http_address=127.0.0.1:", http_port),
         absl::StrCat("--metrics_address=127.0.0.1:", qpp::testing::FreePort()),
         "--backends=" + backends_flag,
         "--api_keys_file=" + (dir / "keys").string(),
         "--policy_file=" + (dir / "policy.json").string(),
         "--audit_dir=" + (dir / "audit").string(), "--log_level=warn"},
        {}, (dir / "gateway.log").string());
    if (!started.ok()) {
      std::fprintf(stderr, "cannot start qpp-gateway: %s\n",
                   std::string(started.status().message()).c_str());
      return 1;
    }
    child = *std::move(started);
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  } else {
    auto k = ApiKeyStore::Parse(key->entry);
    auto p = Policy::FromJson(policy_json);
    auto b = BackendSet::Create(backends_flag, BackendOptions{}, &metrics);
    if (!k.ok() || !p.ok() || !b.ok()) return 1;
    keys = std::make_unique<ApiKeyStore>(*std::move(k));
    policy = std::make_unique<Policy>(*std::move(p));
    backends = *std::move(b);
    audit = std::make_unique<FileAuditLog>((dir / "audit").string(), 180,
                                           &metrics.audit_write_failures);
    if (!audit->Open().ok()) return 1;
    gateway = std::make_unique<Gateway>(GatewayOptions{}, keys.get(),
                                        policy.get(), &limiter, audit.get(),
                                        backends.get(), &metrics);
    for (const auto* s : KnownServices()) {
      gateway->AddKnownService(s);
      (void)transcoder.AddService(s);
    }
    proxy = std::make_unique<GrpcProxy>(gateway.get());
    GatewayServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    server = std::make_unique<GatewayServer>(server_options, proxy.get(),
                                             backends.get());
    if (!server->Start().ok()) return 1;
    grpc_port = server->port();
    HttpOptions http_options;
    http_options.address = absl::StrCat("127.0.0.1:", http_port);
    http =
        std::make_unique<HttpFront>(gateway.get(), &transcoder, http_options);
    if (!http->Start().ok()) return 1;
  }

  auto direct = grpc::CreateChannel(absl::StrCat("127.0.0.1:", backend->port),
                                    grpc::InsecureChannelCredentials());
  auto via = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                 grpc::InsecureChannelCredentials());
  // Warm up connections and caches.
  GrpcClosedLoop(direct, "", concurrency, 0.5);
  GrpcClosedLoop(via, key->key, concurrency, 0.5);
  HttpClosedLoop(http_port, key->key, concurrency, 0.5);

  std::printf(
      "gateway_bench: GetOrganization from an in-memory backend, %d "
      "in flight, %.0f s per figure, %u cores, gateway %s\n",
      concurrency, seconds, std::thread::hardware_concurrency(),
      in_process ? "in this process" : "as its own process (qpp-gateway)");
  std::printf("\nThroughput (closed loop, %d concurrent):\n", concurrency);
  const Result d = GrpcClosedLoop(direct, "", concurrency, seconds);
  Print("direct gRPC", d);
  const Result g = GrpcClosedLoop(via, key->key, concurrency, seconds);
  Print("through gateway, gRPC", g);
  const Result h = HttpClosedLoop(http_port, key->key, concurrency, seconds);
  Print("through gateway, HTTP/JSON", h);
  std::printf("  gateway gRPC / direct QPS      = %.2f  (target >= 0.60)\n",
              g.qps / d.qps);
  std::printf("  gateway HTTP / gateway gRPC QPS = %.2f  (target >= 0.50)\n",
              h.qps / g.qps);

  std::printf("\nLatency at a fixed 1000 requests/s (open loop):\n");
  const Result fd = GrpcFixedRate(direct, "", 1000, seconds);
  Print("direct gRPC", fd);
  const Result fg = GrpcFixedRate(via, key->key, 1000, seconds);
  Print("through gateway, gRPC", fg);
  std::printf(
      "  added by the gateway: p50 %.3f ms, p99 %.3f ms  (target p99 <= 0.5 "
      "ms)\n",
      fg.p50_ms - fd.p50_ms, fg.p99_ms - fd.p99_ms);

  if (child != nullptr) {
    child->Signal(SIGTERM);
    child->Wait(10000);
  }
  if (http != nullptr) http->Stop();
  if (server != nullptr) server->Shutdown();
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace qpp::gateway

int main(int argc, char** argv) { return qpp::gateway::Main(argc, argv); }
