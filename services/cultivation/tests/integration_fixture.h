#pragma once

// The fixture of cultivation's integration tests: the use cases on a real
// MariaDB schema (one per test binary, emptied before each test), calling
// the real qpp-registry and qpp-training binaries (started once per test
// binary on schemas of their own, restarted by a test that stops one), with
// a fresh keyring and a fixed clock.
//
// The registry holds, from the first test on:
//   1..45  enterprises in good standing; even ones have a self-assessment
//          whose assessor's certificate training does not know
//   46     a public institution
//   47     an enterprise with a restricted credit standing
//   48     an archived enterprise
//   49     a large enterprise (not an SME)

#include <signal.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/client/channel.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/testing/database_test.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/cultivation/src/cultivation.h"
#include "services/cultivation/src/migrations.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

namespace qpp::cultivation {

namespace registry_v1 = ::qpp::registry::v1;

inline std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000001%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

inline std::string OrgName(int n) { return "organizations/" + Uscc(n); }

// 2026-03-02 10:00 in Shanghai.
inline const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 3, 2, 10, 0, 0), dates::ChinaTime());

// The registry and training binaries shared by the tests of one binary.
struct Dependencies {
  std::unique_ptr<testing::TestDatabase> registry_db;
  std::unique_ptr<testing::TestDatabase> training_db;
  std::unique_ptr<testing::ServiceProcess> registry;
  std::unique_ptr<testing::ServiceProcess> training;
  bool seeded = false;
};

