#include "services/training/src/certificate_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/dates/dates.h"
#include "common/resource/names.h"
#include "common/status/status.h"
#include "common/validation/text.h"
#include "services/training/src/trainee_rules.h"

namespace qpp::training {
namespace {

constexpr absl::string_view kCodeAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

absl::string_view TypePrefix(v1::CertificateType type) {
  switch (type) {
    case v1::CERTIFICATE_TYPE_EXCELLENCE_SELF_ASSESSOR:
      return "SA";
    case v1::CERTIFICATE_TYPE_CHIEF_QUALITY_OFFICER:
      return "CQ";
    case v1::CERTIFICATE_TYPE_QUALITY_ENGINEER:
      return "QE";
    case v1::CERTIFICATE_TYPE_QUALITY_MANAGEMENT:
      return "QM";
    default:
      return "XX";
  }
}

}  // namespace

absl::StatusOr<ValidityYears> ParseValidityYears(absl::string_view spec,
                                                 int default_years) {
  ValidityYears out;
  for (int t = v1::CERTIFICATE_TYPE_EXCELLENCE_SELF_ASSESSOR;
       t <= v1::CERTIFICATE_TYPE_QUALITY_MANAGEMENT; ++t) {
    out[static_cast<v1::CertificateType>(t)] = default_years;
  }
  for (absl::string_view item : absl::StrSplit(spec, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(item, absl::MaxSplits('=', 1));
    v1::CertificateType type;
    int years = 0;
    if (!v1::CertificateType_Parse(
            absl::StrCat("CERTIFICATE_TYPE_",
                         absl::StripAsciiWhitespace(kv.first)),
            &type) ||
        type == v1::CERTIFICATE_TYPE_UNSPECIFIED) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown certificate type \"", kv.first, "\""));
    }
    if (!absl::SimpleAtoi(kv.second, &years) || years < 1 || years > 50) {
      return absl::InvalidArgumentError(
          absl::StrCat("years of \"", kv.first, "\" must be 1..50"));
    }
    out[type] = years;
  }
  return out;
}

absl::CivilDay ExpiryDate(absl::CivilDay issue, int years) {
  // Normalises 29 February to 1 March in a year without it.
  const absl::CivilDay anniversary(issue.year() + years, issue.month(),
                                   issue.day());
  return anniversary - 1;
}

std::string CertificateName(absl::string_view number) {
  return absl::StrCat("certificates/", number);
}

bool IsCertificateNumber(absl::string_view number) {
  if (number.empty() || number.size() > 20) return false;
  for (char c : number) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c)) return false;
  }
  return true;
}

absl::StatusOr<std::string> ParseCertificateName(absl::string_view name,
                                                 absl::string_view field) {
  QPP_ASSIGN_OR_RETURN(std::string number,
                       resource::ParseName(name, "certificates", field));
  if (!IsCertificateNumber(number)) {
    return status::InvalidField(
        std::string(field),
        "must be certificates/{number}, the number in upper-case letters "
        "and digits");
  }
  return number;
}

std::string CertificateNumber(v1::CertificateType type, int year, int64_t id) {
  return absl::StrFormat("%s%04d%06d", TypePrefix(type), year, id);
}

std::string NewVerificationCode(const std::function<uint32_t()>& random) {
  std::string code;
  for (int i = 0; i < 16; ++i) code.push_back(kCodeAlphabet[random() % 32]);
  return code;
}

bool CodesMatch(absl::string_view given, absl::string_view stored) {
  if (given.size() != stored.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < given.size(); ++i) {
    diff |= static_cast<unsigned char>(given[i] ^ stored[i]);
  }
  return diff == 0;
}

v1::Certificate::State CertificateState(const CertificateRecord& c,
                                        absl::CivilDay today) {
  if (c.revoked) return v1::Certificate::STATE_REVOKED;
  if (today > c.expiry_date) return v1::Certificate::STATE_EXPIRED;
  return v1::Certificate::STATE_VALID;
}

absl::Status CheckCertifiable(const RegistrationRecord& registration,
                              v1::CertificateType type) {
  const auto refuse = [&](absl::string_view why) {
    return status::WithReason(absl::StatusCode::kFailedPrecondition,
                              "NOT_CERTIFIABLE",
                              absl::StrCat("registrations/", registration.id,
                                           " earns no certificate: ", why));
  };
  if (type == v1::CERTIFICATE_TYPE_UNSPECIFIED) {
    return refuse("the course leads to no certificate");
  }
  if (registration.state != v1::Registration::STATE_CONFIRMED ||
      !registration.attended) {
    return refuse("the trainee did not attend");
  }
  if (registration.exam_result != v1::Registration::EXAM_RESULT_PASSED) {
    return refuse("the exam was not passed");
  }
  return absl::OkStatus();
}

v1::Certificate ToCertificate(const CertificateRecord& c,
                              absl::CivilDay today) {
  v1::Certificate out;
  out.set_name(CertificateName(c.number));
  out.set_number(c.number);
  out.set_verification_code(c.verification_code);
  out.set_certificate_type(c.type);
  out.set_holder(TraineeName(c.trainee_id));
  out.set_masked_holder_name(validation::MaskName(c.holder_name));
  if (c.registration_id != 0) {
    out.set_registration(absl::StrCat("registrations/", c.registration_id));
  }
  out.set_issuing_body(c.issuing_body);
  *out.mutable_issue_date() = dates::ToDate(c.issue_date);
  *out.mutable_expiry_date() = dates::ToDate(c.expiry_date);
  out.set_state(CertificateState(c, today));
  if (c.revoked) {
    out.mutable_revocation()->set_reason(c.revoke_reason);
    out.mutable_revocation()->set_revoked_by(c.revoked_by);
    *out.mutable_revocation()->mutable_revoke_time() =
        dates::ToTimestamp(c.revoke_time);
  }
  *out.mutable_create_time() = dates::ToTimestamp(c.create_time);
  out.set_etag(absl::StrCat("\"", c.version, "\""));
  return out;
}

v1::VerifyCertificateResponse ToVerification(const CertificateRecord& c,
                                             absl::CivilDay today) {
  v1::VerifyCertificateResponse out;
  out.set_certificate_type(c.type);
  out.set_masked_holder_name(validation::MaskName(c.holder_name));
  out.set_state(CertificateState(c, today));
  *out.mutable_issue_date() = dates::ToDate(c.issue_date);
  *out.mutable_expiry_date() = dates::ToDate(c.expiry_date);
  return out;
}

}  // namespace qpp::training
