#include "common/context/grpc_request_context.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "common/context/metadata.h"
#include "grpc/grpc_security_constants.h"
#include "grpcpp/security/auth_context.h"

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

// Fills the principal from the headers of a caller whose word is believed:
// the name, and the role and district that the gateway set beside it.
void ReadBelievedPrincipal(const grpc::ServerContextBase& call,
                           Principal& principal) {
  principal.name = SingleValue(call, kPrincipalHeader);
  std::string role = SingleValue(call, kRoleHeader);
  if (IsValidRoleList(role)) principal.role = std::move(role);
  std::string district = SingleValue(call, kDistrictHeader);
  if (IsValidDistrictCode(district)) {
    principal.district_code = std::move(district);
  }
}

}  // namespace

std::string PeerNameOf(const grpc::ServerContextBase& call) {
  const std::shared_ptr<const grpc::AuthContext> auth = call.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) return std::string();
  for (const grpc::string_ref& cn :
       auth->FindPropertyValues(GRPC_X509_CN_PROPERTY_NAME)) {
    return std::string(cn.data(), cn.size());
  }
  return std::string();
}

RequestContext RequestContextFromServer(const grpc::ServerContextBase& call,
                                        const PrincipalTrust& trust) {
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
  if (!trust.require_peer) {
    ReadBelievedPrincipal(call, context.mutable_principal());
    return context;
  }
  const std::string peer = PeerNameOf(call);
  if (peer.empty()) return context;
  if (std::find(trust.trusted_peers.begin(), trust.trusted_peers.end(), peer) !=
      trust.trusted_peers.end()) {
    ReadBelievedPrincipal(call, context.mutable_principal());
  } else {
    context.mutable_principal().name = "service:" + peer;
  }
  return context;
}

}  // namespace qpp
