#include "common/status/status.h"

#include <atomic>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace qpp::status {
namespace {

constexpr char kTypePrefix[] = "type.googleapis.com/";
// At most this many violations are spelled out in the message itself.
constexpr size_t kViolationsInMessage = 3;

template <typename Message>
std::string TypeUrl() {
  return absl::StrCat(kTypePrefix, Message::descriptor()->full_name());
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
// read by another thread stays valid.
std::atomic<const std::string*> error_domain{nullptr};

}  // namespace

void SetErrorDomain(absl::string_view domain) {
  error_domain.store(new std::string(domain), std::memory_order_release);
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

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.raw_code());
  const std::string message(status.message());
  google::rpc::Status rpc_status;
  rpc_status.set_code(status.raw_code());
  rpc_status.set_message(message);
  status.ForEachPayload(
      [&](absl::string_view type_url, const absl::Cord& value) {
        if (type_url.substr(0, sizeof(kTypePrefix) - 1) != kTypePrefix) return;
        google::protobuf::Any* any = rpc_status.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(value));
      });
  if (rpc_status.details().empty()) return grpc::Status(code, message);
  return grpc::Status(code, message, rpc_status.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()),
                   status.error_message());
  google::rpc::Status rpc_status;
  if (!status.error_details().empty() &&
      rpc_status.ParseFromString(status.error_details())) {
    for (const auto& any : rpc_status.details()) {
      out.SetPayload(any.type_url(), absl::Cord(any.value()));
    }
  }
  return out;
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
