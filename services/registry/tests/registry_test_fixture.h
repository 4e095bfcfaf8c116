#pragma once

// The fixture of the registry's integration tests: the service on a real
// MariaDB (the suite's own schema, tables emptied before each test), called
// over an in-process gRPC channel, with the clock fixed at kNow.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/server/executor.h"
#include "common/server/server.h"
#include "common/status/status.h"
#include "common/testing/database_test.h"
#include "common/testing/test_db.h"
#include "common/validation/uscc.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/registry/src/migrations.h"
#include "services/registry/src/registry.h"
#include "services/registry/src/registry_service.h"

namespace qpp::registry {

// Valid codes (GB 32100 check characters computed for the test).
inline std::string Uscc(int n) {
  std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

inline const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::UTCTimeZone());

class RegistryIntegrationTest
    : public testing::DatabaseTest<RegistryIntegrationTest> {
 public:
  static constexpr char kSchemaName[] = "registry";
  static const std::vector<db::MigrationFile>& SchemaMigrations() {
    return Migrations();
  }

 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(
        db_->Clear({"partnership_members", "partnership_industries",
                    "partnerships", "benchmark_designations",
                    "self_assessment_items", "self_assessments",
                    "award_records", "organizations", "idempotency_keys"})
            .ok());
    // Margins added by a test; the migration's own row stays.
    ASSERT_TRUE(Exec("DELETE FROM improvement_margins WHERE "
                     "effective_from > '2013-01-01'")
                    .ok());
    pool_ = std::make_unique<db::ConnectionPool>(db_->options(), nullptr);
    executor_ = std::make_unique<server::Executor>(8, 1024, nullptr);
    StartService(RegistryOptions{});
  }

  // Runs a statement on a fresh connection (test set-up of stored rows).
  static absl::Status Exec(const std::string& sql,
                           std::vector<db::SqlParam> params = {}) {
    QPP_ASSIGN_OR_RETURN(auto conn, db::Connect(db_->options().connection));
    return conn->Execute(sql, params).status();
  }

  // (Re)starts the service with `options`, on the same pool and executor.
  void StartService(const RegistryOptions& options) {
    stub_.reset();
    if (server_ != nullptr) server_->Shutdown();
    server_.reset();
    service_.reset();
    core_.reset();
    auto cipher =
        crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring());
    core_ = std::make_unique<Registry>(*pool_, NewMysqlRegistryRepositories(),
                                       *cipher, options, [] { return kNow; });
    service_ = std::make_unique<RegistryServiceImpl>(*core_, *executor_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    std::vector<
        std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
        interceptors;
    interceptors.push_back(server::ParseErrorInterceptorFor(
        {v1::RegistryService::service_full_name()}));
    builder.experimental().SetInterceptorCreators(std::move(interceptors));
    server_ = builder.BuildAndStart();
    stub_ = v1::RegistryService::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
    if (executor_ != nullptr) executor_->Shutdown();
  }

  static v1::Organization NewOrg(int n,
                                 const std::string& district = "440305") {
    v1::Organization org;
    org.set_uscc(Uscc(n));
    org.set_display_name(absl::StrCat("深圳市测试", n, "号科技有限公司"));
    org.set_kind(v1::ORGANIZATION_KIND_ENTERPRISE);
    org.set_district_code(district);
    org.set_industry_code("65");
    org.set_employees(150);
    org.set_annual_revenue_yuan(20'000'000);
    org.set_total_assets_yuan(10'000'000);
    return org;
  }

  grpc::Status Create(const v1::Organization& org, v1::Organization* out,
                      const std::string& request_id = "") {
    grpc::ClientContext ctx;
    v1::CreateOrganizationRequest req;
    *req.mutable_organization() = org;
    req.set_request_id(request_id);
    return stub_->CreateOrganization(&ctx, req, out);
  }

  grpc::Status Get(const std::string& uscc, v1::Organization* out) {
    grpc::ClientContext ctx;
    v1::GetOrganizationRequest req;
    req.set_name("organizations/" + uscc);
    return stub_->GetOrganization(&ctx, req, out);
  }

  int64_t CountRows(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  grpc::Status Advance(const std::string& uscc, v1::AdoptionStatus status) {
    grpc::ClientContext ctx;
    v1::SetAdoptionStatusRequest req;
    req.set_name("organizations/" + uscc);
    req.set_adoption_status(status);
    v1::Organization out;
    return stub_->SetAdoptionStatus(&ctx, req, &out);
  }

  std::unique_ptr<db::ConnectionPool> pool_;
  std::unique_ptr<server::Executor> executor_;
  std::unique_ptr<Registry> core_;
  std::unique_ptr<RegistryServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::RegistryService::Stub> stub_;
};

}  // namespace qpp::registry
