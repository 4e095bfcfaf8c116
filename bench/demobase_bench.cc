// Demobase benchmark: prints, from one run on one machine,
//   - a bare callback gRPC echo server's QPS and p50/p99 (baseline),
//   - qpp-demobase's calendar listing (ListOpenEvents across every base for
//     a month, a page of 50) and group registrations (CreateRegistration,
//     each locking its event's row) at the same concurrency, the real
//     binary over loopback on MariaDB, with the real qpp-registry beside it,
//   - raw MariaDB on the same server: the calendar's SELECT and an
//     autocommit INSERT of a registration row,
// and the ratios between them.
//
// Needs a MariaDB: QPP_BENCH_DB_HOST/PORT/USER/PASSWORD, or the
// QPP_TEST_DB_* variables that tests/run.sh sets. See bench/README.md.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/db/sql_values.h"
#include "common/testing/process.h"
#include "common/validation/uscc.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "qpp/bench/echo.grpc.pb.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/demobase/src/migrations.h"
#include "services/registry/src/migrations.h"

ABSL_FLAG(int, concurrency, 32, "Calls in flight, for every gRPC figure.");
ABSL_FLAG(int, seconds, 5, "Duration of each measurement.");
ABSL_FLAG(int, sql_threads, 8,
          "Threads (one connection each) for the raw SQL loops; demobase "
          "uses the same number of connections.");
ABSL_FLAG(int, events, 300, "Events seeded over the year 2099.");
ABSL_FLAG(int, serve_echo, 0, "Internal: run only the echo server on PORT.");

