// Cultivation benchmark: prints, from one run on one machine,
//   - a bare callback gRPC echo server's QPS and p50/p99 (baseline),
//   - a cohort of 1,000 applications with 5 reviews each driven through the
//     real qpp-cultivation binary over loopback (with the real qpp-registry
//     beside it, the organisations registered first) at the same
//     concurrency: CreateApplication (the registry asked twice, the
//     application and its first transition written), CreateReview (the
//     application's and the expert's rows locked, the review written) and
//     SubmitReview (the consensus recomputed under the application's lock),
//   - the selection of the 1,000-application cohort (RunSelection, one call),
//   - raw MariaDB on the same server: an autocommit INSERT into applications
//     and into reviews, and the selection's ranking query,
// and the ratios between them.
//
// Needs a MariaDB: QPP_BENCH_DB_HOST/PORT/USER/PASSWORD, or the
// QPP_TEST_DB_* variables that tests/run.sh sets. See bench/README.md.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <optional>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "bench/bench_support.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/db/db.h"
#include "common/db/sql_values.h"
#include "common/testing/process.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "qpp/cultivation/v1/cultivation_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/cultivation/src/migrations.h"
#include "services/registry/src/migrations.h"

ABSL_FLAG(int, applications, 1000, "Applications of the cohort measured.");
ABSL_FLAG(int, reviews_per_application, 5,
          "Reviews of each application (the cohort's minimum).");
ABSL_FLAG(int, experts, 50, "Experts the reviews are spread over.");

