// Registry benchmark: prints, from one run on one machine,
//   - a bare callback gRPC echo server's QPS and p50/p99 (baseline),
//   - qpp-registry's GetOrganization and CreateOrganization at the same
//     concurrency (the real binary, over loopback, on MariaDB),
//   - raw MariaDB prepared PK SELECT and autocommit INSERT rates,
//   - bulk import throughput (ImportOrganizations, 10,000 rows),
// and the ratios between them.
//
// Needs a MariaDB: QPP_BENCH_DB_HOST/PORT/USER/PASSWORD, or the
// QPP_TEST_DB_* variables that tests/run.sh sets. See bench/README.md.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/crypto/cipher.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/testing/process.h"
#include "common/validation/uscc.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "qpp/bench/echo.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry_repository.h"

ABSL_FLAG(int, concurrency, 32, "Calls in flight, for every gRPC figure.");
ABSL_FLAG(int, seconds, 5, "Duration of each measurement.");
ABSL_FLAG(int, sql_threads, 8,
          "Threads (one connection each) for the raw SQL loops; the registry "
          "uses the same number of connections.");
ABSL_FLAG(int, import_rows, 10000, "Rows in the bulk import measurement.");
ABSL_FLAG(int, serve_echo, 0, "Internal: run only the echo server on PORT.");

