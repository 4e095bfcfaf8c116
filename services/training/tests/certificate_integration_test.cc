// Certificates on a real MariaDB: issued for a passed exam, recognised
// from an external body, revoked and reinstated with the same number, and
// publicly verified (valid, revoked, expired, wrong code), every
// verification recorded.

#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/training/tests/integration_fixture.h"

namespace qpp::training {
namespace {

class CertificateIntegrationTest : public TrainingIntegrationTest {
 protected:
  // A registration of trainee n that attended and passed a session of a
  // course leading to a quality-engineer certificate.
  v1::Registration PassedRegistration(int n) {
    const v1::Session session = CreateSession(10);
    v1::CreateRegistrationRequest reg;
    reg.mutable_registration()->set_session(session.name());
    reg.mutable_registration()->set_trainee(CreateTrainee(n).name());
    v1::Registration out;
    EXPECT_TRUE(training_->registrations().CreateRegistration(reg, &out).ok());
    v1::RecordAttendanceRequest att;
    att.set_name(out.name());
    att.set_attended(true);
    att.set_exam_result(v1::Registration::EXAM_RESULT_PASSED);
    att.set_exam_score(75);
    EXPECT_TRUE(training_->registrations().RecordAttendance(att, &out).ok());
    return out;
  }

  absl::Status Verify(const std::string& number, const std::string& code,
                      v1::VerifyCertificateResponse* out) {
    v1::VerifyCertificateRequest req;
    req.set_number(number);
    req.set_verification_code(code);
    return training_->certificates().VerifyCertificate(req, out);
  }
};

TEST_F(CertificateIntegrationTest, IssuesVerifiesRevokesAndReinstates) {
  const v1::Registration reg = PassedRegistration(1);
  v1::IssueCertificateRequest issue;
  issue.set_registration(reg.name());
  v1::Certificate cert;
  ASSERT_TRUE(training_->certificates().IssueCertificate(issue, &cert).ok());
  EXPECT_TRUE(absl::StartsWith(cert.number(), "QE2026"));
  EXPECT_EQ(cert.verification_code().size(), 16u);
  EXPECT_EQ(cert.state(), v1::Certificate::STATE_VALID);
  EXPECT_EQ(cert.masked_holder_name(), "王**");
  EXPECT_EQ(dates::ToCivilDay(cert.expiry_date()),
            absl::CivilDay(2029, 11, 22));
  // Once per registration.
  EXPECT_EQ(status::ReasonOf(
                training_->certificates().IssueCertificate(issue, &cert)),
            "CERTIFICATE_EXISTS");

  v1::VerifyCertificateResponse v;
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());
  EXPECT_EQ(v.state(), v1::Certificate::STATE_VALID);
  EXPECT_EQ(v.masked_holder_name(), "王**");
  EXPECT_EQ(v.certificate_type(), v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  // A wrong code and an unknown number answer alike.
  const absl::Status wrong = Verify(cert.number(), "AAAAAAAAAAAAAAAA", &v);
  const absl::Status unknown =
      Verify("QE2026999999", cert.verification_code(), &v);
  EXPECT_EQ(wrong.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(wrong.message(), unknown.message());
  EXPECT_EQ(Verify("<script>", "x", &v).code(), absl::StatusCode::kNotFound);

  v1::CheckCertificateRequest check;
  check.set_number(cert.number());
  check.set_certificate_type(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  v1::CheckCertificateResponse checked;
  ASSERT_TRUE(training_->certificates().CheckCertificate(check, &checked).ok());
  EXPECT_TRUE(checked.valid());
  check.set_certificate_type(v1::CERTIFICATE_TYPE_EXCELLENCE_SELF_ASSESSOR);
  ASSERT_TRUE(training_->certificates().CheckCertificate(check, &checked).ok());
  EXPECT_FALSE(checked.valid());

  v1::RevokeCertificateRequest revoke;
  revoke.set_name(cert.name());
  revoke.set_reason("qualification withdrawn");
  call_.mutable_principal().name = "programme-office";
  v1::Certificate revoked;
  ASSERT_TRUE(training_->certificates()
                  .RevokeCertificate(call_, revoke, &revoked)
                  .ok());
  EXPECT_EQ(revoked.state(), v1::Certificate::STATE_REVOKED);
  EXPECT_EQ(revoked.revocation().revoked_by(), "programme-office");
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());
  EXPECT_EQ(v.state(), v1::Certificate::STATE_REVOKED);
  EXPECT_EQ(status::ReasonOf(training_->certificates().RevokeCertificate(
                call_, revoke, &revoked)),
            "ALREADY_REVOKED");

  v1::ReinstateCertificateRequest reinstate;
  reinstate.set_name(cert.name());
  v1::Certificate back;
  ASSERT_TRUE(
      training_->certificates().ReinstateCertificate(reinstate, &back).ok());
  EXPECT_EQ(back.number(), cert.number());
  EXPECT_EQ(back.state(), v1::Certificate::STATE_VALID);

  // Every verification was recorded, matched or not.
  auto rows = db_->Query(
      "SELECT COUNT(*), SUM(matched) FROM certificate_verifications");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), 5);
  EXPECT_EQ((*rows)[0].Int(1), 2);
}

TEST_F(CertificateIntegrationTest, ExternalQualificationsExpireOnTime) {
  const v1::Trainee holder = CreateTrainee(1);
  v1::RecognizeCertificateRequest req;
  req.set_holder(holder.name());
  req.set_certificate_type(v1::CERTIFICATE_TYPE_QUALITY_ENGINEER);
  req.set_issuing_body("Hong Kong Society for Quality");
  *req.mutable_issue_date() = dates::ToDate(absl::CivilDay(2020, 6, 1));
  v1::Certificate cert;
  ASSERT_TRUE(training_->certificates().RecognizeCertificate(req, &cert).ok());
  EXPECT_EQ(cert.issuing_body(), "Hong Kong Society for Quality");
  EXPECT_EQ(cert.registration(), "");
  EXPECT_EQ(cert.state(), v1::Certificate::STATE_EXPIRED);
  v1::VerifyCertificateResponse v;
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());
  EXPECT_EQ(v.state(), v1::Certificate::STATE_EXPIRED);