namespace qpp::bench {
namespace {

namespace v1 = ::qpp::cultivation::v1;
namespace registry_v1 = ::qpp::registry::v1;

constexpr int kYear = 2099;     // the cohort measured
constexpr int kRawYear = 2098;  // the raw SQL rows' cohort

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("914403007%08d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

// A valid resident ID of a person born in 1970, unique per n < 28,000.
std::string ResidentId(int n) {
  const std::string first17 =
      absl::StrFormat("4403041970%02d%02d%03d", 1 + n / 28 / 1000 % 12,
                      1 + n / 1000 % 28, n % 1000);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

// Registers `n` organisations of `kind` from serial `first`; false (after
// printing why) if one was refused.
bool Register(registry_v1::RegistryService::Stub& stub, int first, int n,
              registry_v1::OrganizationKind kind) {
  for (int i = first; i < first + n; ++i) {
    registry_v1::CreateOrganizationRequest req;
    registry_v1::Organization& o = *req.mutable_organization();
    o.set_uscc(Uscc(i));
    o.set_display_name(absl::StrCat("深圳市启航基准", i, "有限公司"));
    o.set_kind(kind);
    o.set_district_code("440305");
    o.set_industry_code("39");
    o.set_employees(300);
    o.set_annual_revenue_yuan(80'000'000);
    grpc::ClientContext ctx;
    registry_v1::Organization out;
    if (grpc::Status s = stub.CreateOrganization(&ctx, req, &out); !s.ok()) {
      std::fprintf(stderr, "seeding the registry failed: %s\n",
                   s.error_message().c_str());
      return false;
    }
  }
  return true;
}

// Creates the cohort `year` whose application window holds today.
grpc::Status CreateCohort(v1::CultivationService::Stub& stub, int year,
                          int capacity, int library_cap, int min_reviews) {
  const absl::CivilDay today = dates::Today(absl::Now());
  v1::CreateCohortRequest req;
  v1::Cohort& c = *req.mutable_cohort();
  c.set_year(year);
  c.set_capacity(capacity);
  c.set_library_cap(library_cap);
  c.set_min_reviews(min_reviews);
  c.set_adjudication_spread(30);
  *c.mutable_application_open_date() = dates::ToDate(today - 1);
  *c.mutable_application_close_date() = dates::ToDate(today + 30);
  grpc::ClientContext ctx;
  v1::Cohort out;
  return stub.CreateCohort(&ctx, req, &out);
}

int Run(const std::string& self) {
  const Settings settings = SettingsFromFlags();
  const int concurrency = settings.concurrency;
  const int sql_threads = settings.sql_threads;
  const int applications = absl::GetFlag(FLAGS_applications);
  const int per_application = absl::GetFlag(FLAGS_reviews_per_application);
  const int experts = absl::GetFlag(FLAGS_experts);
  if (applications < 1 || per_application < 1 || experts < per_application) {
    std::fprintf(stderr,
                 "--applications and --reviews_per_application must be >= 1 "
                 "and --experts >= --reviews_per_application\n");
    return 2;
  }
  std::optional<db::ConnectionOptions> from_env = DatabaseFromEnv();
  if (!from_env.has_value()) return 2;
  db::ConnectionOptions dbo = *from_env;
  db::ConnectionOptions registry_db = dbo;
  registry_db.database = absl::StrCat("qpp_bench_registry_", getpid());
  dbo.database = absl::StrCat("qpp_bench_cultivation_", getpid());
  if (!MigrateSchema(registry_db, qpp::registry::Migrations()) ||
      !MigrateSchema(dbo, qpp::cultivation::SchemaMigrations())) {
    return 1;
  }
  PrintTitle("cultivation", settings);
  std::printf("  cohort of %d applications, %d reviews each, %d experts\n\n",
              applications, per_application, experts);

  // 1. Baseline: bare callback echo server, with about an application's
  // answer.
  const absl::StatusOr<Result> echo =
      MeasureEcho(self, concurrency, settings.seconds, 700);
  if (!echo.ok()) return ReportFailure(echo.status());

  // 2. The real binaries: the registry (asked on every application and
  // expert) and cultivation. Training is asked only for an applicant with a
  // self-assessment, which none of these has: nothing listens there.
  const std::string keyring = crypto::DataCipher::GenerateKeyring();
  const int registry_port = testing::FreePort();
  absl::StatusOr<Service> registry = StartService(
      "qpp-registry", registry_port, registry_db, sql_threads, keyring, {});
  if (!registry.ok()) return ReportFailure(registry.status());
  absl::StatusOr<Service> cultivation = StartService(
      "qpp-cultivation", testing::FreePort(), dbo, sql_threads, keyring,
      {absl::StrCat("--registry_address=127.0.0.1:", registry_port),
       absl::StrCat("--training_address=127.0.0.1:", testing::FreePort()),
       "--demobase_address=", "--reevaluation_poll_seconds=0"});
  if (!cultivation.ok()) return ReportFailure(cultivation.status());
  auto registry_stub = registry_v1::RegistryService::NewStub(registry->channel);
  auto stub = v1::CultivationService::NewStub(cultivation->channel);

  // Seed: the applicants, the experts' employer, the experts, the cohorts.
  if (!Register(*registry_stub, 1, applications,
                registry_v1::ORGANIZATION_KIND_ENTERPRISE) ||
      !Register(*registry_stub, 90'000'000, 1,
                registry_v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION)) {
    return 1;
  }
  for (int year : {kYear, kRawYear}) {
    if (grpc::Status s = CreateCohort(*stub, year, 100, 1000, per_application);
        !s.ok()) {
      std::fprintf(stderr, "creating the cohort failed: %s\n",
                   s.error_message().c_str());
      return 1;
    }
  }
  std::vector<std::string> expert_names;
  for (int i = 0; i < experts; ++i) {
    v1::CreateExpertRequest req;
    v1::Expert& e = *req.mutable_expert();
    e.set_display_name("李专家");
    e.set_field("质量管理");
    e.set_employer("organizations/" + Uscc(90'000'000));
    e.set_phone("13922223333");
    e.set_resident_id(ResidentId(i));
    grpc::ClientContext ctx;
    v1::Expert out;
    if (grpc::Status s = stub->CreateExpert(&ctx, req, &out); !s.ok()) {
      std::fprintf(stderr, "creating the experts failed: %s\n",
                   s.error_message().c_str());
      return 1;
    }
    expert_names.push_back(out.name());
  }

  // The applications, one per registered enterprise.
  std::vector<std::string> application_names(applications);
  const Result applied =
      RunClosedLoopCount(concurrency, applications, [&](int64_t i, auto done) {
        v1::CreateApplicationRequest req;
        req.set_parent(absl::StrCat("cohorts/", kYear));
        req.mutable_application()->set_organization(
            "organizations/" + Uscc(static_cast<int>(i) + 1));
        req.mutable_application()->set_statement(
            "以卓越绩效模式提升经营质量，申请纳入卓越启航培育。");
        IssueUnary<v1::Application>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->CreateApplication(&call->context, &call->request,
                                               &call->response,
                                               std::move(on_done));
            },
            std::move(done),
            [&, i](const v1::Application& a) {
              application_names[i] = a.name();
              return true;
            });
      });

  // The reviews: review k of application a is its (k+1)-th expert of a
  // sliding window, so that concurrent calls meet on rows as they would.
  const int64_t reviews = int64_t{applications} * per_application;
  const auto application_of = [&](int64_t r) {
    return static_cast<int>(r % applications);
  };
  const auto expert_of = [&](int64_t r) {
    const int64_t slot = r / applications;
    return static_cast<int>((application_of(r) * per_application + slot) %
                            experts);
  };
  std::vector<std::string> review_names(reviews);
  const Result assigned =
      RunClosedLoopCount(concurrency, reviews, [&](int64_t r, auto done) {
        v1::CreateReviewRequest req;
        req.set_parent(application_names[application_of(r)]);
        req.mutable_review()->set_expert(expert_names[expert_of(r)]);
        IssueUnary<v1::Review>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->CreateReview(&call->context, &call->request,
                                          &call->response, std::move(on_done));
            },
            std::move(done),
            [&, r](const v1::Review& v) {
              review_names[r] = v.name();
              return true;
            });
      });
  const Result scored =
      RunClosedLoopCount(concurrency, reviews, [&](int64_t r, auto done) {
        v1::SubmitReviewRequest req;
        req.set_name(review_names[r]);
        const int base = 60 + (application_of(r) * 7) % 30;
        for (int c = v1::CRITERION_LEADERSHIP; c <= v1::CRITERION_RESULTS;
             ++c) {
          v1::CriterionScore* s = req.add_scores();
          s->set_criterion(static_cast<v1::Criterion>(c));
          s->set_score(base + (r / applications + c) % 5);
        }
        IssueUnary<v1::Review>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->SubmitReview(&call->context, &call->request,
                                          &call->response, std::move(on_done));
            },
            std::move(done));
      });

  // The selection of the whole cohort, one call.
  v1::Selection selection;
  double selection_ms = 0;
  {
    v1::RunSelectionRequest req;
    req.set_name(absl::StrCat("cohorts/", kYear));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(120));
    const auto t0 = Clock::now();
    const grpc::Status s = stub->RunSelection(&ctx, req, &selection);
    selection_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    if (!s.ok()) {
      std::fprintf(stderr, "the selection failed: %s\n",
                   s.error_message().c_str());
      return 1;
    }
  }
  cultivation->process.reset();
  registry->process.reset();

  // 3. Raw MariaDB on the same server, one connection per thread: an
  // application's INSERT (in a cohort of its own), a review's INSERT (over
  // those applications and the experts), the ranking query.
  const double application_insert_rate = SqlRate(
      dbo, sql_threads, settings.seconds,
      [&](db::Connection& c, int t, int64_t i) {
        const std::string uscc =
            absl::StrFormat("R%02d%015lld", t, static_cast<long long>(i));
        const std::string now = db::SqlTime(absl::Now());
        return c
            .Execute(
                "INSERT INTO applications (cohort_year, organization_uscc, "
                "live_uscc, organization_display_name, statement, "
                "self_assessment, self_assessment_total, "
                "assessor_certificate, assessor_not_certified, status, "
                "status_reason, create_time, update_time, version) VALUES "
                "(?, ?, ?, ?, ?, '', 0, '', 1, 1, '', ?, ?, 1)",
                {int64_t{kRawYear}, uscc, uscc,
                 std::string("深圳市启航基准有限公司"),
                 std::string("以卓越绩效模式提升经营质量。"), now, now})
            .ok();
      });
  std::vector<int64_t> raw_ids, expert_ids;
  {
    auto conn = db::Connect(dbo);
    if (!conn.ok()) return ReportFailure(conn.status());
    auto ids = (*conn)->Query(
        "SELECT id FROM applications WHERE cohort_year = ? ORDER BY id",
        {int64_t{kRawYear}});
    auto eids = (*conn)->Query("SELECT id FROM experts ORDER BY id");
    if (!ids.ok() || !eids.ok()) {
      std::fprintf(stderr, "reading the raw rows failed\n");
      return 1;
    }
    for (const auto& row : *ids) raw_ids.push_back(row.Int(0));
    for (const auto& row : *eids) expert_ids.push_back(row.Int(0));
  }
  std::atomic<int64_t> raw_next{0};
  const double review_insert_rate = SqlRate(
      dbo, sql_threads, settings.seconds, [&](db::Connection& c, int, int64_t) {
        const int64_t k = raw_next++;
        const int64_t e = static_cast<int64_t>(expert_ids.size());
        if (k / e >= static_cast<int64_t>(raw_ids.size())) return false;
        return c
            .Execute(
                "INSERT INTO reviews (application_id, cohort_year, "
                "expert_id, state, comment, create_time) VALUES (?, ?, ?, "
                "1, '', ?)",
                {raw_ids[k / e], int64_t{kRawYear}, expert_ids[k % e],
                 db::SqlTime(absl::Now())})
            .ok();
      });
  // The ranking the selection applies to the scored applications
  // (selection_rules.cc), as one query over the cohort measured.
  std::vector<double> ranking_ms;
  {
    auto conn = db::Connect(dbo);
    if (!conn.ok()) return ReportFailure(conn.status());
    for (int i = 0; i < 20; ++i) {
      const auto t0 = Clock::now();
      auto rows = (*conn)->Query(
          "SELECT id, organization_uscc, consensus_score, score_spread, "
          "review_count, needs_adjudication FROM applications WHERE "
          "cohort_year = ? AND review_count >= ? ORDER BY consensus_score "
          "DESC, score_spread, create_time, organization_uscc",
          {int64_t{kYear}, int64_t{per_application}});
      if (!rows.ok()) return ReportFailure(rows.status());
      ranking_ms.push_back(
          std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
    }
    std::sort(ranking_ms.begin(), ranking_ms.end());
  }
  DropSchema(dbo);
  DropSchema(registry_db);

  constexpr int kWidth = 36;
  PrintGrpcHeader(kWidth);
  PrintRow(kWidth, "bare callback echo (baseline)", *echo);
  PrintRow(kWidth,
           absl::StrCat("CreateApplication (", applications, ")").c_str(),
           applied);
  PrintRow(kWidth, absl::StrCat("CreateReview (", reviews, ")").c_str(),
           assigned);
  PrintRow(kWidth, absl::StrCat("SubmitReview (", reviews, ")").c_str(),
           scored);
  std::printf(
      "\n  %-*s %10.1f ms   (%d selected, %d waitlisted, %d "
      "rejected)\n",
      kWidth, "RunSelection (one call)", selection_ms,
      selection.selected_count(), selection.waitlisted_count(),
      selection.rejected_count());
  PrintSqlHeader(kWidth);
  PrintSqlRow(kWidth, "raw applications INSERT", application_insert_rate,
              sql_threads);
  PrintSqlRow(kWidth, "raw reviews INSERT", review_insert_rate, sql_threads);
  std::printf("  %-*s %10.2f ms   (median of 20, one connection)\n", kWidth,
              "raw ranking query (cohort)", ranking_ms[ranking_ms.size() / 2]);
  std::printf("\n  ratios\n");
  std::printf("  CreateApplication / echo QPS       %6.1f%%\n",
              100 * applied.qps / echo->qps);
  std::printf("  CreateApplication / raw INSERT     %6.1f%%\n",
              100 * applied.qps / application_insert_rate);
  std::printf("  CreateReview / raw INSERT          %6.1f%%\n",
              100 * assigned.qps / review_insert_rate);
  std::printf("  SubmitReview / raw INSERT          %6.1f%%\n",
              100 * scored.qps / review_insert_rate);
  std::printf("  RunSelection / raw ranking query   %6.0fx\n",
              selection_ms / ranking_ms[ranking_ms.size() / 2]);
  const bool clean = applied.errors == 0 && assigned.errors == 0 &&
                     scored.errors == 0 &&
                     selection.selected_count() + selection.waitlisted_count() +
                             selection.rejected_count() ==
                         applications;
  if (!clean) std::printf("\n  the cohort was not driven through cleanly\n");
  return clean ? 0 : 1;
}

}  // namespace
}  // namespace qpp::bench

int main(int argc, char** argv) {
  return qpp::bench::BenchMain(argc, argv, qpp::bench::Run);
}