namespace qpp::bench {
namespace {

namespace v1 = ::qpp::registry::v1;
using Clock = std::chrono::steady_clock;

struct Result {
  double qps = 0;
  double p50_ms = 0;
  double p99_ms = 0;
  int64_t errors = 0;
};

// Closed-loop load: `concurrency` callers, each issuing its next call when
// the previous one completes, for `seconds`. `issue(done)` starts one call
// and calls done(ok) when it completes.
Result RunLoad(int concurrency, int seconds,
               const std::function<void(std::function<void(bool)>)>& issue) {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<double> latencies;
  latencies.reserve(1 << 20);
  std::atomic<int64_t> errors{0};
  int active = concurrency;
  const auto start = Clock::now();
  const auto end = start + std::chrono::seconds(seconds);
  std::function<void()> next;
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

// Rate of `op` run in a loop by `threads` threads (one connection each).
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

std::string UsccFor(int64_t n) {
  std::string first17 = absl::StrFormat("91440300%09d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

v1::Organization NewOrg(int64_t n) {
  v1::Organization org;
  org.set_uscc(UsccFor(n));
  org.set_display_name(absl::StrCat("深圳市基准测试", n, "号科技有限公司"));
  org.set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
  org.set_district_code("440305");
  org.set_industry_code("65");
  org.set_employees(120);
  org.set_annual_revenue_yuan(30'000'000);
  org.set_total_assets_yuan(20'000'000);
  return org;
}

class EchoServiceImpl final : public qpp::bench::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx,
                                 const EchoMessage* req,
                                 EchoMessage* resp) override {
    *resp = *req;
    auto* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

int ServeEcho(int port) {
  EchoServiceImpl service;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(absl::StrCat("127.0.0.1:", port),
                           grpc::InsecureServerCredentials());
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  if (server == nullptr) return 1;
  server->Wait();
  return 0;
}

std::string Env(const char* a, const char* b, const char* fallback = "") {
  if (const char* v = std::getenv(a)) return v;
  if (const char* v = std::getenv(b)) return v;
  return fallback;
}

std::shared_ptr<grpc::Channel> WaitForChannel(int port) {
  for (int i = 0; i < 200; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto channel =
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port),
                                  grpc::InsecureChannelCredentials(), args);
    auto stub = grpc::health::v1::Health::NewStub(channel);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::milliseconds(200));
    grpc::health::v1::HealthCheckResponse resp;
    grpc::Status s = stub->Check(&ctx, {}, &resp);
    if (s.ok() &&
        resp.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return channel;
    }
    // The echo server has no health service: UNIMPLEMENTED means it is up.
    if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) return channel;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return nullptr;
}

void PrintRow(const char* what, const Result& r) {
  std::printf("  %-34s %10.0f %9.3f %9.3f %8lld\n", what, r.qps, r.p50_ms,
              r.p99_ms, static_cast<long long>(r.errors));
}

int Run(const char* self) {
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  db::ConnectionOptions dbo;
  dbo.host = Env("QPP_BENCH_DB_HOST", "QPP_TEST_DB_HOST");
  if (dbo.host.empty()) {
    std::fprintf(stderr,
                 "set QPP_BENCH_DB_HOST/PORT/USER/PASSWORD (or QPP_TEST_DB_*)"
                 " to a MariaDB; see bench/README.md\n");
    return 2;
  }
  (void)absl::SimpleAtoi(Env("QPP_BENCH_DB_PORT", "QPP_TEST_DB_PORT", "3307"),
                         &dbo.port);
  dbo.user = Env("QPP_BENCH_DB_USER", "QPP_TEST_DB_USER", "qpp");
  dbo.password = Env("QPP_BENCH_DB_PASSWORD", "QPP_TEST_DB_PASSWORD");
  dbo.database = absl::StrCat("qpp_bench_", getpid());
  absl::Status migrated =
      db::Migrate(dbo, dbo.database, qpp::registry::Migrations());
  if (!migrated.ok()) {
    std::fprintf(stderr, "migrate: %s\n", migrated.ToString().c_str());
    return 1;
  }

  std::printf(
      "qpp registry benchmark: concurrency %d, %d s per figure, "
      "%u cores\n\n",
      concurrency, seconds, std::thread::hardware_concurrency());

  // 1. Baseline: bare callback echo server, in its own process.
  const int echo_port = testing::FreePort();
  auto echo_proc = testing::ChildProcess::Start(
      self, {absl::StrCat("--serve_echo=", echo_port)}, {}, "/dev/null");
  auto echo_channel = echo_proc.ok() ? WaitForChannel(echo_port) : nullptr;
  if (echo_channel == nullptr) {
    std::fprintf(stderr, "echo server did not start\n");
    return 1;
  }
  auto echo = qpp::bench::EchoService::NewStub(echo_channel);
  EchoMessage payload;
  payload.set_payload(std::string(300, 'x'));  // about a GetOrganization reply
  const Result echo_result = RunLoad(concurrency, seconds, [&](auto done) {
    auto* ctx = new grpc::ClientContext();
    auto* resp = new EchoMessage();
    echo->async()->Echo(ctx, &payload, resp, [=](grpc::Status s) {
      delete ctx;
      delete resp;
      done(s.ok());
    });
  });
  echo_proc->reset();

  // 2. The real qpp-registry binary.
  const int port = testing::FreePort();
  auto registry = testing::ChildProcess::Start(
      testing::BinDir() + "/qpp-registry",
      {absl::StrCat("--listen_address=127.0.0.1:", port), "--metrics_address=",
       "--db_host=" + dbo.host, absl::StrCat("--db_port=", dbo.port),
       "--db_user=" + dbo.user, "--db_name=" + dbo.database,
       absl::StrCat("--db_pool_size=", absl::GetFlag(FLAGS_sql_threads)),
       "--log_level=warn"},
      {{"QPP_DB_PASSWORD", dbo.password},
       {"QPP_DATA_KEYRING", crypto::DataCipher::GenerateKeyring()}},
      "/tmp/qpp_bench_registry.log");
  auto channel = registry.ok() ? WaitForChannel(port) : nullptr;
  if (channel == nullptr) {
    std::fprintf(stderr,
                 "qpp-registry did not start; see "
                 "/tmp/qpp_bench_registry.log\n");
    return 1;
  }
  auto stub = v1::RegistryService::NewStub(channel);

  // Seed organisations to read.
  constexpr int kSeed = 1000;
  {
    v1::BatchCreateOrganizationsRequest req;
    for (int i = 0; i < kSeed; ++i) *req.add_organizations() = NewOrg(i);
    grpc::ClientContext ctx;
    v1::BatchCreateOrganizationsResponse resp;
    grpc::Status s = stub->BatchCreateOrganizations(&ctx, req, &resp);
    if (!s.ok() || resp.created_count() != kSeed) {
      std::fprintf(stderr, "seeding failed: %s\n", s.error_message().c_str());
      return 1;
    }
  }
  std::atomic<int64_t> counter{0};
  const Result get_result = RunLoad(concurrency, seconds, [&](auto done) {
    auto* ctx = new grpc::ClientContext();
    auto* req = new v1::GetOrganizationRequest();
    auto* resp = new v1::Organization();
    req->set_name("organizations/" + UsccFor(counter++ % kSeed));
    stub->async()->GetOrganization(ctx, req, resp, [=](grpc::Status s) {
      delete ctx;
      delete req;
      delete resp;
      done(s.ok());
    });
  });
  std::atomic<int64_t> next_id{1'000'000};
  const Result create_result = RunLoad(concurrency, seconds, [&](auto done) {
    auto* ctx = new grpc::ClientContext();
    auto* req = new v1::CreateOrganizationRequest();
    auto* resp = new v1::Organization();
    *req->mutable_organization() = NewOrg(next_id++);
    stub->async()->CreateOrganization(ctx, req, resp, [=](grpc::Status s) {
      delete ctx;
      delete req;
      delete resp;
      done(s.ok());
    });
  });

  // 3. Bulk import through the client-streaming RPC, chunks of 1000 rows.
  const int import_rows = absl::GetFlag(FLAGS_import_rows);
  double import_rate = 0;
  int import_created = 0;
  {
    std::vector<v1::ImportOrganizationsRequest> chunks;
    for (int i = 0; i < import_rows; i += 1000) {
      v1::ImportOrganizationsRequest chunk;
      for (int j = i; j < std::min(import_rows, i + 1000); ++j) {
        *chunk.add_organizations() = NewOrg(5'000'000 + j);
      }
      chunks.push_back(std::move(chunk));
    }
    const auto t0 = Clock::now();
    grpc::ClientContext ctx;
    v1::ImportOrganizationsResponse resp;
    auto writer = stub->ImportOrganizations(&ctx, &resp);
    for (const auto& c : chunks) writer->Write(c);
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    const double elapsed =
        std::chrono::duration<double>(Clock::now() - t0).count();
    import_created = s.ok() ? resp.created_count() : 0;
    import_rate = import_created / elapsed;
  }
  registry->reset();

  // 4. Raw MariaDB on the same server: prepared PK SELECT, autocommit INSERT.
  const int sql_threads = absl::GetFlag(FLAGS_sql_threads);
  db::ConnectionOptions raw = dbo;
  {
    auto conn = db::Connect(raw);
    if (!conn.ok() ||
        !(*conn)
             ->ExecuteDirect("CREATE TABLE IF NOT EXISTS bench_rows (id "
                             "BIGINT PRIMARY KEY, name VARCHAR(200), v "
                             "BIGINT) ENGINE=InnoDB")
             .ok()) {
      std::fprintf(stderr, "cannot create bench table\n");
      return 1;
    }
  }
  const double select_rate = SqlRate(
      raw, sql_threads, seconds, [&](db::Connection& c, int t, int64_t i) {
        return c
            .Query(
                "SELECT uscc, display_name, employees FROM "
                "organizations WHERE uscc = ?",
                {UsccFor((t * 7919 + i) % kSeed)})
            .ok();
      });
  // The same row GetOrganization reads: every column of the organisation.
  const double full_row_rate = SqlRate(
      raw, sql_threads, seconds, [&](db::Connection& c, int t, int64_t i) {
        return c
            .Query(
                "SELECT uscc, display_name, kind, district_code, "
                "industry_code, industry_section, employees, "
                "annual_revenue_yuan, total_assets_yuan, size_class, "
                "size_rule_version, flag_listing_cultivation, "
                "flag_high_tech, flag_growth, "
                "flag_exemplary_public_service, credit_standing, "
                "credit_since, credit_reason, adoption_status, "
                "introducing_date, adopted_date, benchmark_date, "
                "contacts_encrypted, state, create_time, update_time, "
                "delete_time, version FROM organizations WHERE uscc = ?",
                {UsccFor((t * 7919 + i) % kSeed)})
            .ok();
      });
  const double insert_rate = SqlRate(
      raw, sql_threads, seconds, [&](db::Connection& c, int t, int64_t i) {
        return c
            .Execute("INSERT INTO bench_rows (id, name, v) VALUES (?, ?, ?)",
                     {int64_t{t} * 1'000'000'000 + i,
                      std::string("深圳市基准测试科技有限公司"), i})
            .ok();
      });

  // The registry's own INSERT (28 columns, 7 secondary indexes, a foreign
  // key), through its repository on a plain autocommit connection: the
  // database's cost of a CreateOrganization without gRPC or the executor.
  auto repo = qpp::registry::NewMysqlOrganizationRepository();
  const double full_insert_rate = SqlRate(
      raw, sql_threads, seconds, [&](db::Connection& c, int t, int64_t i) {
        const v1::Organization org = NewOrg(int64_t{t + 10} * 10'000'000 + i);
        return repo
            ->InsertOrganizations(c, {&org}, {std::string()}, absl::Now())
            .ok();
      });

  // Drop the schema.
  {
    db::ConnectionOptions admin = dbo;
    admin.database.clear();
    if (auto conn = db::Connect(admin); conn.ok()) {
      (void)(*conn)->ExecuteDirect(
          absl::StrCat("DROP DATABASE `", dbo.database, "`"));
    }
  }

  std::printf("  %-34s %10s %9s %9s %8s\n", "gRPC (same concurrency)", "QPS",
              "p50 ms", "p99 ms", "errors");
  PrintRow("bare callback echo (baseline)", echo_result);
  PrintRow("qpp-registry GetOrganization", get_result);
  PrintRow("qpp-registry CreateOrganization", create_result);
  std::printf("\n  %-34s %10s\n", "MariaDB, same server", "ops/s");
  std::printf("  %-34s %10.0f   (%d threads)\n", "raw prepared PK SELECT",
              select_rate, sql_threads);
  std::printf("  %-34s %10.0f   (%d threads)\n",
              "raw SELECT of the registry's row", full_row_rate, sql_threads);
  std::printf("  %-34s %10.0f   (%d threads)\n", "raw autocommit INSERT",
              insert_rate, sql_threads);
  std::printf("  %-34s %10.0f   (%d threads)\n",
              "raw INSERT of the registry's row", full_insert_rate,
              sql_threads);
  std::printf("\n  %-34s %10.0f   (%d of %d rows created)\n",
              "bulk import, rows/s", import_rate, import_created, import_rows);
  std::printf("\n  ratios                              value   target\n");
  std::printf("  GetOrganization / echo QPS        %6.0f%%   >= 40%%\n",
              100 * get_result.qps / echo_result.qps);
  std::printf("  GetOrganization / raw SELECT      %6.0f%%   >= 50%%\n",
              100 * get_result.qps / select_rate);
  std::printf("  GetOrganization / raw row SELECT  %6.0f%%   (same query)\n",
              100 * get_result.qps / full_row_rate);
  std::printf("  CreateOrganization / raw INSERT   %6.0f%%   >= 50%%\n",
              100 * create_result.qps / insert_rate);
  std::printf(
      "  CreateOrganization / raw row INSERT %5.0f%%   (same statement)\n",
      100 * create_result.qps / full_insert_rate);
  std::printf("  bulk import rows/s                %7.0f   >= 10000\n",
              import_rate);
  return 0;
}

}  // namespace
}  // namespace qpp::bench

int main(int argc, char** argv) {
  // The same process settings as the services, for the client and the echo
  // baseline alike.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_serve_echo) > 0) {
    return qpp::bench::ServeEcho(absl::GetFlag(FLAGS_serve_echo));
  }
  return qpp::bench::Run("/proc/self/exe");
}
