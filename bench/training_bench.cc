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

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bench_support.h"
#include "common/crypto/cipher.h"
#include "common/db/db.h"
#include "common/testing/process.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

ABSL_FLAG(int, trainees, 2000, "Trainees seeded for the registrations.");
ABSL_FLAG(int, sessions, 20,
          "Sessions the registrations spread over (seats are counted per "
          "session, under its row lock).");

namespace qpp::bench {
namespace {

namespace t1 = ::qpp::training::v1;
namespace r1 = ::qpp::registry::v1;

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

int Run(const std::string& self) {
  const Settings settings = SettingsFromFlags();
  const int concurrency = settings.concurrency;
  const int seconds = settings.seconds;
  const int sql_threads = settings.sql_threads;
  std::optional<db::ConnectionOptions> from_env = DatabaseFromEnv();
  if (!from_env.has_value()) return 2;
  db::ConnectionOptions dbo = *from_env;
  db::ConnectionOptions registry_db = dbo;
  registry_db.database = absl::StrCat("qpp_bench_registry_", getpid());
  dbo.database = absl::StrCat("qpp_bench_training_", getpid());
  if (!MigrateSchema(registry_db, qpp::registry::Migrations()) ||
      !MigrateSchema(dbo, qpp::training::Migrations())) {
    return 1;
  }
  PrintTitle("training", settings);

  // 1. Baseline: bare callback echo server, in its own process, with about
  // a verification reply.
  const absl::StatusOr<Result> echo_result =
      MeasureEcho(self, concurrency, seconds, 120);
  if (!echo_result.ok()) return ReportFailure(echo_result.status());

  // 2. qpp-registry (providers and employers) and qpp-training.
  const std::string keyring = crypto::DataCipher::GenerateKeyring();
  constexpr int kWaitAttempts = 300;
  const int registry_port = testing::FreePort();
  absl::StatusOr<Service> registry =
      StartService("qpp-registry", registry_port, registry_db, sql_threads,
                   keyring, {}, kWaitAttempts);
  if (!registry.ok()) return ReportFailure(registry.status());
  absl::StatusOr<Service> training = StartService(
      "qpp-training", testing::FreePort(), dbo, sql_threads, keyring,
      {absl::StrCat("--registry_address=127.0.0.1:", registry_port),
       "--statistics_refresh_seconds=0"},
      kWaitAttempts);
  if (!training.ok()) return ReportFailure(training.status());
  auto stub = t1::TrainingService::NewStub(training->channel);

  // Seed: the employer and provider, a course with an exam, sessions,
  // trainees; then registrations that attended and passed, certificates.
  std::string first17 = "914403000000009990";
  first17.resize(17);
  const std::string uscc = first17 + *validation::UsccCheckCharacter(first17);
  {
    auto reg = r1::RegistryService::NewStub(registry->channel);
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
  const Result register_result =
      RunClosedLoop(concurrency, seconds, [&](auto done) {
        const int64_t n = next++;
        t1::CreateRegistrationRequest req;
        req.mutable_registration()->set_session(sessions[1 + n % spread]);
        req.mutable_registration()->set_trainee(
            trainees[(n / spread) % trainee_count]);
        IssueUnary<t1::Registration>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->CreateRegistration(&call->context, &call->request,
                                                &call->response,
                                                std::move(on_done));
            },
            std::move(done));
      });
  std::atomic<int64_t> which{0};
  const Result verify_result =
      RunClosedLoop(concurrency, seconds, [&](auto done) {
        const auto& [number, code] = certificates[which++ % kCertificates];
        t1::VerifyCertificateRequest req;
        req.set_number(number);
        req.set_verification_code(code);
        IssueUnary<t1::VerifyCertificateResponse>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->VerifyCertificate(&call->context, &call->request,
                                               &call->response,
                                               std::move(on_done));
            },
            std::move(done));
      });
  training->process.reset();
  registry->process.reset();

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

  DropSchema(registry_db);
  DropSchema(dbo);

  constexpr int kWidth = 36;
  PrintGrpcHeader(kWidth);
  PrintRow(kWidth, "bare callback echo (baseline)", *echo_result);
  PrintRow(kWidth, "qpp-training CreateRegistration", register_result);
  PrintRow(kWidth, "qpp-training VerifyCertificate", verify_result);
  PrintSqlHeader(kWidth);
  PrintSqlRow(kWidth, "raw certificate SELECT (verify's)", select_rate,
              sql_threads);
  PrintSqlRow(kWidth, "raw autocommit INSERT", insert_rate, sql_threads);
  std::printf("\n  ratios                                value\n");
  std::printf(
      "  VerifyCertificate / echo QPS        %6.0f%%   (~33%% "
      "expected for one round trip)\n",
      100 * verify_result.qps / echo_result->qps);
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
  return qpp::bench::BenchMain(argc, argv, qpp::bench::Run);
}
