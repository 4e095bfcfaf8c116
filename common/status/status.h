#pragma once

// Statuses of every layer, without gRPC: domain, database and validation
// code include this header; only gRPC surfaces include grpc_status.h, which
// converts to and from grpc::Status.
//
// Domain code returns absl::Status; rich error details travel as payloads
// keyed by their google.rpc type URL, so that the gRPC surface can send them
// as google.rpc.Status details (ErrorInfo, BadRequest, RetryInfo) without any
// layer below it knowing gRPC.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qpp::status {

// Error domain put into google.rpc.ErrorInfo until SetErrorDomain names the
// service's own.
inline constexpr absl::string_view kErrorDomain = "qpp.gov.cn";

// Sets the domain of the ErrorInfo that WithReason and FieldErrors attach
// from now on: the service that gives the error, "<service>.qpp.gov.cn"
// (e.g. "registry.qpp.gov.cn", the host part of its resource types). The
// process frame (common/server/process.h) calls it once at start-up, before
// any thread runs; later calls are for tests.
void SetErrorDomain(absl::string_view domain);

// The current error domain (kErrorDomain until SetErrorDomain).
absl::string_view ErrorDomain();

// The error domain of the service called `service`: "<service>.qpp.gov.cn".
std::string ErrorDomainOf(absl::string_view service);

// Payloads whose key starts with this prefix are error details: a
// serialized google.rpc message keyed by its type URL.
inline constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";

// One offending field of a request: `field` is a path such as
// "organization.uscc" or "organizations[3].district_code".
struct FieldViolation {
  std::string field;
  std::string description;
};

// Collects field violations while validating a request, then turns them into
// one INVALID_ARGUMENT status. The message names the first violations so a
// caller without detail support still learns what to fix.
class FieldErrors final {
 public:
  // Records that `field` is invalid, with a description of what to fix.
  void Add(std::string field, std::string description);
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // The invalid fields' paths, in the order they were added.
  std::vector<std::string> fields() const;
  // OK when empty; otherwise INVALID_ARGUMENT with a BadRequest detail and
  // ErrorInfo reason INVALID_FIELD.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
};

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(std::string field, std::string description);

// A status of `code` with google.rpc.ErrorInfo{reason, ErrorDomain()}
// attached.
// `reason` is UPPER_SNAKE_CASE and stable: clients switch on it.
absl::Status WithReason(absl::StatusCode code, absl::string_view reason,
                        absl::string_view message);

// Attaches google.rpc.RetryInfo with the given delay (e.g. for rate limits).
absl::Status WithRetryDelay(absl::Status status, int64_t delay_millis);

// The ErrorInfo reason of a status, or empty.
std::string ReasonOf(const absl::Status& status);

// The field violations carried by a status (empty if none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// NOT_FOUND (reason NOT_FOUND): "<resource_name> does not exist".
absl::Status NotFound(absl::string_view resource_name);

// ABORTED (reason ETAG_MISMATCH) for an update or delete whose etag is not
// the stored one; `what` names the resource ("the organisation").
absl::Status EtagMismatch(absl::string_view what);

// OK if `requested` is empty (no precondition) or equals `current`, the
// resource's etag; otherwise EtagMismatch(what).
absl::Status CheckEtag(absl::string_view requested, absl::string_view current,
                       absl::string_view what);

// ABORTED (reason CONCURRENT_UPDATE) when the stored version moved between
// reading and writing inside one transaction; the caller may retry.
absl::Status ConcurrentUpdate(absl::string_view what);

// FAILED_PRECONDITION with `reason` for a resource in a state that forbids
// the call: "<resource_name> is archived; undelete it first".
absl::Status Archived(absl::string_view reason,
                      absl::string_view resource_name);

// `status` unless it is ALREADY_EXISTS (as common/db reports a duplicate
// key); then ALREADY_EXISTS with `reason` and `message`, which say what
// exists in the caller's terms.
absl::Status OnAlreadyExists(absl::Status status, absl::string_view reason,
                             absl::string_view message);

// The HTTP status that google.rpc.Code maps to (google/rpc/code.proto).
int HttpStatusOf(absl::StatusCode code);

}  // namespace qpp::status

#define QPP_STATUS_CONCAT_INNER_(a, b) a##b
#define QPP_STATUS_CONCAT_(a, b) QPP_STATUS_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (an absl::Status) is not OK.
#define QPP_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::absl::Status qpp_status_ = (expr);       \
    if (!qpp_status_.ok()) return qpp_status_; \
  } while (false)

// `lhs = value of expr` (an absl::StatusOr<T>), or returns its error.
#define QPP_ASSIGN_OR_RETURN(lhs, expr)                                        \
  QPP_ASSIGN_OR_RETURN_IMPL_(QPP_STATUS_CONCAT_(qpp_statusor_, __LINE__), lhs, \
                             expr)
#define QPP_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                               \
  if (!var.ok()) return std::move(var).status();   \
  lhs = std::move(var).value()
