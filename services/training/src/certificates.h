#pragma once

// Use cases of certificates ("certificates/{number}"): issued for a
// registration whose exam was passed in a course that leads to one, or
// recognised from an external body; each with a unique number, an
// unguessable verification code, an issue and an expiry date (validity per
// type), and a state valid / revoked / expired. Public verification by
// number and code answers minimal data and is recorded every time; the
// check by number and type is what other services call. Rules:
// certificate_rules.h.
//
// Statuses: INVALID_ARGUMENT with field violations for bad input; NOT_FOUND
// (also, alike, for a wrong number or code on verification);
// ALREADY_EXISTS (CERTIFICATE_EXISTS); FAILED_PRECONDITION
// (NOT_CERTIFIABLE, ALREADY_REVOKED, NOT_REVOKED); ABORTED for conflicts;
// UNAVAILABLE when the database is unreachable.

#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "absl/status/status.h"
#include "common/context/request_context.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/certificate_cache.h"
#include "services/training/src/certificate_rules.h"
#include "services/training/src/training_repository.h"
#include "services/training/src/use_case_context.h"
#include "services/training/src/verification_log.h"

namespace qpp::training {

// How certificates are issued.
struct CertificateOptions {
  // Years of validity per type.
  ValidityYears validity_years;
  // The issuing body recorded on certificates earned through training.
  std::string issuing_body = "Quality Promotion Programme Office";
  // How long public verification may answer from certificates it read
  // before (certificate_cache.h); zero reads every time.
  absl::Duration verification_cache_ttl = absl::ZeroDuration();
};

class Certificates final {
 public:
  // The context and the repositories (the certificates' own shared with
  // the appointments) must outlive this object.
  Certificates(const UseCaseContext& context, CertificateRepository& repository,
               RegistrationRepository& registrations, CourseRepository& courses,
               CertificateOptions options);

  // Issues the certificate a registration earned; idempotent by request_id.
  absl::Status IssueCertificate(const v1::IssueCertificateRequest& req,
                                v1::Certificate* resp);
  // Records a recognised external qualification.
  absl::Status RecognizeCertificate(const v1::RecognizeCertificateRequest& req,
                                    v1::Certificate* resp);
  // One certificate.
  absl::Status GetCertificate(const v1::GetCertificateRequest& req,
                              v1::Certificate* resp);
  // A page of certificates by id, filtered by holder, type and state today.
  absl::Status ListCertificates(const v1::ListCertificatesRequest& req,
                                v1::ListCertificatesResponse* resp);
  // Revokes, recording the reason and `call`'s principal.
  absl::Status RevokeCertificate(const RequestContext& call,
                                 const v1::RevokeCertificateRequest& req,
                                 v1::Certificate* resp);
  // Makes a revoked certificate valid again, with the same number.
  absl::Status ReinstateCertificate(const v1::ReinstateCertificateRequest& req,
                                    v1::Certificate* resp);
  // Public verification by number and code; recorded every time, and
  // answered only once recorded (verification_log.h). `done` gets the
  // outcome exactly once, possibly on another thread: OK with `resp`
  // filled; NOT_FOUND alike for an unknown number, a malformed one or a
  // wrong code; UNAVAILABLE if the database cannot be read or written.
  // Blocks while it reads the database.
  void VerifyCertificate(const v1::VerifyCertificateRequest& req,
                         v1::VerifyCertificateResponse* resp,
                         VerificationLog::Done done);
  // The same without blocking, when the certificate cache or the number's
  // form decides the answer: true if so (and `done` will be called), false
  // if the database must be read (call VerifyCertificate; `done` unused).
  bool TryVerifyCached(const v1::VerifyCertificateRequest& req,
                       v1::VerifyCertificateResponse* resp,
                       const VerificationLog::Done& done);
  // VerifyCertificate, waiting for the outcome.
  absl::Status VerifyCertificate(const v1::VerifyCertificateRequest& req,
                                 v1::VerifyCertificateResponse* resp);
  // Whether the numbered certificate is of a type and valid today.
  absl::Status CheckCertificate(const v1::CheckCertificateRequest& req,
                                v1::CheckCertificateResponse* resp);

 private:
  // Inserts `record` with a new code and its number; fills `resp`.
  absl::Status Insert(db::Connection& conn, CertificateRecord record,
                      absl::Time now, v1::Certificate* resp);
  std::string NewCode();
  // Records a verification of `found` and answers it through `done`.
  void Answer(const std::optional<CertificateRecord>& found,
              const v1::VerifyCertificateRequest& req, absl::Time now,
              v1::VerifyCertificateResponse* resp, VerificationLog::Done done);

  const UseCaseContext context_;
  CertificateRepository& repository_;
  RegistrationRepository& registrations_;
  CourseRepository& courses_;
  const CertificateOptions options_;
  CertificateCache cache_;
  // Last: answers what it holds before the members above go.
  std::unique_ptr<VerificationLog> verifications_;
  std::mutex random_mu_;
  std::random_device random_;
};

}  // namespace qpp::training
