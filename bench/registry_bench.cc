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

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "bench/bench_support.h"
#include "common/crypto/cipher.h"
#include "common/db/db.h"
#include "common/testing/process.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry_repository.h"

ABSL_FLAG(int, import_rows, 10000, "Rows in the bulk import measurement.");

namespace qpp::bench {
namespace {

namespace v1 = ::qpp::registry::v1;

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

int Run(const std::string& self) {
  const Settings settings = SettingsFromFlags();
  const int concurrency = settings.concurrency;
  const int seconds = settings.seconds;
  std::optional<db::ConnectionOptions> from_env = DatabaseFromEnv();
  if (!from_env.has_value()) return 2;
  db::ConnectionOptions dbo = *from_env;
  dbo.database = absl::StrCat("qpp_bench_", getpid());
  if (!MigrateSchema(dbo, qpp::registry::Migrations())) return 1;

  PrintTitle("registry", settings);

  // 1. Baseline: bare callback echo server, in its own process, with about
  // a GetOrganization reply.
  const absl::StatusOr<Result> echo_result =
      MeasureEcho(self, concurrency, seconds, 300);
  if (!echo_result.ok()) return ReportFailure(echo_result.status());

  // 2. The real qpp-registry binary.
  absl::StatusOr<Service> registry = StartService(
      "qpp-registry", testing::FreePort(), dbo, settings.sql_threads,
      crypto::DataCipher::GenerateKeyring(), {});
  if (!registry.ok()) return ReportFailure(registry.status());
  auto stub = v1::RegistryService::NewStub(registry->channel);

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
  const Result get_result = RunClosedLoop(concurrency, seconds, [&](auto done) {
    v1::GetOrganizationRequest req;
    req.set_name("organizations/" + UsccFor(counter++ % kSeed));
    IssueUnary<v1::Organization>(
        std::move(req),
        [&](auto* call, auto on_done) {
          stub->async()->GetOrganization(&call->context, &call->request,
                                         &call->response, std::move(on_done));
        },
        std::move(done));
  });
  std::atomic<int64_t> next_id{1'000'000};
  const Result create_result =
      RunClosedLoop(concurrency, seconds, [&](auto done) {
        v1::CreateOrganizationRequest req;
        *req.mutable_organization() = NewOrg(next_id++);
        IssueUnary<v1::Organization>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->CreateOrganization(&call->context, &call->request,
                                                &call->response,
                                                std::move(on_done));
            },
            std::move(done));
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
  registry->process.reset();

  // 4. Raw MariaDB on the same server: prepared PK SELECT, autocommit INSERT.
  const int sql_threads = settings.sql_threads;
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

  DropSchema(dbo);

  constexpr int kWidth = 34;
  PrintGrpcHeader(kWidth);
  PrintRow(kWidth, "bare callback echo (baseline)", *echo_result);
  PrintRow(kWidth, "qpp-registry GetOrganization", get_result);
  PrintRow(kWidth, "qpp-registry CreateOrganization", create_result);
  PrintSqlHeader(kWidth);
  PrintSqlRow(kWidth, "raw prepared PK SELECT", select_rate, sql_threads);
  PrintSqlRow(kWidth, "raw SELECT of the registry's row", full_row_rate,
              sql_threads);
  PrintSqlRow(kWidth, "raw autocommit INSERT", insert_rate, sql_threads);
  PrintSqlRow(kWidth, "raw INSERT of the registry's row", full_insert_rate,
              sql_threads);
  std::printf("\n  %-34s %10.0f   (%d of %d rows created)\n",
              "bulk import, rows/s", import_rate, import_created, import_rows);
  std::printf("\n  ratios                              value   target\n");
  std::printf("  GetOrganization / echo QPS        %6.0f%%   >= 40%%\n",
              100 * get_result.qps / echo_result->qps);
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
  return qpp::bench::BenchMain(argc, argv, qpp::bench::Run);
}