namespace qpp::bench {
namespace {

namespace v1 = ::qpp::demobase::v1;
namespace registry_v1 = ::qpp::registry::v1;
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

void DropSchema(db::ConnectionOptions options) {
  const std::string schema = options.database;
  options.database.clear();
  if (auto conn = db::Connect(options); conn.ok()) {
    (void)(*conn)->ExecuteDirect(absl::StrCat("DROP DATABASE `", schema, "`"));
  }
}

// The organisation the bases belong to: registered with an award.
std::string BaseUscc() {
  const std::string first17 = "91440300000099001";
  return first17 + *validation::UsccCheckCharacter(first17);
}

int Run(const char* self) {
  const int concurrency = absl::GetFlag(FLAGS_concurrency);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  const int sql_threads = absl::GetFlag(FLAGS_sql_threads);
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
  db::ConnectionOptions registry_db = dbo;
  registry_db.database = absl::StrCat("qpp_bench_registry_", getpid());
  dbo.database = absl::StrCat("qpp_bench_demobase_", getpid());
  for (const auto& [options, migrations] :
       {std::pair{registry_db, &qpp::registry::Migrations()},
        std::pair{dbo, &qpp::demobase::Migrations()}}) {
    absl::Status migrated = db::Migrate(options, options.database, *migrations);
    if (!migrated.ok()) {
      std::fprintf(stderr, "migrate: %s\n", migrated.ToString().c_str());
      return 1;
    }
  }
  std::printf(
      "qpp demobase benchmark: concurrency %d, %d s per figure, %u cores\n\n",
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
  payload.set_payload(std::string(400, 'x'));  // about a registration reply
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

  // 2. The real binaries: the registry (asked on designation) and demobase.
  const std::string keyring = crypto::DataCipher::GenerateKeyring();
  const auto start_service = [&](const std::string& binary, int port,
                                 const db::ConnectionOptions& o,
                                 std::vector<std::string> extra) {
    std::vector<std::string> args = {
        absl::StrCat("--listen_address=127.0.0.1:", port),
        "--metrics_address=",
        "--db_host=" + o.host,
        absl::StrCat("--db_port=", o.port),
        "--db_user=" + o.user,
        "--db_name=" + o.database,
        absl::StrCat("--db_pool_size=", sql_threads),
        "--log_level=warn"};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::ChildProcess::Start(
        testing::BinDir() + "/" + binary, args,
        {{"QPP_DB_PASSWORD", o.password}, {"QPP_DATA_KEYRING", keyring}},
        absl::StrCat("/tmp/qpp_bench_", binary, ".log"));
  };
  const int registry_port = testing::FreePort();
  auto registry = start_service("qpp-registry", registry_port, registry_db, {});
  auto registry_channel =
      registry.ok() ? WaitForChannel(registry_port) : nullptr;
  const int port = testing::FreePort();
  auto demobase = start_service(
      "qpp-demobase", port, dbo,
      {absl::StrCat("--registry_address=127.0.0.1:", registry_port)});
  auto channel = demobase.ok() ? WaitForChannel(port) : nullptr;
  if (registry_channel == nullptr || channel == nullptr) {
    std::fprintf(stderr,
                 "the services did not start; see /tmp/qpp_bench_*.log\n");
    return 1;
  }
  auto registry_stub = registry_v1::RegistryService::NewStub(registry_channel);
  auto stub = v1::DemoBaseService::NewStub(channel);

  // Seed: an award winner, its base, events over 2099 with room for all.
  {
    registry_v1::CreateOrganizationRequest org;
    org.mutable_organization()->set_uscc(BaseUscc());
    org.mutable_organization()->set_display_name("深圳市基准示范医院");
    org.mutable_organization()->set_kind(
        registry_v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION);
    org.mutable_organization()->set_district_code("440305");
    org.mutable_organization()->set_industry_code("84");
    grpc::ClientContext c1;
    registry_v1::Organization created;
    registry_v1::CreateAwardRecordRequest award;
    award.set_parent("organizations/" + BaseUscc());
    award.mutable_award_record()->set_year(2020);
    award.mutable_award_record()->set_level(
        registry_v1::AWARD_LEVEL_GRAND_AWARD);
    award.mutable_award_record()->set_category("服务业");
    grpc::ClientContext c2;
    registry_v1::AwardRecord record;
    if (!registry_stub->CreateOrganization(&c1, org, &created).ok() ||
        !registry_stub->CreateAwardRecord(&c2, award, &record).ok()) {
      std::fprintf(stderr, "seeding the registry failed\n");
      return 1;
    }
  }
  v1::DemonstrationBase base;
  {
    v1::CreateDemonstrationBaseRequest req;
    req.mutable_demonstration_base()->set_organization("organizations/" +
                                                       BaseUscc());
    req.mutable_demonstration_base()->set_year(2099);
    req.mutable_demonstration_base()->set_theme("卓越绩效医院管理");
    req.mutable_demonstration_base()->set_industry("医疗卫生");
    grpc::ClientContext ctx;
    grpc::Status s = stub->CreateDemonstrationBase(&ctx, req, &base);
    if (!s.ok()) {
      std::fprintf(stderr, "designation failed: %s\n",
                   s.error_message().c_str());
      return 1;
    }
  }
  const int events = absl::GetFlag(FLAGS_events);
  std::vector<std::string> event_names;
  for (int i = 0; i < events; ++i) {
    v1::CreateOpenEventRequest req;
    req.set_parent(base.name());
    v1::OpenEvent& e = *req.mutable_open_event();
    e.set_kind(i % 2 == 0 ? v1::EVENT_KIND_OPEN_VISIT
                          : v1::EVENT_KIND_RESULTS_SHARING);
    e.set_topic(absl::StrCat("卓越绩效开放日第", i + 1, "期"));
    e.set_place("深圳市南山区");
    e.set_capacity(10000);
    const absl::Time start = absl::FromCivil(
        absl::CivilSecond(2099, 1, 1, 9, 0, 0) + i * 86400, dates::ChinaTime());
    *e.mutable_start_time() = dates::ToTimestamp(start);
    *e.mutable_end_time() = dates::ToTimestamp(start + absl::Hours(3));
    grpc::ClientContext ctx;
    v1::OpenEvent out;
    if (!stub->CreateOpenEvent(&ctx, req, &out).ok()) {
      std::fprintf(stderr, "seeding events failed\n");
      return 1;
    }
    event_names.push_back(out.name());
  }

  std::atomic<int64_t> counter{0};
  const Result calendar = RunLoad(concurrency, seconds, [&](auto done) {
    auto* ctx = new grpc::ClientContext();
    auto* req = new v1::ListOpenEventsRequest();
    auto* resp = new v1::ListOpenEventsResponse();
    const int month = static_cast<int>(counter++ % 9) + 1;
    req->set_parent("demonstrationBases/-");
    *req->mutable_start_date() = dates::ToDate(absl::CivilDay(2099, month, 1));
    *req->mutable_end_date() =
        dates::ToDate(absl::CivilDay(2099, month + 1, 1) - 1);
    req->set_page_size(50);
    stub->async()->ListOpenEvents(ctx, req, resp, [=](grpc::Status s) {
      const bool ok = s.ok() && resp->open_events_size() > 0;
      delete ctx;
      delete req;
      delete resp;
      done(ok);
    });
  });
  const Result registration = RunLoad(concurrency, seconds, [&](auto done) {
    auto* ctx = new grpc::ClientContext();
    auto* req = new v1::CreateRegistrationRequest();
    auto* resp = new v1::Registration();
    req->set_parent(event_names[counter++ % event_names.size()]);
    v1::Registration& r = *req->mutable_registration();
    r.set_visitor_kind(v1::VISITOR_KIND_GROUP);
    r.set_organization("organizations/" + BaseUscc());
    r.set_contact_name("李建国");
    r.set_contact_phone("13912345678");
    r.set_headcount(1);
    stub->async()->CreateRegistration(ctx, req, resp, [=](grpc::Status s) {
      delete ctx;
      delete req;
      delete resp;
      done(s.ok());
    });
  });
  demobase->reset();
  registry->reset();

  // 3. Raw MariaDB on the same server: the calendar's query and a
  // registration row's INSERT, one connection per thread.
  const double select_rate = SqlRate(
      dbo, sql_threads, seconds, [&](db::Connection& c, int t, int64_t i) {
        const int month = static_cast<int>((t * 7 + i) % 9) + 1;
        const absl::Time from = absl::FromCivil(
            absl::CivilSecond(2099, month, 1, 0, 0, 0), dates::ChinaTime());
        return c
            .Query(
                "SELECT id, base_id, host_uscc, kind, topic, start_time, "
                "end_time, place, capacity, confirmed_headcount, state, "
                "attendance, cancel_reason, create_time, update_time, "
                "version FROM open_events WHERE start_time >= ? AND "
                "start_time < ? ORDER BY start_time, id LIMIT 51",
                {db::SqlTime(from), db::SqlTime(from + absl::Hours(24 * 30))})
            .ok();
      });
  const double insert_rate = SqlRate(
      dbo, sql_threads, seconds, [&](db::Connection& c, int t, int64_t i) {
        const std::string now = db::SqlTime(absl::Now());
        return c
            .Execute(
                "INSERT INTO registrations (base_id, event_id, visitor_kind, "
                "organization_uscc, contact_name_sealed, "
                "contact_phone_sealed, headcount, state, create_time, "
                "update_time, version) VALUES (?, ?, 1, ?, ?, ?, 1, 1, ?, ?, "
                "1)",
                {int64_t{1}, int64_t{1} + (t * 7919 + i) % events, BaseUscc(),
                 std::string(40, 'n'), std::string(40, 'p'), now, now})
            .ok();
      });
  DropSchema(dbo);
  DropSchema(registry_db);

  std::printf("  %-34s %10s %9s %9s %8s\n", "gRPC (same concurrency)", "QPS",
              "p50 ms", "p99 ms", "errors");
  PrintRow("bare callback echo (baseline)", echo_result);
  PrintRow("qpp-demobase calendar (month)", calendar);
  PrintRow("qpp-demobase CreateRegistration", registration);
  std::printf("\n  %-34s %10s\n", "MariaDB, same server", "ops/s");
  std::printf("  %-34s %10.0f   (%d threads)\n", "raw calendar SELECT",
              select_rate, sql_threads);
  std::printf("  %-34s %10.0f   (%d threads)\n", "raw registration INSERT",
              insert_rate, sql_threads);
  std::printf("\n  ratios\n");
  std::printf("  calendar / echo QPS                %6.0f%%\n",
              100 * calendar.qps / echo_result.qps);
  std::printf("  calendar / raw calendar SELECT     %6.0f%%\n",
              100 * calendar.qps / select_rate);
  std::printf("  registration / echo QPS            %6.0f%%\n",
              100 * registration.qps / echo_result.qps);
  std::printf("  registration / raw INSERT          %6.0f%%\n",
              100 * registration.qps / insert_rate);
  return 0;
}

}  // namespace
}  // namespace qpp::bench

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_serve_echo) > 0) {
    return qpp::bench::ServeEcho(absl::GetFlag(FLAGS_serve_echo));
  }
  return qpp::bench::Run("/proc/self/exe");
}
