#pragma once

// The one place where absl::Status and grpc::Status meet. Only gRPC surfaces
// (service implementations, interceptors, clients of other services)
// include this header; every other layer uses status.h alone.

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace qpp::status {

// Converts for the gRPC surface: same code and message, the error details
// (payloads keyed by a google.rpc type URL, see status.h) as google.rpc.Status
// in the binary error details. Codes map one to one (both follow
// google.rpc.Code). OK maps to grpc::Status::OK.
grpc::Status ToGrpcStatus(const absl::Status& status);

// Converts a status received from another service, keeping its code, message
// and details (as payloads, so ReasonOf and FieldViolationsOf read them).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace qpp::status
