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

#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bench_support.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "common/db/sql_values.h"
#include "common/testing/process.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "qpp/demobase/v1/demobase_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/demobase/src/migrations.h"
#include "services/registry/src/migrations.h"

ABSL_FLAG(int, events, 300, "Events seeded over the year 2099.");

namespace qpp::bench {
namespace {

namespace v1 = ::qpp::demobase::v1;
namespace registry_v1 = ::qpp::registry::v1;

// The organisation the bases belong to: registered with an award.
std::string BaseUscc() {
  const std::string first17 = "91440300000099001";
  return first17 + *validation::UsccCheckCharacter(first17);
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
  dbo.database = absl::StrCat("qpp_bench_demobase_", getpid());
  if (!MigrateSchema(registry_db, qpp::registry::Migrations()) ||
      !MigrateSchema(dbo, qpp::demobase::Migrations())) {
    return 1;
  }
  PrintTitle("demobase", settings);

  // 1. Baseline: bare callback echo server, in its own process, with about
  // a registration reply.
  const absl::StatusOr<Result> echo_result =
      MeasureEcho(self, concurrency, seconds, 400);
  if (!echo_result.ok()) return ReportFailure(echo_result.status());

  // 2. The real binaries: the registry (asked on designation) and demobase.
  const std::string keyring = crypto::DataCipher::GenerateKeyring();
  const int registry_port = testing::FreePort();
  absl::StatusOr<Service> registry = StartService(
      "qpp-registry", registry_port, registry_db, sql_threads, keyring, {});
  if (!registry.ok()) return ReportFailure(registry.status());
  absl::StatusOr<Service> demobase = StartService(
      "qpp-demobase", testing::FreePort(), dbo, sql_threads, keyring,
      {absl::StrCat("--registry_address=127.0.0.1:", registry_port)});
  if (!demobase.ok()) return ReportFailure(demobase.status());
  auto registry_stub = registry_v1::RegistryService::NewStub(registry->channel);
  auto stub = v1::DemoBaseService::NewStub(demobase->channel);

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
  const Result calendar = RunClosedLoop(concurrency, seconds, [&](auto done) {
    const int month = static_cast<int>(counter++ % 9) + 1;
    v1::ListOpenEventsRequest req;
    req.set_parent("demonstrationBases/-");
    *req.mutable_start_date() = dates::ToDate(absl::CivilDay(2099, month, 1));
    *req.mutable_end_date() =
        dates::ToDate(absl::CivilDay(2099, month + 1, 1) - 1);
    req.set_page_size(50);
    IssueUnary<v1::ListOpenEventsResponse>(
        std::move(req),
        [&](auto* call, auto on_done) {
          stub->async()->ListOpenEvents(&call->context, &call->request,
                                        &call->response, std::move(on_done));
        },
        std::move(done),
        [](const v1::ListOpenEventsResponse& resp) {
          return resp.open_events_size() > 0;
        });
  });
  const Result registration =
      RunClosedLoop(concurrency, seconds, [&](auto done) {
        v1::CreateRegistrationRequest req;
        req.set_parent(event_names[counter++ % event_names.size()]);
        v1::Registration& r = *req.mutable_registration();
        r.set_visitor_kind(v1::VISITOR_KIND_GROUP);
        r.set_organization("organizations/" + BaseUscc());
        r.set_contact_name("李建国");
        r.set_contact_phone("13912345678");
        r.set_headcount(1);
        IssueUnary<v1::Registration>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->CreateRegistration(&call->context, &call->request,
                                                &call->response,
                                                std::move(on_done));
            },
            std::move(done));
      });
  demobase->process.reset();
  registry->process.reset();

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

  constexpr int kWidth = 34;
  PrintGrpcHeader(kWidth);
  PrintRow(kWidth, "bare callback echo (baseline)", *echo_result);
  PrintRow(kWidth, "qpp-demobase calendar (month)", calendar);
  PrintRow(kWidth, "qpp-demobase CreateRegistration", registration);
  PrintSqlHeader(kWidth);
  PrintSqlRow(kWidth, "raw calendar SELECT", select_rate, sql_threads);
  PrintSqlRow(kWidth, "raw registration INSERT", insert_rate, sql_threads);
  std::printf("\n  ratios\n");
  std::printf("  calendar / echo QPS                %6.0f%%\n",
              100 * calendar.qps / echo_result->qps);
  std::printf("  calendar / raw calendar SELECT     %6.0f%%\n",
              100 * calendar.qps / select_rate);
  std::printf("  registration / echo QPS            %6.0f%%\n",
              100 * registration.qps / echo_result->qps);
  std::printf("  registration / raw INSERT          %6.0f%%\n",
              100 * registration.qps / insert_rate);
  return 0;
}

}  // namespace
}  // namespace qpp::bench

int main(int argc, char** argv) {
  return qpp::bench::BenchMain(argc, argv, qpp::bench::Run);
}
