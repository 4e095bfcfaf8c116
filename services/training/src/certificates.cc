#include "services/training/src/certificates.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "common/dates/dates.h"
#include "common/db/idempotency.h"
#include "common/paging/list_page.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/training/src/registration_rules.h"
#include "services/training/src/trainee_rules.h"

namespace qpp::training {

Certificates::Certificates(const UseCaseContext& context,
                           CertificateRepository& repository,
                           RegistrationRepository& registrations,
                           CourseRepository& courses,
                           CertificateOptions options)
    : context_(context),
      repository_(repository),
      registrations_(registrations),
      courses_(courses),
      options_(std::move(options)),
      cache_(options_.verification_cache_ttl),
      verifications_(
          std::make_unique<VerificationLog>(context_.pool, repository_)) {}

std::string Certificates::NewCode() {
  std::lock_guard<std::mutex> lock(random_mu_);
  return NewVerificationCode([this] { return random_(); });
}

absl::Status Certificates::Insert(db::Connection& conn,
                                  CertificateRecord record, absl::Time now,
                                  v1::Certificate* resp) {
  record.verification_code = NewCode();
  const auto years = options_.validity_years.find(record.type);
  record.expiry_date =
      ExpiryDate(record.issue_date,
                 years == options_.validity_years.end() ? 3 : years->second);
  absl::StatusOr<int64_t> id = repository_.InsertCertificate(conn, record, now);
  QPP_RETURN_IF_ERROR(status::OnAlreadyExists(
      id.status(), "CERTIFICATE_EXISTS",
      absl::StrCat("registrations/", record.registration_id,
                   " already has its certificate")));
  const std::string number =
      CertificateNumber(record.type, record.issue_date.year(), *id);
  QPP_RETURN_IF_ERROR(repository_.SetNumber(conn, *id, number));
  QPP_ASSIGN_OR_RETURN(auto stored,
                       repository_.GetCertificate(conn, number, false));
  *resp = ToCertificate(*stored, dates::Today(now));
  return absl::OkStatus();
}

absl::Status Certificates::IssueCertificate(
    const v1::IssueCertificateRequest& req, v1::Certificate* resp) {
  QPP_ASSIGN_OR_RETURN(
      int64_t registration_id,
      ParseRegistrationName(req.registration(), "registration"));
  const absl::Time now = context_.clock();
  return db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(
            auto registration,
            registrations_.GetRegistration(conn, registration_id, true));
        if (!registration.has_value()) {
          return status::NotFound(req.registration());
        }
        QPP_ASSIGN_OR_RETURN(
            auto course,
            courses_.GetCourse(conn, registration->course_id, false));
        const v1::CertificateType type = course.has_value()
                                             ? course->course.certificate_type()
                                             : v1::CERTIFICATE_TYPE_UNSPECIFIED;
        QPP_RETURN_IF_ERROR(CheckCertifiable(*registration, type));
        CertificateRecord record;
        record.type = type;
        record.trainee_id = registration->trainee_id;
        record.registration_id = registration_id;
        record.issuing_body = options_.issuing_body;
        record.issue_date = dates::Today(now);
        return Insert(conn, std::move(record), now, resp);
      });
}

absl::Status Certificates::RecognizeCertificate(
    const v1::RecognizeCertificateRequest& req, v1::Certificate* resp) {
  const absl::Time now = context_.clock();
  status::FieldErrors errors;
  const auto holder = ParseTraineeName(req.holder(), "holder");
  if (!holder.ok()) errors.Add("holder", "must be trainees/{id}");
  if (req.certificate_type() == v1::CERTIFICATE_TYPE_UNSPECIFIED ||
      !v1::CertificateType_IsValid(req.certificate_type())) {
    errors.Add("certificate_type", "is required: a CERTIFICATE_TYPE_ value");
  }
  validation::CheckText("issuing_body", req.issuing_body(), 1, 200, errors);
  const auto issued = dates::ToCivilDay(req.issue_date());
  if (!issued.has_value()) {
    errors.Add("issue_date", "is required: a valid date");
  } else if (*issued > dates::Today(now)) {
    errors.Add("issue_date", "must not be in the future");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  return db::RunIdempotent(context_.pool, req.request_id(), req, resp,
                           [&](db::Connection& conn) -> absl::Status {
                             QPP_ASSIGN_OR_RETURN(
                                 bool exists,
                                 registrations_.TraineeExists(conn, *holder));
                             if (!exists) return status::NotFound(req.holder());
                             CertificateRecord record;
                             record.type = req.certificate_type();
                             record.trainee_id = *holder;
                             record.issuing_body = req.issuing_body();
                             record.issue_date = *issued;
                             return Insert(conn, std::move(record), now, resp);
                           });
}

absl::Status Certificates::GetCertificate(const v1::GetCertificateRequest& req,
                                          v1::Certificate* resp) {
  QPP_ASSIGN_OR_RETURN(std::string number,
                       ParseCertificateName(req.name(), "name"));
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_.GetCertificate(*conn, number, false));
  if (!found.has_value()) return status::NotFound(req.name());
  *resp = ToCertificate(*found, dates::Today(context_.clock()));
  return absl::OkStatus();
}

