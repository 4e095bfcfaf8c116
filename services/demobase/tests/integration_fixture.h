#pragma once

// The fixture of demobase's integration tests: the use cases on a real
// MariaDB schema (one per test binary, emptied before each test), with a
// fake registry, a fresh keyring and a fixed clock.

#include <memory>
#include <string>

#include "absl/strings/str_format.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "common/testing/database_test.h"
#include "common/validation/uscc.h"
#include "gtest/gtest.h"
#include "services/demobase/src/demobase.h"
#include "services/demobase/src/migrations.h"
#include "services/demobase/tests/fake_registry.h"

namespace qpp::demobase {

inline std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

inline std::string OrgName(int n) { return "organizations/" + Uscc(n); }

// 2026-03-02 10:00 in Shanghai.
inline const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 3, 2, 10, 0, 0), dates::ChinaTime());

// Organisations 1..10 won an award in 2020; 11..20 are exemplary
// public-service organisations; 21 is neither; 22 is archived.
class DemoBaseIntegrationTest
    : public testing::DatabaseTest<DemoBaseIntegrationTest> {
 public:
  static constexpr char kSchemaName[] = "demobase";
  static const std::vector<db::MigrationFile>& SchemaMigrations() {
    return Migrations();
  }

 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db_->Clear({"project_milestones", "project_participants",
                            "project_status_changes", "demonstration_projects",
                            "survey_dimension_scores", "survey_scores",
                            "survey_rounds", "registrations", "open_events",
                            "base_status_changes", "demonstration_bases",
                            "designation_years", "idempotency_keys"})
                    .ok());
    db::PoolOptions options = db_->options();
    // Concurrency tests queue many more callers than connections.
    options.acquire_timeout = absl::Seconds(60);
    pool_ = std::make_unique<db::ConnectionPool>(options, nullptr);
    auto registry = std::make_unique<FakeRegistry>();
    registry_ = registry.get();
    for (int n = 1; n <= 22; ++n) {
      registry_->Add(
          {Uscc(n), absl::StrCat("示范单位", n), n != 22, n > 10 && n <= 20});
      if (n <= 10)
        registry_->AddAward(Uscc(n), {2020, "AWARD_LEVEL_GRAND_AWARD"});
    }
    auto cipher =
        crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring());
    ASSERT_TRUE(cipher.ok());
    demobase_ = std::make_unique<DemoBase>(
        *pool_, NewMysqlDemoBaseRepositories(), std::move(registry),
        std::move(*cipher), [this] { return now_; }, ProgrammeOptions{});
    call_.set_timeout(absl::Seconds(5)).set_request_id("test");
    call_.mutable_principal().name = "programme-office";
  }

  int64_t Count(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  v1::CreateDemonstrationBaseRequest DesignateRequest(int organization,
                                                      int year) {
    v1::CreateDemonstrationBaseRequest req;
    v1::DemonstrationBase& b = *req.mutable_demonstration_base();
    b.set_organization(OrgName(organization));
    b.set_year(year);
    b.set_theme("卓越绩效管理实践");
    b.set_industry("医疗卫生");
    return req;
  }

  absl::Status Designate(int organization, int year,
                         v1::DemonstrationBase* out) {
    return demobase_->bases().CreateDemonstrationBase(
        call_, DesignateRequest(organization, year), out);
  }

  // A designated base of 2026.
  v1::DemonstrationBase CreateBase(int organization) {
    v1::DemonstrationBase out;
    const absl::Status s = Designate(organization, 2026, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  // An event of `base` starting `days` days from now at 9:00 for 3 hours.
  v1::OpenEvent AnEvent(int days, int capacity) {
    v1::OpenEvent e;
    e.set_kind(v1::EVENT_KIND_OPEN_VISIT);
    e.set_topic("卓越绩效开放日");
    e.set_place("深圳市南山区科技园");
    e.set_capacity(capacity);
    const absl::Time start =
        absl::FromCivil(absl::CivilSecond(dates::Today(now_) + days) + 9 * 3600,
                        dates::ChinaTime());
    *e.mutable_start_time() = dates::ToTimestamp(start);
    *e.mutable_end_time() = dates::ToTimestamp(start + absl::Hours(3));
    return e;
  }

  v1::OpenEvent CreateEvent(const v1::DemonstrationBase& base, int days,
                            int capacity) {
    v1::CreateOpenEventRequest req;
    req.set_parent(base.name());
    *req.mutable_open_event() = AnEvent(days, capacity);
    v1::OpenEvent out;
    const absl::Status s = demobase_->events().CreateOpenEvent(req, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  v1::CreateRegistrationRequest GroupRequest(const v1::OpenEvent& event,
                                             int headcount) {
    v1::CreateRegistrationRequest req;
    req.set_parent(event.name());
    v1::Registration& r = *req.mutable_registration();
    r.set_visitor_kind(v1::VISITOR_KIND_GROUP);
    r.set_organization(OrgName(30));
    r.set_contact_name("李建国");
    r.set_contact_phone("13912345678");
    r.set_headcount(headcount);
    return req;
  }

  std::unique_ptr<db::ConnectionPool> pool_;
  FakeRegistry* registry_ = nullptr;
  std::unique_ptr<DemoBase> demobase_;
  RequestContext call_;
  absl::Time now_ = kNow;
};

}  // namespace qpp::demobase