  // Bad input writes nothing.
  req.set_holder("trainees/x");
  req.set_issuing_body("");
  *req.mutable_issue_date() = dates::ToDate(absl::CivilDay(2030, 1, 1));
  const absl::Status bad =
      training_->certificates().RecognizeCertificate(req, &cert);
  EXPECT_EQ(status::FieldViolationsOf(bad).size(), 3u);
  EXPECT_EQ(Count("certificates"), 1);
}

TEST_F(CertificateIntegrationTest, NoCertificateWithoutAPassedExam) {
  const v1::Session session = CreateSession(10);
  v1::CreateRegistrationRequest reg;
  reg.mutable_registration()->set_session(session.name());
  reg.mutable_registration()->set_trainee(CreateTrainee(1).name());
  v1::Registration out;
  ASSERT_TRUE(training_->registrations().CreateRegistration(reg, &out).ok());
  v1::IssueCertificateRequest issue;
  issue.set_registration(out.name());
  v1::Certificate cert;
  EXPECT_EQ(status::ReasonOf(
                training_->certificates().IssueCertificate(issue, &cert)),
            "NOT_CERTIFIABLE");
  EXPECT_EQ(Count("certificates"), 0);
}

TEST_F(CertificateIntegrationTest,
       VerificationCacheStalenessIsBoundedByItsTtl) {
  // Training with a 10 s verification cache and a clock the test moves.
  absl::Time now = kNow;
  auto registry = std::make_unique<FakeRegistry>();
  registry_ = registry.get();
  registry_->Add({Uscc(1), "深圳市质量协会", "440304", true});
  CertificateOptions options;
  options.verification_cache_ttl = absl::Seconds(10);
  training_ = std::make_unique<Training>(
      *pool_, NewMysqlTrainingRepositories(), std::move(registry),
      *crypto::DataCipher::FromKeyring(crypto::DataCipher::GenerateKeyring()),
      options, [&now] { return now; });
  v1::IssueCertificateRequest issue;
  issue.set_registration(PassedRegistration(1).name());
  v1::Certificate cert;
  ASSERT_TRUE(training_->certificates().IssueCertificate(issue, &cert).ok());
  v1::VerifyCertificateResponse v;
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());

  // Another replica revokes it: this one may answer from its cache, for
  // at most 10 s; every verification is recorded all the same.
  {
    auto conn = pool_->Acquire();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Execute("UPDATE certificates SET revoked = 1 WHERE "
                              "number = ?",
                              {cert.number()})
                    .ok());
  }
  now += absl::Seconds(9);
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());
  EXPECT_EQ(v.state(), v1::Certificate::STATE_VALID);
  now += absl::Seconds(1);
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());
  EXPECT_EQ(v.state(), v1::Certificate::STATE_REVOKED);
  EXPECT_EQ(Count("certificate_verifications"), 3);
  // A wrong code is refused from the cache too.
  EXPECT_EQ(Verify(cert.number(), "AAAAAAAAAAAAAAAA", &v).code(),
            absl::StatusCode::kNotFound);

  // This replica's own reinstatement is seen at once.
  v1::ReinstateCertificateRequest reinstate;
  reinstate.set_name(cert.name());
  v1::Certificate back;
  ASSERT_TRUE(
      training_->certificates().ReinstateCertificate(reinstate, &back).ok());
  ASSERT_TRUE(Verify(cert.number(), cert.verification_code(), &v).ok());
  EXPECT_EQ(v.state(), v1::Certificate::STATE_VALID);
}

