#include "common/status/status.h"

#include <atomic>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/rpc/error_details.pb.h"

namespace qpp::status {
namespace {

// At most this many violations are spelled out in the message itself.
constexpr size_t kViolationsInMessage = 3;

template <typename Message>
std::string TypeUrl() {
  return absl::StrCat(kTypeUrlPrefix, Message::descriptor()->full_name());
}

template <typename Message>
void SetDetail(absl::Status& status, const Message& detail) {
  status.SetPayload(TypeUrl<Message>(), absl::Cord(detail.SerializeAsString()));
}

template <typename Message>
bool GetDetail(const absl::Status& status, Message* out) {
  auto payload = status.GetPayload(TypeUrl<Message>());
  return payload.has_value() && out->ParseFromString(std::string(*payload));
}

// Set once at start-up; the strings set are never freed, so that a domain
// read by another thread stays valid. Each is kept in `kept_domains` (a
// later call, as tests make, does not orphan the earlier one).
std::atomic<const std::string*> error_domain{nullptr};
absl::Mutex kept_domains_mu(absl::kConstInit);
std::vector<const std::string*>* kept_domains = nullptr;

}  // namespace

void SetErrorDomain(absl::string_view domain) {
  const auto* fresh = new std::string(domain);
  {
    absl::MutexLock lock(&kept_domains_mu);
    if (kept_domains == nullptr) {
      kept_domains = new std::vector<const std::string*>();
    }
    kept_domains->push_back(fresh);
  }
  error_domain.store(fresh, std::memory_order_release);
}

absl::string_view ErrorDomain() {
  const std::string* domain = error_domain.load(std::memory_order_acquire);
  return domain != nullptr ? absl::string_view(*domain) : kErrorDomain;
}

std::string ErrorDomainOf(absl::string_view service) {
  return absl::StrCat(service, ".", kErrorDomain);
}

void FieldErrors::Add(std::string field, std::string description) {
  violations_.push_back({std::move(field), std::move(description)});
}

std::vector<std::string> FieldErrors::fields() const {
  std::vector<std::string> paths;
  paths.reserve(violations_.size());
  for (const FieldViolation& v : violations_) paths.push_back(v.field);
  return paths;
}

absl::Status FieldErrors::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  std::string message = "invalid request: ";
  for (size_t i = 0; i < violations_.size() && i < kViolationsInMessage; ++i) {
    if (i > 0) message += "; ";
    absl::StrAppend(&message, violations_[i].field, ": ",
                    violations_[i].description);
  }
  if (violations_.size() > kViolationsInMessage) {
    absl::StrAppend(&message, "; and ",
                    violations_.size() - kViolationsInMessage, " more");
  }
  absl::Status status =
      WithReason(absl::StatusCode::kInvalidArgument, "INVALID_FIELD", message);
  google::rpc::BadRequest bad_request;
  for (const auto& v : violations_) {
    auto* fv = bad_request.add_field_violations();
    fv->set_field(v.field);
    fv->set_description(v.description);
  }
  SetDetail(status, bad_request);
  return status;
}

absl::Status InvalidField(std::string field, std::string description) {
  FieldErrors errors;
  errors.Add(std::move(field), std::move(description));
  return errors.ToStatus();
}

absl::Status WithReason(absl::StatusCode code, absl::string_view reason,
                        absl::string_view message) {
  absl::Status status(code, message);
  google::rpc::ErrorInfo info;
  info.set_reason(std::string(reason));
  info.set_domain(std::string(ErrorDomain()));
  SetDetail(status, info);
  return status;
}

absl::Status WithRetryDelay(absl::Status status, int64_t delay_millis) {
  google::rpc::RetryInfo retry;
  retry.mutable_retry_delay()->set_seconds(delay_millis / 1000);
  retry.mutable_retry_delay()->set_nanos(
      static_cast<int32_t>(delay_millis % 1000) * 1000000);
  SetDetail(status, retry);
  return status;
}

std::string ReasonOf(const absl::Status& status) {
  google::rpc::ErrorInfo info;
  return GetDetail(status, &info) ? info.reason() : std::string();
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  google::rpc::BadRequest bad_request;
  if (GetDetail(status, &bad_request)) {
    for (const auto& fv : bad_request.field_violations()) {
      out.push_back({fv.field(), fv.description()});
    }
  }
  return out;
}

absl::Status NotFound(absl::string_view resource_name) {
  return WithReason(absl::StatusCode::kNotFound, "NOT_FOUND",
                    absl::StrCat(resource_name, " does not exist"));
}

absl::Status EtagMismatch(absl::string_view what) {
  return WithReason(absl::StatusCode::kAborted, "ETAG_MISMATCH",
                    absl::StrCat(what,
                                 " changed since it was read; read it again "
                                 "and retry with the new etag"));
}

absl::Status CheckEtag(absl::string_view requested, absl::string_view current,
                       absl::string_view what) {
  if (requested.empty() || requested == current) return absl::OkStatus();
  return EtagMismatch(what);
}

absl::Status ConcurrentUpdate(absl::string_view what) {
  return WithReason(absl::StatusCode::kAborted, "CONCURRENT_UPDATE",
                    absl::StrCat(what, " changed meanwhile; retry"));
}

absl::Status Archived(absl::string_view reason,
                      absl::string_view resource_name) {
  return WithReason(
      absl::StatusCode::kFailedPrecondition, reason,
      absl::StrCat(resource_name, " is archived; undelete it first"));
}

absl::Status OnAlreadyExists(absl::Status status, absl::string_view reason,
                             absl::string_view message) {
  if (status.code() != absl::StatusCode::kAlreadyExists) return status;
  return WithReason(absl::StatusCode::kAlreadyExists, reason, message);
}

int HttpStatusOf(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnknown:
      return 500;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kInternal:
      return 500;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDataLoss:
      return 500;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    default:
      return 500;
  }
}

}  // namespace qpp::status
