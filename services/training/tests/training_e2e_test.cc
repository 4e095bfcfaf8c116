// The qpp-training binary against the real qpp-registry binary on a real
// MariaDB: its wiring (flags, migrations, keyring, the registry client),
// employers checked over gRPC, personal data masked, nothing in clear in
// its log, and UNAVAILABLE with nothing written once the registry stops.

#include <signal.h>

#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/grpc_status.h"
#include "common/status/status.h"
#include "common/testing/service_process.h"
#include "common/testing/test_db.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "qpp/registry/v1/registry_service.grpc.pb.h"
#include "qpp/training/v1/training_service.grpc.pb.h"
#include "services/registry/src/migrations.h"
#include "services/training/src/migrations.h"

namespace qpp::training {
namespace {

namespace registry_v1 = ::qpp::registry::v1;

std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

std::string ResidentId(int n) {
  const std::string first17 = absl::StrFormat("44030419850607%03d", n);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

class TrainingE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto registry_db = qpp::testing::TestDatabase::Create(
        "training_e2e_registry", registry::Migrations());
    ASSERT_TRUE(registry_db.ok()) << registry_db.status();
    registry_db_ = std::move(*registry_db);
    QPP_SKIP_WITHOUT_DB(registry_db_);
    auto training_db =
        qpp::testing::TestDatabase::Create("training_e2e", Migrations());
    ASSERT_TRUE(training_db.ok()) << training_db.status();
    training_db_ = std::move(*training_db);

    qpp::testing::ServiceProcessOptions registry;
    registry.binary = "qpp-registry";
    registry.db = registry_db_->options().connection;
    registry.health_service = registry_v1::RegistryService::service_full_name();
    auto started = qpp::testing::ServiceProcess::Start(std::move(registry));
    ASSERT_TRUE(started.ok()) << started.status();
    registry_ = std::move(*started);
    ASSERT_TRUE(registry_->WaitServing(absl::Seconds(20))) << registry_->Log();

    qpp::testing::ServiceProcessOptions training;
    training.binary = "qpp-training";
    training.db = training_db_->options().connection;
    training.health_service = v1::TrainingService::service_full_name();
    training.args = {absl::StrCat("--registry_address=", registry_->address()),
                     "--certificate_validity=CHIEF_QUALITY_OFFICER=5"};
    auto training_started =
        qpp::testing::ServiceProcess::Start(std::move(training));
    ASSERT_TRUE(training_started.ok()) << training_started.status();
    training_ = std::move(*training_started);
    ASSERT_TRUE(training_->WaitServing(absl::Seconds(20))) << training_->Log();
    stub_ = v1::TrainingService::NewStub(
        qpp::testing::FreshChannel(training_->address()));
  }

  void RegisterEmployer() {
    auto stub = registry_v1::RegistryService::NewStub(
        qpp::testing::FreshChannel(registry_->address()));
    registry_v1::CreateOrganizationRequest req;
    registry_v1::Organization& o = *req.mutable_organization();
    o.set_uscc(Uscc(1));
    o.set_display_name("深圳市培训测试科技有限公司");
    o.set_kind(registry_v1::ORGANIZATION_KIND_ENTERPRISE);
    o.set_district_code("440305");
    o.set_industry_code("65");
    o.set_employees(150);
    o.set_annual_revenue_yuan(20'000'000);
    o.set_total_assets_yuan(10'000'000);
    grpc::ClientContext ctx;
    registry_v1::Organization out;
    const grpc::Status s = stub->CreateOrganization(&ctx, req, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  absl::Status CreateTrainee(int n, v1::Trainee* out) {
    v1::CreateTraineeRequest req;
    req.mutable_trainee()->set_display_name("陈大文");
    req.mutable_trainee()->set_resident_id(ResidentId(n));
    req.mutable_trainee()->set_phone("13812345678");
    req.mutable_trainee()->set_employer("organizations/" + Uscc(1));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     std::chrono::seconds(10));
    return status::FromGrpcStatus(stub_->CreateTrainee(&ctx, req, out));
  }

  std::unique_ptr<qpp::testing::TestDatabase> registry_db_;
  std::unique_ptr<qpp::testing::TestDatabase> training_db_;
  std::unique_ptr<qpp::testing::ServiceProcess> registry_;
  std::unique_ptr<qpp::testing::ServiceProcess> training_;
  std::unique_ptr<v1::TrainingService::Stub> stub_;
};

TEST_F(TrainingE2eTest, ChecksEmployersWithTheRegistryAndMasks) {
  RegisterEmployer();
  v1::Trainee trainee;
  const absl::Status created = CreateTrainee(1, &trainee);
  ASSERT_TRUE(created.ok()) << created << training_->Log();
  EXPECT_EQ(
      trainee.masked_resident_id(),
      ResidentId(1).substr(0, 4) + "**********" + ResidentId(1).substr(14));
  EXPECT_EQ(trainee.employer_district_code(), "440305");

  // An employer the registry does not have.
  v1::CreateTraineeRequest req;
  req.mutable_trainee()->set_display_name("陈小文");
  req.mutable_trainee()->set_resident_id(ResidentId(2));
  req.mutable_trainee()->set_employer("organizations/" + Uscc(2));
  grpc::ClientContext ctx;
  v1::Trainee out;
  const absl::Status unknown =
      status::FromGrpcStatus(stub_->CreateTrainee(&ctx, req, &out));
  EXPECT_EQ(status::ReasonOf(unknown), "ORGANIZATION_NOT_REGISTERED")
      << unknown;

  // The registry stops: UNAVAILABLE, named, and nothing written.
  registry_->process().Signal(SIGTERM);
  ASSERT_EQ(registry_->process().Wait(25000), 0) << registry_->Log();
  const absl::Status down = CreateTrainee(3, &out);
  EXPECT_EQ(down.code(), absl::StatusCode::kUnavailable) << down;
  EXPECT_EQ(status::ReasonOf(down), "REGISTRY_UNAVAILABLE");
  EXPECT_NE(down.message().find("registry"), std::string::npos);
  auto rows = training_db_->Query("SELECT COUNT(*) FROM trainees");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].Int(0), 1);

  // No ID number or phone in clear in either log.
  for (const std::string& log : {training_->Log(), registry_->Log()}) {
    for (int n : {1, 2, 3}) {
      EXPECT_EQ(log.find(ResidentId(n)), std::string::npos);
    }
    EXPECT_EQ(log.find("13812345678"), std::string::npos);
  }
}

}  // namespace
}  // namespace qpp::training