// Many verifications at once share their commits (verification_log.h):
// each caller is answered once, with its own outcome, and each attempt is
// recorded exactly once.
TEST_F(CertificateIntegrationTest, ConcurrentVerificationsAreEachRecordedOnce) {
  const v1::Registration reg = PassedRegistration(1);
  v1::IssueCertificateRequest issue;
  issue.set_registration(reg.name());
  v1::Certificate cert;
  ASSERT_TRUE(training_->certificates().IssueCertificate(issue, &cert).ok());

  constexpr int kCallers = 300;
  std::vector<v1::VerifyCertificateRequest> requests(kCallers);
  std::vector<v1::VerifyCertificateResponse> responses(kCallers);
  std::vector<absl::Status> outcomes(kCallers);
  std::vector<int> answers(kCallers, 0);
  absl::Mutex mu;
  int answered = 0;
  for (int i = 0; i < kCallers; ++i) {
    requests[i].set_number(i % 3 == 2 ? "QE2026999999" : cert.number());
    requests[i].set_verification_code(i % 3 == 1 ? "AAAAAAAAAAAAAAAA"
                                                 : cert.verification_code());
  }
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      for (int i = t; i < kCallers; i += 6) {
        auto done = [&, i](absl::Status status) {
          absl::MutexLock lock(&mu);
          outcomes[i] = std::move(status);
          ++answers[i];
          ++answered;
        };
        if (!training_->certificates().TryVerifyCached(requests[i],
                                                       &responses[i], done)) {
          training_->certificates().VerifyCertificate(requests[i],
                                                      &responses[i], done);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* n) { return *n == kCallers; }, &answered));
  }
  int matched = 0;
  for (int i = 0; i < kCallers; ++i) {
    EXPECT_EQ(answers[i], 1) << i;
    if (i % 3 == 0) {
      EXPECT_TRUE(outcomes[i].ok()) << i << ": " << outcomes[i];
      EXPECT_EQ(responses[i].state(), v1::Certificate::STATE_VALID);
      ++matched;
    } else {
      EXPECT_EQ(outcomes[i].code(), absl::StatusCode::kNotFound) << i;
    }
  }
  auto rows = db_->Query(
      "SELECT COUNT(*), SUM(matched) FROM certificate_verifications");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), kCallers);
  EXPECT_EQ((*rows)[0].Int(1), matched);
}

}  // namespace
}  // namespace qpp::training
