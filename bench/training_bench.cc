// Training benchmark: prints, from one run on one machine,
//   - a bare callback gRPC echo server's QPS and p50/p99 (baseline),
//   - qpp-training's CreateRegistration (the seat count under the session's
//     row lock, the waitlist beyond capacity) and VerifyCertificate (the
//     certificate from a cache of bounded staleness or one indexed read,
//     and the verification's INSERT) at the same concurrency,
//     the real binary over loopback on MariaDB, with qpp-registry beside it,
//   - raw MariaDB: the certificate SELECT that verification runs and an
//     autocommit INSERT,
// and the ratios between them.
//
// Needs a MariaDB: QPP_BENCH_DB_HOST/PORT/USER/PASSWORD, or the
// QPP_TEST_DB_* variables that tests/run.sh sets. See bench/README.md.

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "common/crypto/cipher.h"
#include "common/db/db.h"
#include "common/db/migrations.h"
#include "common/testing/process.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "qpp/bench/echo.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

ABSL_FLAG(int, concurrency, 32, "Calls in flight, for every gRPC figure.");
ABSL_FLAG(int, seconds, 5, "Duration of each measurement.");
ABSL_FLAG(int, sql_threads, 8,
          "Threads (one connection each) for the raw SQL loops; training "
          "uses the same number of connections.");
ABSL_FLAG(int, trainees, 2000, "Trainees seeded for the registrations.");
ABSL_FLAG(int, sessions, 20,
          "Sessions the registrations spread over (seats are counted per "
          "session, under its row lock).");
ABSL_FLAG(int, serve_echo, 0, "Internal: run only the echo server on PORT.");

namespace qpp::bench {
namespace {

namespace t1 = ::qpp::training::v1;
namespace r1 = ::qpp::registry::v1;
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
  for (int i = 0; i < 300; ++i) {
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
  std::printf("  %-36s %10.0f %9.3f %9.3f %8lld\n", what, r.qps, r.p50_ms,
              r.p99_ms, static_cast<long long>(r.errors));
}

std::string ResidentId(int n) {
  const std::string first17 =
      absl::StrFormat("440305198%01d0101%03d", n / 1000 % 10, n % 1000);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

// Runs `calls` unary calls `fn(i)` with `concurrency` threads; false if
// any failed.
bool Seed(int calls, int concurrency, const std::function<bool(int)>& fn) {
  std::atomic<int> next{0};
  std::atomic<bool> ok{true};
  std::vector<std::thread> workers;
  for (int t = 0; t < concurrency; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < calls && ok; i = next++) {
        if (!fn(i)) ok = false;
      }
    });
  }
  for (auto& w : workers) w.join();
  return ok;
}

