#pragma once

// The bridge from an incoming gRPC call to qpp::RequestContext, for the gRPC
// surface of a service (its *_service.cc); domain code never includes this.

#include <string>
#include <vector>

#include "common/context/request_context.h"
#include "grpcpp/server_context.h"

namespace qpp {

// Whose x-qpp-principal header a service believes.
struct PrincipalTrust {
  // False without mTLS (loopback development and tests, where only local
  // processes reach the port): the header is believed from any caller.
  // True with mTLS: only from the peers below.
  bool require_peer = false;
  // Certificate common names whose header is believed: the gateway, which
  // authenticated the end client.
  std::vector<std::string> trusted_peers = {"qpp-gateway"};
};

// The context of an incoming call:
//  - deadline: the call's deadline, absl::InfiniteFuture() when it has none;
//  - request id: the x-request-id metadata if it is valid (see
//    IsValidRequestId), else empty; the gateway sets one on every call;
//  - principal: the name in x-qpp-principal, empty when it is absent or
//    sent more than once, when `trust` requires a trusted peer and the
//    caller is not one: then the principal is the calling service itself,
//    "service:<certificate name>" (its own rights, not its caller's);
//  - role and district code: from x-qpp-role and x-qpp-district, only
//    where the principal header is believed (else empty: a service's own
//    rights are city-wide), each empty when absent, repeated or malformed.
// This is the one function that decides whether the header is believed.
RequestContext RequestContextFromServer(const grpc::ServerContextBase& call,
                                        const PrincipalTrust& trust = {});

// The certificate common name of the caller, "" without a client
// certificate.
std::string PeerNameOf(const grpc::ServerContextBase& call);

}  // namespace qpp