absl::Status Certificates::ListCertificates(
    const v1::ListCertificatesRequest& req,
    v1::ListCertificatesResponse* resp) {
  CertificateFilter filter;
  status::FieldErrors errors;
  if (!req.holder().empty()) {
    auto holder = ParseTraineeName(req.holder(), "holder");
    if (holder.ok()) {
      filter.trainee_id = *holder;
    } else {
      errors.Add("holder", "must be trainees/{trainee}");
    }
  }
  if (!req.employer().empty()) {
    auto employer = resource::ParseOrganizationName(req.employer(), "employer");
    if (employer.ok()) {
      filter.employer_uscc = *employer;
    } else {
      errors.Add("employer", "must be organizations/{uscc} with a valid USCC");
    }
  }
  if (!v1::CertificateType_IsValid(req.certificate_type())) {
    errors.Add("certificate_type", "is not a known certificate type");
  }
  if (!v1::Certificate::State_IsValid(req.state())) {
    errors.Add("state", "is not a known state");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  filter.type = req.certificate_type();
  filter.state = req.state();
  filter.today = dates::Today(context_.clock());
  QPP_ASSIGN_OR_RETURN(
      auto page,
      paging::ListPage(
          req,
          [&](const std::string& after,
              int limit) -> absl::StatusOr<std::vector<CertificateRecord>> {
            QPP_ASSIGN_OR_RETURN(int64_t after_id, paging::AfterId(after));
            QPP_ASSIGN_OR_RETURN(db::PooledConnection conn,
                                 context_.pool.Acquire());
            return repository_.ListCertificates(*conn, filter, after_id, limit);
          },
          [](const CertificateRecord& c) { return absl::StrCat(c.id); }));
  resp->Clear();
  resp->set_next_page_token(page.next_page_token);
  for (const auto& c : page.rows) {
    *resp->add_certificates() = ToCertificate(c, filter.today);
  }
  return absl::OkStatus();
}

absl::Status Certificates::RevokeCertificate(
    const RequestContext& call, const v1::RevokeCertificateRequest& req,
    v1::Certificate* resp) {
  QPP_ASSIGN_OR_RETURN(std::string number,
                       ParseCertificateName(req.name(), "name"));
  status::FieldErrors errors;
  validation::CheckText("reason", req.reason(), 1, 500, errors);
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  const std::string by = call.principal().actor();
  const absl::Time now = context_.clock();
  // Forgotten whatever the outcome: the next verification reads again.
  const absl::Status done = db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_.GetCertificate(conn, number, true));
        if (!found.has_value()) return status::NotFound(req.name());
        if (found->revoked) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "ALREADY_REVOKED",
              absl::StrCat(req.name(), " is already revoked"));
        }
        QPP_RETURN_IF_ERROR(repository_.SetRevoked(conn, found->id, true,
                                                   req.reason(), by, now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetCertificate(conn, number, false));
        *resp = ToCertificate(*stored, dates::Today(now));
        return absl::OkStatus();
      });
  cache_.Erase(number);
  return done;
}

absl::Status Certificates::ReinstateCertificate(
    const v1::ReinstateCertificateRequest& req, v1::Certificate* resp) {
  QPP_ASSIGN_OR_RETURN(std::string number,
                       ParseCertificateName(req.name(), "name"));
  const absl::Time now = context_.clock();
  // Forgotten whatever the outcome: the next verification reads again.
  const absl::Status done = db::RunIdempotent(
      context_.pool, req.request_id(), req, resp,
      [&](db::Connection& conn) -> absl::Status {
        QPP_ASSIGN_OR_RETURN(auto found,
                             repository_.GetCertificate(conn, number, true));
        if (!found.has_value()) return status::NotFound(req.name());
        if (!found->revoked) {
          return status::WithReason(
              absl::StatusCode::kFailedPrecondition, "NOT_REVOKED",
              absl::StrCat(req.name(), " is not revoked"));
        }
        QPP_RETURN_IF_ERROR(
            repository_.SetRevoked(conn, found->id, false, "", "", now));
        QPP_ASSIGN_OR_RETURN(auto stored,
                             repository_.GetCertificate(conn, number, false));
        *resp = ToCertificate(*stored, dates::Today(now));
        return absl::OkStatus();
      });
  cache_.Erase(number);
  return done;
}

