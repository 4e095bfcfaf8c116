#pragma once

// Rules of certificates: numbers and verification codes, validity per
// type, state as of a day, who may get one, what a verifier sees. Pure
// functions; no gRPC, no SQL.

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "qpp/training/v1/resources.pb.h"
#include "qpp/training/v1/training_service.pb.h"
#include "services/training/src/training_repository.h"

namespace qpp::training {

// Years of validity per certificate type.
using ValidityYears = std::map<v1::CertificateType, int>;

// Parses "TYPE=years,..." (TYPE without the CERTIFICATE_TYPE_ prefix, e.g.
// "QUALITY_ENGINEER=3"); types not named get `default_years`.
// INVALID_ARGUMENT for an unknown type or years outside 1..50.
absl::StatusOr<ValidityYears> ParseValidityYears(absl::string_view spec,
                                                 int default_years);

// The last day of validity of a certificate issued on `issue` valid for
// `years`: the day before the anniversary.
absl::CivilDay ExpiryDate(absl::CivilDay issue, int years);

// "certificates/{number}" and back; INVALID_ARGUMENT on `field` unless the
// number is 1..20 upper-case letters and digits.
std::string CertificateName(absl::string_view number);
absl::StatusOr<std::string> ParseCertificateName(absl::string_view name,
                                                 absl::string_view field);

// Whether `number` has the shape of a certificate number.
bool IsCertificateNumber(absl::string_view number);

// The number of certificate `id`: a two-letter type prefix, the year of
// issue and the id in six or more digits, e.g. "SA2026000017".
std::string CertificateNumber(v1::CertificateType type, int year, int64_t id);

// A new verification code: 16 characters from an alphabet of 32 without
// look-alikes (80 bits), drawn with `random` (uniform 32-bit values).
std::string NewVerificationCode(const std::function<uint32_t()>& random);

// Whether `given` equals `stored`, compared in constant time.
bool CodesMatch(absl::string_view given, absl::string_view stored);

// Revoked, else expired after expiry_date, else valid, as of `today`.
v1::Certificate::State CertificateState(const CertificateRecord& c,
                                        absl::CivilDay today);

// OK if a registration with this outcome in a course leading to `type`
// earns a certificate: attended, exam passed, a type set; else
// FAILED_PRECONDITION (NOT_CERTIFIABLE) saying what is missing.
absl::Status CheckCertifiable(const RegistrationRecord& registration,
                              v1::CertificateType type);

// The certificate as the API shows it (holder name masked).
v1::Certificate ToCertificate(const CertificateRecord& c, absl::CivilDay today);

// The minimal answer of a public verification.
v1::VerifyCertificateResponse ToVerification(const CertificateRecord& c,
                                             absl::CivilDay today);

}  // namespace qpp::training
