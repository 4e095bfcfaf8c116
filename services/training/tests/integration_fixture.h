#pragma once

// The fixture of training's integration tests: the use cases on a real
// MariaDB schema (one per test binary, emptied before each test), with a
// fake registry, a fresh keyring and a fixed clock.

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "common/crypto/cipher.h"
#include "common/dates/dates.h"
#include "common/status/status.h"
#include "common/testing/database_test.h"
#include "common/validation/resident_id.h"
#include "common/validation/uscc.h"
#include "gtest/gtest.h"
#include "services/training/src/migrations.h"
#include "services/training/src/training.h"
#include "services/training/tests/fake_registry.h"

namespace qpp::training {

inline std::string Uscc(int n) {
  const std::string first17 = absl::StrFormat("9144030000000%04d", n);
  return first17 + *validation::UsccCheckCharacter(first17);
}

inline const absl::Time kNow = absl::FromCivil(
    absl::CivilSecond(2026, 11, 23, 10, 0, 0), absl::UTCTimeZone());

// A valid resident ID number (check character computed), numbered n.
inline std::string ResidentId(int n) {
  const std::string first17 = absl::StrFormat("44030419900101%03d", n);
  return first17 + validation::ResidentIdCheckCharacter(first17);
}

inline v1::Trainee ATrainee(int n, int employer) {
  v1::Trainee t;
  t.set_display_name("王小红");
  t.set_resident_id(ResidentId(n));
  t.set_phone("13912345678");
  t.set_employer("organizations/" + Uscc(employer));
  return t;
}

inline v1::Course ACourse() {
  v1::Course c;
  c.set_title("质量工程师培训");
  c.set_kind(v1::COURSE_KIND_QUALITY_ENGINEER);
  c.set_hours(24);
  c.set_has_exam(true);
  c.set_certificate_type(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  return c;
}

inline v1::Session ASession(int provider) {
  v1::Session s;
  *s.mutable_start_date() = dates::ToDate(absl::CivilDay(2026, 12, 1));
  *s.mutable_end_date() = dates::ToDate(absl::CivilDay(2026, 12, 2));
  s.set_place("福田区");
  s.set_provider("organizations/" + Uscc(provider));
  s.set_capacity(30);
  return s;
}

class TrainingIntegrationTest
    : public testing::DatabaseTest<TrainingIntegrationTest> {
 public:
  static constexpr char kSchemaName[] = "training";
  static const std::vector<db::MigrationFile>& SchemaMigrations() {
    return Migrations();
  }

 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    ASSERT_TRUE(db_->Clear({"appointments", "certificate_verifications",
                            "certificates", "registrations", "trainees",
                            "sessions", "courses", "idempotency_keys"})
                    .ok());
    db::PoolOptions options = db_->options();
    // Concurrency tests queue many more callers than connections.
    options.acquire_timeout = absl::Seconds(60);
    pool_ = std::make_unique<db::ConnectionPool>(options, nullptr);
    auto registry = std::make_unique<FakeRegistry>();
    registry_ = registry.get();
    registry_->Add({Uscc(1), "深圳市质量协会", "440304", true});
    registry_->Add({Uscc(2), "已注销公司", "440305", false});
    auto cipher =
        crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring());
    ASSERT_TRUE(cipher.ok());
    training_ = std::make_unique<Training>(
        *pool_, NewMysqlTrainingRepositories(), std::move(registry),
        std::move(*cipher), CertificateOptions{}, [] { return kNow; });
    call_.set_timeout(absl::Seconds(5)).set_request_id("test");
  }

  int64_t Count(const std::string& table) {
    auto rows = db_->Query("SELECT COUNT(*) FROM " + table);
    EXPECT_TRUE(rows.ok()) << rows.status();
    return rows.ok() ? (*rows)[0].Int(0) : -1;
  }

  v1::Course CreateCourse() {
    v1::CreateCourseRequest req;
    *req.mutable_course() = ACourse();
    v1::Course out;
    EXPECT_TRUE(training_->courses().CreateCourse(req, &out).ok());
    return out;
  }

  // A session of a new course with `capacity` seats.
  v1::Session CreateSession(int capacity) {
    v1::CreateSessionRequest req;
    req.set_parent(CreateCourse().name());
    *req.mutable_session() = ASession(1);
    req.mutable_session()->set_capacity(capacity);
    v1::Session out;
    EXPECT_TRUE(training_->sessions().CreateSession(call_, req, &out).ok());
    return out;
  }

  // Trainee number n, employed by organisation 1.
  v1::Trainee CreateTrainee(int n) {
    v1::CreateTraineeRequest req;
    *req.mutable_trainee() = ATrainee(n, 1);
    v1::Trainee out;
    EXPECT_TRUE(training_->trainees().CreateTrainee(call_, req, &out).ok());
    return out;
  }

  std::unique_ptr<db::ConnectionPool> pool_;
  FakeRegistry* registry_ = nullptr;
  std::unique_ptr<Training> training_;
  RequestContext call_;
};

}  // namespace qpp::training