namespace {

// The answer to a verification of `found` (nullopt: no such certificate)
// with `code`, filling `resp` when it matched.
absl::Status VerificationOutcome(const std::optional<CertificateRecord>& found,
                                 const std::string& code, absl::Time now,
                                 v1::VerifyCertificateResponse* resp) {
  if (!found.has_value() || !CodesMatch(code, found->verification_code)) {
    return status::WithReason(
        absl::StatusCode::kNotFound, "NOT_FOUND",
        "no certificate has this number and verification code");
  }
  *resp = ToVerification(*found, dates::Today(now));
  return absl::OkStatus();
}

}  // namespace

void Certificates::Answer(const std::optional<CertificateRecord>& found,
                          const v1::VerifyCertificateRequest& req,
                          absl::Time now, v1::VerifyCertificateResponse* resp,
                          VerificationLog::Done done) {
  const bool well_formed = IsCertificateNumber(req.number());
  absl::Status outcome =
      VerificationOutcome(found, req.verification_code(), now, resp);
  // Recorded whatever the outcome, a malformed number as "?"; answered
  // once recorded.
  VerificationRow row{well_formed ? req.number() : "?", outcome.ok(), now};
  verifications_->Record(
      std::move(row),
      [outcome = std::move(outcome), done = std::move(done)](
          absl::Status recorded) { done(recorded.ok() ? outcome : recorded); });
}

bool Certificates::TryVerifyCached(const v1::VerifyCertificateRequest& req,
                                   v1::VerifyCertificateResponse* resp,
                                   const VerificationLog::Done& done) {
  const absl::Time now = context_.clock();
  std::optional<CertificateRecord> found;
  if (IsCertificateNumber(req.number())) {
    found = cache_.Get(req.number(), now);
    if (!found.has_value()) return false;  // the database must be read
  }
  Answer(found, req, now, resp, done);
  return true;
}

void Certificates::VerifyCertificate(const v1::VerifyCertificateRequest& req,
                                     v1::VerifyCertificateResponse* resp,
                                     VerificationLog::Done done) {
  const absl::Time now = context_.clock();
  std::optional<CertificateRecord> found;
  if (IsCertificateNumber(req.number())) {
    found = cache_.Get(req.number(), now);
    if (!found.has_value()) {
      absl::StatusOr<db::PooledConnection> conn = context_.pool.Acquire();
      if (!conn.ok()) return done(conn.status());
      auto read = repository_.GetCertificate(**conn, req.number(), false);
      if (!read.ok()) return done(read.status());
      found = *std::move(read);
      if (found.has_value()) cache_.Put(*found, now);
    }
  }
  Answer(found, req, now, resp, std::move(done));
}

absl::Status Certificates::VerifyCertificate(
    const v1::VerifyCertificateRequest& req,
    v1::VerifyCertificateResponse* resp) {
  absl::Notification answered;
  absl::Status result;
  VerifyCertificate(req, resp, [&](absl::Status status) {
    result = std::move(status);
    answered.Notify();
  });
  answered.WaitForNotification();
  return result;
}

absl::Status Certificates::CheckCertificate(
    const v1::CheckCertificateRequest& req,
    v1::CheckCertificateResponse* resp) {
  status::FieldErrors errors;
  if (!IsCertificateNumber(req.number())) {
    errors.Add("number", "must be 1..20 upper-case letters and digits");
  }
  if (req.certificate_type() == v1::CERTIFICATE_TYPE_UNSPECIFIED ||
      !v1::CertificateType_IsValid(req.certificate_type())) {
    errors.Add("certificate_type", "is required: a CERTIFICATE_TYPE_ value");
  }
  QPP_RETURN_IF_ERROR(errors.ToStatus());
  QPP_ASSIGN_OR_RETURN(db::PooledConnection conn, context_.pool.Acquire());
  QPP_ASSIGN_OR_RETURN(auto found,
                       repository_.GetCertificate(*conn, req.number(), false));
  resp->Clear();
  if (!found.has_value()) return absl::OkStatus();
  const v1::Certificate::State state =
      CertificateState(*found, dates::Today(context_.clock()));
  resp->set_state(state);
  resp->set_holder(TraineeName(found->trainee_id));
  *resp->mutable_expiry_date() = dates::ToDate(found->expiry_date);
  resp->set_valid(state == v1::Certificate::STATE_VALID &&
                  found->type == req.certificate_type());
  return absl::OkStatus();
}

}  // namespace qpp::training