std::unique_ptr<grpc::ClientContext> Context() {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() +
                    std::chrono::seconds(30));
  return ctx;
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
  dbo.database = absl::StrCat("qpp_bench_training_", getpid());
  for (const auto& [options, migrations] :
       {std::pair{registry_db, &qpp::registry::Migrations()},
        std::pair{dbo, &qpp::training::Migrations()}}) {
    if (absl::Status s = db::Migrate(options, options.database, *migrations);
        !s.ok()) {
      std::fprintf(stderr, "migrate: %s\n", s.ToString().c_str());
      return 1;
    }
  }
  std::printf(
      "qpp training benchmark: concurrency %d, %d s per figure, %u cores\n\n",
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
  payload.set_payload(std::string(120, 'x'));  // about a verification reply
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

  // 2. qpp-registry (providers and employers) and qpp-training.
  const std::string keyring = crypto::DataCipher::GenerateKeyring();
  auto start = [&](const std::string& binary, const db::ConnectionOptions& o,
                   int port, std::vector<std::string> more) {
    std::vector<std::string> args = {
        absl::StrCat("--listen_address=127.0.0.1:", port),
        "--metrics_address=",
        "--db_host=" + o.host,
        absl::StrCat("--db_port=", o.port),
        "--db_user=" + o.user,
        "--db_name=" + o.database,
        absl::StrCat("--db_pool_size=", sql_threads),
        "--log_level=warn"};
    args.insert(args.end(), more.begin(), more.end());
    return testing::ChildProcess::Start(
        testing::BinDir() + "/" + binary, args,
        {{"QPP_DB_PASSWORD", o.password}, {"QPP_DATA_KEYRING", keyring}},
        absl::StrCat("/tmp/qpp_bench_", binary, ".log"));
  };
  const int registry_port = testing::FreePort();
  auto registry = start("qpp-registry", registry_db, registry_port, {});
  auto registry_channel =
      registry.ok() ? WaitForChannel(registry_port) : nullptr;
  const int port = testing::FreePort();
  auto training =
      start("qpp-training", dbo, port,
            {absl::StrCat("--registry_address=127.0.0.1:", registry_port),
             "--statistics_refresh_seconds=0"});
  auto channel = training.ok() ? WaitForChannel(port) : nullptr;
  if (registry_channel == nullptr || channel == nullptr) {
    std::fprintf(stderr,
                 "the services did not start; see /tmp/qpp_bench_qpp-*.log\n");
    return 1;
  }
  auto stub = t1::TrainingService::NewStub(channel);

  // Seed: the employer and provider, a course with an exam, sessions,
  // trainees; then registrations that attended and passed, certificates.
  std::string first17 = "914403000000009990";
  first17.resize(17);
  const std::string uscc = first17 + *validation::UsccCheckCharacter(first17);
  {
    auto reg = r1::RegistryService::NewStub(registry_channel);
    r1::CreateOrganizationRequest req;
    r1::Organization& o = *req.mutable_organization();
    o.set_uscc(uscc);
    o.set_display_name("深圳市培训基准测试有限公司");
    o.set_kind(r1::ORGANIZATION_KIND_ENTERPRISE);
    o.set_district_code("440305");
    o.set_industry_code("65");
    o.set_employees(300);
    r1::Organization out;
    if (grpc::Status s = reg->CreateOrganization(Context().get(), req, &out);
        !s.ok()) {
      std::fprintf(stderr, "seeding the registry: %s\n",
                   s.error_message().c_str());
      return 1;
    }
  }
  t1::CreateCourseRequest course_req;
  t1::Course& c = *course_req.mutable_course();
  c.set_title("质量工程师培训");
  c.set_kind(t1::COURSE_KIND_QUALITY_ENGINEER);
  c.set_hours(24);
  c.set_has_exam(true);
  c.set_certificate_type(t1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  t1::Course course;
  if (!stub->CreateCourse(Context().get(), course_req, &course).ok()) {
    std::fprintf(stderr, "seeding a course failed\n");
    return 1;
  }
  const int session_count = absl::GetFlag(FLAGS_sessions) + 1;
  std::vector<std::string> sessions(session_count);
  for (int i = 0; i < session_count; ++i) {
    t1::CreateSessionRequest req;
    req.set_parent(course.name());
    t1::Session& s = *req.mutable_session();
    s.mutable_start_date()->set_year(2026);
    s.mutable_start_date()->set_month(3);
    s.mutable_start_date()->set_day(1);
    *s.mutable_end_date() = s.start_date();
    s.set_place("福田区");
    s.set_provider("organizations/" + uscc);
    s.set_capacity(i == 0 ? 10000 : 100);  // beyond 100: the waitlist
    t1::Session out;
    if (!stub->CreateSession(Context().get(), req, &out).ok()) {
      std::fprintf(stderr, "seeding sessions failed\n");
      return 1;
    }
    sessions[i] = out.name();
  }
  const int trainee_count = absl::GetFlag(FLAGS_trainees);
  std::vector<std::string> trainees(trainee_count);
  if (!Seed(trainee_count, concurrency, [&](int i) {
        t1::CreateTraineeRequest req;
        req.mutable_trainee()->set_display_name("陈大文");
        req.mutable_trainee()->set_resident_id(ResidentId(i));
        req.mutable_trainee()->set_employer("organizations/" + uscc);
        t1::Trainee out;
        const bool ok = stub->CreateTrainee(Context().get(), req, &out).ok();
        trainees[i] = out.name();
        return ok;
      })) {
    std::fprintf(stderr, "seeding trainees failed\n");
    return 1;
  }
  // Session 0 holds the certified registrations.
  constexpr int kCertificates = 500;
  std::vector<std::pair<std::string, std::string>> certificates(kCertificates);
  if (!Seed(kCertificates, concurrency, [&](int i) {
        t1::CreateRegistrationRequest reg;
        reg.mutable_registration()->set_session(sessions[0]);
        reg.mutable_registration()->set_trainee(trainees[i]);
        t1::Registration r;
        if (!stub->CreateRegistration(Context().get(), reg, &r).ok()) {
          return false;
        }
        t1::RecordAttendanceRequest att;
        att.set_name(r.name());
        att.set_attended(true);
        att.set_exam_result(t1::Registration::EXAM_RESULT_PASSED);
        att.set_exam_score(85);
        if (!stub->RecordAttendance(Context().get(), att, &r).ok()) {
          return false;
        }
        t1::IssueCertificateRequest issue;
        issue.set_registration(r.name());
        t1::Certificate cert;
        if (!stub->IssueCertificate(Context().get(), issue, &cert).ok()) {
          return false;
        }
        certificates[i] = {cert.number(), cert.verification_code()};
        return true;
      })) {
    std::fprintf(stderr, "seeding certificates failed\n");
    return 1;
  }

  // Registrations: pair n is (session 1 + n % S, trainee n / S), so no
  // pair repeats; every call takes its session's row lock.
  const int spread = session_count - 1;
  std::atomic<int64_t> next{0};
  const Result register_result = RunLoad(concurrency, seconds, [&](auto done) {
    const int64_t n = next++;
    auto* ctx = new grpc::ClientContext();
    auto* req = new t1::CreateRegistrationRequest();
    auto* resp = new t1::Registration();
    req->mutable_registration()->set_session(sessions[1 + n % spread]);
    req->mutable_registration()->set_trainee(
        trainees[(n / spread) % trainee_count]);
    stub->async()->CreateRegistration(ctx, req, resp, [=](grpc::Status s) {
      delete ctx;
      delete req;
      delete resp;
      done(s.ok());
    });
  });
  std::atomic<int64_t> which{0};
  const Result verify_result = RunLoad(concurrency, seconds, [&](auto done) {
    const auto& [number, code] = certificates[which++ % kCertificates];
    auto* ctx = new grpc::ClientContext();
    auto* req = new t1::VerifyCertificateRequest();
    auto* resp = new t1::VerifyCertificateResponse();
    req->set_number(number);
    req->set_verification_code(code);
    stub->async()->VerifyCertificate(ctx, req, resp, [=](grpc::Status s) {
      delete ctx;
      delete req;
      delete resp;
      done(s.ok());
    });
  });
  training->reset();
  registry->reset();

  // 3. Raw MariaDB on the same schema: the certificate read of a
  // verification, and an autocommit INSERT.
  const double select_rate = SqlRate(
      dbo, sql_threads, seconds, [&](db::Connection& conn, int t, int64_t i) {
        return conn
            .Query(
                "SELECT c.id, c.number, c.verification_code, "
                "c.certificate_type, c.trainee_id, t.display_name, "
                "c.issue_date, c.expiry_date, c.revoked FROM certificates c "
                "JOIN trainees t ON t.id = c.trainee_id WHERE c.number = ?",
                {certificates[(t * 7919 + i) % kCertificates].first})
            .ok();
      });
  const double insert_rate = SqlRate(
      dbo, sql_threads, seconds, [&](db::Connection& conn, int, int64_t i) {
        return conn
            .Execute(
                "INSERT INTO certificate_verifications (number, matched, "
                "verify_time) VALUES (?, 1, NOW(6))",
                {absl::StrCat("RAW", i)})
            .ok();
      });

  for (const auto& o : {registry_db, dbo}) {
    db::ConnectionOptions admin = o;
    admin.database.clear();
    if (auto conn = db::Connect(admin); conn.ok()) {
      (void)(*conn)->ExecuteDirect(
          absl::StrCat("DROP DATABASE `", o.database, "`"));
    }
  }

  std::printf("  %-36s %10s %9s %9s %8s\n", "gRPC (same concurrency)", "QPS",
              "p50 ms", "p99 ms", "errors");
  PrintRow("bare callback echo (baseline)", echo_result);
  PrintRow("qpp-training CreateRegistration", register_result);
  PrintRow("qpp-training VerifyCertificate", verify_result);
  std::printf("\n  %-36s %10s\n", "MariaDB, same server", "ops/s");
  std::printf("  %-36s %10.0f   (%d threads)\n",
              "raw certificate SELECT (verify's)", select_rate, sql_threads);
  std::printf("  %-36s %10.0f   (%d threads)\n", "raw autocommit INSERT",
              insert_rate, sql_threads);
  std::printf("\n  ratios                                value\n");
  std::printf(
      "  VerifyCertificate / echo QPS        %6.0f%%   (~33%% "
      "expected for one round trip)\n",
      100 * verify_result.qps / echo_result.qps);
  std::printf(
      "  VerifyCertificate / raw SELECT      %6.0f%%   (it also "
      "INSERTs its record; reads cached <= 2 s)\n",
      100 * verify_result.qps / select_rate);
  std::printf("  CreateRegistration / raw INSERT     %6.0f%%\n",
              100 * register_result.qps / insert_rate);
  std::printf("  CreateRegistration p99              %7.1f ms at %d callers\n",
              register_result.p99_ms, concurrency);
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