class CultivationIntegrationTest
    : public testing::DatabaseTest<CultivationIntegrationTest> {
 public:
  static constexpr char kSchemaName[] = "cultivation";
  static const std::vector<db::MigrationFile>& SchemaMigrations() {
    return cultivation::SchemaMigrations();
  }

  // Stops the binaries once a suite is done: the shared state is leaked on
  // purpose (no destruction order at exit), so its processes would outlive
  // the test binary. The next suite starts them again.
  static void TearDownTestSuite() {
    Deps().training.reset();
    Deps().registry.reset();
    DatabaseTest::TearDownTestSuite();
  }

 protected:
  static Dependencies& Deps() {
    static auto* deps = new Dependencies();
    return *deps;
  }

  // Starts whichever of the registry and training is not running.
  static void EnsureDependencies() {
    Dependencies& d = Deps();
    if (d.registry_db == nullptr) {
      auto r = testing::TestDatabase::Create("cultivation_registry",
                                             registry::Migrations());
      ASSERT_TRUE(r.ok()) << r.status();
      d.registry_db = std::move(*r);
      auto t = testing::TestDatabase::Create("cultivation_training",
                                             training::Migrations());
      ASSERT_TRUE(t.ok()) << t.status();
      d.training_db = std::move(*t);
    }
    const bool registry_restarted =
        d.registry != nullptr && !d.registry->process().running();
    if (d.registry == nullptr || !d.registry->process().running()) {
      testing::ServiceProcessOptions o;
      o.binary = "qpp-registry";
      o.db = d.registry_db->options().connection;
      o.health_service = registry_v1::RegistryService::service_full_name();
      auto started = testing::ServiceProcess::Start(std::move(o));
      ASSERT_TRUE(started.ok()) << started.status();
      d.registry = std::move(*started);
      ASSERT_TRUE(d.registry->WaitServing(absl::Seconds(30)))
          << d.registry->Log();
    }
    // Training calls the registry at the address it was started with.
    if (registry_restarted && d.training != nullptr &&
        d.training->process().running()) {
      Stop(*d.training);
    }
    if (d.training == nullptr || !d.training->process().running()) {
      testing::ServiceProcessOptions o;
      o.binary = "qpp-training";
      o.db = d.training_db->options().connection;
      o.health_service = "qpp.training.v1.TrainingService";
      o.args = {absl::StrCat("--registry_address=", d.registry->address())};
      auto started = testing::ServiceProcess::Start(std::move(o));
      ASSERT_TRUE(started.ok()) << started.status();
      d.training = std::move(*started);
      ASSERT_TRUE(d.training->WaitServing(absl::Seconds(30)))
          << d.training->Log();
    }
    if (!d.seeded) {
      SeedRegistry();
      if (::testing::Test::HasFatalFailure()) return;
      d.seeded = true;
    }
  }

  // Stops `process` (the registry or training) at once.
  static void Stop(testing::ServiceProcess& process) {
    process.process().Signal(SIGKILL);
    process.process().Wait(10000);
  }

  static void SeedRegistry() {
    auto stub = registry_v1::RegistryService::NewStub(
        testing::FreshChannel(Deps().registry->address()));
    registry_v1::ScoreSheet sheet;
    {
      grpc::ClientContext ctx;
      registry_v1::GetScoreSheetRequest req;
      req.set_name("scoreSheets/current");
      ASSERT_TRUE(stub->GetScoreSheet(&ctx, req, &sheet).ok());
    }
    for (int n = 1; n <= 49; ++n) {
      registry_v1::CreateOrganizationRequest req;
      registry_v1::Organization& o = *req.mutable_organization();
      o.set_uscc(Uscc(n));
      o.set_display_name(absl::StrCat("深圳市启航测试", n, "有限公司"));
      o.set_kind(n == 46 ? registry_v1::ORGANIZATION_KIND_PUBLIC_INSTITUTION
                         : registry_v1::ORGANIZATION_KIND_ENTERPRISE);
      o.set_district_code("440305");
      o.set_industry_code("39");
      o.set_employees(n == 49 ? 3000 : 120 + n);
      o.set_annual_revenue_yuan(n == 49 ? 5'000'000'000 : 30'000'000);
      o.set_total_assets_yuan(n == 49 ? 5'000'000'000 : 20'000'000);
      if (n == 47) {
        o.mutable_credit()->set_standing(
            registry_v1::CREDIT_STANDING_RESTRICTED);
        *o.mutable_credit()->mutable_since() =
            dates::ToDate(absl::CivilDay(2025, 6, 1));
        o.mutable_credit()->set_reason("列入严重失信主体名单");
      }
      grpc::ClientContext ctx;
      registry_v1::Organization out;
      const grpc::Status s = stub->CreateOrganization(&ctx, req, &out);
      ASSERT_TRUE(s.ok() || s.error_code() == grpc::StatusCode::ALREADY_EXISTS)
          << s.error_message();
      if (n % 2 == 0 && n <= 45) {
        grpc::ClientContext actx;
        registry_v1::CreateSelfAssessmentRequest areq;
        areq.set_parent(OrgName(n));
        registry_v1::SelfAssessment& a = *areq.mutable_self_assessment();
        *a.mutable_assessment_date() =
            dates::ToDate(absl::CivilDay(2026, 1, 10));
        a.set_assessor_certificate("ZJPS-2025-9999");
        for (const auto& i : sheet.items()) {
          auto* item = a.add_items();
          item->set_item_code(i.item_code());
          item->set_percent(60);
        }
        registry_v1::SelfAssessment aout;
        const grpc::Status as = stub->CreateSelfAssessment(&actx, areq, &aout);
        ASSERT_TRUE(as.ok()) << as.error_message();
      }
      if (n == 48) {
        grpc::ClientContext dctx;
        registry_v1::DeleteOrganizationRequest dreq;
        dreq.set_name(OrgName(n));
        registry_v1::Organization dout;
        const grpc::Status ds = stub->DeleteOrganization(&dctx, dreq, &dout);
        ASSERT_TRUE(ds.ok()) << ds.error_message();
      }
    }
  }

  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    EnsureDependencies();
    if (HasFatalFailure()) return;
    ASSERT_TRUE(
        db_->Clear({"growth_plan_reviews", "growth_plan_coaching",
                    "growth_plan_participants", "enrollment_milestones",
                    "selections", "enrollments", "reviews", "expert_conflicts",
                    "experts", "application_transitions", "applications",
                    "cohorts", "idempotency_keys"})
            .ok());
    db::PoolOptions options = db_->options();
    // Concurrency tests queue many more callers than connections.
    options.acquire_timeout = absl::Seconds(60);
    pool_ = std::make_unique<db::ConnectionPool>(options, nullptr);
    auto cipher =
        crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring());
    ASSERT_TRUE(cipher.ok());
    CultivationClients clients;
    clients.registry = NewGrpcRegistryClient(
        testing::FreshChannel(Deps().registry->address()), metrics_);
    clients.training = NewGrpcTrainingClient(
        testing::FreshChannel(Deps().training->address()), metrics_);
    cultivation_ = std::make_unique<Cultivation>(
        *pool_, NewMysqlCultivationRepositories(), std::move(clients),
        std::move(*cipher), [this] { return now_; }, ProgrammeOptions{});
    call_.set_timeout(absl::Seconds(5)).set_request_id("test");
    call_.mutable_principal().name = "programme-office";
  }

  int64_t Count(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  // A cohort of 2026 open for applications from March to April.
  v1::Cohort CreateCohort(int capacity = 0) {
    v1::CreateCohortRequest req;
    v1::Cohort& c = *req.mutable_cohort();
    c.set_year(2026);
    c.set_capacity(capacity);
    *c.mutable_application_open_date() =
        dates::ToDate(absl::CivilDay(2026, 3, 1));
    *c.mutable_application_close_date() =
        dates::ToDate(absl::CivilDay(2026, 4, 30));
    v1::Cohort out;
    const absl::Status s = cultivation_->cohorts().CreateCohort(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  absl::Status Apply(int organization, v1::Application* out,
                     const std::string& request_id = "") {
    v1::CreateApplicationRequest req;
    req.set_parent("cohorts/2026");
    req.mutable_application()->set_organization(OrgName(organization));
    req.mutable_application()->set_statement("以卓越绩效模式提升经营质量");
    req.set_request_id(request_id);
    return cultivation_->applications().CreateApplication(call_, req, out);
  }

  // An expert working for organisation `employer`.
  v1::Expert CreateExpert(int n, int employer) {
    v1::CreateExpertRequest req;
    v1::Expert& e = *req.mutable_expert();
    e.set_display_name(absl::StrCat("专家", n));
    e.set_field("质量管理");
    e.set_employer(OrgName(employer));
    const std::string first17 = absl::StrFormat("44030419700101%03d", n);
    e.set_resident_id(first17 + validation::ResidentIdCheckCharacter(first17));
    e.set_phone("13912345678");
    v1::Expert out;
    const absl::Status s =
        cultivation_->experts().CreateExpert(call_, req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  absl::Status Assign(const std::string& application, const std::string& expert,
                      v1::Review* out) {
    v1::CreateReviewRequest req;
    req.set_parent(application);
    req.mutable_review()->set_expert(expert);
    return cultivation_->reviews().CreateReview(call_, req, out);
  }

  // Scores every criterion `score`.
  absl::Status Score(const std::string& review, double score, v1::Review* out) {
    v1::SubmitReviewRequest req;
    req.set_name(review);
    for (int k = 1; k <= 5; ++k) {
      v1::CriterionScore* s = req.add_scores();
      s->set_criterion(static_cast<v1::Criterion>(k));
      s->set_score(score);
    }
    return cultivation_->reviews().SubmitReview(call_, req, out);
  }

  // Records in training that `count` staff of organisation `employer`
  // attended a session on 2026-03-10..11.
  static void TrainStaff(int employer, int count) {
    namespace training_v1 = ::qpp::training::v1;
    static int next_person = 0;
    auto stub = training_v1::TrainingService::NewStub(
        testing::FreshChannel(Deps().training->address()));
    auto deadline = [](grpc::ClientContext& ctx) {
      ctx.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
    };
    training_v1::Course course;
    {
      training_v1::CreateCourseRequest req;
      req.mutable_course()->set_title("卓越绩效骨干培训");
      req.mutable_course()->set_kind(
          training_v1::COURSE_KIND_QUALITY_MANAGEMENT);
      req.mutable_course()->set_hours(8);
      grpc::ClientContext ctx;
      deadline(ctx);
      const grpc::Status s = stub->CreateCourse(&ctx, req, &course);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    training_v1::Session session;
    {
      training_v1::CreateSessionRequest req;
      req.set_parent(course.name());
      training_v1::Session& t = *req.mutable_session();
      *t.mutable_start_date() = dates::ToDate(absl::CivilDay(2026, 3, 10));
      *t.mutable_end_date() = dates::ToDate(absl::CivilDay(2026, 3, 11));
      t.set_place("深圳市南山区");
      t.set_provider(OrgName(45));
      t.set_capacity(100);
      grpc::ClientContext ctx;
      deadline(ctx);
      const grpc::Status s = stub->CreateSession(&ctx, req, &session);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
    for (int i = 0; i < count; ++i) {
      training_v1::CreateTraineeRequest treq;
      treq.mutable_trainee()->set_display_name("陈骨干");
      const std::string first17 =
          absl::StrFormat("44030419850607%03d", ++next_person);
      treq.mutable_trainee()->set_resident_id(
          first17 + validation::ResidentIdCheckCharacter(first17));
      treq.mutable_trainee()->set_employer(OrgName(employer));
      training_v1::Trainee trainee;
      grpc::ClientContext tctx;
      deadline(tctx);
      grpc::Status s = stub->CreateTrainee(&tctx, treq, &trainee);
      ASSERT_TRUE(s.ok()) << s.error_message();
      training_v1::CreateRegistrationRequest rreq;
      rreq.mutable_registration()->set_session(session.name());
      rreq.mutable_registration()->set_trainee(trainee.name());
      training_v1::Registration registration;
      grpc::ClientContext rctx;
      deadline(rctx);
      s = stub->CreateRegistration(&rctx, rreq, &registration);
      ASSERT_TRUE(s.ok()) << s.error_message();
      training_v1::RecordAttendanceRequest areq;
      areq.set_name(registration.name());
      areq.set_attended(true);
      training_v1::Registration attended;
      grpc::ClientContext actx;
      deadline(actx);
      s = stub->RecordAttendance(&actx, areq, &attended);
      ASSERT_TRUE(s.ok()) << s.error_message();
    }
  }

  prometheus::Registry metrics_;
  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<Cultivation> cultivation_;
  RequestContext call_;
  absl::Time now_ = kNow;
};

}  // namespace qpp::cultivation
