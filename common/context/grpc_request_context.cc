#include "common/context/grpc_request_context.h"

#include <chrono>
#include <iterator>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "common/context/metadata.h"

namespace qpp {
namespace {

// The single value of metadata `key`; empty when absent or repeated, so
// that a second copy slipped in by a caller cannot override the first.
std::string SingleValue(const grpc::ServerContextBase& call, const char* key) {
  const auto& metadata = call.client_metadata();
  auto [first, last] = metadata.equal_range(key);
  if (first == last || std::next(first) != last) return std::string();
  return std::string(first->second.data(), first->second.size());
}

}  // namespace

RequestContext RequestContextFromServer(const grpc::ServerContextBase& call) {
  RequestContext context;
  // gRPC reports "no deadline" as the largest time_point.
  const auto deadline = call.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    context.set_deadline(absl::FromChrono(deadline));
  }
  std::string request_id = SingleValue(call, kRequestIdHeader);
  if (IsValidRequestId(request_id)) {
    context.set_request_id(std::move(request_id));
  }
  context.mutable_principal().name = SingleValue(call, kPrincipalHeader);
  return context;
}

}  // namespace qpp
