// Funding benchmark: prints, from one run on one machine,
//   - a bare callback gRPC echo server's QPS and p50/p99 (baseline),
//   - CheckEligibility through the real qpp-cultivation binary (which serves
//     qpp.funding.v1.FundingService) at the same concurrency: the facts
//     read from the real qpp-registry and cultivation's own tables, the
//     current decision compared under the pair's row lock,
//   - the bulk listing of one scheme's current decisions over 100,000
//     organisations (ListEligibilityDecisions, pages of 1,000) and a full
//     pull of the decision feed (ListDecisionChanges, pages of 1,000), in
//     rows per second, beside a raw keyset scan of the same rows over SQL.
//
// Needs a MariaDB: QPP_BENCH_DB_HOST/PORT/USER/PASSWORD, or the
// QPP_TEST_DB_* variables that tests/run.sh sets. See bench/README.md.

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <optional>

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
#include "qpp/funding/v1/funding_service.grpc.pb.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "services/cultivation/src/migrations.h"
#include "services/registry/src/migrations.h"

ABSL_FLAG(int, decisions, 100000,
          "Current decisions seeded for the listing and the feed.");
ABSL_FLAG(int, organizations, 200,
          "Registered organisations that CheckEligibility goes over.");

namespace qpp::bench {
namespace {

namespace v1 = ::qpp::funding::v1;
namespace registry_v1 = ::qpp::registry::v1;

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("914403009%08d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

// A decision body of the size the service stores: two reasons, four facts.
std::string Body() {
  v1::EligibilityDecision body;
  for (int i = 0; i < 2; ++i) {
    v1::Reason* r = body.add_reasons();
    r->set_code("NOT_ACCEPTED");
    r->set_rule("fundingSchemes/bench-award/rules/1");
    r->set_basis("深府办〔2026〕1号 第五条");
    r->set_detail("the enrolment has not passed its end-of-term acceptance");
  }
  for (int i = 0; i < 4; ++i) {
    v1::Fact* f = body.add_facts();
    f->set_name("cultivation.outcome");
    f->set_value("ACTIVE");
    f->set_source("qpp.cultivation.v1.CultivationService");
    *f->mutable_read_time() = dates::ToTimestamp(absl::Now());
  }
  return body.SerializeAsString();
}

// Seeds `n` current decisions of scheme `code` (rule 1), sequences 1..n.
bool Seed(const db::ConnectionOptions& options, const std::string& code,
          int n) {
  auto conn = db::Connect(options);
  if (!conn.ok()) return false;
  const std::string body = Body();
  const std::string now = db::SqlTime(absl::Now());
  constexpr int kBatch = 500;
  for (int from = 0; from < n; from += kBatch) {
    const int rows = std::min(kBatch, n - from);
    std::string decisions =
        "INSERT INTO eligibility_decisions (id, uscc, scheme_code, "
        "rule_version, outcome, amount_cap_fen, decide_time, sequence, "
        "fingerprint, body) VALUES ";
    std::string current =
        "INSERT INTO current_decisions (uscc, scheme_code, decision_id, "
        "fingerprint) VALUES ";
    std::vector<db::SqlParam> dp, cp;
    for (int i = 0; i < rows; ++i) {
      const int64_t id = from + i + 1;
      const std::string uscc = Uscc(1000000 + static_cast<int>(id));
      absl::StrAppend(&decisions, i ? ", " : "",
                      "(?, ?, ?, 1, 2, 0, ?, ?, ?, ?)");
      absl::StrAppend(&current, i ? ", " : "", "(?, ?, ?, ?)");
      const std::string fp(64, 'f');
      dp.insert(dp.end(), {id, uscc, code, now, id, fp, body});
      cp.insert(cp.end(), {uscc, code, id, fp});
    }
    if (!(*conn)->Begin().ok() || !(*conn)->Execute(decisions, dp).ok() ||
        !(*conn)->Execute(current, cp).ok() || !(*conn)->Commit().ok()) {
      return false;
    }
  }
  return (*conn)
      ->Execute("UPDATE decision_feed_counter SET last_sequence = ?",
                {int64_t{n}})
      .ok();
}

// Rows per second of pulling every page with `next(token, &rows)`, which
// returns the next token ("" or the same one at the end) and adds the rows.
template <typename Next>
double PullRate(Next next, int64_t* total) {
  const absl::Time start = absl::Now();
  std::string token;
  int64_t rows = 0;
  for (;;) {
    int64_t got = 0;
    const std::optional<std::string> following = next(token, &got);
    if (!following.has_value()) return 0;
    rows += got;
    if (following->empty() || got == 0) break;
    token = *following;
  }
  *total = rows;
  return rows / absl::ToDoubleSeconds(absl::Now() - start);
}

int Run(const std::string& self) {
  const Settings settings = SettingsFromFlags();
  std::optional<db::ConnectionOptions> from_env = DatabaseFromEnv();
  if (!from_env.has_value()) return 2;
  db::ConnectionOptions dbo = *from_env;
  db::ConnectionOptions registry_db = dbo;
  registry_db.database = absl::StrCat("qpp_bench_registry_", getpid());
  dbo.database = absl::StrCat("qpp_bench_cultivation_", getpid());
  if (!MigrateSchema(registry_db, qpp::registry::Migrations()) ||
      !MigrateSchema(dbo, qpp::cultivation::Migrations())) {
    return 1;
  }
  PrintTitle("funding", settings);

  const absl::StatusOr<Result> echo =
      MeasureEcho(self, settings.concurrency, settings.seconds, 600);
  if (!echo.ok()) return ReportFailure(echo.status());

  const std::string keyring = crypto::DataCipher::GenerateKeyring();
  const int registry_port = testing::FreePort();
  absl::StatusOr<Service> registry =
      StartService("qpp-registry", registry_port, registry_db,
                   settings.sql_threads, keyring, {});
  if (!registry.ok()) return ReportFailure(registry.status());
  absl::StatusOr<Service> cultivation = StartService(
      "qpp-cultivation", testing::FreePort(), dbo, settings.sql_threads,
      keyring,
      {absl::StrCat("--registry_address=127.0.0.1:", registry_port),
       // Nothing listens there: the scheme measured reads no training.
       absl::StrCat("--training_address=127.0.0.1:", testing::FreePort()),
       "--demobase_address=", "--reevaluation_poll_seconds=0"});
  if (!cultivation.ok()) return ReportFailure(cultivation.status());
  auto registry_stub = registry_v1::RegistryService::NewStub(registry->channel);
  auto stub = v1::FundingService::NewStub(cultivation->channel);

  // The schemes: one to check, one holding the seeded decisions.
  for (const char* code : {"bench-award", "bench-listing"}) {
    v1::CreateFundingSchemeRequest req;
    req.mutable_funding_scheme()->set_name(
        absl::StrCat("fundingSchemes/", code));
    req.mutable_funding_scheme()->set_title("卓越启航期末验收奖励");
    req.mutable_funding_scheme()->set_kind(v1::SCHEME_KIND_ACCEPTANCE_AWARD);
    *req.mutable_rule()->mutable_effective_from() =
        dates::ToDate(absl::CivilDay(2020, 1, 1));
    req.mutable_rule()->set_amount_cap_fen(50'000'000);
    req.mutable_rule()->set_validity_months(12);
    req.mutable_rule()->set_min_score(60);
    req.mutable_rule()->set_basis("深府办〔2026〕1号 第五条");
    grpc::ClientContext ctx;
    v1::FundingScheme out;
    if (!stub->CreateFundingScheme(&ctx, req, &out).ok()) {
      std::fprintf(stderr, "creating the schemes failed\n");
      return 1;
    }
  }
  const int organizations = absl::GetFlag(FLAGS_organizations);
  for (int n = 1; n <= organizations; ++n) {
    registry_v1::CreateOrganizationRequest req;
    req.mutable_organization()->set_uscc(Uscc(n));
    req.mutable_organization()->set_display_name(
        absl::StrCat("深圳市卓越制造", n, "有限公司"));
    req.mutable_organization()->set_kind(
        registry_v1::ORGANIZATION_KIND_ENTERPRISE);
    req.mutable_organization()->set_district_code("440305");
    req.mutable_organization()->set_industry_code("39");
    grpc::ClientContext ctx;
    registry_v1::Organization out;
    if (grpc::Status s = registry_stub->CreateOrganization(&ctx, req, &out);
        !s.ok()) {
      std::fprintf(stderr, "seeding the registry failed: %s\n",
                   s.error_message().c_str());
      return 1;
    }
  }
  const int decisions = absl::GetFlag(FLAGS_decisions);
  if (!Seed(dbo, "bench-listing", decisions)) {
    std::fprintf(stderr, "seeding the decisions failed\n");
    return 1;
  }

  // CheckEligibility over the registered organisations: the first round
  // stores each decision, later ones find it unchanged.
  std::atomic<int64_t> counter{0};
  const Result check =
      RunClosedLoop(settings.concurrency, settings.seconds, [&](auto done) {
        v1::CheckEligibilityRequest req;
        req.set_scheme("fundingSchemes/bench-award");
        req.set_organization(absl::StrCat("organizations/",
                                          Uscc(1 + counter++ % organizations)));
        IssueUnary<v1::EligibilityDecision>(
            std::move(req),
            [&](auto* call, auto on_done) {
              stub->async()->CheckEligibility(&call->context, &call->request,
                                              &call->response,
                                              std::move(on_done));
            },
            std::move(done));
      });

  int64_t listed = 0, pulled = 0, scanned = 0;
  const double list_rate = PullRate(
      [&](const std::string& token,
          int64_t* got) -> std::optional<std::string> {
        v1::ListEligibilityDecisionsRequest req;
        req.set_scheme("fundingSchemes/bench-listing");
        req.set_page_size(1000);
        req.set_page_token(token);
        v1::ListEligibilityDecisionsResponse resp;
        grpc::ClientContext ctx;
        if (!stub->ListEligibilityDecisions(&ctx, req, &resp).ok()) {
          return std::nullopt;
        }
        *got = resp.decisions_size();
        return resp.next_page_token();
      },
      &listed);
  const double feed_rate = PullRate(
      [&](const std::string& token,
          int64_t* got) -> std::optional<std::string> {
        v1::ListDecisionChangesRequest req;
        req.set_page_size(1000);
        req.set_page_token(token);
        v1::ListDecisionChangesResponse resp;
        grpc::ClientContext ctx;
        if (!stub->ListDecisionChanges(&ctx, req, &resp).ok()) {
          return std::nullopt;
        }
        *got = resp.changes_size();
        return resp.next_page_token();
      },
      &pulled);
  cultivation->process.reset();
  registry->process.reset();

  // Raw SQL: the same rows, keyset pages of 1,000, the same columns.
  double scan_rate = 0;
  {
    auto conn = db::Connect(dbo);
    if (!conn.ok()) return ReportFailure(conn.status());
    const absl::Time start = absl::Now();
    int64_t after = 0;
    for (;;) {
      auto rows = (*conn)->Query(
          "SELECT d.id, d.uscc, d.scheme_code, d.rule_version, d.outcome, "
          "d.valid_from, d.valid_to, d.amount_cap_fen, d.decide_time, "
          "d.supersedes, d.sequence, d.fingerprint, d.body FROM "
          "current_decisions c JOIN eligibility_decisions d ON d.id = "
          "c.decision_id WHERE c.scheme_code = ? AND c.decision_id > ? "
          "ORDER BY c.decision_id LIMIT 1000",
          {std::string("bench-listing"), after});
      if (!rows.ok() || rows->empty()) break;
      scanned += static_cast<int64_t>(rows->size());
      after = rows->back().Int(0);
    }
    scan_rate = scanned / absl::ToDoubleSeconds(absl::Now() - start);
  }
  DropSchema(dbo);
  DropSchema(registry_db);

  constexpr int kWidth = 36;
  PrintGrpcHeader(kWidth);
  PrintRow(kWidth, "bare callback echo (baseline)", *echo);
  PrintRow(kWidth, "CheckEligibility (registry + own)", check);
  std::printf("\n  %-*s %10s %10s\n", kWidth, "bulk reads, one caller",
              "rows/s", "rows");
  std::printf("  %-*s %10.0f %10lld\n", kWidth,
              "ListEligibilityDecisions (1,000)", list_rate,
              static_cast<long long>(listed));
  std::printf("  %-*s %10.0f %10lld\n", kWidth, "ListDecisionChanges (1,000)",
              feed_rate, static_cast<long long>(pulled));
  std::printf("  %-*s %10.0f %10lld\n", kWidth, "raw SQL keyset scan (1,000)",
              scan_rate, static_cast<long long>(scanned));
  std::printf("\n  ratios\n");
  std::printf("  listing / raw scan                 %6.0f%%\n",
              100 * list_rate / scan_rate);
  std::printf("  feed pull / raw scan               %6.0f%%\n",
              100 * feed_rate / scan_rate);
  std::printf("  CheckEligibility / echo QPS        %6.0f%%\n",
              100 * check.qps / echo->qps);
  return 0;
}

}  // namespace
}  // namespace qpp::bench

int main(int argc, char** argv) {
  return qpp::bench::BenchMain(argc, argv, qpp::bench::Run);
}
